export * from './canonical-json.js';
export * from './signing-keys.js';
export * from './script-manifest.js';
export * from './script-params.js';
export * from './trust.js';
export * from './script-verdict.js';
