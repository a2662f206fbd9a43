import type { Frame } from '@vigil/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import { CollectorScheduler } from '../collectors/scheduler.js';
import { createCollectors } from '../collectors/registry.js';
import type { PatchesOptions } from '../collectors/patches/collector.js';
import type { Logger } from '../log.js';
import { MemorySeqSource } from '../state/seq-store.js';
import { buildFrame } from '../telemetry/frame-builder.js';
import { FrameLoop } from '../telemetry/frame-loop.js';

export interface CollectCommandOptions {
  collectors: string[];
  once: boolean;
  intervalMs: number;
  /** Gap between the priming and the real reading, so rates cover a real interval. */
  rateWindowMs?: number;
  logger: Logger;
  write?: (frame: Frame) => void;
  /** Watch list for the services collector (`--services`). */
  services?: readonly string[];
  /** Patch scan settings (`--patch-source`, `--patch-refresh`). */
  patches?: PatchesOptions;
  /** Custom metrics from *.prom files (`--textfile-dir`). */
  textfileDir?: string;
}

const writeLine = (frame: Frame) => {
  process.stdout.write(`${JSON.stringify(frame)}\n`);
};

/**
 * Prints frames as JSON lines on stdout without any server: one with --once, else one per interval
 * until interrupted. Rate collectors are primed first so even the first frame carries real rates.
 */
export async function collectCommand(options: CollectCommandOptions): Promise<void> {
  const write = options.write ?? writeLine;
  const scheduler = new CollectorScheduler(createCollectors(options.collectors, { services: options.services ?? [], ...(options.patches ? { patches: options.patches } : {}), ...(options.textfileDir !== undefined ? { textfileDir: options.textfileDir } : {}) }));
  const seq = new MemorySeqSource();
  if (scheduler.collectors.some((c) => c.needsPriorReading)) {
    await scheduler.prime();
    await sleep(options.rateWindowMs ?? 1_000);
  }
  if (options.once) {
    const ts = Date.now();
    write(buildFrame(seq.next(), ts, await scheduler.collect({ includePeriodic: true })));
    return;
  }
  const loop = new FrameLoop({ scheduler, seq, intervalMs: options.intervalMs, maxSplayMs: 0, logger: options.logger, onFrame: write });
  await new Promise<void>((resolve) => {
    const stop = () => {
      loop.stop();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    loop.start();
  });
}
