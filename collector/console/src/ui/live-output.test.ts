import { describe, expect, it } from 'vitest';
import { appendChunk, applyOutput, EMPTY_OUTPUT, hasLiveOutput, isScrolledToBottom, type LiveText } from './live-output.js';

const text = (value: string): LiveText => ({ text: value, bytes: new TextEncoder().encode(value).length, missed: false });

describe('live output in the console', () => {
  it('appends chunks that continue the text, counting offsets in UTF-8 bytes', () => {
    let out = appendChunk(text(''), 0, 'first-line\n');
    expect(out).toEqual(text('first-line\n'));
    out = appendChunk(out, 11, 'température: 21 °C\n');
    out = appendChunk(out, out.bytes, 'done\n');
    expect(out.text).toBe('first-line\ntempérature: 21 °C\ndone\n');
    expect(out.bytes).toBe(new TextEncoder().encode(out.text).length);
    expect(out.missed).toBe(false);
  });

  it('ignores a chunk it already has, returning the same object', () => {
    const out = text('abc\ndef\n');
    expect(appendChunk(out, 0, 'abc\n')).toBe(out);
    expect(appendChunk(out, 4, 'def\n')).toBe(out);
    expect(appendChunk(out, 0, 'abc\ndef\n')).toBe(out);
  });

  it('takes only the new part of a chunk that overlaps, as the replay after a reconnect does', () => {
    const out = appendChunk(text('one\n'), 0, 'one\ntwo\n');
    expect(out).toEqual(text('one\ntwo\n'));
    // Multi-byte characters on both sides of the cut.
    expect(appendChunk(text('€'), 0, '€ü')).toEqual(text('€ü'));
    // An overlap that would cut a character in two is not the same text: left alone.
    const odd = { text: 'x', bytes: 2, missed: false };
    expect(appendChunk(odd, 0, '€€')).toBe(odd);
  });

  it('does not append past a gap, and marks the text as having missed output', () => {
    const out = appendChunk(text('one\n'), 10, 'later\n');
    expect(out).toEqual({ ...text('one\n'), missed: true });
    expect(appendChunk(out, 20, 'even later\n')).toBe(out);
    // What continues the text is still taken.
    expect(appendChunk(out, 4, 'two\n')).toEqual({ ...text('one\ntwo\n'), missed: true });
  });

  it('keeps stdout and stderr of a run apart', () => {
    let out = applyOutput(EMPTY_OUTPUT, { stream: 'stderr', offset: 0, data: 'warn\n' });
    out = applyOutput(out, { stream: 'stdout', offset: 0, data: 'ok\n' });
    expect(out.stdout.text).toBe('ok\n');
    expect(out.stderr.text).toBe('warn\n');
    expect(applyOutput(out, { stream: 'stdout', offset: 0, data: 'ok\n' })).toBe(out);
    expect(hasLiveOutput(out)).toBe(true);
    expect(hasLiveOutput(EMPTY_OUTPUT)).toBe(false);
    expect(hasLiveOutput(undefined)).toBe(false);
  });

  it('follows new output only while the box shows its end', () => {
    expect(isScrolledToBottom({ scrollTop: 600, clientHeight: 400, scrollHeight: 1000 })).toBe(true);
    expect(isScrolledToBottom({ scrollTop: 595, clientHeight: 400, scrollHeight: 1000 })).toBe(true);
    expect(isScrolledToBottom({ scrollTop: 300, clientHeight: 400, scrollHeight: 1000 })).toBe(false);
    expect(isScrolledToBottom({ scrollTop: 0, clientHeight: 400, scrollHeight: 200 })).toBe(true);
  });
});
