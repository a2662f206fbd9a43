import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEntry, Frame, RuleInput } from '@vigil/shared';
import { AlertEvents } from '../alerts/alert-events.js';
import { AlertService, type EvaluatedAgent } from '../alerts/alert-service.js';
import { CollectorMetrics } from '../metrics/collector-metrics.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { IngestQueue } from './ingest-queue.js';

const silent = pino({ level: 'silent' });
const MIN = 60_000;
const T0 = 1_700_000_000_000;
const agentCtx = (agentId: string): EvaluatedAgent => ({ agentId, tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: `${agentId}-host` });
let nextId = 0;
const diskError = (ts: number, over: Partial<EventEntry> = {}): EventEntry => ({
  id: `e${nextId++}`, log: 'journal', level: 'error', ts, source: 'kernel', message: 'I/O error, dev sda, sector 42', ...over,
});
const frame = (seq: number, ts: number, entries: EventEntry[] = [], samples: Frame['samples'] = []): Frame => ({
  type: 'frame', seq, ts, samples, sources: [], sections: { events: { entries, cut: 0 } },
});
const diskErrors: RuleInput = {
  name: 'Disk I/O errors', metric: 'event.match', labels: {}, op: '>=', threshold: 3, clearThreshold: null, forSamples: 1,
  priority: 'P2', scope: {}, runbookId: null, enabled: true,
  events: { log: 'journal', level: 'error', message: 'I/O error, dev \\w+', window: '10m' },
};

describe('IngestQueue: event-log match rules', () => {
  let temp: ReturnType<typeof openTempStore>;
  let service: AlertService;
  let queue: IngestQueue;

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a');
    seedAgent(temp.store, 'agt_b');
    service = new AlertService(temp.store, new AlertEvents(), silent);
    queue = new IngestQueue(temp.store, service, new CollectorMetrics(), silent, () => T0);
  });
  afterEach(() => temp.cleanup());

  const ingest = (agentId: string, f: Frame) => {
    queue.enqueue({ agent: agentCtx(agentId), frame: f, receivedAt: f.ts, ack: () => {} });
    queue.drain();
  };
  const alerts = () => temp.store.alerts.list().map((a) => [a.agentId, a.ruleId, a.state, a.value]);

  it('opens after N matching entries within the window and resolves once they age out', () => {
    const rule = service.createRule(diskErrors, 1);
    // Two matches, one warning and one of another log: 2, below 3.
    ingest('agt_a', frame(1, T0, [diskError(T0 - MIN), diskError(T0), diskError(T0, { level: 'warning' }), diskError(T0, { log: 'System' })]));
    expect(alerts()).toEqual([]);
    // A duplicate frame is stored once and not counted again.
    ingest('agt_a', frame(1, T0, [diskError(T0 - MIN), diskError(T0)]));
    expect(alerts()).toEqual([]);
    ingest('agt_a', frame(2, T0 + MIN, [diskError(T0 + MIN)]));
    expect(alerts()).toEqual([['agt_a', rule.id, 'open', 3]]);
    // Frames without entries still count: the first match (at T0 - 1m) ages out exactly 10 minutes after it.
    ingest('agt_a', frame(3, T0 + 9 * MIN - 1));
    expect(alerts()).toEqual([['agt_a', rule.id, 'open', 3]]);
    ingest('agt_a', frame(4, T0 + 9 * MIN));
    expect(alerts()).toEqual([['agt_a', rule.id, 'resolved', 2]]);
  });

  it('counts per agent and leaves agents out of scope alone', () => {
    service.createRule({ ...diskErrors, threshold: 1, exclude: { agents: ['agt_b'] } }, 1);
    ingest('agt_b', frame(1, T0, [diskError(T0)]));
    expect(alerts()).toEqual([]);
    ingest('agt_a', frame(1, T0, [diskError(T0)]));
    expect(alerts().map((a) => a[0])).toEqual(['agt_a']);
  });

  it('evaluates each event rule against its own count only, never one an agent reports', () => {
    const disk = service.createRule({ ...diskErrors, threshold: 1 }, 1);
    const other = service.createRule({ ...diskErrors, name: 'Nothing yet', threshold: 1, events: { source: 'smartd', window: '10m' } }, 1);
    ingest('agt_a', frame(1, T0, [diskError(T0)], [{ metric: 'event.match', value: 99, labels: { rule: other.id } }]));
    expect(alerts()).toEqual([['agt_a', disk.id, 'open', 1]]);
  });
});
