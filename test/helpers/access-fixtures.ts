import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningKeyPair, signDocument, type SigningKeyPair, type TrustDocument } from '@vigil/shared';
import { connectAuthenticated, enrollRaw, frame, type RawConnection } from './raw-agent.js';
import { waitFor } from './wait-for.js';

/**
 * The world the access matrix walks: two tenants with one of everything each, users of every role,
 * and factories for throwaway objects that a destructive request may consume.
 */

export type Role = 'viewer' | 'technician' | 'admin' | 'owner';
export type CallerId = 'anonymous' | 'owner' | 'a-admin' | 'a-technician' | 'a-viewer' | 'b-admin' | 'b-technician' | 'b-viewer';

/** Who each caller is: the owner works in every tenant, so counts as one of tenant A's. */
export const CALLER_PROFILES: Readonly<Record<CallerId, { role: Role | null; tenant: 'a' | 'b' | null }>> = {
  anonymous: { role: null, tenant: null },
  owner: { role: 'owner', tenant: 'a' },
  'a-admin': { role: 'admin', tenant: 'a' },
  'a-technician': { role: 'technician', tenant: 'a' },
  'a-viewer': { role: 'viewer', tenant: 'a' },
  'b-admin': { role: 'admin', tenant: 'b' },
  'b-technician': { role: 'technician', tenant: 'b' },
  'b-viewer': { role: 'viewer', tenant: 'b' },
};

export interface MatrixCaller {
  id: CallerId;
  /** Null for the caller without a token. */
  role: Role | null;
  /** The tenant the user works in; the owner works in every one, so counts as tenant A's. */
  tenant: 'a' | 'b' | null;
  token: string | null;
  userId: string | null;
  username: string | null;
}

export interface ApiResponse { status: number; text: string; body: any }

export type ApiClient = (method: string, path: string, options?: { token?: string | null; body?: unknown }) => Promise<ApiResponse>;

export function apiClient(baseUrl: string): ApiClient {
  return async (method, path, { token = null, body } = {}) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000),
    });
    const text = method === 'HEAD' ? '' : await res.text();
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    return { status: res.status, text, body: parsed };
  };
}

/** One tenant's objects, each created through the API. */
export interface TenantObjects {
  tenant: string;
  site: string;
  agentId: string;
  agent: RawConnection;
  /** The alert the agent's first frame opened. */
  alertId: string;
  ruleId: string;
  scriptId: string;
  runbookId: string;
  /** A job run by hand on the agent. */
  jobId: string;
  /** The job the rule's runbook started for the alert. */
  remediationJobId: string;
  windowId: string;
  channelId: string;
  enrollmentTokenId: string;
  /** A user of the tenant that no caller logs in as. */
  userId: string;
  /** An API token of the tenant's viewer. */
  apiTokenId: string;
  /** The administrator's key the tenant's trust document lists. */
  signingKey: SigningKeyPair;
}

export interface AccessFixtures {
  api: ApiClient;
  bootstrapToken: string;
  password: string;
  a: TenantObjects;
  b: TenantObjects;
  /** MSP-wide objects: a global rule and a shared script. */
  shared: { ruleId: string; scriptId: string };
  callers: Readonly<Record<CallerId, MatrixCaller>>;
  /** Enrolls agents into tenant A's site `spare`, for requests that need an agent of their own. */
  spareEnrollmentToken: string;
  fresh: Throwaways;
  close(): Promise<void>;
}

/** Objects of tenant A made for one request, so that a delete or revoke does not take a fixture with it. */
export interface Throwaways {
  name(prefix: string): string;
  agent(): Promise<string>;
  rule(): Promise<string>;
  window(): Promise<string>;
  channel(): Promise<string>;
  enrollmentToken(): Promise<string>;
  user(): Promise<string>;
  tenant(): Promise<string>;
  site(): Promise<string>;
  /** An API token of tenant A's viewer. */
  viewerToken(): Promise<string>;
  /** A new API token of the caller's own (minted with its session), and its id. */
  tokenOf(caller: MatrixCaller): Promise<{ id: string; token: string }>;
  /** A runbook of tenant A no rule names. */
  runbook(): Promise<string>;
  /** A job of tenant A awaiting approval, asked for by tenant A's technician. */
  jobAwaitingApproval(): Promise<string>;
  /** Tenant A's trust document, one version on, signed by its key: a valid rotation. */
  nextTrust(): Promise<{ document: TrustDocument; signature: unknown }>;
}

const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;

function check(res: ApiResponse, status: number, what: string): any {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 500)}`);
  return res.body;
}

/** A webhook receiver that takes every notification, so that deliveries succeed and are recorded. */
async function startWebhookSink(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server };
}

async function createTenantObjects(
  api: ApiClient, url: string, wsUrl: string, admin: string, letter: 'a' | 'b', hookUrl: string,
): Promise<Omit<TenantObjects, 'userId' | 'apiTokenId'>> {
  const tenant = `tenant-${letter}`;
  const site = 'hq';
  const as = { token: admin };
  check(await api('POST', '/api/v1/tenants', { ...as, body: { id: tenant, name: `Tenant ${letter.toUpperCase()}` } }), 201, `create ${tenant}`);
  const signingKey = generateSigningKeyPair();
  const trust: TrustDocument = {
    kind: 'vigil.trust', tenant, version: 1, keys: [{ keyId: signingKey.keyId, publicKey: signingKey.publicKey, name: `${tenant} admin` }], issuedAt: Date.now(),
  };
  check(await api('PUT', `/api/v1/tenants/${tenant}/trust`, { ...as, body: { document: trust, signature: signDocument(trust, signingKey.privateKeyPem) } }), 200, `trust of ${tenant}`);
  check(await api('POST', '/api/v1/sites', { ...as, body: { tenant, id: site } }), 201, `create ${tenant}/${site}`);
  const enrollment = check(await api('POST', '/api/v1/enrollment-tokens', { ...as, body: { tenant, site, tags: ['server'] } }), 201, `enrollment token of ${tenant}`);
  const script = check(await api('POST', '/api/v1/scripts', {
    ...as, body: { name: `${tenant} cleanup`, shell: 'sh', body: 'echo cleaned\n', os: ['linux'], tenant },
  }), 201, `script of ${tenant}`);
  const runbook = check(await api('POST', '/api/v1/runbooks', { ...as, body: { name: `${tenant} cleanup`, scriptId: script.id, tenant } }), 201, `runbook of ${tenant}`);
  const channel = check(await api('POST', '/api/v1/notification-channels', {
    ...as, body: { name: `${tenant} NOC`, kind: 'webhook', target: { url: hookUrl }, groupWait: '0s', filters: { scope: { tenant } } },
  }), 201, `channel of ${tenant}`);
  const later = Date.now() + 30 * 24 * HOUR;
  const window = check(await api('POST', '/api/v1/maintenance-windows', {
    ...as, body: { name: `${tenant} patching`, scope: { tenant }, startsAt: later, endsAt: later + HOUR },
  }), 201, `maintenance window of ${tenant}`);
  const rule = check(await api('POST', '/api/v1/rules', {
    ...as, body: { name: `${tenant} CPU`, metric: 'cpu.usage_pct', op: '>', threshold: 90, priority: 'P3', scope: { tenant }, runbookId: runbook.id },
  }), 201, `rule of ${tenant}`);

  const identity = await enrollRaw(url, enrollment.token, `${tenant}-host`);
  const agent = await connectAuthenticated(wsUrl, identity);
  agent.send(frame(1, 95));
  const alertId = await waitFor(`the alert of ${tenant}`, async () => {
    const res = await api('GET', `/api/v1/alerts?tenant=${tenant}`, as);
    return (res.body?.alerts as Array<{ id: string; ruleId: string }> | undefined)?.find((a) => a.ruleId === rule.id)?.id;
  });
  const remediationJobId = await waitFor(`the remediation job of ${tenant}'s alert`, async () => {
    const res = await api('GET', `/api/v1/alerts/${alertId}`, as);
    return (res.body?.jobs as Array<{ id: string }> | undefined)?.[0]?.id;
  });
  const job = check(await api('POST', '/api/v1/jobs', { ...as, body: { scriptId: script.id, agentIds: [identity.agentId] } }), 201, `job of ${tenant}`);
  await waitFor(`a notification delivery of ${tenant}'s channel`, async () => {
    const res = await api('GET', `/api/v1/notification-deliveries?channel=${channel.id}`, as);
    return (res.body?.deliveries as unknown[] | undefined)?.length;
  });
  return {
    tenant, site, agentId: identity.agentId, agent, alertId, ruleId: rule.id, scriptId: script.id, runbookId: runbook.id,
    jobId: job.id, remediationJobId, windowId: window.id, channelId: channel.id, enrollmentTokenId: enrollment.id, signingKey,
  };
}

async function createUser(api: ApiClient, admin: string, username: string, role: Role, tenants: string[]): Promise<string> {
  return check(await api('POST', '/api/v1/users', { token: admin, body: { username, password: PASSWORD, role, tenants } }), 201, `user ${username}`).id;
}

async function logIn(api: ApiClient, username: string): Promise<string> {
  return check(await api('POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } }), 200, `login of ${username}`).token;
}

/**
 * Builds both tenants through the API as the bootstrap owner token would, and logs in one user of
 * each role (seven logins: the login route allows ten a minute per address).
 */
export async function setUpAccessFixtures(url: string, bootstrapToken: string): Promise<AccessFixtures> {
  const api = apiClient(url);
  const wsUrl = url.replace(/^http/, 'ws');
  const sink = await startWebhookSink();
  const admin = bootstrapToken;
  const as = { token: admin };
  const agents: RawConnection[] = [];
  const close = async (): Promise<void> => {
    for (const agent of agents) agent.ws.terminate();
    const closed = new Promise<void>((resolve) => sink.server.close(() => resolve()));
    // The collector keeps its webhook connections alive; close() alone would wait for them.
    sink.server.closeAllConnections();
    await closed;
  };
  try {
    const a = await createTenantObjects(api, url, wsUrl, admin, 'a', sink.url);
    agents.push(a.agent);
    const b = await createTenantObjects(api, url, wsUrl, admin, 'b', sink.url);
    agents.push(b.agent);
    const sharedScript = check(await api('POST', '/api/v1/scripts', { ...as, body: { name: 'Shared uptime', shell: 'sh', body: 'uptime\n', os: ['linux'] } }), 201, 'shared script');
    const globalRule = check(await api('POST', '/api/v1/rules', {
      ...as, body: { name: 'Global disk', metric: 'disk.used_pct', op: '>', threshold: 1e9, priority: 'P4' },
    }), 201, 'global rule');
    const spare = check(await api('POST', '/api/v1/enrollment-tokens', { ...as, body: { tenant: 'tenant-a', site: 'spare' } }), 201, 'spare enrollment token');

    const callers = {} as Record<CallerId, MatrixCaller>;
    for (const [id, { role, tenant }] of Object.entries(CALLER_PROFILES) as Array<[CallerId, (typeof CALLER_PROFILES)[CallerId]]>) {
      if (!role || !tenant) {
        callers[id] = { id, role, tenant, token: null, userId: null, username: null };
        continue;
      }
      const username = `${id}.user`;
      const userId = await createUser(api, admin, username, role, role === 'owner' ? [] : [`tenant-${tenant}`]);
      callers[id] = { id, role, tenant, token: await logIn(api, username), userId, username };
    }
    const spareUserA = await createUser(api, admin, 'a-spare.user', 'viewer', ['tenant-a']);
    const spareUserB = await createUser(api, admin, 'b-spare.user', 'viewer', ['tenant-b']);
    const mint = async (caller: MatrixCaller, name: string): Promise<{ id: string; token: string }> => {
      const issued = check(await api('POST', '/api/v1/tokens', { token: caller.token, body: { name } }), 201, `API token of ${caller.id}`);
      return { id: issued.id, token: issued.token };
    };
    const apiTokenA = await mint(callers['a-viewer'], 'a-viewer script');
    const apiTokenB = await mint(callers['b-viewer'], 'b-viewer script');

    let counter = 0;
    const name = (prefix: string): string => `${prefix}-${++counter}`;
    let changeControlled: string | undefined;
    const fresh: Throwaways = {
      name,
      agent: async () => (await enrollRaw(url, spare.token, name('spare-host'))).agentId,
      rule: async () => check(await api('POST', '/api/v1/rules', {
        ...as, body: { name: name('spare rule'), metric: 'cpu.usage_pct', op: '>', threshold: 1e9, priority: 'P4', scope: { tenant: 'tenant-a' } },
      }), 201, 'throwaway rule').id,
      window: async () => {
        const later = Date.now() + 60 * 24 * HOUR;
        return check(await api('POST', '/api/v1/maintenance-windows', {
          ...as, body: { name: name('spare window'), scope: { tenant: 'tenant-a' }, startsAt: later, endsAt: later + HOUR },
        }), 201, 'throwaway window').id;
      },
      channel: async () => check(await api('POST', '/api/v1/notification-channels', {
        ...as, body: { name: name('spare channel'), kind: 'webhook', target: { url: sink.url }, enabled: false, filters: { scope: { tenant: 'tenant-a' } } },
      }), 201, 'throwaway channel').id,
      enrollmentToken: async () => check(await api('POST', '/api/v1/enrollment-tokens', { ...as, body: { tenant: 'tenant-a', site: 'hq' } }), 201, 'throwaway enrollment token').id,
      user: async () => createUser(api, admin, name('spare-user'), 'viewer', ['tenant-a']),
      tenant: async () => check(await api('POST', '/api/v1/tenants', { ...as, body: { id: name('spare-tenant') } }), 201, 'throwaway tenant').id,
      site: async () => check(await api('POST', '/api/v1/sites', { ...as, body: { tenant: 'tenant-a', id: name('spare-site') } }), 201, 'throwaway site').id,
      viewerToken: async () => (await mint(callers['a-viewer'], name('spare token'))).id,
      tokenOf: (caller) => mint(caller, name('own token')),
      runbook: async () => check(await api('POST', '/api/v1/runbooks', {
        ...as, body: { name: name('spare runbook'), tenant: 'tenant-a', steps: [{ scriptId: a.scriptId }] },
      }), 201, 'throwaway runbook').id,
      jobAwaitingApproval: async () => {
        changeControlled ??= check(await api('POST', '/api/v1/scripts', {
          ...as, body: { name: 'tenant-a change-controlled', shell: 'sh', body: 'echo approved\n', os: ['linux'], tenant: 'tenant-a', requiresApproval: true },
        }), 201, 'change-controlled script').id as string;
        const job = check(await api('POST', '/api/v1/jobs', {
          token: callers['a-technician'].token, body: { scriptId: changeControlled, agentIds: [a.agentId] },
        }), 201, 'job awaiting approval');
        if (job.status !== 'awaiting_approval') throw new Error(`job ${job.id} is ${job.status}, not awaiting approval`);
        return job.id;
      },
      nextTrust: async () => {
        const current = check(await api('GET', '/api/v1/tenants/tenant-a/trust', as), 200, 'trust of tenant-a');
        const document: TrustDocument = { ...current.document, version: current.document.version + 1, issuedAt: Date.now() };
        return { document, signature: signDocument(document, a.signingKey.privateKeyPem) };
      },
    };
    return {
      api, bootstrapToken, password: PASSWORD,
      a: { ...a, userId: spareUserA, apiTokenId: apiTokenA.id },
      b: { ...b, userId: spareUserB, apiTokenId: apiTokenB.id },
      shared: { ruleId: globalRule.id, scriptId: sharedScript.id },
      callers, spareEnrollmentToken: spare.token, fresh, close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.toUpperCase().replace(/=+$/, '')) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The code an authenticator app shows for an otpauth:// URI (RFC 6238), `stepOffset` periods from now. */
export function totpCode(uri: string, stepOffset = 0, at = Date.now()): string {
  const params = new URL(uri).searchParams;
  const secret = params.get('secret');
  if (!secret) throw new Error(`no secret in ${uri}`);
  const digits = Number(params.get('digits') ?? 6);
  const period = Number(params.get('period') ?? 30);
  const algorithm = (params.get('algorithm') ?? 'SHA1').toLowerCase().replace('-', '');
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / period) + stepOffset));
  const hmac = createHmac(algorithm, base32Decode(secret)).update(counter).digest();
  const offset = hmac[hmac.length - 1]! & 0x0f;
  const code = (hmac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return code.toString().padStart(digits, '0');
}
