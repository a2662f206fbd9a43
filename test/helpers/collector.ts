import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, runNode, type Child } from './child.js';
import { COLLECTOR_BIN } from './paths.js';

export interface TestCollector {
  url: string;
  wsUrl: string;
  adminToken: string;
  dataDir: string;
  child: Child;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  enrollToken(tenant: string, site: string, extra?: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the real collector (`vigil-collector serve`) on a free loopback port. */
export async function startTestCollector(dataDir: string, extraArgs: string[] = []): Promise<TestCollector> {
  const child = startNode(COLLECTOR_BIN, ['serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--heartbeat', '2s', ...extraArgs], {
    VIGIL_LOG_LEVEL: process.env.VIGIL_TEST_LOG_LEVEL ?? 'info',
  });
  const [, url] = await child.waitForLine(/listening on (http:\/\/\S+)/);
  const adminToken = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    url: url!, wsUrl: url!.replace(/^http/, 'ws'), adminToken, dataDir, child, api,
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
