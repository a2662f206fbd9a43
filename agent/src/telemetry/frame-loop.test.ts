import { describe, expect, it } from 'vitest';
import { FrameSchema, MAX_MESSAGE_BYTES, type Frame } from '@vigil/shared';
import { CollectorScheduler } from '../collectors/scheduler.js';
import { silentLogger } from '../log.js';
import { MemorySeqSource } from '../state/seq-store.js';
import { buildFrame } from './frame-builder.js';
import { FrameLoop, defaultSplayMs } from './frame-loop.js';

describe('FrameLoop', () => {
  it('emits valid frames with increasing seqs until stopped', async () => {
    const scheduler = new CollectorScheduler([{ name: 'one', timeoutMs: 1000, collect: async () => ({ samples: [{ metric: 'cpu.load1', value: 1 }] }) }]);
    const frames: Frame[] = [];
    let loop!: FrameLoop;
    const three = new Promise<void>((resolve) => {
      loop = new FrameLoop({
        scheduler,
        seq: new MemorySeqSource(7),
        intervalMs: 20,
        maxSplayMs: 0,
        logger: silentLogger(),
        onFrame: (frame) => {
          frames.push(frame);
          if (frames.length === 3) {
            loop.stop();
            resolve();
          }
        },
      });
    });
    loop.start();
    await three;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(frames.map((f) => f.seq)).toEqual([8, 9, 10]);
    for (const frame of frames) expect(FrameSchema.parse(frame)).toEqual(frame);
  });

  it('keeps the first-frame splay small for short intervals and at most 10 s', () => {
    expect(defaultSplayMs(200)).toBe(50);
    expect(defaultSplayMs(60_000)).toBe(10_000);
  });
});

describe('buildFrame', () => {
  it('caps samples at the schema limit and says so', () => {
    const samples = Array.from({ length: 5001 }, (_, i) => ({ metric: 'cpu.load1', value: i }));
    const frame = buildFrame(1, 0, { samples, sources: [], sections: {} });
    expect(frame.samples).toHaveLength(5000);
    expect(frame.sources).toContainEqual(expect.objectContaining({ source: 'frame', status: 'error' }));
  });

  it('drops sections that would push the frame past the message limit', () => {
    const frame = buildFrame(1, 0, { samples: [], sources: [], sections: { big: 'x'.repeat(MAX_MESSAGE_BYTES) } });
    expect(frame.sections).toBeUndefined();
    expect(frame.sources[0]!.reason).toMatch(/sections dropped/);
    expect(buildFrame(2, 0, { samples: [], sources: [], sections: { small: { a: 1 } } }).sections).toEqual({ small: { a: 1 } });
  });
});

describe('FrameLoop delivery hooks', () => {
  it('drops the hooks of a frame whose sections were dropped for size, so no cursor skips them', async () => {
    const delivered: string[] = [];
    const section = (size: number) => ({ name: `s${size}`, timeoutMs: 1000, collect: async () => ({ samples: [], sections: { [`s${size}`]: 'x'.repeat(size) }, onDelivered: () => delivered.push(`s${size}`) }) });
    const run = async (size: number) => {
      const hooks: Array<ReadonlyArray<() => void>> = [];
      let loop!: FrameLoop;
      await new Promise<void>((resolve) => {
        loop = new FrameLoop({
          scheduler: new CollectorScheduler([section(size)]), seq: new MemorySeqSource(), intervalMs: 10_000, maxSplayMs: 0, logger: silentLogger(),
          onFrame: (_frame, onDelivered) => { hooks.push(onDelivered); loop.stop(); resolve(); },
        });
        loop.start();
      });
      return hooks[0]!;
    };
    expect(await run(MAX_MESSAGE_BYTES)).toEqual([]);
    const small = await run(10);
    small.forEach((hook) => hook());
    expect(delivered).toEqual(['s10']);
  });
});
