import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '@vigil/shared';
import type { AlertEvent } from '../alerts/alert-events.js';
import { ConnectionRegistry } from '../gateway/connection-registry.js';
import { JobService } from '../remediation/job-service.js';
import { NEW_ALERT_LIFECYCLE } from '../store/index.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';

const T0 = Date.UTC(2025, 5, 1, 10);
const alert = (fields: Partial<Alert> = {}): Alert => ({
  id: 'alr_1', ruleId: 'rul_1', ruleName: 'CPU', agentId: 'agt_a', hostname: 'web-1', tenantId: 'acme', siteId: 'hq',
  metric: 'cpu.usage_pct', labels: {}, op: '>', threshold: 90, priority: 'P2', state: 'open', openValue: 99, value: 99,
  openedAt: T0, updatedAt: T0, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, comment: null,
  suppressedBy: null, ...NEW_ALERT_LIFECYCLE, ...fields,
});

describe('remediation around maintenance windows (JobService.onAlertEvent)', () => {
  let temp: ReturnType<typeof openTempStore>;
  let jobs: JobService;
  const runbookOf = () => 'rbk_1';
  const jobsFor = (alertId: string) => temp.store.jobs.list({ alertId });

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a');
    temp.store.scripts.insert({ id: 'scr_1', name: 'fix', shell: 'sh', body: 'true', args: [], env: {}, timeoutSec: 10, os: ['linux'], tenantId: null, createdAt: T0 });
    temp.store.scripts.insertRunbook({ id: 'rbk_1', name: 'fix', scriptId: 'scr_1', tenantId: null, createdAt: T0 });
    // Jobs name their alert (a foreign key): the alert must be stored.
    temp.store.alerts.insert({ ...alert(), seriesKey: 'rul_1|agt_a|{}' });
    jobs = new JobService(temp.store, new ConnectionRegistry(), pino({ level: 'silent' }), () => T0);
  });
  afterEach(() => temp.cleanup());

  it('runs no runbook for an alert that opens inside a window, and runs it when the alert is released', () => {
    jobs.onAlertEvent({ type: 'alert.opened', alert: alert({ maintenanceWindowId: 'mnt_1' }) }, runbookOf);
    expect(jobsFor('alr_1')).toEqual([]);
    jobs.onAlertEvent({ type: 'alert.released', alert: alert(), from: 'maintenance' }, runbookOf);
    expect(jobsFor('alr_1').map((j) => j.createdBy)).toEqual(['runbook:rbk_1']);
  });

  it('still runs it for an alert that opens outside any window', () => {
    jobs.onAlertEvent({ type: 'alert.opened', alert: alert() }, runbookOf);
    expect(jobsFor('alr_1')).toHaveLength(1);
  });

  it('does not run it for a released alert whose agent is offline (suppressed)', () => {
    const released: AlertEvent = { type: 'alert.released', alert: alert({ suppressedBy: 'alr_offline' }), from: 'maintenance' };
    jobs.onAlertEvent(released, runbookOf);
    expect(jobsFor('alr_1')).toEqual([]);
  });
});
