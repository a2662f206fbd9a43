import type { Labels, OsPlatform, Rule } from '@vigil/shared';
import type { WindowAggregate } from './window-aggregate.js';

/** What the engine needs to know about the agent a frame came from, to decide rule scope. */
export interface AgentContext {
  agentId: string;
  tenantId: string;
  siteId: string;
  tags: readonly string[];
  os: OsPlatform;
}

/** Per series (rule × agent × label set). */
export interface SeriesState {
  /** Consecutive breaching samples while the series is closed (not consulted once open). */
  breachStreak: number;
  /** The instant of the first of them, for the rule's `for`; null with no streak. */
  breachSince: number | null;
  open: boolean;
  lastValue: number;
  /** While open: the first clear sample of the current clear run, for the rule's `holdFor`. */
  clearSince: number | null;
  /** The last evaluated states, newest in bit 0, 1 where the condition held (see flapping.ts). */
  history: number;
  flapping: boolean;
  /**
   * For a rule with `aggregate` and `window`: the samples its aggregate needs. While it holds any,
   * the series keeps its entry even when quiet (the next aggregate depends on them).
   */
  window?: WindowAggregate;
}

/**
 * Owned by the caller; the engine reads and updates it and does nothing else (no clock, no I/O).
 * A series that is closed, with no breach streak, not flapping and nothing but quiet states in its
 * flap window has no entry: absence means "quiet", which keeps the map proportional to the series
 * that breached recently rather than to every series ever seen.
 */
export type EngineState = Map<string, SeriesState>;

interface TransitionBase {
  /** The series key (see seriesKey); one open alert per key at most. */
  key: string;
  /**
   * The rule as it is now (not as it was when the series opened), as it applies to this agent: an
   * override's threshold, clearThreshold and priority in place of the rule's.
   */
  rule: Rule;
  agentId: string;
  /** The sample's full label set, not just the rule's selector. */
  labels: Labels;
  /** The sample's value, or for a windowed rule the aggregate that was compared. */
  value: number;
  /** The `now` the caller passed in. */
  at: number;
  /** Whether the series is flapping after this sample, and whether this sample changed that. */
  flapping: boolean;
  flappingChanged: boolean;
}

/** The condition held for forSamples samples and for `for`: an alert opens (or a recent one re-opens). */
export interface OpenTransition extends TransitionBase {
  kind: 'open';
  /** When the breach that opened it began: what re-open continuation measures from. */
  breachSince: number;
}

/** Still breaching (or inside the hysteresis band, or within the hold time) while open: new last value. */
export interface UpdateTransition extends TransitionBase {
  kind: 'update';
}

/** The value crossed back over the clear threshold (and stayed there for holdFor): the alert auto-resolves. */
export interface ResolveTransition extends TransitionBase {
  kind: 'resolve';
}

export type Transition = OpenTransition | UpdateTransition | ResolveTransition;
