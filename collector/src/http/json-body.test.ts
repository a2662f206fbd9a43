import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandling } from './error-handler.js';
import { charsetOf, installJsonBody } from './json-body.js';

describe('JSON bodies', () => {
  let app: FastifyInstance;
  const received: unknown[] = [];
  afterEach(async () => {
    received.length = 0;
    await app?.close();
  });

  const post = async (payload: string | Buffer, contentType = 'application/json') => {
    if (!app) throw new Error('build first');
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': contentType }, payload });
    return { status: res.statusCode, body: res.json() };
  };
  const build = async (): Promise<void> => {
    app = Fastify();
    installErrorHandling(app);
    installJsonBody(app);
    app.post('/echo', async (request) => {
      received.push(request.body);
      return { body: request.body };
    });
    await app.ready();
  };

  it('parses UTF-8 JSON, multi-byte characters included', async () => {
    await build();
    expect(await post(Buffer.from('{"name":"Zürich ✓ 𝄞"}', 'utf8'))).toEqual({ status: 200, body: { body: { name: 'Zürich ✓ 𝄞' } } });
    expect(await post('{"a":1}', 'application/json; charset=UTF-8')).toEqual({ status: 200, body: { body: { a: 1 } } });
  });

  it('refuses bytes that are not UTF-8 with 400 instead of storing replacement characters', async () => {
    await build();
    for (const bytes of [[0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const payload = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bytes), Buffer.from('b"}')]);
      expect(await post(payload), bytes.join(',')).toEqual({ status: 400, body: { error: { code: 'invalid_utf8', message: 'body is not valid UTF-8: send JSON as UTF-8' } } });
    }
    expect(received).toEqual([]);
  });

  it('refuses JSON declared in another charset with 415', async () => {
    await build();
    const res = await post(Buffer.from('{"name":"a"}', 'latin1'), 'application/json; charset=ISO-8859-1');
    expect(res).toEqual({ status: 415, body: { error: { code: 'unsupported_charset', message: 'charset "iso-8859-1" is not supported: send JSON as UTF-8' } } });
    expect(received).toEqual([]);
  });

  it('still refuses prototype keys at any depth, malformed and empty bodies', async () => {
    await build();
    expect((await post('{"a":{"b":{"__proto__":{"x":1}}}}')).body.error.code).toBe('ctp_invalid_json_body');
    expect((await post('{"a":[{"constructor":{"prototype":{"x":1}}}]}')).body.error.code).toBe('ctp_invalid_json_body');
    expect((await post('{"a":')).body.error.code).toBe('ctp_invalid_json_body');
    expect(await post('')).toEqual({ status: 400, body: { error: { code: 'ctp_empty_json_body', message: expect.any(String) } } });
    expect(received).toEqual([]);
  });

  it('reads the charset parameter however it is spelled', () => {
    expect(charsetOf('application/json')).toBeUndefined();
    expect(charsetOf('application/json; charset=utf-8')).toBe('utf-8');
    expect(charsetOf('application/json;CHARSET="UTF-16"')).toBe('utf-16');
    expect(charsetOf(undefined)).toBeUndefined();
  });
});
