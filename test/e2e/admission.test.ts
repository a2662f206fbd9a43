/**
 * Admission under pressure: handshake slots are bounded in all and per client address, so one
 * host holding connections that never speak cannot lock the fleet out, and a refused connection
 * gives its slot back at once even when its peer never answers the close frame. Clients pick
 * their source among 127.0.0.0/8 to stand in for different hosts.
 */
import { CloseCode } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { connectAuthenticated, connectRaw, connectTcp, enrollRaw, encodeClientFrame, type RawConnection, type RawTcp } from '../helpers/raw-agent.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const NOISY_HOST = '127.0.0.2';
const OTHER_HOST = '127.0.0.3';

/** Opens a socket to /agent and reports its fate: a challenge, or a close before one. */
function attempt(wsUrl: string, localAddress: string): Promise<{ ws: WebSocket; outcome: 'challenge' | { code: number; reason: string } }> {
  const ws = new WebSocket(`${wsUrl}/agent`, { localAddress, handshakeTimeout: 5000 });
  ws.on('error', () => {});
  return new Promise((resolve) => {
    ws.once('message', () => resolve({ ws, outcome: 'challenge' }));
    ws.once('close', (code, reason) => resolve({ ws, outcome: { code, reason: reason.toString() } }));
  });
}

describe('admission control', () => {
  const tmp = makeTempDir('admission');
  let collector: TestCollector;
  const open: Array<WebSocket | RawConnection | RawTcp> = [];

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`, ['--max-handshakes', '8', '--max-handshakes-per-address', '4', '--handshake-timeout', '30s']);
  });

  afterAll(async () => {
    for (const c of open) {
      if ('terminate' in c) c.terminate();
      else if ('ws' in c) c.ws.terminate();
      else c.socket.destroy();
    }
    await collector?.stop();
    tmp.remove();
  });

  it('lets one host hold only its share of handshake slots; others are still admitted', async () => {
    const outcomes = [];
    for (let i = 0; i < 6; i++) {
      const { ws, outcome } = await attempt(collector.wsUrl, NOISY_HOST);
      open.push(ws);
      outcomes.push(outcome);
    }
    expect(outcomes.slice(0, 4)).toEqual(['challenge', 'challenge', 'challenge', 'challenge']);
    for (const refused of outcomes.slice(4)) {
      expect(refused).toEqual({ code: CloseCode.tryAgainLater, reason: 'collector busy admitting agents; retry later' });
    }

    // Another host completes the whole handshake while the noisy one sits on its four slots.
    const identity = await enrollRaw(collector.url, await collector.enrollToken('acme', 'hq'));
    const agent = await connectAuthenticated(collector.wsUrl, identity, { localAddress: OTHER_HOST });
    open.push(agent);
    agent.send({ type: 'frame', seq: 1, ts: Date.now(), samples: [{ metric: 'cpu.usage_pct', value: 1, labels: {} }] });
    expect(await agent.waitFor((m) => m.type === 'ack')).toEqual({ type: 'ack', seq: 1 });
  });

  it('frees a refused connection\'s slot at once, even if its peer never answers the close', async () => {
    const host = '127.0.0.4';
    const held: RawConnection[] = [];
    for (let i = 0; i < 3; i++) held.push(await connectRaw(collector.wsUrl, { localAddress: host }));
    open.push(...held);
    // The fourth slot goes to a client below the WebSocket library that will never answer a close frame.
    const mute = await connectTcp(collector.wsUrl, { localAddress: host });
    open.push(mute);
    expect((await attempt(collector.wsUrl, host)).outcome).toMatchObject({ code: CloseCode.tryAgainLater });

    mute.write(encodeClientFrame('this is not JSON'));
    const refusal = await waitFor('the refusal of the mute client', () => mute.closeFrame() ?? undefined);
    expect(refusal).toMatchObject({ code: CloseCode.badMessage });
    expect(mute.socket.destroyed).toBe(false);
    const next = await attempt(collector.wsUrl, host);
    open.push(next.ws);
    expect(next.outcome).toBe('challenge');
  });
});
