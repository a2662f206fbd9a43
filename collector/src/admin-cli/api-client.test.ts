import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiRequestError, apiPath, queryString } from './api-client.js';

let server: Server | undefined;

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('ApiClient', () => {
  it('sends the bearer token, the query and a JSON body', async () => {
    let seen: { method?: string; url?: string; auth?: string; type?: string; body?: string } = {};
    const url = await serve((req, res, body) => {
      seen = { method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body };
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"x"}');
    });
    const answer = await new ApiClient(url, 'sekret').post<{ id: string }>('/api/v1/things', { a: 1 });
    expect(answer).toEqual({ id: 'x' });
    expect(seen).toEqual({ method: 'POST', url: '/api/v1/things', auth: 'Bearer sekret', type: 'application/json', body: '{"a":1}' });
  });

  it('answers undefined for 204', async () => {
    const url = await serve((_req, res) => res.writeHead(204).end());
    await expect(new ApiClient(url, 't').delete('/api/v1/x')).resolves.toBeUndefined();
  });

  it("turns the API's error body into `<message> (HTTP <status> <code>)`", async () => {
    const url = await serve((_req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":{"code":"forbidden","message":"forbidden: needs users:write"}}'));
    const error = await new ApiClient(url, 't').get('/api/v1/users').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 403, code: 'forbidden', message: 'forbidden: needs users:write (HTTP 403 forbidden)', exitCode: 1 });
  });

  it('adds the login hint to a 401 only', async () => {
    const url = await serve((_req, res) => res.writeHead(401).end('{"error":{"code":"unauthorized","message":"API token has expired"}}'));
    const error = await new ApiClient(url, 't', { unauthorizedHint: 'log in again' }).get('/x').catch((e: unknown) => e);
    expect(error).toMatchObject({ hint: 'log in again', message: 'API token has expired (HTTP 401 unauthorized)' });
  });

  it('says so when something other than a collector answers', async () => {
    const url = await serve((_req, res) => res.writeHead(502, 'Bad Gateway').end('<html>'));
    await expect(new ApiClient(url, 't').get('/x')).rejects.toMatchObject({ status: 502, code: 'bad_gateway' });
  });

  it('names the server when it cannot be reached', async () => {
    const url = await serve(() => {});
    server!.close();
    await new Promise((r) => setTimeout(r, 10));
    await expect(new ApiClient(url, 't').get('/x')).rejects.toThrow(`cannot reach ${url}`);
  });

  it('gives up at the deadline', async () => {
    const url = await serve(() => {});
    await expect(new ApiClient(url, 't', { timeoutMs: 50 }).get('/api/v1/agents')).rejects.toThrow(`${url} did not answer GET /api/v1/agents within 50ms`);
  });

  it('does not follow redirects', async () => {
    const url = await serve((_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/steal' }).end());
    await expect(new ApiClient(url, 't').get('/x')).rejects.toThrow(/cannot reach/);
  });
});

describe('paths and queries', () => {
  it('encodes interpolated ids', () => {
    expect(apiPath`/api/v1/agents/${'../users'}/x`).toBe('/api/v1/agents/..%2Fusers/x');
  });

  it('leaves out undefined values and repeats arrays', () => {
    expect(queryString({ tenant: 'acme', site: undefined, tag: ['a', 'b c'], limit: 5 })).toBe('?tenant=acme&tag=a&tag=b+c&limit=5');
    expect(queryString({ site: undefined })).toBe('');
  });
});
