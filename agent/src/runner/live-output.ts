import { JOB_OUTPUT_CHUNK_MAX_BYTES, SCRIPT_OUTPUT_CAP_BYTES, utf8ByteLength, type OutputStream } from '@vigil/shared';

/** A piece of a stream's output: `offset` UTF-8 bytes of that stream went out before `data`. */
export interface OutputChunk { stream: OutputStream; offset: number; data: string }

/** The timer the feeds wait on (tests pass a fake clock). */
export interface FlushTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface LiveOutputOptions {
  /** Where chunks go (the connection sends them, or drops them when it is down). */
  send: (chunk: OutputChunk) => void;
  /** Bytes of each stream sent at most: the result's cap, so the live text never outgrows the stored one. */
  capBytes?: number;
  /** Output waits at most this long before it is sent... */
  intervalMs?: number;
  /** ...or goes at once when this much is waiting. */
  eagerBytes?: number;
  maxChunkBytes?: number;
  timer?: FlushTimer;
}

export const LIVE_OUTPUT_INTERVAL_MS = 250;
export const LIVE_OUTPUT_EAGER_BYTES = 8 * 1024;

const realTimer: FlushTimer = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * A running script's stdout and stderr, sent as they come in coalesced chunks: what a stream
 * printed goes out 250 ms after it started waiting, or at once when 8 KiB wait, so a chatty
 * script costs a few messages a second, not one per write. Each stream stops at the output cap.
 */
export class LiveOutput {
  readonly stdout: StreamFeed;
  readonly stderr: StreamFeed;

  constructor(options: LiveOutputOptions) {
    this.stdout = new StreamFeed('stdout', options);
    this.stderr = new StreamFeed('stderr', options);
  }

  /** The script ended: whatever waits goes now, and nothing after it. */
  end(): void {
    this.stdout.end();
    this.stderr.end();
  }
}

/** One stream: bytes in, decoded and held until its timer or its size sends them. */
export class StreamFeed {
  /** Streaming, so a character split across two reads is decoded whole. */
  private readonly decoder = new TextDecoder('utf-8');
  private waiting = '';
  private waitingBytes = 0;
  private sent = 0;
  private done = false;
  private timerHandle: unknown = undefined;
  private readonly cap: number;
  private readonly intervalMs: number;
  private readonly eagerBytes: number;
  private readonly maxChunkBytes: number;
  private readonly timer: FlushTimer;

  constructor(private readonly stream: OutputStream, private readonly options: LiveOutputOptions) {
    this.cap = options.capBytes ?? SCRIPT_OUTPUT_CAP_BYTES;
    this.intervalMs = options.intervalMs ?? LIVE_OUTPUT_INTERVAL_MS;
    this.eagerBytes = options.eagerBytes ?? LIVE_OUTPUT_EAGER_BYTES;
    this.maxChunkBytes = Math.min(options.maxChunkBytes ?? JOB_OUTPUT_CHUNK_MAX_BYTES, JOB_OUTPUT_CHUNK_MAX_BYTES);
    this.timer = options.timer ?? realTimer;
  }

  /** Bytes of this stream sent so far. */
  get sentBytes(): number {
    return this.sent;
  }

  write(bytes: Uint8Array): void {
    if (this.done) return;
    this.hold(this.decoder.decode(bytes, { stream: true }));
  }

  /** Sends what waits now. */
  flush(): void {
    if (this.timerHandle !== undefined) {
      this.timer.clear(this.timerHandle);
      this.timerHandle = undefined;
    }
    let rest = this.waiting;
    this.waiting = '';
    this.waitingBytes = 0;
    while (rest.length > 0) {
      const [head, tail] = splitUtf8(rest, this.maxChunkBytes);
      // A first character wider than the chunk size cannot happen (4 bytes at most), but must not loop.
      if (head.length === 0) break;
      this.options.send({ stream: this.stream, offset: this.sent, data: head });
      this.sent += utf8ByteLength(head);
      rest = tail;
    }
  }

  end(): void {
    if (this.done) return;
    // A character cut off by the end of the stream decodes to U+FFFD, as the stored result has it.
    this.hold(this.decoder.decode());
    this.flush();
    this.done = true;
  }

  private hold(text: string): void {
    if (text.length === 0) return;
    const room = this.cap - this.sent - this.waitingBytes;
    const bytes = utf8ByteLength(text);
    if (bytes >= room) {
      // The cap: the part that fits goes now, and the stream sends nothing more.
      const [fits] = splitUtf8(text, room);
      this.waiting += fits;
      this.waitingBytes += utf8ByteLength(fits);
      this.flush();
      this.done = true;
      return;
    }
    this.waiting += text;
    this.waitingBytes += bytes;
    if (this.waitingBytes >= this.eagerBytes) this.flush();
    else if (this.timerHandle === undefined) this.timerHandle = this.timer.set(() => this.flush(), this.intervalMs);
  }
}

/** `text` cut after at most `maxBytes` UTF-8 bytes, between characters (a surrogate pair stays whole). */
export function splitUtf8(text: string, maxBytes: number): [string, string] {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const unit = text.charCodeAt(i);
    const pair = unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const width = unit < 0x80 ? 1 : unit < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + width > maxBytes) break;
    bytes += width;
    i += pair ? 2 : 1;
  }
  return [text.slice(0, i), text.slice(i)];
}
