import { performance } from 'node:perf_hooks';
import type { RunStats } from './run-stats.js';
import type { SimAgent } from './sim-agent.js';

/** How often the scheduler wakes; frames due in between go out together at the next wake. */
const TICK_MS = 5;

/**
 * Produces every agent's frames on its own fixed cadence (each agent sends what its window
 * allows, see SimSpool), with the agents' phases spread evenly over the interval so the
 * collector sees a smooth stream instead of one burst per interval. Agent i is due at
 * start + i·interval/N + k·interval; since that order never changes, one cursor walking the
 * agents round after round finds every due frame without a timer per agent.
 */
export class FrameScheduler {
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private cursor = 0;
  private round = 0;

  constructor(
    private readonly agents: readonly SimAgent[],
    private readonly intervalMs: number,
    private readonly stats: RunStats,
  ) {}

  start(): void {
    if (this.timer || this.agents.length === 0) return;
    this.startedAt = performance.now();
    this.cursor = 0;
    this.round = 0;
    this.tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private dueAt(index: number, round: number): number {
    return this.startedAt + (index * this.intervalMs) / this.agents.length + round * this.intervalMs;
  }

  private tick(): void {
    const now = performance.now();
    for (;;) {
      const due = this.dueAt(this.cursor, this.round);
      if (due > now) break;
      // How late the simulator itself is: if this grows, the measurement is limited by the
      // load generator, not the collector.
      if (this.stats.inWindow(due)) this.stats.sendLag.push(now - due);
      this.agents[this.cursor]!.produceFrame();
      if (++this.cursor === this.agents.length) {
        this.cursor = 0;
        this.round++;
      }
    }
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }
}
