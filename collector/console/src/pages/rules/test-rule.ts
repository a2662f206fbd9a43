import type { Rule } from '@vigil/shared';

/** A stored rule as the API answers it, for the unit tests of this folder. */
export const storedRule = (fields: Partial<Rule> = {}): Rule => ({
  id: 'rul_1', name: 'Root disk full', metric: 'disk.used_pct', labels: { mount: '/' }, op: '>', threshold: 90, clearThreshold: 85,
  forSamples: 3, priority: 'P2', scope: { tenant: 'acme', tags: ['server'] }, runbookId: null, enabled: true,
  for: null, holdFor: null, reopenWithin: null, flapHighThreshold: null, flapLowThreshold: null, exclude: null, overrides: null,
  aggregate: null, window: null, events: null, createdAt: 1, updatedAt: 1, ...fields,
});
