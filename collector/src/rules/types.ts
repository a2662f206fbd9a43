import type { Labels, OsPlatform, Rule } from '@vigil/shared';

/** What the engine needs to know about the agent a frame came from, to decide rule scope. */
export interface AgentContext {
  agentId: string;
  tenantId: string;
  siteId: string;
  tags: readonly string[];
  os: OsPlatform;
}

/**
 * Per series (rule × agent × label set).
 * `breachStreak` counts consecutive breaching samples while the series is closed; once the series
 * is open it is no longer consulted (an open series is governed by the clear condition instead).
 */
export interface SeriesState {
  breachStreak: number;
  open: boolean;
  lastValue: number;
}

/**
 * Owned by the caller; the engine reads and updates it and does nothing else (no clock, no I/O).
 * A series that is closed with no breach streak has no entry: absence means "quiet", which keeps the
 * map proportional to the series that are breaching or open rather than to every series ever seen.
 */
export type EngineState = Map<string, SeriesState>;

interface TransitionBase {
  /** The series key (see seriesKey); one open alert per key at most. */
  key: string;
  /** The rule as it is now, not as it was when the series opened. */
  rule: Rule;
  agentId: string;
  /** The sample's full label set, not just the rule's selector. */
  labels: Labels;
  value: number;
  /** The `now` the caller passed in. */
  at: number;
}

/** The series reached forSamples consecutive breaches: one new alert. */
export interface OpenTransition extends TransitionBase {
  kind: 'open';
}

/** Still breaching (or inside the hysteresis band) while open: new last value. */
export interface UpdateTransition extends TransitionBase {
  kind: 'update';
}

/** The value crossed back over the clear threshold: the alert auto-resolves. */
export interface ResolveTransition extends TransitionBase {
  kind: 'resolve';
}

export type Transition = OpenTransition | UpdateTransition | ResolveTransition;
