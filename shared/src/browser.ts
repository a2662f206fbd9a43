/**
 * The part of @vigil/shared a browser can load (`@vigil/shared/browser`): the API's schemas and
 * types, the metric catalog and the section shapes, without the Node-only signing, trust and
 * identity code (node:crypto; the script library's schemas check key ids with it). The web console
 * imports values from here; types may come from either entry.
 */
export * from './duration.js';
export * from './labels.js';
export * from './metrics/catalog.js';
export * from './protocol/constants.js';
export * from './api/script.js';
export * from './api/rule.js';
export * from './api/alert.js';
export * from './api/job.js';
export * from './api/runbook.js';
export * from './api/errors.js';
export * from './api/agent.js';
export * from './api/fleet.js';
export * from './sections/smart.js';
export * from './sections/services.js';
export * from './sections/inventory.js';
export * from './sections/events.js';
export * from './sections/patches.js';
export * from './api/report.js';
export * from './api/sla.js';
export * from './api/notification.js';
export * from './api/maintenance.js';
export * from './api/access.js';
export * from './api/time-bound.js';
export * from './api/console-pages.js';
