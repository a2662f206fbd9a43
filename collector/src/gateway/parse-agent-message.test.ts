import { CloseCode, PROTOCOL_VERSION } from '@vigil/shared';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from './json-hazards.js';
import { parseAgentMessage, type ParseResult } from './parse-agent-message.js';

const parseText = (text: string): ParseResult => parseAgentMessage(Buffer.from(text, 'utf8'), false);

const validFrame = (): Record<string, unknown> => ({
  type: 'frame', seq: 7, ts: 1_700_000_000_000,
  samples: [{ metric: 'disk.used_pct', value: 71.4, labels: { mount: '/' } }],
  sources: [{ source: 'disk', status: 'ok' }],
  sections: { inventory: { os: 'linux', software: [{ name: 'bash', version: '5.2' }] } },
});

/** Object.prototype and Array.prototype as they were before any hostile input. */
const pristine = {
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
};
function expectPrototypesClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(pristine.object);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(pristine.array);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

function expectWellFormed(result: ParseResult): void {
  if (result.ok) {
    expect(typeof result.message.type).toBe('string');
  } else {
    expect(result.code).toBe(CloseCode.badMessage);
    expect(result.reason.length).toBeGreaterThan(0);
  }
}

/** Where a forbidden key goes: a chain of keys under the frame's sections. */
const pathArb = fc.array(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '__proto__' && k !== 'constructor'), { minLength: 0, maxLength: 6 });
/** How the forbidden key is spelled in the JSON text; JSON.parse makes them all the same key. */
const spellingArb = fc.constantFrom('__proto__', '\\u005f_proto__', '__pro\\u0074o__', '\\u005F\\u005Fproto\\u005F\\u005F');

/** JSON text of a frame whose sections hide `{"__proto__": {"polluted": true}}` (or constructor.prototype) at some depth. */
const hostileFrameText = fc
  .record({ path: pathArb, spelling: spellingArb, viaConstructor: fc.boolean(), inArray: fc.boolean(), noise: fc.jsonValue({ maxDepth: 2 }) })
  .map(({ path, spelling, viaConstructor, inArray, noise }) => {
    const payload = viaConstructor ? `{"constructor":{"prototype":{"polluted":true}}}` : `{"${spelling}":{"polluted":true},"noise":${JSON.stringify(noise)}}`;
    let inner = inArray ? `[${JSON.stringify(noise)},${payload}]` : payload;
    for (const key of [...path].reverse()) inner = `{${JSON.stringify(key)}:${inner}}`;
    const frame = JSON.stringify(validFrame());
    return { text: frame.replace('"sections":{', () => `"sections":{"x":${inner},`) };
  });

describe('parseAgentMessage', () => {
  afterEach(expectPrototypesClean);

  it('accepts a valid frame', () => {
    const result = parseText(JSON.stringify(validFrame()));
    expect(result.ok).toBe(true);
  });

  it('accepts live output within the chunk size and refuses it past it, counted in UTF-8 bytes', () => {
    const chunk = (data: string) => parseText(JSON.stringify({ type: 'job.output', runId: 'run_1', stream: 'stdout', offset: 0, data }));
    expect(chunk('line\n')).toMatchObject({ ok: true, message: { type: 'job.output', data: 'line\n' } });
    expect(chunk('x'.repeat(16 * 1024)).ok).toBe(true);
    // 6,000 characters, but 18,000 bytes.
    const wide = chunk('€'.repeat(6000));
    expect(wide.ok).toBe(false);
    if (!wide.ok) expect(wide.reason).toMatch(/invalid job.output: data: a chunk carries at most 16384 bytes/);
    expect(chunk('').ok).toBe(false);
    expect(parseText(JSON.stringify({ type: 'job.output', runId: 'run_1', stream: 'stdin', offset: 0, data: 'x' })).ok).toBe(false);
    expect(parseText(JSON.stringify({ type: 'job.output', runId: 'run_1', stream: 'stdout', offset: -1, data: 'x' })).ok).toBe(false);
  });

  it('never throws on arbitrary bytes, text or JSON, and always answers a message or a code and a reason', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, binary) => expectWellFormed(parseAgentMessage(Buffer.from(bytes), binary))), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => expectWellFormed(parseText(text))), { numRuns: 500 });
    fc.assert(fc.property(fc.jsonValue(), (value) => expectWellFormed(parseText(JSON.stringify(value) ?? 'null'))), { numRuns: 500 });
  });

  it('answers near-valid messages with one mutated field with a message or a refusal naming the problem', () => {
    const fields = ['type', 'seq', 'ts', 'samples', 'sources', 'sections', 'protocolVersion', 'agentId', 'nonce'];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 3 }), (field, value) => {
        const result = parseText(JSON.stringify({ ...validFrame(), [field]: value }));
        expectWellFormed(result);
        if (!result.ok) expect(result.reason).toMatch(/^(invalid frame|unknown message type|forbidden key|nested deeper)/);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses "__proto__" and "constructor.prototype" keys at any depth, in any spelling, naming the key', () => {
    fc.assert(
      fc.property(hostileFrameText, ({ text }) => {
        // The arbitrary noise beside the planted key may hold a "__proto__" of its own (fast-check
        // generates it), so either forbidden key may be the one named.
        expect(parseText(text)).toEqual({ ok: false, code: CloseCode.badMessage, reason: expect.stringMatching(/^forbidden key "(__proto__|constructor\.prototype)" at sections\.x/) });
      }),
      { numRuns: 500 },
    );
  });

  it('names where the forbidden key was', () => {
    const text = JSON.stringify(validFrame()).replace('"software":[', '"software":[{"__proto__":{"polluted":true}},');
    expect(parseText(text)).toEqual({ ok: false, code: CloseCode.badMessage, reason: 'forbidden key "__proto__" at sections.inventory.software.0.__proto__' });
    expect(parseText('{"__proto__":{"type":"frame"},"type":"heartbeat","ts":1}')).toMatchObject({ reason: 'forbidden key "__proto__" at __proto__' });
  });

  it('allows harmless keys named constructor or prototype', () => {
    const frame = { ...validFrame(), sections: { constructor: 'a string', prototype: { x: 1 }, inventory: { constructor: [1, 2] } } };
    expect(parseText(JSON.stringify(frame)).ok).toBe(true);
  });

  it('refuses nesting deeper than the limit without overflowing the stack, even 300,000 levels deep', () => {
    const deep = (levels: number): string => JSON.stringify(validFrame()).replace('"sections":{', `"sections":{"deep":${'['.repeat(levels)}${']'.repeat(levels)},`);
    // The message is level 1 and sections level 2, so the arrays may take the rest.
    expect(parseText(deep(MAX_JSON_DEPTH - 2)).ok).toBe(true);
    expect(parseText(deep(MAX_JSON_DEPTH - 1))).toMatchObject({ ok: false, reason: expect.stringMatching(/^nested deeper than 32 levels at sections\.deep\.0\.0/) });
    expect(parseText(deep(300_000))).toMatchObject({ ok: false, reason: expect.stringMatching(/^nested deeper than 32 levels/) });
  });

  it('parses a valid hello and names the field of an invalid one', () => {
    const hello = { type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId: 'agt_x', agentVersion: '1', nonce: 'n'.repeat(32), signature: 's' };
    expect(parseText(JSON.stringify(hello)).ok).toBe(true);
    expect(parseText(JSON.stringify({ ...hello, signature: '' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^invalid hello: signature/) });
  });
});
