/**
 * The rule kinds the console offers beyond plain thresholds, as the engine evaluates them: each is
 * an ordinary rule on a catalog metric, so these pin down that the ordinary machinery gives each
 * kind its meaning (one alert per service or device, an age threshold met to the millisecond).
 */
import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG, RuleSchema, type Rule, type Sample } from '@vigil/shared';
import { REBOOT_PENDING_DAYS_METRIC, evaluatedSamples } from '../ingest/patch-age.js';
import { evaluateSamples } from './evaluate.js';
import { indexRules } from './index-rules.js';
import { seriesKey } from './series-key.js';
import type { AgentContext, EngineState, Transition } from './types.js';

const NOW = 1_700_000_000_000;
const DAY = 86_400_000;

const agent: AgentContext = { agentId: 'a1', tenantId: 'acme', siteId: 'hq', tags: ['server'], os: 'linux' };

function makeRule(fields: Partial<Rule> & Pick<Rule, 'metric' | 'op' | 'threshold'>): Rule {
  return RuleSchema.parse({
    id: 'r1', name: 'Rule', labels: {}, clearThreshold: null, forSamples: 1, priority: 'P2', scope: {},
    runbookId: null, enabled: true, createdAt: 0, updatedAt: 0, ...fields,
  });
}

/** One frame through the engine: what changed, as [kind, labels]. */
function frame(state: EngineState, rule: Rule, samples: Sample[], at: number): Array<[Transition['kind'], Transition['labels']]> {
  return evaluateSamples(state, indexRules([rule]), agent, samples, at).map((t) => [t.kind, t.labels]);
}

describe('service down: service.up == 0', () => {
  const rule = makeRule({ name: 'Service down', metric: 'service.up', op: '==', threshold: 0 });
  const services = (sshd: number, nginx: number): Sample[] => [
    { metric: 'service.up', value: sshd, labels: { service: 'sshd' } },
    { metric: 'service.up', value: nginx, labels: { service: 'nginx' } },
  ];

  it('is a catalog metric labelled by service', () => {
    expect(METRIC_CATALOG['service.up'].labels).toEqual(['service']);
  });

  it('opens one alert for the service that stopped, labelled with its name, and clears it when the service runs again', () => {
    const state: EngineState = new Map();
    expect(frame(state, rule, services(1, 1), NOW)).toEqual([]);
    expect(frame(state, rule, services(1, 0), NOW + 1)).toEqual([['open', { service: 'nginx' }]]);
    expect(frame(state, rule, services(1, 0), NOW + 2)).toEqual([['update', { service: 'nginx' }]]);
    // sshd stops too: a second alert of its own, nginx's is only updated.
    expect(frame(state, rule, services(0, 0), NOW + 3)).toEqual([['open', { service: 'sshd' }], ['update', { service: 'nginx' }]]);
    expect(frame(state, rule, services(0, 1), NOW + 4)).toEqual([['update', { service: 'sshd' }], ['resolve', { service: 'nginx' }]]);
    expect([...state].filter(([, s]) => s.open).map(([key]) => key)).toEqual([seriesKey('r1', 'a1', { service: 'sshd' })]);
  });

  it('watches only the named service when the rule selects one', () => {
    const nginxOnly = makeRule({ metric: 'service.up', op: '==', threshold: 0, labels: { service: 'nginx' } });
    const state: EngineState = new Map();
    expect(frame(state, nginxOnly, services(0, 1), NOW)).toEqual([]);
    expect(frame(state, nginxOnly, services(0, 0), NOW + 1)).toEqual([['open', { service: 'nginx' }]]);
  });
});

describe('disk health: disk.health_ok == 0', () => {
  const rule = makeRule({ name: 'Disk failing', metric: 'disk.health_ok', op: '==', threshold: 0, priority: 'P1' });
  const disks = (sda: number, nvme: number): Sample[] => [
    { metric: 'disk.health_ok', value: sda, labels: { device: '/dev/sda' } },
    { metric: 'disk.health_ok', value: nvme, labels: { device: '/dev/nvme0n1' } },
  ];

  it('is a catalog metric labelled by device', () => {
    expect(METRIC_CATALOG['disk.health_ok'].labels).toEqual(['device']);
  });

  it('opens one alert per failing device and resolves it when that device passes again', () => {
    const state: EngineState = new Map();
    expect(frame(state, rule, disks(1, 1), NOW)).toEqual([]);
    expect(frame(state, rule, disks(0, 1), NOW + 1)).toEqual([['open', { device: '/dev/sda' }]]);
    expect(frame(state, rule, disks(0, 0), NOW + 2)).toEqual([['update', { device: '/dev/sda' }], ['open', { device: '/dev/nvme0n1' }]]);
    expect(frame(state, rule, disks(1, 0), NOW + 3)).toEqual([['resolve', { device: '/dev/sda' }], ['update', { device: '/dev/nvme0n1' }]]);
  });
});

describe('reboot pending: patch.reboot_pending_days >= N', () => {
  const N = 7;
  const rule = makeRule({ name: 'Reboot pending a week', metric: REBOOT_PENDING_DAYS_METRIC, op: '>=', threshold: N, priority: 'P3' });
  const pendingSince = NOW;

  /** A frame reporting a pending reboot at `ts`, with the age the collector derives from its mark. */
  const rebootFrame = (ts: number, required = 1): Sample[] =>
    [...evaluatedSamples([{ metric: 'patch.reboot_required', value: required }], ts, { rebootPendingSince: required > 0 ? pendingSince : null })];

  it('is a catalog metric the collector computes, in days', () => {
    expect(METRIC_CATALOG[REBOOT_PENDING_DAYS_METRIC]).toMatchObject({ unit: 'days', labels: [] });
  });

  it('opens at exactly N days of a pending reboot, not a millisecond before, and resolves once rebooted', () => {
    const state: EngineState = new Map();
    expect(frame(state, rule, rebootFrame(pendingSince), pendingSince)).toEqual([]);
    expect(frame(state, rule, rebootFrame(pendingSince + N * DAY - 1), pendingSince + N * DAY - 1)).toEqual([]);
    expect(frame(state, rule, rebootFrame(pendingSince + N * DAY), pendingSince + N * DAY)).toEqual([['open', {}]]);
    expect(frame(state, rule, rebootFrame(pendingSince + N * DAY + DAY), pendingSince + N * DAY + DAY)).toEqual([['update', {}]]);
    // Rebooted: the mark clears, the age is 0.
    expect(frame(state, rule, rebootFrame(pendingSince + 9 * DAY, 0), pendingSince + 9 * DAY)).toEqual([['resolve', {}]]);
  });
});
