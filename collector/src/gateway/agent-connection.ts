import { CloseCode, type CollectorMessage } from '@vigil/shared';
import type { WebSocket } from 'ws';
import type { EvaluatedAgent } from '../alerts/alert-service.js';

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
export function closeReason(text: string): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= 123) return text;
  return `${buf.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '')}...`;
}

/** One authenticated agent's socket, as the rest of the collector sees it. */
export class AgentConnection {
  lastHeardAt: number;

  constructor(
    readonly agent: EvaluatedAgent,
    private readonly socket: WebSocket,
    now: number,
    /** The agent's frame interval as announced in its hello, if it did. */
    readonly intervalMs: number | null = null,
  ) {
    this.lastHeardAt = now;
  }

  get agentId(): string {
    return this.agent.agentId;
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(message: CollectorMessage): boolean {
    return this.sendSerialized(JSON.stringify(message));
  }

  /** A message already serialized (a bulk dispatch serializes its script once for every agent). */
  sendSerialized(text: string): boolean {
    if (!this.isOpen) return false;
    this.socket.send(text);
    return true;
  }

  close(code: number = CloseCode.normal, reason = ''): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, closeReason(reason));
    }
  }

  terminate(): void {
    this.socket.terminate();
  }
}
