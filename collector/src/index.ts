export { startCollector, databaseFile, type CollectorOptions, type RunningCollector } from './server.js';
export { Store } from './store/index.js';
