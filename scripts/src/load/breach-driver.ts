import type { FeedWatcher } from './feed-watcher.js';
import type { SimAgent } from './sim-agent.js';

/** Random picks per breach before giving up on finding an idle agent this time. */
const PICK_ATTEMPTS = 32;

/**
 * Every `everyMs`, makes one random idle agent report a CPU breach in its next frame. An agent
 * whose earlier breach is still awaited or whose alert is still open is skipped, so every alert
 * opened belongs to exactly one timed breach.
 */
export class BreachDriver {
  private timer: NodeJS.Timeout | null = null;
  scheduled = 0;
  skipped = 0;

  constructor(
    private readonly agents: readonly SimAgent[],
    private readonly feed: FeedWatcher,
    private readonly everyMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    if (this.timer || this.agents.length === 0) return;
    this.timer = setInterval(() => this.breachOne(), this.everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // A breach marked but not yet sent would otherwise go out during the drain, unmeasured.
    for (const agent of this.agents) agent.breachNext = null;
  }

  private breachOne(): void {
    for (let attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
      const agent = this.agents[Math.floor(this.random() * this.agents.length)]!;
      if (!agent.isReady || agent.breachNext || this.feed.isBusy(agent.agentId)) continue;
      agent.breachNext = (sentAt) => this.feed.expectBreach(agent.agentId, sentAt);
      this.scheduled++;
      return;
    }
    this.skipped++;
  }
}
