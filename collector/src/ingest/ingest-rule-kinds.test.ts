/**
 * Reboot-pending, service-down and disk-health rules from stored frames to stored alerts: the
 * reboot age comes from the mark the store keeps across frames, the labels from the samples.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Frame, RuleInput, Sample } from '@vigil/shared';
import { AlertEvents } from '../alerts/alert-events.js';
import { AlertService, type EvaluatedAgent } from '../alerts/alert-service.js';
import { CollectorMetrics } from '../metrics/collector-metrics.js';
import { openTempStore, seedAgent } from '../testing/temp-store.js';
import { IngestQueue } from './ingest-queue.js';

const silent = pino({ level: 'silent' });
const DAY = 86_400_000;
const T0 = 1_700_000_000_000;
const AGENT: EvaluatedAgent = { agentId: 'agt_a', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux', hostname: 'agt_a-host' };

const rule = (fields: Pick<RuleInput, 'name' | 'metric' | 'op' | 'threshold'>): RuleInput => ({
  labels: {}, clearThreshold: null, forSamples: 1, priority: 'P2', scope: { tenant: 'acme' }, runbookId: null, enabled: true, ...fields,
});

describe('IngestQueue: rule kinds on stored frames', () => {
  let temp: ReturnType<typeof openTempStore>;
  let service: AlertService;
  let queue: IngestQueue;
  let seq: number;

  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, AGENT.agentId);
    service = new AlertService(temp.store, new AlertEvents(), silent);
    queue = new IngestQueue(temp.store, service, new CollectorMetrics(), silent, () => T0 + 30 * DAY);
    seq = 0;
  });
  afterEach(() => temp.cleanup());

  const ingest = (ts: number, samples: Sample[]): void => {
    const frame: Frame = { type: 'frame', seq: ++seq, ts, samples, sources: [] };
    queue.enqueue({ agent: AGENT, frame, receivedAt: ts, ack: () => {} });
    queue.drain();
  };
  const alerts = () => temp.store.alerts.list().map((a) => [a.metric, a.labels, a.state, a.value]);

  it('opens `patch.reboot_pending_days >= 7` on the frame 7 days after the reboot was first required, not on the one a minute earlier', () => {
    service.createRule(rule({ name: 'Reboot pending a week', metric: 'patch.reboot_pending_days', op: '>=', threshold: 7 }), 1);
    const required = (ts: number, value = 1) => ingest(ts, [{ metric: 'patch.reboot_required', value }]);
    required(T0);
    required(T0 + 3 * DAY);
    required(T0 + 7 * DAY - 60_000);
    expect(alerts()).toEqual([]);
    required(T0 + 7 * DAY);
    expect(alerts()).toEqual([['patch.reboot_pending_days', {}, 'open', 7]]);
    // Rebooted: the mark clears and the alert resolves; a new requirement starts the count again.
    required(T0 + 8 * DAY, 0);
    required(T0 + 9 * DAY);
    required(T0 + 15 * DAY);
    expect(alerts()).toEqual([['patch.reboot_pending_days', {}, 'resolved', 0]]);
  });

  it('opens `service.up == 0` and `disk.health_ok == 0` per service and per device, labelled, and resolves each on its own', () => {
    service.createRule(rule({ name: 'Service down', metric: 'service.up', op: '==', threshold: 0 }), 1);
    service.createRule(rule({ name: 'Disk failing', metric: 'disk.health_ok', op: '==', threshold: 0 }), 1);
    const state = (sshd: number, nginx: number, sda: number, sdb: number): Sample[] => [
      { metric: 'service.up', value: sshd, labels: { service: 'sshd' } },
      { metric: 'service.up', value: nginx, labels: { service: 'nginx' } },
      { metric: 'disk.health_ok', value: sda, labels: { device: '/dev/sda' } },
      { metric: 'disk.health_ok', value: sdb, labels: { device: '/dev/sdb' } },
    ];
    ingest(T0, state(1, 1, 1, 1));
    expect(alerts()).toEqual([]);
    ingest(T0 + 60_000, state(1, 0, 1, 0));
    const open = temp.store.alerts.list();
    expect(open.map((a) => [a.metric, a.labels, a.state])).toEqual(
      expect.arrayContaining([['service.up', { service: 'nginx' }, 'open'], ['disk.health_ok', { device: '/dev/sdb' }, 'open']]),
    );
    expect(open).toHaveLength(2);
    ingest(T0 + 120_000, state(1, 1, 1, 0));
    const byMetric = Object.fromEntries(temp.store.alerts.list().map((a) => [a.metric, a.state]));
    expect(byMetric).toEqual({ 'service.up': 'resolved', 'disk.health_ok': 'open' });
  });
});
