import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Frame } from '@vigil/shared';
import { openTempStore, seedAgent } from '../testing/temp-store.js';

function frame(seq: number, extra: Partial<Frame> = {}): Frame {
  return {
    type: 'frame', seq, ts: 1000 * seq,
    samples: [
      { metric: 'cpu.usage_pct', value: seq },
      { metric: 'disk.used_pct', value: 50 + seq, labels: { mount: '/' } },
      { metric: 'disk.used_pct', value: 10, labels: { mount: '/data' } },
    ],
    sources: [{ source: 'cpu', status: 'ok' }],
    ...extra,
  };
}

describe('TelemetryStore', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => { temp = openTempStore(); seedAgent(temp.store, 'agt_a'); seedAgent(temp.store, 'agt_b'); });
  afterEach(() => temp.cleanup());

  it('stores each (agent, seq) once: a resent frame is acknowledged as already stored', () => {
    const t = temp.store.telemetry;
    expect(t.writeBatch([{ agentId: 'agt_a', frame: frame(1), receivedAt: 5 }, { agentId: 'agt_a', frame: frame(2), receivedAt: 5 }])).toEqual([{}, {}]);
    expect(t.writeBatch([{ agentId: 'agt_a', frame: frame(2), receivedAt: 6 }, { agentId: 'agt_a', frame: frame(3), receivedAt: 6 }, { agentId: 'agt_b', frame: frame(2), receivedAt: 6 }])).toEqual([false, {}, {}]);
    expect(t.storedSeqs('agt_a')).toEqual([1, 2, 3]);
    expect(t.query('agt_a', { metric: 'cpu.usage_pct' }).map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(temp.store.agents.get('agt_a')!.lastSeq).toBe(3);
  });

  it('filters by metric and time, and returns labels as objects', () => {
    temp.store.telemetry.writeBatch([1, 2, 3, 4].map((seq) => ({ agentId: 'agt_a', frame: frame(seq), receivedAt: 1 })));
    const disks = temp.store.telemetry.query('agt_a', { metric: 'disk.used_pct', since: 2000, until: 3000 });
    expect(disks).toEqual([
      { metric: 'disk.used_pct', value: 52, labels: { mount: '/' }, ts: 2000, seq: 2 },
      { metric: 'disk.used_pct', value: 10, labels: { mount: '/data' }, ts: 2000, seq: 2 },
      { metric: 'disk.used_pct', value: 53, labels: { mount: '/' }, ts: 3000, seq: 3 },
      { metric: 'disk.used_pct', value: 10, labels: { mount: '/data' }, ts: 3000, seq: 3 },
    ]);
  });

  it('keeps the latest sources, and merges sections by key so slow sections stay visible', () => {
    const t = temp.store.telemetry;
    t.writeBatch([{ agentId: 'agt_a', frame: frame(1, { sections: { inventory: { os: 'debian' } } }), receivedAt: 1 }]);
    t.writeBatch([{ agentId: 'agt_a', frame: frame(2, { sections: { patches: { pending: 3 } }, sources: [{ source: 'patches', status: 'unknown', reason: 'apt missing' }] }), receivedAt: 2 }]);
    t.writeBatch([{ agentId: 'agt_a', frame: frame(3), receivedAt: 3 }]);
    // A newer version of a section replaces the old one whole: its cleared fields do not linger.
    t.writeBatch([{ agentId: 'agt_a', frame: frame(4, { sections: { patches: { pending: 0 } } }), receivedAt: 4 }]);
    expect(temp.store.agents.getLatestReport('agt_a').sections).toEqual({ inventory: { os: 'debian' }, patches: { pending: 0 } });
    t.writeBatch([{ agentId: 'agt_a', frame: frame(5, { sections: { patches: { pending: 3, reason: 'partial' } } }), receivedAt: 5 }]);
    t.writeBatch([{ agentId: 'agt_a', frame: frame(6, { sections: { patches: { pending: 2 } } }), receivedAt: 6 }]);
    expect(temp.store.agents.getLatestReport('agt_a')).toEqual({
      sources: [{ source: 'cpu', status: 'ok' }],
      sections: { inventory: { os: 'debian' }, patches: { pending: 2 } },
    });
  });

  it('tracks since when a security patch has been pending, for patch compliance', () => {
    const t = temp.store.telemetry;
    const security = (seq: number, value: number): Frame => frame(seq, { samples: [{ metric: 'patch.security_pending', value }] });
    const status = () => temp.store.reports.patchStatus({ tenantId: null, from: 0, to: Number.MAX_SAFE_INTEGER });
    t.writeBatch([{ agentId: 'agt_a', frame: frame(1), receivedAt: 1 }]);
    expect(status()).toEqual([]);
    t.writeBatch([{ agentId: 'agt_a', frame: security(2, 0), receivedAt: 2 }, { agentId: 'agt_a', frame: security(3, 4), receivedAt: 3 }]);
    t.writeBatch([{ agentId: 'agt_a', frame: security(4, 5), receivedAt: 4 }, { agentId: 'agt_a', frame: frame(5), receivedAt: 5 }]);
    // Pending since the first frame that reported it (ts 3000), not the latest; a frame without the metric changes nothing.
    expect(status()).toEqual([{ agentId: 'agt_a', securityPendingSince: 3000 }]);
    t.writeBatch([{ agentId: 'agt_a', frame: security(6, 0), receivedAt: 6 }]);
    expect(status()).toEqual([{ agentId: 'agt_a', securityPendingSince: null }]);
  });

  it('tracks since when a reboot has been pending, and hands each frame the marks it reported', () => {
    const t = temp.store.telemetry;
    const patch = (seq: number, samples: Frame['samples']): Frame => frame(seq, { samples });
    const since = () => temp.store.db.prepare('SELECT reboot_pending_since FROM agents WHERE id = ?').pluck().get('agt_a');
    const write = (f: Frame) => t.writeBatch([{ agentId: 'agt_a', frame: f, receivedAt: 1 }])[0];
    expect(write(patch(1, [{ metric: 'patch.reboot_required', value: 0 }]))).toEqual({ patchMarks: { rebootPendingSince: null } });
    expect(write(patch(2, [{ metric: 'patch.reboot_required', value: 1 }]))).toEqual({ patchMarks: { rebootPendingSince: 2000 } });
    // Still pending: the mark stays at the first frame that reported it; other frames leave it be.
    expect(write(patch(3, [{ metric: 'patch.reboot_required', value: 1 }, { metric: 'patch.security_pending', value: 2 }])))
      .toEqual({ patchMarks: { rebootPendingSince: 2000, securityPendingSince: 3000 } });
    expect(write(frame(4))).toEqual({});
    expect(write(patch(5, [{ metric: 'patch.security_pending', value: 0 }]))).toEqual({ patchMarks: { securityPendingSince: null } });
    expect(since()).toBe(2000);
    expect(write(patch(6, [{ metric: 'patch.reboot_required', value: 0 }]))).toEqual({ patchMarks: { rebootPendingSince: null } });
    expect(since()).toBeNull();
    // A reboot-only frame is not a patch check: the compliance report keeps the last security one.
    expect(temp.store.db.prepare('SELECT patch_checked_at FROM agents WHERE id = ?').pluck().get('agt_a')).toBe(5000);
  });

  it('rolls back the whole batch when one write fails, so nothing is acknowledged half-stored', () => {
    const t = temp.store.telemetry;
    expect(() => t.writeBatch([
      { agentId: 'agt_a', frame: frame(1), receivedAt: 1 },
      { agentId: 'agt_a', frame: { ...frame(2), seq: null as unknown as number }, receivedAt: 1 },
    ])).toThrow();
    expect(t.storedSeqs('agt_a')).toEqual([]);
  });
});
