import { request } from 'node:http';
import { connect as connectPlain, type Socket } from 'node:net';
import { connectTrusted, type ServerTrust } from '../connection/server-trust.js';

export interface HttpReply {
  status: number;
  statusText: string;
  text: string;
}

/** Replies larger than this are not an enrollment answer; reading stops there. */
const MAX_REPLY_BYTES = 1024 * 1024;

/**
 * POSTs JSON over a connection opened first and, for https, judged by `trust` before the request
 * is even created, so a collector that fails the CA check or the pin never receives a byte of it
 * (the enrollment token included). Everything is bounded by `timeoutMs`.
 */
export function postJson(url: URL, body: unknown, trust: ServerTrust, timeoutMs: number): Promise<HttpReply> {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));

  return new Promise<HttpReply>((resolve, reject) => {
    let socket: Socket;
    let settled = false;
    const finish = (error: Error | undefined, reply?: HttpReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new PostTimeoutError(timeoutMs)), timeoutMs);

    const send = (): void => {
      const req = request(
        {
          method: 'POST', host, port, path: `${url.pathname}${url.search}`,
          headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': payload.length, connection: 'close' },
          createConnection: () => socket,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_REPLY_BYTES) return finish(new Error(`the reply is larger than ${MAX_REPLY_BYTES} bytes`));
            chunks.push(chunk);
          });
          res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (error) => finish(error));
        },
      );
      req.on('error', (error) => finish(error));
      req.end(payload);
    };

    if (url.protocol === 'https:') {
      const connection = connectTrusted({ host, port }, trust);
      socket = connection.socket;
      socket.on('error', (error) => finish(error));
      connection.trusted.then(send, (error: Error) => finish(error));
    } else {
      socket = connectPlain({ host, port });
      socket.on('error', (error) => finish(error));
      socket.once('connect', send);
    }
  });
}

export class PostTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}
