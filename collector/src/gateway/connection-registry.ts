import type { AgentConnection } from './agent-connection.js';

/** Which agents are connected right now, by id: the one place that knows "online". */
export class ConnectionRegistry {
  private readonly byAgent = new Map<string, AgentConnection>();

  /** Registers a connection and returns the one it replaces, if the agent was connected already. */
  add(connection: AgentConnection): AgentConnection | undefined {
    const previous = this.byAgent.get(connection.agentId);
    this.byAgent.set(connection.agentId, connection);
    return previous;
  }

  /** Removes the connection only if it is still the registered one (not already replaced). */
  remove(connection: AgentConnection): boolean {
    if (this.byAgent.get(connection.agentId) !== connection) return false;
    this.byAgent.delete(connection.agentId);
    return true;
  }

  get(agentId: string): AgentConnection | undefined {
    return this.byAgent.get(agentId);
  }

  isOnline(agentId: string): boolean {
    return this.byAgent.has(agentId);
  }

  get size(): number {
    return this.byAgent.size;
  }

  all(): IterableIterator<AgentConnection> {
    return this.byAgent.values();
  }
}
