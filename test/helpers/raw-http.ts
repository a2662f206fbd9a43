import { request } from 'node:http';

export interface RawHttpRequest {
  method: string;
  /** Sent as written: no normalisation, no encoding (unlike fetch, which would tidy a hostile path). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The loopback address to send from (127.0.0.0/8), so per-address rate limits see many clients. */
  localAddress?: string;
  timeoutMs?: number;
}

export interface RawHttpResponse {
  status: number;
  contentType: string;
  text: string;
}

/** One plain-HTTP request to `baseUrl`, failing if no complete answer arrives within the timeout. */
export function rawHttp(baseUrl: string, req: RawHttpRequest): Promise<RawHttpResponse> {
  const { hostname, port } = new URL(baseUrl);
  const timeoutMs = req.timeoutMs ?? 10_000;
  const headers = { ...req.headers, ...(req.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(req.body)) }) };
  return new Promise((resolve, reject) => {
    const call = request({ host: hostname, port, method: req.method, path: req.path, headers, localAddress: req.localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => call.destroy(new Error(`${req.method} ${req.path.slice(0, 200)}: no answer within ${timeoutMs} ms`)), timeoutMs);
    call.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    call.end(req.body);
  });
}
