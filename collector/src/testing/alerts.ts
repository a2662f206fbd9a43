import { AlertSchema, type Alert } from '@vigil/shared';

/**
 * A public alert for tests of code that only reads alerts (triggers, filters, payloads): an open
 * P2 disk alert on agt_1 with nothing acknowledged, held or breached, overridden by `fields`.
 * Parsed, so a fixture that drifts from the schema fails loudly.
 */
export function alertFixture(fields: Partial<Alert> = {}): Alert {
  return AlertSchema.parse({
    id: 'alt_1', ruleId: 'rul_1', ruleName: 'Disk full', agentId: 'agt_1', hostname: 'web-1', tenantId: 'acme', siteId: 'hq',
    metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90, priority: 'P2', state: 'open', openValue: 93, value: 93,
    openedAt: 0, updatedAt: 0, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null,
    occurrences: 1, flapping: false, ackExpiresAt: null, maintenanceWindowId: null, respondBy: null, resolveBy: null,
    respondBreachedAt: null, resolveBreachedAt: null, escalationLevel: 1, escalatedAt: null, suppressedBy: null,
    ...fields,
  });
}
