import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Frame, RuleInput } from '@vigil/shared';
import { AlertEvents } from '../alerts/alert-events.js';
import { AlertService, type EvaluatedAgent } from '../alerts/alert-service.js';
import { CollectorMetrics } from '../metrics/collector-metrics.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { IngestQueue } from './ingest-queue.js';

const silent = pino({ level: 'silent' });
const DAY = 86_400_000;
const T0 = 1_700_000_000_000;
const agentCtx = (agentId: string): EvaluatedAgent => ({ agentId, tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: `${agentId}-host` });
const securityFrame = (seq: number, ts: number, pending: number): Frame => ({
  type: 'frame', seq, ts, samples: [{ metric: 'patch.security_pending', value: pending }], sources: [{ source: 'patches', status: 'ok' }],
});
const overdue: RuleInput = {
  name: 'Security patches overdue', metric: 'patch.security_pending_days', labels: {}, op: '>', threshold: 14, clearThreshold: null, forSamples: 1,
  priority: 'P3', scope: { tenant: 'acme' }, runbookId: null, enabled: true,
};

describe('IngestQueue: patch compliance through derived ages', () => {
  let temp: ReturnType<typeof openTempStore>;
  let service: AlertService;
  let queue: IngestQueue;

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_late');
    seedAgent(temp.store, 'agt_recent');
    service = new AlertService(temp.store, new AlertEvents(), silent);
    queue = new IngestQueue(temp.store, service, new CollectorMetrics(), silent, () => T0 + 30 * DAY);
  });
  afterEach(() => temp.cleanup());

  const ingest = (agentId: string, frame: Frame) => queue.enqueue({ agent: agentCtx(agentId), frame, receivedAt: frame.ts, ack: () => {} });

  it('opens `patch.security_pending_days > 14` for patches pending 15 days, not 13, and resolves once they are installed', () => {
    service.createRule(overdue, 1);
    ingest('agt_late', securityFrame(1, T0, 3));
    ingest('agt_recent', securityFrame(1, T0 + 2 * DAY, 1));
    queue.drain();
    expect(temp.store.alerts.list()).toEqual([]);
    // Both still pending 15 days after agt_late's first report: 15 days for it, 13 for agt_recent.
    ingest('agt_late', securityFrame(2, T0 + 15 * DAY, 2));
    ingest('agt_recent', securityFrame(2, T0 + 15 * DAY, 1));
    queue.drain();
    const open = temp.store.alerts.list();
    expect(open.map((a) => [a.agentId, a.metric, a.state, a.value])).toEqual([['agt_late', 'patch.security_pending_days', 'open', 15]]);
    // Installed: the mark clears, the age drops to 0, the alert resolves on its own.
    ingest('agt_late', securityFrame(3, T0 + 16 * DAY, 0));
    queue.drain();
    expect(temp.store.alerts.get(open[0]!.id)).toMatchObject({ state: 'resolved', value: 0 });
  });
});
