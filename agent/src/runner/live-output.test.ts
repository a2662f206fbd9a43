import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JOB_OUTPUT_CHUNK_MAX_BYTES, utf8ByteLength } from '@vigil/shared';
import { LiveOutput, splitUtf8, type FlushTimer, type LiveOutputOptions, type OutputChunk } from './live-output.js';

/** A clock that moves only when told: `advance` runs the timers that come due. */
class FakeTimer implements FlushTimer {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  set(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get armed(): number {
    return this.pending.size;
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.pending]) {
      if (timer.at > this.now) continue;
      this.pending.delete(id);
      timer.callback();
    }
  }
}

function feed(options: Partial<LiveOutputOptions> = {}) {
  const timer = new FakeTimer();
  const chunks: Array<OutputChunk & { at: number }> = [];
  const live = new LiveOutput({ send: (chunk) => chunks.push({ ...chunk, at: timer.now }), timer, ...options });
  const text = (stream: 'stdout' | 'stderr') => chunks.filter((c) => c.stream === stream).map((c) => c.data).join('');
  return { live, timer, chunks, text };
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** Each stream's chunks continue one another: offsets start at 0 and grow by each chunk's size. */
function expectContiguous(chunks: readonly OutputChunk[]): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    let offset = 0;
    for (const chunk of chunks.filter((c) => c.stream === stream)) {
      expect(chunk.offset).toBe(offset);
      expect(chunk.data.length).toBeGreaterThan(0);
      expect(utf8ByteLength(chunk.data)).toBeLessThanOrEqual(JOB_OUTPUT_CHUNK_MAX_BYTES);
      offset += utf8ByteLength(chunk.data);
    }
  }
}

describe('live output: coalescing', () => {
  it('holds what a stream prints for 250 ms, then sends it as one chunk', () => {
    const { live, timer, chunks } = feed();
    live.stdout.write(bytes('one\n'));
    timer.advance(100);
    live.stdout.write(bytes('two\n'));
    timer.advance(149);
    expect(chunks).toEqual([]);
    timer.advance(1);
    expect(chunks).toEqual([{ stream: 'stdout', offset: 0, data: 'one\ntwo\n', at: 250 }]);
    // Nothing waits, so nothing is armed: an idle script costs no timer.
    expect(timer.armed).toBe(0);
    live.stdout.write(bytes('three\n'));
    timer.advance(250);
    expect(chunks.at(-1)).toEqual({ stream: 'stdout', offset: 8, data: 'three\n', at: 500 });
  });

  it('sends at once when 8 KiB wait, without waiting for the timer', () => {
    const { live, timer, chunks } = feed();
    live.stdout.write(bytes('a'.repeat(4096)));
    expect(chunks).toHaveLength(0);
    live.stdout.write(bytes('b'.repeat(4096)));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ offset: 0, at: 0 });
    expect(chunks[0]!.data).toHaveLength(8192);
    expect(timer.armed).toBe(0);
  });

  it('costs a few messages a second however chatty the script: a line every millisecond for 10 s', () => {
    const { live, timer, chunks, text } = feed();
    let printed = '';
    for (let ms = 0; ms < 10_000; ms++) {
      const line = `${ms}\n`;
      printed += line;
      live.stdout.write(bytes(line));
      timer.advance(1);
    }
    live.end();
    expect(text('stdout')).toBe(printed);
    // 4 a second from the timer, plus one per 8 KiB of the ~48 KiB printed: far below the
    // collector's per-connection limit (200 messages a second), even with many such runs at once.
    expect(chunks.length).toBeLessThanOrEqual(10 * 4 + Math.ceil(printed.length / 8192) + 1);
    expectContiguous(chunks);
  });

  it('keeps stdout and stderr apart, each with its own offsets', () => {
    const { live, timer, chunks } = feed();
    live.stdout.write(bytes('out-1\n'));
    live.stderr.write(bytes('err-1\n'));
    live.stdout.write(bytes('out-2\n'));
    timer.advance(250);
    expect(chunks.map(({ stream, offset, data }) => ({ stream, offset, data }))).toEqual([
      { stream: 'stdout', offset: 0, data: 'out-1\nout-2\n' },
      { stream: 'stderr', offset: 0, data: 'err-1\n' },
    ]);
  });

  it('cuts a large write into chunks of at most 16 KiB that follow one another', () => {
    const { live, chunks, text } = feed();
    const big = 'x'.repeat(40 * 1024);
    live.stdout.write(bytes(big));
    expect(chunks.map((c) => c.data.length)).toEqual([16384, 16384, 8192]);
    expectContiguous(chunks);
    expect(text('stdout')).toBe(big);
  });

  it('sends what waits when the script ends, and nothing after', () => {
    const { live, timer, chunks } = feed();
    live.stdout.write(bytes('last words'));
    live.end();
    expect(chunks).toEqual([{ stream: 'stdout', offset: 0, data: 'last words', at: 0 }]);
    expect(timer.armed).toBe(0);
    live.stdout.write(bytes('too late'));
    timer.advance(1000);
    expect(chunks).toHaveLength(1);
  });
});

describe('live output: characters and the cap', () => {
  it('decodes a character split across two reads whole', () => {
    const { live, timer, chunks } = feed();
    const euro = bytes('€');
    live.stdout.write(euro.subarray(0, 1));
    timer.advance(250);
    // The lone first byte is held back, not sent as a replacement character.
    expect(chunks).toEqual([]);
    live.stdout.write(euro.subarray(1));
    timer.advance(250);
    expect(chunks.map((c) => c.data)).toEqual(['€']);
  });

  it('stops each stream at the cap: the part that fits goes, then nothing more', () => {
    const { live, timer, chunks, text } = feed({ capBytes: 10 });
    live.stdout.write(bytes('12345'));
    live.stdout.write(bytes('67890abc'));
    expect(text('stdout')).toBe('1234567890');
    live.stdout.write(bytes('more'));
    live.stderr.write(bytes('stderr has its own cap'));
    timer.advance(250);
    live.end();
    expect(text('stdout')).toBe('1234567890');
    expect(text('stderr')).toBe('stderr has');
    expectContiguous(chunks);
  });

  it('never cuts a character at the cap', () => {
    const { live, text } = feed({ capBytes: 5 });
    live.stdout.write(bytes('ab€€'));
    live.end();
    // 'ab€' is 5 bytes; the second € would pass the cap.
    expect(text('stdout')).toBe('ab€');
  });

  it('splits text between characters, keeping surrogate pairs whole', () => {
    expect(splitUtf8('a€b', 3)).toEqual(['a', '€b']);
    expect(splitUtf8('a€b', 4)).toEqual(['a€', 'b']);
    expect(splitUtf8('😀x', 3)).toEqual(['', '😀x']);
    expect(splitUtf8('😀x', 4)).toEqual(['😀', 'x']);
  });

  it('whatever the writes and the timing: offsets continue, nothing is lost, repeated or reordered', () => {
    const piece = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 50 }), fc.constant('y'.repeat(9000)));
    const step = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), stream: fc.constantFrom('stdout' as const, 'stderr' as const), text: piece, cut: fc.nat(4) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400 }) }),
    );
    fc.assert(fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 64 * 1024 }), (steps, cap) => {
      const { live, timer, chunks, text } = feed({ capBytes: cap });
      const written = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
      for (const s of steps) {
        if (s.kind === 'wait') {
          timer.advance(s.ms);
          continue;
        }
        // Reads cut anywhere, in the middle of characters too.
        const all = bytes(s.text);
        const at = Math.min(s.cut, all.length);
        for (const part of [all.subarray(0, at), all.subarray(at)]) {
          if (part.length === 0) continue;
          written[s.stream].push(part);
          live[s.stream].write(part);
        }
      }
      live.end();
      expectContiguous(chunks);
      for (const stream of ['stdout', 'stderr'] as const) {
        const whole = new TextDecoder().decode(Buffer.concat(written[stream]));
        const sent = text(stream);
        expect(utf8ByteLength(sent)).toBeLessThanOrEqual(cap);
        expect(whole.startsWith(sent)).toBe(true);
        // Below the cap, everything printed went out.
        if (utf8ByteLength(whole) <= cap) expect(sent).toBe(whole);
      }
    }), { numRuns: 300 });
  });
});
