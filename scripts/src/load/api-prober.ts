import { performance } from 'node:perf_hooks';
import type { ApiClient } from './api-client.js';
import { sleep } from './pool.js';

/**
 * Asks the collector an API question every `everyMs` (or as soon as the previous answer came, if
 * that took longer) and records how long each answer took: how the API fares while agents storm in.
 */
export class ApiProber {
  readonly latenciesMs: number[] = [];
  failures = 0;
  /** When the slowest answer was asked, in ms after start(): early (startup) or during the storm. */
  slowestAtMs: number | null = null;
  private startedAt = 0;
  private slowestMs = -1;
  lastFailure: string | null = null;
  private running: Promise<void> | null = null;
  private readonly stop$ = new AbortController();

  constructor(
    private readonly api: ApiClient,
    private readonly path: string,
    private readonly authenticated: boolean,
    private readonly everyMs = 100,
  ) {}

  start(): void {
    if (this.running) return;
    this.startedAt = performance.now();
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stop$.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const signal = this.stop$.signal;
    while (!signal.aborted) {
      const started = performance.now();
      try {
        await this.api.probe(this.path, this.authenticated);
        const ms = performance.now() - started;
        this.latenciesMs.push(ms);
        if (ms > this.slowestMs) {
          this.slowestMs = ms;
          this.slowestAtMs = Math.round(started - this.startedAt);
        }
      } catch (err) {
        this.failures++;
        this.lastFailure = (err as Error).message;
      }
      await sleep(Math.max(0, this.everyMs - (performance.now() - started)), signal);
    }
  }
}
