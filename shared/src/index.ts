/**
 * Everything @vigil/shared offers to Node: what a browser can load too (browser.ts), plus the
 * protocol's messages, enrollment and agent identity, the script library and signing (node:crypto).
 */
export * from './browser.js';
export * from './protocol/messages.js';
export * from './protocol/enrollment.js';
export * from './protocol/identity.js';
export * from './api/script-library.js';
export * from './agent/state-files.js';
export * from './util/deadline-signal.js';
export * from './signing/index.js';
