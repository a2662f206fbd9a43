import { describe, expect, it } from 'vitest';
import { conditionCleared, verifyDecision, type VerifyFacts } from './runbook-verify.js';

const SINCE = 10_000;
const WITHIN = 120_000;
interface Over { state?: 'open' | 'acknowledged' | 'resolved'; resolvedBy?: string | null; value?: number; latestFrameAt?: number | null; clearThreshold?: number | null; suppressedBy?: string | null; holds?: boolean }
const facts = (over: Over = {}): VerifyFacts => ({
  alert: { state: over.state ?? 'open', resolvedBy: over.resolvedBy ?? null, op: '>', threshold: 90, value: over.value ?? 95, suppressedBy: over.suppressedBy ?? null },
  rule: { op: '>', threshold: 90, clearThreshold: over.clearThreshold ?? null },
  ruleHoldsClearAlerts: over.holds ?? true,
  latestFrameAt: over.latestFrameAt === undefined ? SINCE + 1 : over.latestFrameAt,
});
const decide = (f: VerifyFacts, now = SINCE + 1000) => verifyDecision(SINCE, WITHIN, 1, f, now);

describe('runbook verification', () => {
  it('resolves when fresh telemetry no longer holds the condition', () => {
    expect(decide(facts({ value: 50 }))).toEqual({ kind: 'resolve', outcome: 'condition cleared after step 2' });
  });

  it('leaves a clear alert to the rule engine when its rule holds nothing open: it resolves on that sample itself', () => {
    expect(decide(facts({ value: 50, holds: false }))).toEqual({ kind: 'wait' });
    expect(decide(facts({ value: 50, holds: false, state: 'resolved', resolvedBy: 'auto' }))).toEqual({ kind: 'resolved', outcome: 'condition cleared after step 2' });
  });

  it('trusts nothing a suppressed alert shows: its agent is offline', () => {
    expect(conditionCleared(facts({ value: 50, suppressedBy: 'alr_offline' }))).toBe(false);
    expect(decide(facts({ value: 50, suppressedBy: 'alr_offline' }))).toEqual({ kind: 'wait' });
  });

  it('trusts no value from before the last step finished', () => {
    expect(decide(facts({ value: 50, latestFrameAt: SINCE }))).toEqual({ kind: 'wait' });
    expect(decide(facts({ value: 50, latestFrameAt: null }))).toEqual({ kind: 'wait' });
  });

  it('uses the clear threshold: a value inside the hysteresis band still holds the alert', () => {
    expect(conditionCleared(facts({ value: 88, clearThreshold: 85 }))).toBe(false);
    expect(conditionCleared(facts({ value: 85, clearThreshold: 85 }))).toBe(true);
    expect(decide(facts({ value: 88, clearThreshold: 85 }))).toEqual({ kind: 'wait' });
  });

  it("falls back on the alert's own operator and threshold when its rule is gone", () => {
    expect(conditionCleared({ ...facts({ value: 80 }), rule: null })).toBe(true);
    expect(conditionCleared({ ...facts({ value: 95 }), rule: null })).toBe(false);
  });

  it('ends resolved when the alert resolved meanwhile, saying by whom', () => {
    expect(decide(facts({ state: 'resolved', resolvedBy: 'auto', latestFrameAt: null }))).toEqual({ kind: 'resolved', outcome: 'condition cleared after step 2' });
    expect(decide(facts({ state: 'resolved', resolvedBy: 'ann' }))).toEqual({ kind: 'resolved', outcome: 'alert resolved by ann after step 2' });
  });

  it('waits until the verify stage ends, then escalates saying what it saw', () => {
    expect(decide(facts(), SINCE + WITHIN - 1)).toEqual({ kind: 'wait' });
    expect(decide(facts(), SINCE + WITHIN)).toEqual({ kind: 'escalate', outcome: 'condition still present 2m after step 2' });
    expect(decide(facts({ latestFrameAt: SINCE - 5 }), SINCE + WITHIN)).toEqual({ kind: 'escalate', outcome: 'no telemetry from the agent within 2m after step 2' });
  });
});
