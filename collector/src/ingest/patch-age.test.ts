import { describe, expect, it } from 'vitest';
import type { Sample } from '@vigil/shared';
import { REBOOT_PENDING_DAYS_METRIC, SECURITY_PENDING_DAYS_METRIC, evaluatedSamples } from './patch-age.js';

const DAY = 86_400_000;
const cpu: Sample = { metric: 'cpu.usage_pct', value: 12 };
const security = (value: number): Sample => ({ metric: 'patch.security_pending', value });
const reboot = (value: number): Sample => ({ metric: 'patch.reboot_required', value });

describe('evaluatedSamples (patch ages derived at ingest)', () => {
  it('adds the days since each reported mark, in exact fractions, measured at the frame', () => {
    const ts = 100 * DAY;
    const out = evaluatedSamples([cpu, security(4), reboot(1)], ts, { securityPendingSince: ts - 15 * DAY - DAY / 4, rebootPendingSince: ts - DAY / 2 });
    expect(out).toEqual([
      cpu, security(4), reboot(1),
      { metric: SECURITY_PENDING_DAYS_METRIC, value: 15.25, labels: {} },
      { metric: REBOOT_PENDING_DAYS_METRIC, value: 0.5, labels: {} },
    ]);
  });

  it('reports 0 when the mark is cleared or was set by this very frame', () => {
    expect(evaluatedSamples([security(0), reboot(1)], 5 * DAY, { securityPendingSince: null, rebootPendingSince: 5 * DAY })).toEqual([
      security(0), reboot(1),
      { metric: SECURITY_PENDING_DAYS_METRIC, value: 0, labels: {} },
      { metric: REBOOT_PENDING_DAYS_METRIC, value: 0, labels: {} },
    ]);
  });

  it('derives only the ages of the patch metrics the frame reported', () => {
    expect(evaluatedSamples([reboot(1)], 3 * DAY, { rebootPendingSince: DAY })).toEqual([reboot(1), { metric: REBOOT_PENDING_DAYS_METRIC, value: 2, labels: {} }]);
  });

  it('passes a frame without patch metrics through untouched, the same array', () => {
    const samples = [cpu];
    expect(evaluatedSamples(samples, DAY, undefined)).toBe(samples);
  });

  it('keeps agent-reported ages away from the rules: only the collector computes them', () => {
    const spoofed: Sample = { metric: SECURITY_PENDING_DAYS_METRIC, value: 99 };
    expect(evaluatedSamples([cpu, spoofed], DAY, undefined)).toEqual([cpu]);
    expect(evaluatedSamples([spoofed, security(1)], DAY, { securityPendingSince: DAY })).toEqual([security(1), { metric: SECURITY_PENDING_DAYS_METRIC, value: 0, labels: {} }]);
  });
});
