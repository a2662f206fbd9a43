import { describe, expect, it } from 'vitest';
import { RuleInputSchema } from '../api/rule.js';
import { METRIC_CATALOG, isCatalogMetric } from './catalog.js';

describe('metric catalog', () => {
  it('lists the collector-computed patch ages in days, and rules on them validate', () => {
    for (const metric of ['patch.security_pending_days', 'patch.reboot_pending_days']) {
      expect(isCatalogMetric(metric)).toBe(true);
      expect(METRIC_CATALOG[metric as keyof typeof METRIC_CATALOG].unit).toBe('days');
      expect(RuleInputSchema.safeParse({ name: 'Patch compliance', metric, op: '>', threshold: 14, clearThreshold: null }).success).toBe(true);
    }
  });
});
