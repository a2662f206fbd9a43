import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the receiver got it: the raw body is what the signature covers. */
export interface ReceivedHook { path: string; headers: Record<string, string | string[] | undefined>; raw: string; body: any }

export interface WebhookReceiver {
  url: string;
  received: ReceivedHook[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback: records every POST; paths listed in `failFirst` answer 500 to their first request. */
export async function startWebhookReceiver(failFirst: readonly string[] = []): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const failed = new Set<string>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, raw, body: JSON.parse(raw) });
      if (failFirst.includes(path) && !failed.has(path)) {
        failed.add(path);
        res.writeHead(500).end('try again');
      } else {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** What a receiver does with a signed webhook: recompute the HMAC over the raw body, compare in constant time, refuse old timestamps. */
export function verifyWebhookSignature(secret: string, hook: ReceivedHook): boolean {
  const timestamp = String(hook.headers['x-vigil-timestamp']);
  const signature = String(hook.headers['x-vigil-signature']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${hook.raw}`).digest('hex')}`);
  return expected.length === Buffer.byteLength(signature) && timingSafeEqual(expected, Buffer.from(signature));
}
