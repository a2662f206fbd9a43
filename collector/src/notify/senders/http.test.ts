import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from './delivery-error.js';
import { postJson } from './http.js';

describe('postJson against a real receiver on 127.0.0.1', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ path: string; headers: Record<string, unknown>; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', headers: req.headers, body });
        const status = Number(req.url?.slice(1).split('/')[0]);
        if (req.url === '/hang') return; // never answers
        if (status === 302) res.writeHead(302, { location: '/200' }).end();
        else res.writeHead(status || 200).end('ignored');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const failure = async (path: string, timeoutMs = 5000): Promise<DeliveryError> => {
    try {
      await postJson(`${base}${path}`, '{}', {}, AbortSignal.timeout(timeoutMs));
    } catch (err) {
      return err as DeliveryError;
    }
    throw new Error('expected a failure');
  };

  it('POSTs the body as JSON with the extra headers', async () => {
    await postJson(`${base}/200`, '{"a":1}', { 'x-vigil-timestamp': '1' }, AbortSignal.timeout(5000));
    expect(seen.at(-1)).toMatchObject({ path: '/200', body: '{"a":1}', headers: { 'content-type': 'application/json', 'x-vigil-timestamp': '1' } });
  });

  it('retries 5xx, 429 and 408, not other refusals', async () => {
    expect(await failure('/500')).toMatchObject({ message: 'HTTP 500', retryable: true });
    expect(await failure('/429')).toMatchObject({ retryable: true });
    expect(await failure('/408')).toMatchObject({ retryable: true });
    expect(await failure('/400')).toMatchObject({ message: 'HTTP 400', retryable: false });
  });

  it('does not follow redirects', async () => {
    const before = seen.length;
    expect(await failure('/302')).toMatchObject({ message: 'HTTP 302', retryable: false });
    expect(seen.length).toBe(before + 1);
  });

  it('times out a receiver that never answers', async () => {
    expect(await failure('/hang', 100)).toMatchObject({ message: 'timed out', retryable: true });
  });

  it('never puts the URL (a credential for Slack and Teams) in the error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    let error: DeliveryError | undefined;
    try {
      await postJson(`http://127.0.0.1:${port}/services/T000/B000/secret-token`, '{}', {}, AbortSignal.timeout(5000));
    } catch (err) {
      error = err as DeliveryError;
    }
    expect(error).toMatchObject({ message: 'connection failed: ECONNREFUSED', retryable: true });
    expect(error?.message).not.toContain('secret-token');
  });
});
