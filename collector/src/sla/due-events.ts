import { occurrenceBreachAt } from './occurrence-breach.js';
import type { CompiledSlaPolicy } from './policy.js';
import type { ClockEvent, ClockedAlert, SlaClockName } from './types.js';

type Level = 2 | 3 | 4;
const STEPS: readonly Level[] = [2, 3, 4];

/**
 * When the response clock breaches (or breached), or null when it will not: it stops at an
 * acknowledgement in force (of this occurrence, not lapsed) or a resolution made strictly before
 * it is due, and breaches once per occurrence. An acknowledgement that lapsed answered only while
 * it held: the response is owed again, with a full response window from the lapse (the
 * priority's respond target), and never before respondBy. So someone who acknowledges again
 * soon after a lapse has answered in time, even when respondBy passed while the first held.
 */
function respondBreachAt(alert: ClockedAlert, policy: CompiledSlaPolicy): number | null {
  if (alert.respondBy === null || occurrenceBreachAt(alert, 'respond') !== null) return null;
  const owedAgainBy = alert.ackLapsedAt === null ? Number.NEGATIVE_INFINITY : alert.ackLapsedAt + policy.priorities[alert.priority].respondMs;
  const due = Math.max(alert.respondBy, owedAgainBy);
  const answers = [alert.acknowledgedAt, alert.resolvedAt].filter((at): at is number => at !== null);
  if (answers.some((at) => at < due)) return null;
  return due;
}

/** The same for the resolution clock, which only a resolution stops. */
function resolveBreachAt(alert: ClockedAlert): number | null {
  if (alert.resolveBy === null || occurrenceBreachAt(alert, 'resolve') !== null) return null;
  if (alert.resolvedAt !== null && alert.resolvedAt < alert.resolveBy) return null;
  return alert.resolveBy;
}

/** The instant a step or breach counts from: never before the policy took effect nor before the last escalation. */
function notBefore(at: number, alert: ClockedAlert, policy: CompiledSlaPolicy): number {
  return Math.max(at, policy.effectiveFrom, alert.escalatedAt ?? Number.NEGATIVE_INFINITY);
}

interface Raise { level: number; at: number; reason: Extract<ClockEvent, { kind: 'escalate' }>['reason'] }

/** Every level raise the policy asks for, due or not: time steps and breaches (recorded or coming). */
function raises(alert: ClockedAlert, policy: CompiledSlaPolicy): Raise[] {
  const start = alert.slaStartedAt ?? alert.openedAt;
  const steps = policy.priorities[alert.priority].stepMs;
  const out: Raise[] = STEPS.map((level) => ({ level, at: notBefore(start + steps[level], alert, policy), reason: 'elapsed' as const }));
  const breaches: Array<[SlaClockName, number | null]> = [
    ['respond', occurrenceBreachAt(alert, 'respond') ?? respondBreachAt(alert, policy)],
    ['resolve', occurrenceBreachAt(alert, 'resolve') ?? resolveBreachAt(alert)],
  ];
  for (const [clock, at] of breaches) {
    const level = policy.escalateOnBreach[clock];
    if (at !== null && level >= 2) out.push({ level, at: notBefore(at, alert, policy), reason: `${clock} breach` });
  }
  // In time order; at one instant the highest level wins, so simultaneous raises make one jump.
  return out.sort((a, b) => a.at - b.at || b.level - a.level);
}

/**
 * The breaches and escalations due at or before `now`, each at its exact instant, in time order
 * (a breach before the escalation it causes). Inside a maintenance window the clocks stand still:
 * an alert held since it opened has nothing due, one whose running clocks a window paused only
 * what fell due up to the pause. A resolved alert can still owe a breach (resolved after its
 * deadline, before the clock looked) but no longer escalates; levels only ever go up.
 */
export function dueClockEvents(alert: ClockedAlert, policy: CompiledSlaPolicy, now: number): ClockEvent[] {
  if (alert.maintenanceWindowId !== null) {
    if (alert.clocksPausedAt === null) return [];
    now = Math.min(now, alert.clocksPausedAt);
  }
  const events: ClockEvent[] = [];
  const respond = respondBreachAt(alert, policy);
  if (respond !== null && respond <= now) events.push({ kind: 'breach', clock: 'respond', at: respond });
  const resolve = resolveBreachAt(alert);
  if (resolve !== null && resolve <= now) events.push({ kind: 'breach', clock: 'resolve', at: resolve });
  if (alert.state !== 'resolved') {
    let level = alert.escalationLevel;
    for (const raise of raises(alert, policy)) {
      if (raise.at > now) break;
      if (raise.level <= level) continue;
      level = raise.level;
      events.push({ kind: 'escalate', level: raise.level as Level, at: raise.at, reason: raise.reason });
    }
  }
  return events.sort((a, b) => a.at - b.at || rank(a) - rank(b));
}

function rank(event: ClockEvent): number {
  return event.kind === 'breach' ? 0 : 1;
}

/** The alert as it is once the events are recorded (a breach replaces an earlier occurrence's). */
export function applyClockEvents<A extends ClockedAlert>(alert: A, events: readonly ClockEvent[]): A {
  const next = { ...alert };
  for (const event of events) {
    if (event.kind === 'breach') {
      if (event.clock === 'respond') next.respondBreachedAt = event.at;
      else next.resolveBreachedAt = event.at;
    } else if (event.level > next.escalationLevel) {
      next.escalationLevel = event.level;
      next.escalatedAt = event.at;
    }
  }
  return next;
}

/**
 * The earliest instant at which something may next fall due for this alert (given its events
 * due by now are recorded), or null when its clocks have nothing left to do, or stand still
 * inside a maintenance window (its release has the clock look again). An acknowledgement or a
 * resolution only ever removes events, so this is never later than what is actually due; a lapsed
 * acknowledgement or a re-open has the clock look again at once.
 */
export function nextClockAt(alert: ClockedAlert, policy: CompiledSlaPolicy): number | null {
  if (alert.state === 'resolved' || alert.maintenanceWindowId !== null) return null;
  const instants = [respondBreachAt(alert, policy), resolveBreachAt(alert)].filter((at): at is number => at !== null);
  for (const raise of raises(alert, policy)) if (raise.level > alert.escalationLevel) instants.push(raise.at);
  return instants.length === 0 ? null : Math.min(...instants);
}
