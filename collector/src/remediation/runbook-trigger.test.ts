import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../alerts/alert-events.js';
import { alertFixture as alert } from '../testing/alerts.js';
import { alertToRemediate } from './runbook-trigger.js';

describe('alertToRemediate', () => {
  it('fires on an opening outside maintenance, and not on one inside or suppressed', () => {
    expect(alertToRemediate({ type: 'alert.opened', alert: alert() })).not.toBeNull();
    expect(alertToRemediate({ type: 'alert.opened', alert: alert({ maintenanceWindowId: 'mw_1' }) })).toBeNull();
    expect(alertToRemediate({ type: 'alert.opened', alert: alert({ suppressedBy: 'alt_0' }) })).toBeNull();
  });

  it('fires when a maintenance window or an outage releases the alert still broken', () => {
    for (const from of ['maintenance', 'suppression'] as const) {
      expect(alertToRemediate({ type: 'alert.released', from, alert: alert() } as AlertEvent)?.id).toBe('alt_1');
    }
  });

  it('does not fire again on the release of an alert whose runbook already ran in this occurrence', () => {
    const ran = alert({
      remediation: { runbookRunId: 'rbr_1', runbookId: 'rbk_1', runbookName: 'Clean disk', state: 'escalated', outcome: 'verify failed', output: '', at: 5 },
    });
    expect(alertToRemediate({ type: 'alert.released', from: 'maintenance', alert: ran })).toBeNull();
    expect(alertToRemediate({ type: 'alert.released', from: 'suppression', alert: ran })).toBeNull();
  });

  it('does not fire again when flapping ends: flapping never held the runbook back', () => {
    expect(alertToRemediate({ type: 'alert.released', from: 'flapping', alert: alert() } as AlertEvent)).toBeNull();
  });

  it('never fires for a site alert, which has no agent to run on', () => {
    expect(alertToRemediate({ type: 'alert.opened', alert: alert({ agentId: '' }) })).toBeNull();
  });
});
