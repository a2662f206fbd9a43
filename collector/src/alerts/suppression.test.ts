import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, RuleInput, Sample } from '@vigil/shared';
import { ConnectionRegistry } from '../gateway/connection-registry.js';
import { AuditLog } from '../audit/audit-log.js';
import { JobEvents } from '../remediation/job-events.js';
import { JobService } from '../remediation/job-service.js';
import { RunbookEngine } from '../remediation/runbook-engine.js';
import { runbookJobsOf } from '../remediation/runbook-jobs.js';
import { OFFLINE_RULE_ID } from '../rules/index.js';
import { openAlertHarness, silentLog } from '../testing/alert-harness.js';
import { seedScript } from '../testing/scripts.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { AlertEvents, type AlertEvent } from './alert-events.js';
import { AlertService, type EvaluatedAgent } from './alert-service.js';

const silent = silentLog;
const web: EvaluatedAgent = { agentId: 'agt_web', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'web-1' };
const db: EvaluatedAgent = { ...web, agentId: 'agt_db', hostname: 'db-1' };
const diskRule: RuleInput = {
  name: 'Disk full', metric: 'disk.used_pct', labels: {}, op: '>', threshold: 90, clearThreshold: null, forSamples: 1,
  priority: 'P3', scope: {}, runbookId: null, enabled: true,
};
const disk = (value: number, mount = '/'): Sample => ({ metric: 'disk.used_pct', value, labels: { mount } });

describe('dependency suppression by the agent offline alert', () => {
  let temp: ReturnType<typeof openTempStore>;
  let events: AlertEvents;
  let seen: AlertEvent[];
  let service: AlertService;

  beforeEach(() => {
    ({ temp, events, seen, service } = openAlertHarness([web, db]));
  });
  afterEach(() => temp.cleanup());

  const opened = (metric: string, agentId = web.agentId): Alert => {
    const found = seen.find((e) => e.type === 'alert.opened' && e.alert.metric === metric && e.alert.agentId === agentId);
    if (!found) throw new Error(`no ${metric} alert opened for ${agentId}`);
    return found.alert;
  };
  const updates = () => seen.filter((e) => e.type === 'alert.updated').map((e) => [e.alert.id, e.alert.suppressedBy]);

  it('opens the built-in offline alert, suppresses the agent\'s other alerts, and lifts it when the agent is back', () => {
    service.createRule(diskRule, 1);
    service.evaluate([{ agent: web, samples: [disk(95), disk(96, '/data')] }, { agent: db, samples: [disk(97)] }], 10);
    const [root, data] = seen.filter((e) => e.alert.agentId === web.agentId).map((e) => e.alert);
    expect(root!.suppressedBy).toBeNull();
    seen.length = 0;

    service.evaluatePresence(web, false, 20);
    const offline = opened('agent.online');
    expect(offline).toMatchObject({ ruleId: OFFLINE_RULE_ID, ruleName: 'Agent offline', priority: 'P2', openValue: 0, openedAt: 20, suppressedBy: null, hostname: 'web-1' });
    // The offline alert is announced before the alerts it suppresses; the other agent is untouched.
    expect(seen.map((e) => e.type)).toEqual(['alert.opened', 'alert.updated', 'alert.updated']);
    expect(updates().sort()).toEqual([[root!.id, offline.id], [data!.id, offline.id]].sort());
    expect(temp.store.alerts.list({ agentId: db.agentId })[0]!.suppressedBy).toBeNull();
    expect(temp.store.alerts.get(root!.id)).toMatchObject({ suppressedBy: offline.id, state: 'open', updatedAt: 20 });
    seen.length = 0;

    service.evaluatePresence(web, true, 30);
    expect(seen[0]).toMatchObject({ type: 'alert.resolved', alert: { id: offline.id, resolvedBy: 'auto', resolvedAt: 30, value: 1 } });
    expect(updates().sort()).toEqual([[root!.id, null], [data!.id, null]].sort());
    expect(temp.store.alerts.list({ state: 'active', agentId: web.agentId }).map((a) => a.suppressedBy)).toEqual([null, null]);
  });

  it('opens alerts of an offline agent suppressed, and does not run their runbook', () => {
    seedScript(temp.store, 'scr_1', { manifest: { name: 'Clean' } });
    temp.store.runbooks.insert({
      id: 'rbk_1', name: 'Clean', tenantId: null, steps: [{ scriptId: 'scr_1', params: {}, timeout: '5m', onFailure: 'stop' }], verify: { within: '2m' },
      args: null, maxRunsPerAlertPerHour: 1, maxRunsPerAgentPerHour: 3, requiresApproval: false, createdAt: 1,
    });
    const jobEvents = new JobEvents(() => {});
    const jobs = new JobService({ store: temp.store, registry: new ConnectionRegistry(), events: jobEvents, log: silent, now: () => 50 });
    const engine = new RunbookEngine({
      store: temp.store, alerts: service, alertEvents: events, jobEvents, jobs: runbookJobsOf(jobs, temp.store), escalateNow: () => null,
      audit: new AuditLog(temp.store, () => 50), log: silent, now: () => 50,
    }, { tickMs: 3_600_000 });
    engine.start();
    try {
      service.createRule({ ...diskRule, runbookId: 'rbk_1' }, 1);

      service.evaluatePresence(web, false, 10);
      service.evaluate([{ agent: web, samples: [disk(95)] }], 20);
      expect(opened('disk.used_pct').suppressedBy).toBe(opened('agent.online').id);
      expect(temp.store.jobs.list()).toEqual([]);
      expect(temp.store.runbookRuns.list()).toEqual([]);

      // The same rule on an agent that is online runs its runbook as usual.
      service.evaluate([{ agent: db, samples: [disk(95)] }], 30);
      expect(temp.store.jobs.list().map((j) => j.alertId)).toEqual([opened('disk.used_pct', db.agentId).id]);

      // Back online with the disk still full: released, the alert counts as fired now, runbook and all.
      service.evaluatePresence(web, true, 40);
      expect(seen.at(-1)).toMatchObject({ type: 'alert.released', from: 'suppression', alert: { id: opened('disk.used_pct').id, suppressedBy: null } });
      expect(temp.store.jobs.list().map((j) => j.alertId).sort()).toEqual([opened('disk.used_pct', db.agentId).id, opened('disk.used_pct').id].sort());
    } finally {
      engine.stop();
    }
  });

  it('does not auto-resolve a suppressed alert; the first sample after the agent is back decides', () => {
    service.createRule(diskRule, 1);
    service.evaluate([{ agent: web, samples: [disk(95)] }], 10);
    const alert = opened('disk.used_pct');
    service.evaluatePresence(web, false, 20);
    service.evaluate([{ agent: web, samples: [disk(50)] }], 30);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ state: 'open', value: 50 });
    expect(seen.some((e) => e.type === 'alert.resolved' && e.alert.id === alert.id)).toBe(false);

    service.evaluatePresence(web, true, 40);
    service.evaluate([{ agent: web, samples: [disk(50)] }], 50);
    expect(temp.store.alerts.get(alert.id)).toMatchObject({ state: 'resolved', resolvedBy: 'auto', resolvedAt: 50, suppressedBy: null });
  });

  it('lifts suppression when the offline alert is resolved by hand or its rule is disabled', () => {
    service.createRule(diskRule, 1);
    service.evaluate([{ agent: web, samples: [disk(95)] }, { agent: db, samples: [disk(95)] }], 10);
    service.evaluatePresence(web, false, 20);
    service.evaluatePresence(db, false, 20);
    const webDisk = opened('disk.used_pct').id;
    const dbDisk = opened('disk.used_pct', db.agentId).id;

    service.resolveByHand(opened('agent.online').id, 'alice', 'known outage', 30);
    expect(temp.store.alerts.get(webDisk)!.suppressedBy).toBeNull();
    expect(temp.store.alerts.get(dbDisk)!.suppressedBy).toBe(opened('agent.online', db.agentId).id);
    expect(seen.slice(-2)).toMatchObject([
      { type: 'alert.updated', alert: { id: webDisk, suppressedBy: null } },
      { type: 'alert.released', from: 'suppression', alert: { id: webDisk, suppressedBy: null, state: 'open' } },
    ]);

    service.patchRule(OFFLINE_RULE_ID, { enabled: false }, 40);
    expect(temp.store.alerts.get(dbDisk)!.suppressedBy).toBeNull();
    // Disabled, the rule raises nothing when the next agent goes offline.
    service.evaluatePresence(web, true, 50);
    service.evaluatePresence(web, false, 60);
    expect(temp.store.alerts.list({ state: 'active' }).filter((a) => a.metric === 'agent.online')).toEqual([]);
  });

  it('keeps suppression across a collector restart', () => {
    service.createRule(diskRule, 1);
    service.evaluate([{ agent: web, samples: [disk(95)] }], 10);
    service.evaluatePresence(web, false, 20);
    const offlineId = opened('agent.online').id;
    seen.length = 0;

    const restarted = new AlertService(temp.reopen(), events, silent);
    restarted.evaluate([{ agent: web, samples: [disk(96, '/data'), disk(40)] }], 30);
    expect(opened('disk.used_pct').suppressedBy).toBe(offlineId);
    restarted.evaluatePresence(web, true, 40);
    expect(seen.filter((e) => e.type === 'alert.resolved').map((e) => e.alert.id)).toEqual([offlineId]);
    expect(temp.store.alerts.list({ state: 'active' }).map((a) => [a.labels.mount, a.suppressedBy])).toEqual([['/data', null], ['/', null]]);
  });

  it('hands suppression over to a second offline rule still open, and never suppresses agent.online alerts', () => {
    const mine = service.createRule({ ...diskRule, name: 'Server down', metric: 'agent.online', op: '==', threshold: 0, priority: 'P1', scope: { tags: ['server'] } }, 1);
    service.createRule(diskRule, 1);
    service.evaluate([{ agent: web, samples: [disk(95)] }], 10);
    service.evaluatePresence(web, false, 20);
    const builtIn = seen.find((e) => e.alert.ruleId === OFFLINE_RULE_ID)!.alert;
    const own = seen.find((e) => e.alert.ruleId === mine.id)!.alert;
    expect(own.suppressedBy).toBeNull();
    const diskId = opened('disk.used_pct').id;
    expect(temp.store.alerts.get(diskId)!.suppressedBy).toBe(builtIn.id);

    service.resolveByHand(builtIn.id, 'alice', null, 30);
    expect(temp.store.alerts.get(diskId)!.suppressedBy).toBe(own.id);
    service.evaluatePresence(web, true, 40);
    expect(temp.store.alerts.get(own.id)!.state).toBe('resolved');
    expect(temp.store.alerts.get(diskId)!.suppressedBy).toBeNull();
  });

  it('leaves no suppression behind when the offline alert is not stored, and opens it at the next try', () => {
    service.createRule(diskRule, 1);
    service.evaluate([{ agent: web, samples: [disk(95)] }], 10);
    const root = opened('disk.used_pct').id;
    seen.length = 0;
    const suppressAgent = temp.store.alerts.suppressAgent.bind(temp.store.alerts);
    temp.store.alerts.suppressAgent = () => { throw new Error('disk I/O error'); };
    expect(() => service.evaluatePresence(web, false, 20)).toThrow('disk I/O error');
    expect(seen).toEqual([]);
    expect(temp.store.alerts.list({ state: 'active' }).map((a) => [a.id, a.suppressedBy])).toEqual([[root, null]]);

    // Nothing in memory says the agent is offline: a new alert of it is not suppressed by an
    // alert that does not exist.
    service.evaluate([{ agent: web, samples: [disk(96, '/data')] }], 30);
    expect(opened('disk.used_pct').suppressedBy).toBeNull();

    temp.store.alerts.suppressAgent = suppressAgent;
    service.evaluatePresence(web, false, 40);
    const offline = opened('agent.online');
    expect(offline.openedAt).toBe(40);
    expect(temp.store.alerts.list({ state: 'active', agentId: web.agentId }).filter((a) => a.metric !== 'agent.online').map((a) => a.suppressedBy))
      .toEqual([offline.id, offline.id]);
  });

  it('keeps the suppression when the offline alert\'s resolution is not stored, and lifts it at the next try', () => {
    service.createRule(diskRule, 1);
    service.evaluate([{ agent: web, samples: [disk(95)] }], 10);
    service.evaluatePresence(web, false, 20);
    const offline = opened('agent.online');
    seen.length = 0;
    const moveSuppression = temp.store.alerts.moveSuppression.bind(temp.store.alerts);
    temp.store.alerts.moveSuppression = () => { throw new Error('disk I/O error'); };
    expect(() => service.evaluatePresence(web, true, 30)).toThrow('disk I/O error');
    expect(seen).toEqual([]);
    expect(temp.store.alerts.get(offline.id)!.state).toBe('open');

    // Still offline as far as alerts go: new alerts of the agent are suppressed like the others.
    service.evaluate([{ agent: web, samples: [disk(96, '/data')] }], 35);
    expect(opened('disk.used_pct').suppressedBy).toBe(offline.id);

    temp.store.alerts.moveSuppression = moveSuppression;
    service.evaluatePresence(web, true, 40);
    expect(temp.store.alerts.get(offline.id)).toMatchObject({ state: 'resolved', resolvedAt: 40 });
    expect(temp.store.alerts.list({ state: 'active' }).map((a) => a.suppressedBy)).toEqual([null, null]);
  });

  it('ignores agent.online in what an agent reports: only the collector computes it', () => {
    service.evaluate([{ agent: web, samples: [{ metric: 'agent.online', value: 0, labels: {} }] }], 10);
    expect(seen).toEqual([]);
  });

  it('refuses rules on agent.online that could never fire', () => {
    const online = { ...diskRule, metric: 'agent.online', op: '<' as const, threshold: 1 };
    expect(() => service.createRule({ ...online, forSamples: 3 }, 1)).toThrow(/forSamples must be 1/);
    expect(() => service.createRule({ ...online, labels: { mount: '/' } }, 1)).toThrow(/carries no labels/);
    expect(() => service.patchRule(OFFLINE_RULE_ID, { forSamples: 2 }, 2)).toThrow(/forSamples must be 1/);
    expect(service.patchRule(OFFLINE_RULE_ID, { priority: 'P1', scope: { tenant: 'acme' } }, 3)).toMatchObject({ priority: 'P1', scope: { tenant: 'acme' } });
  });
});
