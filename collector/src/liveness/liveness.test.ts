import { describe, expect, it } from 'vitest';
import { agentConnected, agentDisconnected, forgetAgent, restoreLiveness, revertChange, sweepLiveness } from './liveness.js';
import type { HeardFrom, LivenessConfig, LivenessState } from './types.js';

const config: LivenessConfig = { missedIntervals: 3, defaultIntervalMs: 60_000, heartbeatMs: 2_000, restartGraceMs: 30_000 };
const START = 1_000_000;

/** A collector that started at START with nobody known, and the agents that connected since. */
function fresh(): LivenessState {
  return restoreLiveness([], START);
}
const offlineAt = (state: LivenessState, heard: HeardFrom[], now: number, cfg = config) =>
  sweepLiveness(state, heard, now, cfg).filter((c) => !c.online).map((c) => c.agentId);

describe('liveness', () => {
  it('takes an agent offline once unheard of for three of its intervals, not before', () => {
    const state = fresh();
    expect(agentConnected(state, 'a', 1_000, START)).toEqual({ agentId: 'a', online: true, at: START });
    agentDisconnected(state, 'a', START + 500);
    expect(sweepLiveness(state, [], START + 3_499, config)).toEqual([]);
    expect(sweepLiveness(state, [], START + 3_500, config)).toEqual([{ agentId: 'a', online: false, at: START + 3_500 }]);
    // Reported once: later sweeps do not repeat it.
    expect(sweepLiveness(state, [], START + 10_000, config)).toEqual([]);
  });

  it('uses each agent\'s own interval, 60 s for agents that announce none, and a fixed threshold when configured', () => {
    const state = fresh();
    agentConnected(state, 'fast', 1_000, START);
    agentConnected(state, 'slow', 10_000, START);
    agentConnected(state, 'old', null, START);
    for (const id of ['fast', 'slow', 'old']) agentDisconnected(state, id, START);
    expect(offlineAt(state, [], START + 3_000)).toEqual(['fast']);
    expect(offlineAt(state, [], START + 29_999)).toEqual([]);
    expect(offlineAt(state, [], START + 30_000)).toEqual(['slow']);
    expect(offlineAt(state, [], START + 179_999)).toEqual([]);
    expect(offlineAt(state, [], START + 180_000)).toEqual(['old']);

    const fixed = fresh();
    agentConnected(fixed, 'fast', 1_000, START);
    agentConnected(fixed, 'old', null, START);
    for (const id of ['fast', 'old']) agentDisconnected(fixed, id, START);
    expect(offlineAt(fixed, [], START + 4_999, { ...config, offlineAfterMs: 5_000 })).toEqual([]);
    expect(offlineAt(fixed, [], START + 5_000, { ...config, offlineAfterMs: 5_000 })).toEqual(['fast', 'old']);
  });

  it('counts every message on an open connection as seen, so a connected agent sending frames stays online', () => {
    const state = fresh();
    agentConnected(state, 'a', 1_000, START);
    for (let t = START + 1_000; t <= START + 20_000; t += 1_000) expect(sweepLiveness(state, [{ agentId: 'a', lastHeardAt: t }], t, config)).toEqual([]);
    // A connection that goes silent (a frozen process, a dead link not yet noticed) goes offline too.
    expect(offlineAt(state, [{ agentId: 'a', lastHeardAt: START + 20_000 }], START + 24_000)).toEqual(['a']);
  });

  it('keeps an agent that only heartbeats online (reachable); while connected it must miss two heartbeats', () => {
    const state = fresh();
    const slowHeartbeats = { ...config, heartbeatMs: 5_000 };
    agentConnected(state, 'a', 1_000, START);
    // Frames every 1 s would allow 3 s of silence, but heartbeats every 5 s keep the agent online.
    for (let t = START + 5_000; t <= START + 30_000; t += 5_000) {
      expect(sweepLiveness(state, [{ agentId: 'a', lastHeardAt: t - 5_000 }], t - 1, slowHeartbeats)).toEqual([]);
    }
    expect(offlineAt(state, [], START + 25_000 + 10_000, slowHeartbeats)).toEqual(['a']);
  });

  it('does not take an agent offline at a disconnect, and a reconnect within the threshold changes nothing', () => {
    const state = fresh();
    agentConnected(state, 'a', 1_000, START);
    agentDisconnected(state, 'a', START + 1_000);
    expect(sweepLiveness(state, [], START + 2_000, config)).toEqual([]);
    expect(agentConnected(state, 'a', 1_000, START + 3_000)).toBeNull();
    expect(sweepLiveness(state, [{ agentId: 'a', lastHeardAt: START + 3_000 }], START + 5_000, config)).toEqual([]);
  });

  it('brings an offline agent back online at its reconnect, not by a sweep while it is away', () => {
    const state = fresh();
    agentConnected(state, 'a', 1_000, START);
    agentDisconnected(state, 'a', START);
    expect(offlineAt(state, [], START + 3_000)).toEqual(['a']);
    expect(sweepLiveness(state, [], START + 100_000, config)).toEqual([]);
    expect(agentConnected(state, 'a', 1_000, START + 100_500)).toEqual({ agentId: 'a', online: true, at: START + 100_500 });
    expect(sweepLiveness(state, [{ agentId: 'a', lastHeardAt: START + 101_000 }], START + 101_000, config)).toEqual([]);
  });

  it('brings a connected agent that went silent back online when it is heard again', () => {
    const state = fresh();
    agentConnected(state, 'a', 1_000, START);
    expect(offlineAt(state, [{ agentId: 'a', lastHeardAt: START }], START + 4_000)).toEqual(['a']);
    expect(sweepLiveness(state, [{ agentId: 'a', lastHeardAt: START + 4_500 }], START + 5_000, config)).toEqual([{ agentId: 'a', online: true, at: START + 5_000 }]);
  });

  it('after a collector restart, gives agents seen before the grace period to reconnect, however long ago they were seen', () => {
    const state = restoreLiveness([{ agentId: 'a', lastSeenAt: START - 3_600_000, intervalMs: 1_000, online: true }], START);
    expect(sweepLiveness(state, [], START + 29_999, config)).toEqual([]);
    expect(offlineAt(state, [], START + 30_000)).toEqual(['a']);

    // Once reconnected, the agent's own threshold applies again, even within the grace period.
    const reconnected = restoreLiveness([{ agentId: 'a', lastSeenAt: START - 3_600_000, intervalMs: 1_000, online: true }], START);
    expect(agentConnected(reconnected, 'a', 1_000, START + 1_000)).toBeNull();
    agentDisconnected(reconnected, 'a', START + 2_000);
    expect(offlineAt(reconnected, [], START + 5_000)).toEqual(['a']);
  });

  it('uses the start time, not the grace, when an agent\'s own threshold is the longer', () => {
    const state = restoreLiveness([{ agentId: 'a', lastSeenAt: START - 10, intervalMs: 60_000, online: null }], START);
    expect(sweepLiveness(state, [], START + 179_999, config)).toEqual([]);
    expect(offlineAt(state, [], START + 180_000)).toEqual(['a']);
  });

  it('keeps agents that were offline before a restart offline, without reporting them again, until they reconnect', () => {
    const state = restoreLiveness([{ agentId: 'a', lastSeenAt: START - 600_000, intervalMs: 1_000, online: false }], START);
    expect(sweepLiveness(state, [], START + 1_000, config)).toEqual([]);
    expect(sweepLiveness(state, [], START + 60_000, config)).toEqual([]);
    expect(agentConnected(state, 'a', 1_000, START + 61_000)).toEqual({ agentId: 'a', online: true, at: START + 61_000 });
  });

  it('reports a change again at the next sweep once it is reverted (it could not be recorded)', () => {
    const state = fresh();
    agentConnected(state, 'a', 1_000, START);
    agentDisconnected(state, 'a', START);
    const [offline] = sweepLiveness(state, [], START + 3_000, config);
    revertChange(state, offline!);
    expect(sweepLiveness(state, [], START + 4_000, config)).toEqual([{ agentId: 'a', online: false, at: START + 4_000 }]);

    const online = agentConnected(state, 'a', 1_000, START + 10_000)!;
    revertChange(state, online);
    expect(sweepLiveness(state, [{ agentId: 'a', lastHeardAt: START + 10_500 }], START + 11_000, config))
      .toEqual([{ agentId: 'a', online: true, at: START + 11_000 }]);

    // Gone again before the retry: it stays offline, and its next connection is the change.
    agentDisconnected(state, 'a', START + 11_000);
    sweepLiveness(state, [], START + 14_000, config);
    revertChange(state, agentConnected(state, 'a', 1_000, START + 20_000)!);
    agentDisconnected(state, 'a', START + 20_100);
    expect(sweepLiveness(state, [], START + 21_000, config)).toEqual([]);
    expect(agentConnected(state, 'a', 1_000, START + 30_000)).toEqual({ agentId: 'a', online: true, at: START + 30_000 });
  });

  it('takes the interval from the latest hello, and forgets revoked agents', () => {
    const state = fresh();
    agentConnected(state, 'a', 60_000, START);
    agentConnected(state, 'a', 1_000, START + 1);
    agentDisconnected(state, 'a', START + 1);
    expect(offlineAt(state, [], START + 3_001)).toEqual(['a']);
    forgetAgent(state, 'a');
    expect(state.agents.has('a')).toBe(false);
    expect(sweepLiveness(state, [], START + 1_000_000, config)).toEqual([]);
  });
});
