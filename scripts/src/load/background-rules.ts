import type { RuleInput } from '@vigil/shared';

type RuleBody = Partial<RuleInput> & Pick<RuleInput, 'name' | 'metric' | 'op' | 'threshold'>;

/**
 * Rules that match every simulated frame but never breach: what a real MSP's rule set costs the
 * engine on each frame (thresholds, label filters, durations, hold times, overrides of scope)
 * without alerts of their own muddying the breach→feed measurement. Thresholds lie beyond what
 * the sample profile ever reports.
 */
const TEMPLATES: ReadonlyArray<Omit<RuleBody, 'name'>> = [
  { metric: 'mem.used_pct', op: '>', threshold: 99, clearThreshold: 95 },
  { metric: 'swap.used_pct', op: '>=', threshold: 99 },
  { metric: 'cpu.load1', op: '>', threshold: 1000, forSamples: 3 },
  { metric: 'disk.used_pct', op: '>', threshold: 99.9, labels: { mount: '/' } },
  { metric: 'disk.used_pct', op: '>', threshold: 99.5, holdFor: '5m' },
  { metric: 'patch.pending', op: '>', threshold: 100_000 },
  { metric: 'patch.security_pending', op: '>', threshold: 100_000, for: '10m' },
  { metric: 'mem.available_bytes', op: '<', threshold: 1 },
];

export function backgroundRules(count: number, tenant: string, runId: string): RuleBody[] {
  return Array.from({ length: count }, (_, i) => ({
    ...TEMPLATES[i % TEMPLATES.length]!,
    name: `load-sim ${runId}: background ${i + 1}`,
    priority: 'P4',
    scope: { tenant },
  }));
}
