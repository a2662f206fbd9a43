import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentMessageSchema, CloseCode, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, generateAgentKeyPair, newNonce, type Frame } from '@vigil/shared';
import { silentLogger } from '../log.js';
import { MemorySeqSource } from '../state/seq-store.js';
import type { StatusPatch } from '../state/status-file.js';
import { AgentConnection } from './agent-connection.js';
import { DiskSpool } from './spool/disk-spool.js';

const AGENT_ID = 'agt_too_big_test';

/**
 * A collector that takes smaller messages than the agent believes it may send, as one built with a
 * lower limit would: the WebSocket layer closes the connection with 1009 on a bigger one, before
 * the collector reads any of it. Just enough protocol to welcome the agent and ack on demand.
 */
class SizeLimitedCollector {
  readonly frames: Array<{ connection: number; frame: Frame }> = [];
  connections = 0;
  private socket: WebSocket | undefined;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
  ) {}

  static async start(maxPayload: number): Promise<SizeLimitedCollector> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/agent', maxPayload });
    const collector = new SizeLimitedCollector(http, wss);
    wss.on('connection', (ws) => collector.accept(ws));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return collector;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  seqsOn(connection: number): number[] {
    return this.frames.filter((f) => f.connection === connection).map((f) => f.frame.seq);
  }

  ack(seq: number): void {
    this.socket?.send(JSON.stringify({ type: 'ack', seq }));
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    const connection = ++this.connections;
    // The oversized message surfaces here as a RangeError; ws has already closed with 1009.
    ws.on('error', () => {});
    ws.send(JSON.stringify({ type: 'challenge', protocolVersion: PROTOCOL_VERSION, nonce: newNonce() }));
    ws.on('message', (data) => {
      const message = AgentMessageSchema.parse(JSON.parse(data.toString()));
      // No signature check: what is under test is sizes, not authentication.
      if (message.type === 'hello') {
        this.socket = ws;
        ws.send(JSON.stringify({ type: 'welcome', agentId: AGENT_ID, lastSeq: 0, serverTime: Date.now(), heartbeatSec: 30 }));
      } else if (message.type === 'frame') {
        this.frames.push({ connection, frame: message });
      }
    });
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function frame(seq: number, text = ''): Frame {
  return { type: 'frame', seq, ts: Date.now(), samples: [{ metric: 'cpu.load1', value: seq }], sources: [], ...(text ? { sections: { events: { entries: [{ message: text }] } } } : {}) };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('AgentConnection and a collector closing with 1009', () => {
  it('drops the refused frame instead of resending it on every reconnect, and delivers the frames after it', async () => {
    const collectorLimit = 64 * 1024;
    const collector = await SizeLimitedCollector.start(collectorLimit);
    cleanups.push(() => collector.stop());
    const dir = mkdtempSync(join(tmpdir(), 'vigil-too-big-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const spool = DiskSpool.open({ dir, maxBytes: 8 * 1024 * 1024, logger: silentLogger() });
    cleanups.push(() => spool.close());

    // Within the agent's limit, over the collector's.
    const refused = frame(2, 'x'.repeat(2 * collectorLimit));
    expect(Buffer.byteLength(JSON.stringify(refused))).toBeLessThan(MAX_MESSAGE_BYTES);
    spool.push(frame(1));
    spool.push(refused);
    spool.push(frame(3));

    const warnings: Array<Record<string, unknown>> = [];
    const status: StatusPatch = {};
    const seq = new MemorySeqSource(3);
    const keys = generateAgentKeyPair();
    const conn = new AgentConnection({
      server: collector.url,
      agentId: AGENT_ID,
      privateKeyPem: keys.privateKeyPem,
      agentVersion: '0.0.0-test',
      queue: spool,
      seq,
      logger: pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) }),
      status: { update: (patch) => Object.assign(status, patch) },
      backoff: { startingDelayMs: 10, maxDelayMs: 50 },
      onDispatch: () => {},
    });
    const running = conn.run();
    cleanups.push(async () => {
      await conn.stop();
      await running;
    });

    await until(() => collector.seqsOn(2).length === 2, 'the resend on the second connection');
    expect(warnings.filter((w) => w.msg === 'disconnected').map((w) => w.code)).toEqual([CloseCode.tooBig]);
    expect(collector.seqsOn(1)).toEqual([1]);
    // Frame 1 was awaiting its ack too when the close came; only the refused frame goes.
    expect(collector.seqsOn(2)).toEqual([1, 3]);
    expect(collector.frames.at(-1)!.frame.spool?.dropped).toBe(1);

    collector.ack(1);
    collector.ack(3);
    conn.enqueueFrame(frame(seq.next()));
    await until(() => collector.seqsOn(2).length === 3, 'a new frame on the same connection');
    expect(collector.seqsOn(2)).toEqual([1, 3, 4]);
    collector.ack(4);
    await until(() => spool.size === 0, 'the spool to drain');
    expect(collector.connections).toBe(2);
    expect(spool.dropped).toBe(1);
    await until(() => status.dropped === 1, 'status to report the drop');
    expect(warnings.filter((w) => w.seq !== undefined)).toEqual([
      expect.objectContaining({ seq: 2, bytes: Buffer.byteLength(JSON.stringify({ ...refused, spool: { dropped: 0, depth: 3 } })), msg: expect.stringMatching(/too big \(1009\)/) }),
    ]);
  });
});
