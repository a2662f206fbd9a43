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

describe('IngestQueue: the agents\' spool reports', () => {
  let temp: ReturnType<typeof openTempStore>;
  let queue: IngestQueue;

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a');
    queue = new IngestQueue(temp.store, new AlertService(temp.store, new AlertEvents(), silent), new CollectorMetrics(), silent, () => T0);
  });
  afterEach(() => temp.cleanup());

  const ingest = (seq: number, spool?: { dropped: number; depth: number }) => queue.enqueue({
    agent: agentCtx('agt_a'), receivedAt: T0 + seq, ack: () => {},
    frame: { type: 'frame', seq, ts: T0 + seq, samples: [{ metric: 'cpu.load1', value: 1 }], sources: [], ...(spool ? { spool } : {}) },
  });

  it('stores the latest report with the frames, from a resent frame too, and keeps it when a frame carries none', () => {
    expect(temp.store.agents.get('agt_a')!.spool).toBeNull();
    ingest(1, { dropped: 12, depth: 3 });
    ingest(2, { dropped: 12, depth: 2 });
    queue.drain();
    expect(temp.store.agents.get('agt_a')!.spool).toEqual({ dropped: 12, depth: 2 });
    expect(temp.store.telemetry.storedSeqs('agt_a')).toEqual([1, 2]);

    // A resend of a stored frame is not stored again, but what it says of the spool is current.
    ingest(2, { dropped: 10, depth: 1 });
    queue.drain();
    expect(temp.store.agents.get('agt_a')!.spool).toEqual({ dropped: 10, depth: 1 });

    ingest(3);
    queue.drain();
    expect(temp.store.agents.get('agt_a')!.spool).toEqual({ dropped: 10, depth: 1 });
  });
});
