import type { AgentLiveness, HeardFrom, KnownAgent, LivenessConfig, LivenessState, PresenceChange } from './types.js';

/**
 * The state at a collector start. The collector cannot know whether agents were alive while it
 * was down, so nobody counts as unseen before the start; agents that were offline stay offline
 * until they reconnect.
 */
export function restoreLiveness(known: readonly KnownAgent[], startedAt: number): LivenessState {
  const agents = new Map<string, AgentLiveness>();
  for (const agent of known) {
    agents.set(agent.agentId, {
      online: agent.online !== false, connected: false, lastSeenAt: Math.max(agent.lastSeenAt, startedAt),
      intervalMs: agent.intervalMs, awaitingReconnect: true,
    });
  }
  return { startedAt, agents };
}

/** How long the agent may be unheard of before it is offline. */
export function offlineThresholdMs(agent: AgentLiveness, config: LivenessConfig): number {
  const threshold = config.offlineAfterMs ?? config.missedIntervals * (agent.intervalMs ?? config.defaultIntervalMs);
  return agent.connected ? Math.max(threshold, 2 * config.heartbeatMs) : threshold;
}

/** The moment the agent becomes offline if nothing is heard from it before. */
export function offlineDeadline(state: LivenessState, agent: AgentLiveness, config: LivenessConfig): number {
  const deadline = agent.lastSeenAt + offlineThresholdMs(agent, config);
  return agent.awaitingReconnect ? Math.max(deadline, state.startedAt + config.restartGraceMs) : deadline;
}

/**
 * The agent's connection was admitted: it is online at once (its backlog, replayed next, is then
 * evaluated as an online agent's). A first connection ever counts as a change too, so the
 * presence history starts with it.
 */
export function agentConnected(state: LivenessState, agentId: string, intervalMs: number | null, now: number): PresenceChange | null {
  const agent = state.agents.get(agentId);
  if (!agent) {
    state.agents.set(agentId, { online: true, connected: true, lastSeenAt: now, intervalMs, awaitingReconnect: false });
    return { agentId, online: true, at: now };
  }
  const wasOnline = agent.online;
  Object.assign(agent, { online: true, connected: true, lastSeenAt: Math.max(agent.lastSeenAt, now), intervalMs, awaitingReconnect: false });
  return wasOnline ? null : { agentId, online: true, at: now };
}

/**
 * The connection is gone. Not offline yet: brief reconnects and collector restarts must not page
 * anyone; the agent is offline only once unheard of for its threshold (see sweepLiveness).
 */
export function agentDisconnected(state: LivenessState, agentId: string, lastHeardAt: number): void {
  const agent = state.agents.get(agentId);
  if (!agent) return;
  agent.connected = false;
  agent.lastSeenAt = Math.max(agent.lastSeenAt, lastHeardAt);
}

/** The agent was revoked or deleted: it is no longer watched. */
export function forgetAgent(state: LivenessState, agentId: string): void {
  state.agents.delete(agentId);
}

/**
 * A change could not be recorded: undo it in the state, so that the next sweep reports it again.
 * An agent reported offline is online again and still overdue; a connected agent reported online
 * is offline again and, still connected and heard from, comes back online at the next sweep.
 */
export function revertChange(state: LivenessState, change: PresenceChange): void {
  const agent = state.agents.get(change.agentId);
  if (agent && agent.online === change.online) agent.online = !change.online;
}

/**
 * One periodic pass: takes in what the open connections last heard, and returns the agents that
 * went offline (unheard of past their deadline) or, still connected, were heard again after that.
 */
export function sweepLiveness(state: LivenessState, heard: Iterable<HeardFrom>, now: number, config: LivenessConfig): PresenceChange[] {
  for (const { agentId, lastHeardAt } of heard) {
    const agent = state.agents.get(agentId);
    if (agent) agent.lastSeenAt = Math.max(agent.lastSeenAt, lastHeardAt);
  }
  const changes: PresenceChange[] = [];
  for (const [agentId, agent] of state.agents) {
    const overdue = now >= offlineDeadline(state, agent, config);
    // Back online takes being heard: a disconnected agent waits for its next connection.
    const changed = agent.online ? overdue : agent.connected && !overdue;
    if (changed) {
      agent.online = !agent.online;
      changes.push({ agentId, online: agent.online, at: now });
    }
  }
  return changes;
}
