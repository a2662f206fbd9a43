import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '@vigil/shared';
import type { AlertEvent } from '../alerts/alert-events.js';
import { NEW_ALERT_LIFECYCLE } from '../store/index.js';
import { openRunbookHarness, T0, WEB, type RunbookHarness } from '../testing/runbook-harness.js';

const alert = (fields: Partial<Alert> = {}): Alert => ({
  id: 'alr_1', ruleId: 'rul_1', ruleName: 'CPU', agentId: WEB.agentId, hostname: 'web-1', tenantId: 'acme', siteId: 'hq',
  metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, priority: 'P2', state: 'open', openValue: 99, value: 99,
  openedAt: T0, updatedAt: T0, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null,
  suppressedBy: null, ...NEW_ALERT_LIFECYCLE, ...fields,
});

describe('remediation around maintenance windows (RunbookEngine.onAlertEvent)', () => {
  let h: RunbookHarness;
  let ruleId: string;
  const jobsFor = (alertId: string) => h.store.jobs.list({ alertId });
  const fire = (event: AlertEvent) => h.engine.onAlertEvent(event);

  beforeEach(() => {
    h = openRunbookHarness();
    h.script('scr_1', { manifest: { name: 'fix' } });
    h.runbook('rbk_1', [{ scriptId: 'scr_1' }]);
    ruleId = h.rule({ metric: 'cpu.usage_pct', runbookId: 'rbk_1' }).id;
    // Jobs and runs name their alert (a foreign key): the alert must be stored.
    h.store.alerts.insert({ ...alert({ ruleId }), seriesKey: `${ruleId}|${WEB.agentId}|{}` });
  });
  afterEach(() => h.cleanup());

  it('runs no runbook for an alert that opens inside a window, and runs it when the alert is released', () => {
    fire({ type: 'alert.opened', alert: alert({ ruleId, maintenanceWindowId: 'mnt_1' }) });
    expect(jobsFor('alr_1')).toEqual([]);
    expect(h.runs()).toEqual([]);
    fire({ type: 'alert.released', alert: alert({ ruleId }), from: 'maintenance' });
    expect(jobsFor('alr_1').map((j) => j.createdBy)).toEqual(['runbook:rbk_1']);
    expect(h.runs().map((r) => r.state)).toEqual(['running']);
  });

  it('still runs it for an alert that opens outside any window', () => {
    fire({ type: 'alert.opened', alert: alert({ ruleId }) });
    expect(jobsFor('alr_1')).toHaveLength(1);
  });

  it('does not run it for a released alert whose agent is offline (suppressed)', () => {
    fire({ type: 'alert.released', alert: alert({ ruleId, suppressedBy: 'alr_offline' }), from: 'maintenance' });
    expect(jobsFor('alr_1')).toEqual([]);
    expect(h.runs()).toEqual([]);
  });
});
