import { useEffect, useState } from 'preact/hooks';
import type { Agent } from '@vigil/shared';
import { api, getToken } from '../../app/api.js';

/** Hostnames fetched so far (null: the agent is gone or not visible); shared by every table of the page. */
const known = new Map<string, string | null>();
/** The session the names were read with: another user may see other agents, so a new session starts afresh. */
let knownFor: string | null = null;

function cacheForSession(): Map<string, string | null> {
  const token = getToken();
  if (token !== knownFor) {
    known.clear();
    knownFor = token;
  }
  return known;
}

/**
 * Hostnames of the agents a table shows. Runs name only their agent's id; the names are fetched
 * for the rows in view (a page of runs, not all of a 10,000-agent job), once each.
 */
export function useHostnames(agentIds: readonly string[], enabled: boolean): ReadonlyMap<string, string | null> {
  const [, setVersion] = useState(0);
  const key = agentIds.join(',');
  useEffect(() => {
    if (!enabled) return;
    const cache = cacheForSession();
    const missing = [...new Set(agentIds)].filter((id) => !cache.has(id));
    if (missing.length === 0) return;
    let current = true;
    Promise.all(missing.map((id) => api<Agent>('GET', `/api/v1/agents/${encodeURIComponent(id)}`)
      .then((agent) => cache.set(id, agent.hostname))
      // A revoked or foreign agent has no readable record: its id is shown instead.
      .catch(() => cache.set(id, null))))
      .then(() => {
        if (current) setVersion((v) => v + 1);
      });
    return () => {
      current = false;
    };
  }, [key, enabled]);
  return cacheForSession();
}
