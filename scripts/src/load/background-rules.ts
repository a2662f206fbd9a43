import type { RuleInput } from '@vigil/shared';

export type RuleBody = Partial<RuleInput> & Pick<RuleInput, 'name' | 'metric' | 'op' | 'threshold'>;

/** Where the simulated fleet lives: the rules' scopes, overrides and exclusions name these. */
export interface BackgroundFleet {
  tenant: string;
  /** The enrollment token's site and tag, which every simulated agent carries. */
  site: string;
  tag: string;
  /** Some of the connected agents, for per-agent overrides and exclusions; may be empty. */
  agentIds: readonly string[];
}

/** A rule's shape, with the fleet filled in where it names agents, sites or the tenant. */
interface Template {
  /** What the rule stands for, in its name. */
  label: string;
  body: (fleet: BackgroundFleet, pick: (n: number) => string | undefined) => Omit<RuleBody, 'name'>;
}

/**
 * The condition must hold this long before an alert opens: longer than any load run, so the rules
 * whose thresholds the simulated values do cross keep breach streaks (and their time) but never open.
 */
const NEVER_WITHIN_A_RUN = '1d';
const MiB = 1024 ** 2;

/** An override naming one agent, when there is an agent to name. */
function forAgent(agentId: string | undefined, settings: { threshold?: number; clearThreshold?: number | null; enabled?: boolean }) {
  return agentId === undefined ? [] : [{ match: { agent: agentId }, ...settings }];
}

/**
 * Rules as an MSP writes them, cycled through by `--rules N`; none ever opens an alert, so the
 * breach→feed measurement sees only the load rule's. Against the sample profile's value ranges:
 * - Far from their thresholds (a value can never cross them): a plain threshold with a clear
 *   threshold and `for`; one on the root mount with `holdFor`, a per-site and a per-agent override
 *   and an agent excluded; a `max` over 10 minutes scoped to a tag; a `max` over 5 minutes of one
 *   interface; one scoped to a tag no simulated agent carries (so the scope check turns it away);
 *   an event-error `max` over an hour excluding a site and a tag; and a service check scoped to
 *   Linux, switched off for one agent by an override.
 * - Close to their thresholds (the values wander across them): memory, swap and pending security
 *   patches scoped by site, OS and tag; an `avg` of load over 5 minutes; a `max` of disk
 *   temperature over 15 minutes; and the root mount with a per-site and a per-agent override and
 *   an exclusion. Each needs its condition to hold for a day, so breach streaks, their start time
 *   and the flap history are kept and updated on every frame, but no alert opens.
 * Every rule is scoped to the run's tenant, so a shared collector's real agents never meet them.
 * Windows are minutes long: an `avg` keeps every sample of its window per series.
 */
const TEMPLATES: readonly Template[] = [
  { label: 'memory critical', body: ({ tenant }) => ({ metric: 'mem.used_pct', op: '>', threshold: 95, clearThreshold: 90, for: '5m', scope: { tenant } }) },
  {
    label: 'root disk full',
    body: ({ tenant, site }, pick) => ({
      metric: 'disk.used_pct', labels: { mount: '/' }, op: '>', threshold: 90, clearThreshold: 85, holdFor: '10m', scope: { tenant, site },
      overrides: [{ match: { tenant, site }, threshold: 95, clearThreshold: 92 }, ...forAgent(pick(1), { threshold: 98, clearThreshold: 96 })],
      ...(pick(2) ? { exclude: { agents: [pick(2)!] } } : {}),
    }),
  },
  { label: 'disk overheating', body: ({ tenant, tag }) => ({ metric: 'disk.temperature_c', op: '>', threshold: 60, aggregate: 'max', window: '10m', scope: { tenant, tags: [tag] } }) },
  { label: 'uplink saturated', body: ({ tenant }) => ({ metric: 'net.rx_bps', labels: { iface: 'eth0' }, op: '>', threshold: 1e9, aggregate: 'max', window: '5m', scope: { tenant } }) },
  {
    label: 'database memory exhausted',
    body: ({ tenant, tag }) => ({ metric: 'mem.available_bytes', op: '<', threshold: 256 * MiB, clearThreshold: 512 * MiB, scope: { tenant, tags: [tag, 'database'] } }),
  },
  {
    label: 'event log errors',
    body: ({ tenant }) => ({ metric: 'event.errors', op: '>=', threshold: 50, aggregate: 'max', window: '1h', scope: { tenant }, exclude: { sites: ['lab'], tags: ['noisy'] } }),
  },
  {
    label: 'service down',
    body: ({ tenant }, pick) => ({ metric: 'service.up', op: '<', threshold: 1, forSamples: 2, scope: { tenant, os: 'linux' }, overrides: forAgent(pick(3), { enabled: false }) }),
  },
  { label: 'memory high for a day', body: ({ tenant, site }) => ({ metric: 'mem.used_pct', op: '>', threshold: 75, clearThreshold: 70, for: NEVER_WITHIN_A_RUN, scope: { tenant, site } }) },
  { label: 'load high for a day', body: ({ tenant }) => ({ metric: 'cpu.load1', op: '>', threshold: 3, aggregate: 'avg', window: '5m', for: NEVER_WITHIN_A_RUN, scope: { tenant } }) },
  {
    label: 'root disk filling for a day',
    body: ({ tenant, site }, pick) => ({
      metric: 'disk.used_pct', labels: { mount: '/' }, op: '>', threshold: 80, clearThreshold: 75, forSamples: 3, for: NEVER_WITHIN_A_RUN, scope: { tenant },
      overrides: [{ match: { tenant, site }, threshold: 78 }, ...forAgent(pick(4), { threshold: 85, clearThreshold: 80 })],
      ...(pick(5) ? { exclude: { agents: [pick(5)!] } } : {}),
    }),
  },
  { label: 'swapping for a day', body: ({ tenant }) => ({ metric: 'swap.used_pct', op: '>=', threshold: 20, for: NEVER_WITHIN_A_RUN, scope: { tenant, os: 'linux' } }) },
  { label: 'security patches pending for a day', body: ({ tenant, tag }) => ({ metric: 'patch.security_pending', op: '>', threshold: 4, for: NEVER_WITHIN_A_RUN, scope: { tenant, tags: [tag] } }) },
  { label: 'disk warm for a day', body: ({ tenant }) => ({ metric: 'disk.temperature_c', op: '>', threshold: 44, aggregate: 'max', window: '15m', for: NEVER_WITHIN_A_RUN, scope: { tenant } }) },
];

/** `count` background rules for the run's fleet (see TEMPLATES), all P4. */
export function backgroundRules(count: number, fleet: BackgroundFleet, runId: string): RuleBody[] {
  return Array.from({ length: count }, (_, i) => {
    const template = TEMPLATES[i % TEMPLATES.length]!;
    // Different rules single out different agents, as overrides written over time would.
    const pick = (n: number): string | undefined => (fleet.agentIds.length === 0 ? undefined : fleet.agentIds[(i * 7 + n * 13) % fleet.agentIds.length]);
    return { ...template.body(fleet, pick), name: `load-sim ${runId}: background ${i + 1} (${template.label})`, priority: 'P4' };
  });
}
