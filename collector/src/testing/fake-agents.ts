import type { CollectorMessage } from '@vigil/shared';
import type { WebSocket } from 'ws';
import { AgentConnection } from '../gateway/agent-connection.js';
import type { ConnectionRegistry } from '../gateway/connection-registry.js';

export interface FakeAgent {
  connection: AgentConnection;
  /** Every message the collector sent it, parsed. */
  received: CollectorMessage[];
  dispatches(): Array<Extract<CollectorMessage, { type: 'job.dispatch' }>>;
  disconnect(): void;
}

/** An agent "connected" to the registry through a socket that only records what is sent to it. */
export function connectFakeAgent(registry: ConnectionRegistry, agentId: string, tenantId = 'acme', now = 0): FakeAgent {
  const received: CollectorMessage[] = [];
  const socket = {
    CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3, readyState: 1,
    send(text: string) { received.push(JSON.parse(text) as CollectorMessage); },
    close() { this.readyState = 3; },
    terminate() { this.readyState = 3; },
  };
  const connection = new AgentConnection({ agentId, tenantId, siteId: 'hq', tags: [], os: 'linux', hostname: agentId }, socket as unknown as WebSocket, now);
  registry.add(connection);
  return {
    connection, received,
    dispatches: () => received.filter((m): m is Extract<CollectorMessage, { type: 'job.dispatch' }> => m.type === 'job.dispatch'),
    disconnect() {
      socket.readyState = 3;
      registry.remove(connection);
    },
  };
}
