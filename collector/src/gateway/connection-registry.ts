import type { AgentConnection } from './agent-connection.js';

export interface RegistryListener {
  /** An agent's connection was admitted (replacing an older one of the same agent, if any). */
  connected?(connection: AgentConnection): void;
  /** The agent's registered connection closed and no newer one took its place. */
  disconnected?(connection: AgentConnection): void;
}

/** Which agents are connected right now, by id: the one place that knows "connected". */
export class ConnectionRegistry {
  private readonly byAgent = new Map<string, AgentConnection>();
  private readonly listeners: RegistryListener[] = [];

  /** Listeners run synchronously; one that throws does not stop the others or the caller. */
  listen(listener: RegistryListener, onError: (error: unknown) => void = () => {}): void {
    this.listeners.push({
      connected: (c) => { try { listener.connected?.(c); } catch (error) { onError(error); } },
      disconnected: (c) => { try { listener.disconnected?.(c); } catch (error) { onError(error); } },
    });
  }

  /** Registers a connection and returns the one it replaces, if the agent was connected already. */
  add(connection: AgentConnection): AgentConnection | undefined {
    const previous = this.byAgent.get(connection.agentId);
    this.byAgent.set(connection.agentId, connection);
    for (const listener of this.listeners) listener.connected?.(connection);
    return previous;
  }

  /** Removes the connection only if it is still the registered one (not already replaced). */
  remove(connection: AgentConnection): boolean {
    if (this.byAgent.get(connection.agentId) !== connection) return false;
    this.byAgent.delete(connection.agentId);
    for (const listener of this.listeners) listener.disconnected?.(connection);
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
