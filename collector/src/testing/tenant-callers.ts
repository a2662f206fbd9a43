import type { Role } from '@vigil/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { hashSecret, newSecret } from '../auth/secrets.js';
import { startCollector, type RunningCollector } from '../server.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/index.js';

export interface TestCaller { token: string; tokenId: string; userId: string }

export interface InjectedResponse { status: number; body: any }

export interface TenantWorld {
  collector: RunningCollector;
  store: Store;
  /** The collector's clock is the wall clock plus this, so that a test can move it on. */
  clock: { offsetMs: number };
  /** A user of this role and tenants, with a fresh API token (`expiresAt` on the collector's clock). */
  caller(role: Role, tenants: string[], expiresAt?: number | null): TestCaller;
  call(caller: TestCaller | null, method: string, url: string, body?: unknown): Promise<InjectedResponse>;
  /** An enrolled agent, straight into the store. */
  agent(tenantId: string, siteId?: string, fields?: { tags?: string[]; platform?: 'linux' | 'windows' | 'darwin' }): string;
  close(): Promise<void>;
}

/** An in-process collector on loopback, with users and tokens written straight into its store. */
export async function startTenantWorld(): Promise<TenantWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-tenancy-'));
  const clock = { offsetMs: 0 };
  const collector = await startCollector({
    dataDir, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), now: () => Date.now() + clock.offsetMs,
  });
  const store = collector.context.store;
  let count = 0;
  return {
    collector, store, clock,
    caller(role, tenants, expiresAt = null) {
      const userId = newId('usr');
      store.users.insert({
        id: userId, username: `user-${++count}`, displayName: `User ${count}`, passwordHash: 'unused', role,
        tenants: role === 'owner' ? ['*'] : tenants, createdAt: 1,
      });
      const token = newSecret('vgt');
      const tokenId = newId('tok');
      store.tokens.insertApiToken({ id: tokenId, name: 'test', tokenHash: hashSecret(token), role, kind: 'api', userId, scopes: ['*'], expiresAt, createdAt: 1 });
      return { token, tokenId, userId };
    },
    async call(caller, method, url, body) {
      const res = await collector.app.inject({
        method: method as 'GET', url,
        headers: caller ? { authorization: `Bearer ${caller.token}` } : {},
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
    },
    agent(tenantId, siteId = 'hq', fields = {}) {
      const id = newId('agt');
      store.tenants.ensureTenantAndSite(tenantId, siteId, 1);
      store.agents.insert({
        id, tenantId, siteId, hostname: `${id}-host`, os: { platform: fields.platform ?? 'linux', distro: 'debian', release: '12', arch: 'x64' },
        agentVersion: '0.1.0', tags: fields.tags ?? [], publicKey: 'unused', enrolledAt: 1,
      });
      return id;
    },
    async close() {
      await collector.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
