import type { Priority } from '@vigil/shared';
import type { SiteOutageConfig } from './site-outage.js';

export interface LivenessConfig {
  /** A fixed offline threshold (`serve --offline-after`); otherwise missedIntervals × the agent's interval. */
  offlineAfterMs?: number;
  /** Frame intervals an agent may miss before it is offline (when offlineAfterMs is not set). */
  missedIntervals: number;
  /** For agents that do not announce their interval. */
  defaultIntervalMs: number;
  /**
   * The heartbeat period the collector asks of agents. A connected agent that keeps heartbeating
   * is alive and reachable even when it sends no frames, so while connected it is not offline
   * before it has missed two heartbeats, whatever its frame interval.
   */
  heartbeatMs: number;
  /**
   * After a collector start, how long agents known from before have to reconnect before they can
   * be offline: they are retrying with their own backoff (up to a minute, jittered) and must not
   * page anyone because the collector was down.
   */
  restartGraceMs: number;
  /** When a site counts as down (default DEFAULT_SITE_OUTAGE: more than half, at least 3 agents). */
  siteOutage?: SiteOutageConfig;
  /** The site offline alert's priority (default P1: an outage outranks any one agent). */
  siteOfflinePriority?: Priority;
}

export const DEFAULT_LIVENESS_CONFIG: Omit<LivenessConfig, 'heartbeatMs'> = {
  missedIntervals: 3,
  defaultIntervalMs: 60_000,
  restartGraceMs: 120_000,
};

export interface AgentLiveness {
  online: boolean;
  connected: boolean;
  /** The last time anything was heard from the agent (or the collector's start, if later). */
  lastSeenAt: number;
  /** From the agent's last hello; null when it announced none. */
  intervalMs: number | null;
  /** Known from before this collector started and not connected since: the restart grace applies. */
  awaitingReconnect: boolean;
}

/** Owned by the caller; the liveness functions read and update it (no clock, no I/O). */
export interface LivenessState {
  startedAt: number;
  agents: Map<string, AgentLiveness>;
}

/** An agent's presence changed; `at` is the `now` the caller passed in. */
export interface PresenceChange {
  agentId: string;
  online: boolean;
  at: number;
}

/** What a collector start knows about an agent seen before (see restoreLiveness). */
export interface KnownAgent {
  agentId: string;
  lastSeenAt: number;
  intervalMs: number | null;
  /** Its last recorded presence change; null (never recorded) counts as online. */
  online: boolean | null;
}

/** The connection side of "heard from": every message from an agent counts, heartbeats too. */
export interface HeardFrom {
  agentId: string;
  lastHeardAt: number;
}
