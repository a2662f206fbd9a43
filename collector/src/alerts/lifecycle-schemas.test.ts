import { describe, expect, it } from 'vitest';
import { AlertAckSchema, RuleInputSchema, RulePatchSchema } from '@vigil/shared';

const rule = { name: 'CPU busy', metric: 'cpu.usage_pct', op: '>', threshold: 90 };
const issuePaths = (result: { error?: { issues: Array<{ path: PropertyKey[] }> } }): string[] =>
  (result.error?.issues ?? []).map((issue) => issue.path.join('.'));

describe('rule lifecycle fields', () => {
  it('accept duration strings and leave absent fields out', () => {
    const parsed = RuleInputSchema.parse({ ...rule, for: '5m', holdFor: '1h30m', reopenWithin: '0s', flapHighThreshold: 60, flapLowThreshold: 30 });
    expect(parsed).toMatchObject({ for: '5m', holdFor: '1h30m', reopenWithin: '0s', flapHighThreshold: 60, flapLowThreshold: 30 });
    expect(RuleInputSchema.parse(rule)).not.toHaveProperty('for');
  });

  it('name the field when a duration or threshold is wrong', () => {
    expect(issuePaths(RuleInputSchema.safeParse({ ...rule, for: 'five minutes' }))).toEqual(['for']);
    expect(issuePaths(RuleInputSchema.safeParse({ ...rule, holdFor: '8d' }))).toEqual(['holdFor']);
    expect(issuePaths(RuleInputSchema.safeParse({ ...rule, flapHighThreshold: 101 }))).toEqual(['flapHighThreshold']);
    expect(issuePaths(RulePatchSchema.safeParse({ reopenWithin: 15 }))).toEqual(['reopenWithin']);
  });

  it('may be cleared with null in a patch', () => {
    expect(RulePatchSchema.parse({ for: null, holdFor: null })).toEqual({ for: null, holdFor: null });
  });
});

describe('acknowledgement body', () => {
  it('takes a comment and an optional positive expiry', () => {
    expect(AlertAckSchema.parse({ comment: 'on it', expiresIn: '2h' })).toEqual({ comment: 'on it', expiresIn: '2h' });
    expect(AlertAckSchema.parse({})).toEqual({});
    expect(issuePaths(AlertAckSchema.safeParse({ expiresIn: '0s' }))).toEqual(['expiresIn']);
    expect(issuePaths(AlertAckSchema.safeParse({ expiresIn: 'soon' }))).toEqual(['expiresIn']);
    expect(AlertAckSchema.safeParse({ expiresIn: '2h', until: 'later' }).success).toBe(false);
  });
});
