/*
 * The metric names rules know, from the one catalog the collector and agents use. Imported from
 * its source module: the @vigil/shared index also carries the signing code (node:crypto), which a
 * browser bundle cannot take, while the catalog module depends on nothing.
 */
import type { EVENT_MATCH_METRIC } from '@vigil/shared';
export { METRIC_CATALOG, type CatalogMetric } from '../../../../../shared/src/metrics/catalog.js';

/** The collector's per-rule event-log count; the type keeps the literal in step with the API's constant. */
export const EVENT_MATCH: typeof EVENT_MATCH_METRIC = 'event.match';
