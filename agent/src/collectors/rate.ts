/**
 * Turns monotonically increasing counters (bytes read, bytes received) into per-second rates
 * between two readings. Pure: the caller supplies the readings and their timestamps.
 */
export class RateTracker {
  private previous: { at: number; counters: Map<string, number> } | undefined;

  /** True until a reading exists to compute rates against. */
  get primed(): boolean {
    return this.previous !== undefined;
  }

  /**
   * Records a reading and returns the per-second rate of each counter also present in the previous
   * reading. A counter that went backwards (device reset, counter wrap) yields no rate this time.
   */
  update(at: number, counters: Map<string, number>): Map<string, number> {
    const rates = new Map<string, number>();
    const previous = this.previous;
    this.previous = { at, counters };
    if (!previous) return rates;
    const seconds = (at - previous.at) / 1000;
    if (!(seconds > 0)) return rates;
    for (const [key, value] of counters) {
      const before = previous.counters.get(key);
      if (before === undefined || value < before) continue;
      rates.set(key, (value - before) / seconds);
    }
    return rates;
  }
}
