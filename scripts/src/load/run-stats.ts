import { summarize } from './percentiles.js';

/**
 * Counters shared by every part of one run. The measurement window is a span of
 * performance.now(): frames sent inside it are the ones counted and timed.
 */
export class RunStats {
  windowStart: number | null = null;
  windowEnd: number | null = null;
  /** Set once the simulator starts closing its own sockets, so those closes are not counted. */
  shuttingDown = false;
  /** Set while the collector is deliberately restarted (storm mode): dropped connections are the point. */
  expectDisconnects = false;
  /** Handshakes tried again after a failure other than 1013 (which closesByCode counts): timeouts, lost connections. */
  connectRetries = 0;
  /** Enrollments answered 429 (the collector's per-address limit) and tried again after its Retry-After. */
  enrollRateLimited = 0;
  framesSent = 0;
  framesAcked = 0;
  /** Acks of any frame that arrived while measuring: the collector's sustained throughput. */
  acksDuringWindow = 0;
  readonly ackLatencies: number[] = [];
  /** Send time of each frame in ackLatencies, to see whether latency grew over the window. */
  readonly ackSentAt: number[] = [];
  readonly sendLag: number[] = [];
  readonly closesByCode: Record<string, number> = {};
  /** Collector messages of types this simulator does not know, by type: not errors, but worth seeing. */
  readonly ignoredMessages: Record<string, number> = {};
  errors = 0;
  private readonly errorKinds = new Map<string, number>();

  constructor(private readonly log: (line: string) => void, private readonly maxLoggedPerKind = 3) {}

  inWindow(sentAt: number): boolean {
    return this.windowStart !== null && sentAt >= this.windowStart;
  }

  recordAck(sentAt: number, ackedAt: number): void {
    if (this.windowStart !== null && this.windowEnd === null) this.acksDuringWindow++;
    if (!this.inWindow(sentAt)) return;
    this.framesAcked++;
    this.ackLatencies.push(ackedAt - sentAt);
    this.ackSentAt.push(sentAt);
  }

  /** Median ack latency of the frames sent in each of `parts` equal slices of the window. */
  ackLatencyTrend(parts: number): Array<number | null> {
    const start = this.windowStart;
    const end = this.windowEnd;
    if (start === null || end === null || end <= start) return [];
    const slices: number[][] = Array.from({ length: parts }, () => []);
    for (let i = 0; i < this.ackSentAt.length; i++) {
      const slice = Math.min(parts - 1, Math.floor(((this.ackSentAt[i]! - start) / (end - start)) * parts));
      slices[slice]!.push(this.ackLatencies[i]!);
    }
    return slices.map((values) => summarize(values).p50);
  }

  recordClose(code: number): void {
    if (this.shuttingDown) return;
    const key = String(code);
    this.closesByCode[key] = (this.closesByCode[key] ?? 0) + 1;
  }

  ignoreMessage(type: string): void {
    const key = type.slice(0, 64);
    const seen = (this.ignoredMessages[key] ?? 0) + 1;
    this.ignoredMessages[key] = seen;
    if (seen === 1) this.log(`ignoring collector messages of type ${key}, unknown to this simulator`);
  }

  /** Counts an error; the first few of each kind are logged so a flood stays readable. */
  error(kind: string, detail: string): void {
    this.errors++;
    const seen = (this.errorKinds.get(kind) ?? 0) + 1;
    this.errorKinds.set(kind, seen);
    if (seen <= this.maxLoggedPerKind) this.log(`error (${kind}): ${detail}`);
    else if (seen === this.maxLoggedPerKind + 1) this.log(`error (${kind}): more of these are counted but not logged`);
  }

  errorsByKind(): Record<string, number> {
    return Object.fromEntries(this.errorKinds);
  }
}
