import { describe, expect, it } from 'vitest';
import { describeZodError } from '../protocol/messages.js';
import { MAX_EVENT_MESSAGE_PATTERN_CHARS, RuleInputSchema, RulePatchSchema, RuleSchema } from './rule.js';

const base = { name: 'Disk errors', metric: 'event.match', op: '>=', threshold: 5, events: { log: 'System', level: 'error', window: '10m' } } as const;

/** The one-line message the API answers with, or null when the body is valid. */
function problem(body: unknown): string | null {
  const parsed = RuleInputSchema.safeParse(body);
  return parsed.success ? null : describeZodError(parsed.error);
}

describe('event-log match rule fields', () => {
  it('accepts every criterion, a numeric or textual event id, and a rule on another metric without events', () => {
    expect(problem({ ...base, events: { log: 'System', level: 'warning', source: 'disk', eventId: 7, message: 'bad block \\d+', window: '10m' } })).toBeNull();
    expect(problem({ ...base, events: { eventId: 'fc2e22bc6ee647b6b90729ab34a250b1', window: '1h' } })).toBeNull();
    expect(problem({ name: 'CPU', metric: 'cpu.usage_pct', op: '>', threshold: 90 })).toBeNull();
  });

  it('refuses a message that is not a regular expression, naming events.message', () => {
    expect(problem({ ...base, events: { ...base.events, message: 'disk (' } })).toMatch(/^events\.message: not a valid regular expression/);
    expect(problem({ ...base, events: { ...base.events, message: 'x'.repeat(MAX_EVENT_MESSAGE_PATTERN_CHARS + 1) } })).toMatch(/^events\.message: /);
  });

  it('refuses events without metric event.match and the reverse, labels on it, a missing window and a level the events section does not define', () => {
    expect(problem({ ...base, metric: 'cpu.usage_pct' })).toMatch(/^metric: metric must be event\.match when events is set/);
    expect(problem({ ...base, events: undefined })).toMatch(/^events: events is required with metric event\.match/);
    expect(problem({ ...base, labels: { log: 'System' } })).toMatch(/^labels: /);
    expect(problem({ ...base, events: { log: 'System' } })).toMatch(/^events\.window: /);
    expect(problem({ ...base, events: { ...base.events, level: 'critical' } })).toMatch(/^events\.level: /);
    expect(problem({ ...base, events: { ...base.events, lvl: 'error' } })).toMatch(/^events: /);
  });

  it('checks a patched rule as a whole: events on a rule of another metric is refused', () => {
    const stored = { ...RuleInputSchema.parse({ name: 'CPU', metric: 'cpu.usage_pct', op: '>', threshold: 90 }), id: 'rul_1', createdAt: 1, updatedAt: 1 };
    const patch = RulePatchSchema.parse({ events: base.events });
    const merged = RuleSchema.safeParse({ ...stored, ...patch });
    expect(merged.success ? null : describeZodError(merged.error)).toMatch(/^metric: /);
    expect(RulePatchSchema.safeParse({ events: { ...base.events, message: '[' } }).success).toBe(false);
  });
});
