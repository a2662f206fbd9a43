import type { Frame } from '@vigil/shared';
import type { CollectorScheduler } from '../collectors/scheduler.js';
import type { Logger } from '../log.js';
import type { SeqSource } from '../state/seq-store.js';
import { buildFrame } from './frame-builder.js';

export interface FrameLoopOptions {
  scheduler: CollectorScheduler;
  seq: SeqSource;
  intervalMs: number;
  /** Upper bound of the random delay before the first frame; defaults to defaultSplayMs(intervalMs). */
  maxSplayMs?: number;
  /** `onDelivered` holds what to call once this frame is safe (spooled to disk, or acknowledged). */
  onFrame: (frame: Frame, onDelivered: ReadonlyArray<() => void>) => void;
  logger: Logger;
  random?: () => number;
}

/**
 * Spreads the first frame of a fleet over a window so thousands of agents restarted together (a
 * collector upgrade, a power cut) do not report in lockstep: a quarter of the interval, at most 10 s.
 */
export function defaultSplayMs(intervalMs: number): number {
  return Math.min(intervalMs / 4, 10_000);
}

/**
 * Produces one frame per interval on a fixed cadence. Collection is bounded by the collectors'
 * own timeouts, and a late cycle shifts the cadence rather than firing a burst to catch up.
 */
export class FrameLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private nextAt = 0;

  constructor(private readonly options: FrameLoopOptions) {}

  start(): void {
    const random = this.options.random ?? Math.random;
    const splay = Math.floor(random() * (this.options.maxSplayMs ?? defaultSplayMs(this.options.intervalMs)));
    this.nextAt = Date.now() + splay;
    this.options.logger.debug({ splayMs: splay, intervalMs: this.options.intervalMs }, 'frame loop starting');
    this.arm();
  }

  /**
   * Stops scheduling. A cycle in progress is not waited for (a collector may be stuck for its whole
   * timeout); its frame is discarded when it completes.
   */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.cycle().finally(() => {
        this.nextAt = Math.max(this.nextAt + this.options.intervalMs, Date.now());
        this.arm();
      });
    }, Math.max(0, this.nextAt - Date.now()));
  }

  private async cycle(): Promise<void> {
    const ts = Date.now();
    try {
      const result = await this.options.scheduler.collect();
      if (this.stopped) return;
      const frame = buildFrame(this.options.seq.next(), ts, result);
      // A frame whose sections were dropped for size must not confirm them: a source saving a
      // cursor in its hook would otherwise skip entries that never left this process.
      const sectionsDropped = Object.keys(result.sections).length > 0 && !frame.sections;
      this.options.onFrame(frame, sectionsDropped ? [] : result.onDelivered);
    } catch (error) {
      this.options.logger.error({ err: error }, 'frame cycle failed');
    }
  }
}
