import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { startNode, runNode, type Child } from './child.js';
import { COLLECTOR_BIN } from './paths.js';

export interface TestCollector {
  url: string;
  wsUrl: string;
  adminToken: string;
  dataDir: string;
  /** The certificate fingerprint `serve` printed when started with --tls-cert, else null. */
  fingerprint256: string | null;
  child: Child;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  enrollToken(tenant: string, site: string, extra?: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface TestCollectorOptions {
  /** For an https collector: the PEM the test's API client trusts (the CA, or the self-signed certificate itself). */
  ca?: string;
}

interface ApiRequest { method: string; url: string; headers: Record<string, string>; body: string | undefined }

/** fetch cannot be given a CA of its own, so https API calls go through node:https. */
function httpsCall(req: ApiRequest, ca: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const call = httpsRequest(req.url, { method: req.method, headers: req.headers, timeout: 10_000, ...(ca ? { ca } : {}) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    call.on('timeout', () => call.destroy(new Error(`${req.method} ${req.url} timed out`)));
    call.on('error', reject);
    call.end(req.body);
  });
}

async function plainCall(req: ApiRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

/** Starts the real collector (`vigil-collector serve`) on a free loopback port (extra args come last, so they win). */
export async function startTestCollector(dataDir: string, extraArgs: string[] = [], options: TestCollectorOptions = {}): Promise<TestCollector> {
  const child = startNode(COLLECTOR_BIN, ['serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--heartbeat', '2s', ...extraArgs], {
    VIGIL_LOG_LEVEL: process.env.VIGIL_TEST_LOG_LEVEL ?? 'info',
  });
  const [, url] = await child.waitForLine(/listening on (https?:\/\/\S+)/);
  const fingerprint256 = /certificate SHA-256 fingerprint (\S+)/.exec(child.output())?.[1] ?? null;
  const adminToken = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown) => {
    const req: ApiRequest = {
      method, url: `${url}${path}`,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    };
    const { status, text } = url!.startsWith('https:') ? await httpsCall(req, options.ca) : await plainCall(req);
    return { status, body: text ? JSON.parse(text) : null };
  };
  return {
    url: url!, wsUrl: url!.replace(/^http/, 'ws'), adminToken, dataDir, fingerprint256, child, api,
    async enrollToken(tenant, site, extra = []) {
      const result = await runNode(COLLECTOR_BIN, ['enroll-token', 'create', '--tenant', tenant, '--site', site, '--data', dataDir, ...extra]);
      if (result.code !== 0) throw new Error(`enroll-token create failed: ${result.stderr}`);
      return result.stdout.trim();
    },
    async stop() {
      await child.stop('SIGTERM');
    },
  };
}
