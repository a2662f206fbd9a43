import type { AgentPresence } from '@vigil/shared';
import type { AppContext } from '../app-context.js';

/**
 * What the API says about an agent's liveness, from the live connection and the liveness
 * tracker: heartbeats are not written to the database, so a live connection knows the last-seen
 * time better; a revoked agent is no longer watched, so its presence is `unknown` (never
 * `offline` for good) and `revokedAt` says why.
 */
export function liveView(ctx: AppContext, agent: { id: string; lastSeenAt: number | null; revokedAt: number | null }): { lastSeenAt: number | null; online: boolean; presence: AgentPresence } {
  const connection = ctx.registry.get(agent.id);
  const lastSeenAt = connection ? Math.max(agent.lastSeenAt ?? 0, connection.lastHeardAt) : agent.lastSeenAt;
  const presence = agent.revokedAt !== null ? 'unknown' : ctx.liveness.presenceOf(agent.id);
  return { lastSeenAt, online: connection !== undefined, presence };
}
