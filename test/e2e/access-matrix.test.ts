/**
 * The access matrix: every route the collector registers, walked with no token, with a user of
 * every role of tenant A, and with tenant B's users against tenant A's objects. The table below
 * says who may call each route; a route missing from it (or a route it names that does not exist)
 * fails the test, so no new route escapes the matrix.
 */
import { ROLE_PERMISSIONS, generateAgentKeyPair, type AlertFeedMessage, type Permission } from '@vigil/shared';
import { readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startCollector, type RunningCollector } from '../../collector/src/server.js';
import { silentLog } from '../../collector/src/testing/alert-harness.js';
import {
  CALLER_PROFILES, setUpAccessFixtures, totpCode, type AccessFixtures, type ApiResponse, type CallerId, type MatrixCaller, type Role,
} from '../helpers/access-fixtures.js';
import { openFeed, type FeedClient } from '../helpers/alert-feed.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/** Least to most powerful, as the product documents its roles. */
const ROLES: readonly Role[] = ['viewer', 'technician', 'admin', 'owner'];
const rank = (role: Role): number => ROLES.indexOf(role);

const CALLER_IDS = Object.keys(CALLER_PROFILES) as CallerId[];

interface MatrixRequest {
  /** The URL with tenant A's ids filled in, and any query. */
  path: string;
  body?: unknown;
  /** Presents this token instead of the caller's (one the request may spend, such as at logout). */
  token?: string;
}

type Outcome = 'allowed' | 401 | 403 | 404;

interface RouteCase {
  /** The least role that may call the route, or `public` when no token is needed. */
  min: Role | 'public';
  /**
   * What tenant B's users get once their role suffices: 404 for tenant A's objects (default), 403
   * for actions only an all-tenant user may take, `allowed` for their own things and for lists
   * (which must then leave tenant A out: see the list tests).
   */
  foreign?: Outcome;
  request(f: AccessFixtures, caller: MatrixCaller): MatrixRequest | Promise<MatrixRequest>;
  /** Statuses besides 2xx that an allowed caller may get: 409 for an alert someone already acknowledged. */
  alsoOk?: readonly number[];
  /** Exceptions to the rules above for one caller, with the reason at the entry. */
  exception?(caller: Pick<MatrixCaller, 'id' | 'role' | 'tenant'>): Outcome | undefined;
  /** Keeps what a later route's request needs from this one's answer. */
  remember?(caller: MatrixCaller, res: ApiResponse): void;
}

const HOUR = 3_600_000;
/** Each caller's authenticator, once it has started turning TOTP on. */
const totpUris = new Map<CallerId, string>();

const ROUTES: Record<string, RouteCase> = {
  // ─── public ───────────────────────────────────────────────────────────────────────────────
  'GET /healthz': { min: 'public', request: () => ({ path: '/healthz' }) },
  'GET /': { min: 'public', request: () => ({ path: '/' }) },
  // The console's other pages are the same index.html; their data comes from the API below.
  'GET /fleet': { min: 'public', request: () => ({ path: '/fleet' }) },
  'GET /agents/:id': { min: 'public', request: () => ({ path: '/agents/agt_anything' }) },
  'GET /remediation': { min: 'public', request: () => ({ path: '/remediation' }) },
  'GET /jobs/:id': { min: 'public', request: () => ({ path: '/jobs/job_anything' }) },
  'GET /rules': { min: 'public', request: () => ({ path: '/rules' }) },
  'GET /maintenance': { min: 'public', request: () => ({ path: '/maintenance' }) },
  'GET /reports': { min: 'public', request: () => ({ path: '/reports' }) },
  // Bundle names carry a content hash, so a fixed name is not found: what matters is that no caller is refused.
  'GET /assets/:name': { min: 'public', alsoOk: [404], request: () => ({ path: '/assets/app.js' }) },
  'GET /agent': { min: 'public', request: () => ({ path: '/agent' }) },
  'POST /api/v1/agents/enroll': {
    min: 'public',
    request: (f) => ({
      path: '/api/v1/agents/enroll',
      body: { token: f.spareEnrollmentToken, publicKey: generateAgentKeyPair().publicKey, hostname: f.fresh.name('enrolled'), os: { platform: 'linux', distro: 'test', release: '1', arch: 'x64' }, agentVersion: 'test' },
    }),
  },
  'POST /api/v1/auth/login': {
    min: 'public',
    request: (f) => ({ path: '/api/v1/auth/login', body: { username: f.callers['a-viewer'].username, password: f.password } }),
  },

  // ─── the caller's own session and tokens ──────────────────────────────────────────────────
  'GET /api/v1/auth/me': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/auth/me' }) },
  'POST /api/v1/auth/logout': {
    min: 'viewer', foreign: 'allowed',
    // Logging out revokes the token presented: each caller spends a token minted for the purpose.
    request: async (f, caller) => ({ path: '/api/v1/auth/logout', ...(caller.token ? { token: (await f.fresh.tokenOf(caller)).token } : {}) }),
  },
  'POST /api/v1/auth/password': {
    min: 'viewer', foreign: 'allowed',
    // A new password too short to take: authorization is what is under test, and the fixtures keep theirs.
    alsoOk: [400],
    request: (f) => ({ path: '/api/v1/auth/password', body: { currentPassword: f.password, newPassword: 'short' } }),
  },
  'POST /api/v1/auth/totp': {
    min: 'viewer', foreign: 'allowed',
    request: () => ({ path: '/api/v1/auth/totp' }),
    remember: (caller, res) => { if (typeof res.body?.uri === 'string') totpUris.set(caller.id, res.body.uri); },
  },
  'POST /api/v1/auth/totp/confirm': {
    min: 'viewer', foreign: 'allowed',
    request: (_f, caller) => ({ path: '/api/v1/auth/totp/confirm', body: { code: codeFor(caller, 0) } }),
  },
  'DELETE /api/v1/auth/totp': {
    min: 'viewer', foreign: 'allowed',
    // The next period's code: the one that confirmed is spent.
    request: (_f, caller) => ({ path: '/api/v1/auth/totp', body: { code: codeFor(caller, 1) } }),
  },
  'GET /api/v1/tokens': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/tokens' }) },
  'POST /api/v1/tokens': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/tokens', body: { name: 'matrix', expiresIn: '1d' } }) },
  'DELETE /api/v1/tokens/:id': {
    min: 'viewer',
    // Minting is rate-limited per address: the caller without a token is refused before any token matters.
    request: async (f, caller) => ({ path: `/api/v1/tokens/${caller.token ? await f.fresh.viewerToken() : f.a.apiTokenId}` }),
    // The token is tenant A's viewer's own; someone else's takes users:write, which a technician lacks.
    exception: (caller) => (caller.id === 'a-technician' ? 404 : undefined),
  },

  // ─── users and the audit log ──────────────────────────────────────────────────────────────
  'GET /api/v1/users': { min: 'admin', foreign: 'allowed', request: () => ({ path: '/api/v1/users' }) },
  'POST /api/v1/users': {
    min: 'admin',
    request: (f) => ({ path: '/api/v1/users', body: { username: f.fresh.name('new-user'), password: f.password, role: 'viewer', tenants: ['tenant-a'] } }),
  },
  'GET /api/v1/users/:id': { min: 'admin', request: (f) => ({ path: `/api/v1/users/${f.a.userId}` }) },
  'PATCH /api/v1/users/:id': { min: 'admin', request: (f) => ({ path: `/api/v1/users/${f.a.userId}`, body: { displayName: f.fresh.name('Spare') } }) },
  'DELETE /api/v1/users/:id': { min: 'admin', request: async (f) => ({ path: `/api/v1/users/${await f.fresh.user()}` }) },
  'POST /api/v1/users/:id/unlock': { min: 'admin', request: (f) => ({ path: `/api/v1/users/${f.a.userId}/unlock` }) },
  'DELETE /api/v1/users/:id/totp': { min: 'admin', request: (f) => ({ path: `/api/v1/users/${f.a.userId}/totp` }) },
  'GET /api/v1/audit': { min: 'admin', request: () => ({ path: '/api/v1/audit?tenant=tenant-a' }) },

  // ─── the collector itself ─────────────────────────────────────────────────────────────────
  'GET /metrics': { min: 'owner', request: () => ({ path: '/metrics' }) },

  // ─── tenants and sites ────────────────────────────────────────────────────────────────────
  'GET /api/v1/tenants': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/tenants' }) },
  'POST /api/v1/tenants': { min: 'owner', foreign: 403, request: (f) => ({ path: '/api/v1/tenants', body: { id: f.fresh.name('new-tenant') } }) },
  'GET /api/v1/tenants/:id': { min: 'viewer', request: () => ({ path: '/api/v1/tenants/tenant-a' }) },
  'PATCH /api/v1/tenants/:id': { min: 'admin', request: () => ({ path: '/api/v1/tenants/tenant-a', body: { name: 'Tenant A' } }) },
  'DELETE /api/v1/tenants/:id': { min: 'owner', foreign: 403, request: async (f) => ({ path: `/api/v1/tenants/${await f.fresh.tenant()}` }) },
  'GET /api/v1/sites': { min: 'viewer', request: () => ({ path: '/api/v1/sites?tenant=tenant-a' }) },
  'POST /api/v1/sites': { min: 'admin', request: (f) => ({ path: '/api/v1/sites', body: { tenant: 'tenant-a', id: f.fresh.name('new-site') } }) },
  'GET /api/v1/tenants/:tenant/sites/:id': { min: 'viewer', request: (f) => ({ path: `/api/v1/tenants/tenant-a/sites/${f.a.site}` }) },
  'PATCH /api/v1/tenants/:tenant/sites/:id': { min: 'admin', request: (f) => ({ path: `/api/v1/tenants/tenant-a/sites/${f.a.site}`, body: { name: 'Head office' } }) },
  'DELETE /api/v1/tenants/:tenant/sites/:id': { min: 'admin', request: async (f) => ({ path: `/api/v1/tenants/tenant-a/sites/${await f.fresh.site()}` }) },
  'GET /api/v1/tenants/:id/sla-policy': { min: 'viewer', request: () => ({ path: '/api/v1/tenants/tenant-a/sla-policy' }) },
  'GET /api/v1/tenants/:id/trust': { min: 'viewer', request: () => ({ path: '/api/v1/tenants/tenant-a/trust' }) },
  'PUT /api/v1/tenants/:id/trust': { min: 'admin', request: async (f) => ({ path: '/api/v1/tenants/tenant-a/trust', body: await f.fresh.nextTrust() }) },
  'PUT /api/v1/tenants/:id/sla-policy': { min: 'admin', request: () => ({ path: '/api/v1/tenants/tenant-a/sla-policy', body: { priorities: { P1: { respond: '20m' } } } }) },

  // ─── agents and their enrollment ──────────────────────────────────────────────────────────
  'GET /api/v1/agents': { min: 'viewer', request: () => ({ path: '/api/v1/agents?tenant=tenant-a' }) },
  'GET /api/v1/fleet': { min: 'viewer', request: () => ({ path: '/api/v1/fleet?tenant=tenant-a' }) },
  'GET /api/v1/agents/:id': { min: 'viewer', request: (f) => ({ path: `/api/v1/agents/${f.a.agentId}` }) },
  'GET /api/v1/agents/:id/telemetry': { min: 'viewer', request: (f) => ({ path: `/api/v1/agents/${f.a.agentId}/telemetry` }) },
  'GET /api/v1/agents/:id/events': { min: 'viewer', request: (f) => ({ path: `/api/v1/agents/${f.a.agentId}/events` }) },
  'DELETE /api/v1/agents/:id': { min: 'admin', request: async (f) => ({ path: `/api/v1/agents/${await f.fresh.agent()}` }) },
  'POST /api/v1/enrollment-tokens': { min: 'admin', request: () => ({ path: '/api/v1/enrollment-tokens', body: { tenant: 'tenant-a', site: 'hq' } }) },
  'GET /api/v1/enrollment-tokens': { min: 'admin', foreign: 'allowed', request: () => ({ path: '/api/v1/enrollment-tokens' }) },
  'DELETE /api/v1/enrollment-tokens/:id': { min: 'admin', request: async (f) => ({ path: `/api/v1/enrollment-tokens/${await f.fresh.enrollmentToken()}` }) },

  // ─── alerts ───────────────────────────────────────────────────────────────────────────────
  'GET /api/v1/alerts': { min: 'viewer', request: () => ({ path: '/api/v1/alerts?tenant=tenant-a' }) },
  'GET /api/v1/alerts/stream': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/alerts/stream' }) },
  'GET /api/v1/alerts/:id': { min: 'viewer', request: (f) => ({ path: `/api/v1/alerts/${f.a.alertId}` }) },
  // The first caller allowed acknowledges (resolves) the alert; the next are told it already is.
  'POST /api/v1/alerts/:id/ack': { min: 'technician', alsoOk: [409], request: (f) => ({ path: `/api/v1/alerts/${f.a.alertId}/ack`, body: {} }) },
  'POST /api/v1/alerts/:id/resolve': { min: 'technician', alsoOk: [409], request: (f) => ({ path: `/api/v1/alerts/${f.a.alertId}/resolve`, body: {} }) },

  // ─── rules ────────────────────────────────────────────────────────────────────────────────
  'GET /api/v1/rules': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/rules' }) },
  'POST /api/v1/rules': {
    min: 'admin',
    request: (f) => ({ path: '/api/v1/rules', body: { name: f.fresh.name('rule'), metric: 'cpu.usage_pct', op: '>', threshold: 1e9, priority: 'P4', scope: { tenant: 'tenant-a' } } }),
  },
  'GET /api/v1/rules/:id': { min: 'viewer', request: (f) => ({ path: `/api/v1/rules/${f.a.ruleId}` }) },
  'PATCH /api/v1/rules/:id': { min: 'admin', request: (f) => ({ path: `/api/v1/rules/${f.a.ruleId}`, body: { name: f.fresh.name('tenant-a CPU') } }) },
  'DELETE /api/v1/rules/:id': { min: 'admin', request: async (f) => ({ path: `/api/v1/rules/${await f.fresh.rule()}` }) },

  // ─── scripts, runbooks, jobs ──────────────────────────────────────────────────────────────
  'GET /api/v1/scripts': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/scripts' }) },
  'GET /api/v1/scripts/:id': { min: 'viewer', request: (f) => ({ path: `/api/v1/scripts/${f.a.scriptId}` }) },
  'POST /api/v1/scripts': {
    min: 'admin',
    request: (f) => ({ path: '/api/v1/scripts', body: { name: f.fresh.name('script'), shell: 'sh', body: 'echo\n', os: ['linux'], tenant: 'tenant-a' } }),
  },
  'GET /api/v1/runbooks': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/runbooks' }) },
  'POST /api/v1/runbooks': { min: 'admin', request: (f) => ({ path: '/api/v1/runbooks', body: { name: f.fresh.name('runbook'), scriptId: f.a.scriptId, tenant: 'tenant-a' } }) },
  'GET /api/v1/jobs': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/jobs' }) },
  // The shared script, so that what refuses tenant B is tenant A's agent (a foreign script is refused apart, below).
  'POST /api/v1/jobs': { min: 'technician', request: (f) => ({ path: '/api/v1/jobs', body: { scriptId: f.shared.scriptId, agentIds: [f.a.agentId] } }) },
  'GET /api/v1/jobs/:id': { min: 'viewer', request: (f) => ({ path: `/api/v1/jobs/${f.a.jobId}` }) },
  'GET /api/v1/jobs/:id/runs': { min: 'viewer', request: (f) => ({ path: `/api/v1/jobs/${f.a.jobId}/runs?q=cleaned` }) },
  'GET /api/v1/jobs/:id/stream': { min: 'viewer', request: (f) => ({ path: `/api/v1/jobs/${f.a.jobId}/stream` }) },
  // A finished job cannot be cancelled (409): authorization is what is under test.
  'POST /api/v1/jobs/:id/cancel': { min: 'technician', alsoOk: [409], request: (f) => ({ path: `/api/v1/jobs/${f.a.jobId}/cancel` }) },
  'GET /api/v1/approvals': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/approvals' }) },
  // Each on a job of its own, asked for by tenant A's technician: an approver is never the requester.
  'POST /api/v1/jobs/:id/approve': { min: 'admin', request: async (f) => ({ path: `/api/v1/jobs/${await f.fresh.jobAwaitingApproval()}/approve`, body: { comment: 'CAB 42' } }) },
  'POST /api/v1/jobs/:id/reject': { min: 'admin', request: async (f) => ({ path: `/api/v1/jobs/${await f.fresh.jobAwaitingApproval()}/reject`, body: {} }) },
  'GET /api/v1/scripts/:id/versions/:version': { min: 'viewer', request: (f) => ({ path: `/api/v1/scripts/${f.a.scriptId}/versions/1` }) },
  'POST /api/v1/scripts/:id/versions': {
    min: 'admin',
    request: (f) => ({ path: `/api/v1/scripts/${f.a.scriptId}/versions`, body: { name: 'tenant-a cleanup', shell: 'sh', body: 'echo cleaned again\n', os: ['linux'], tenant: 'tenant-a' } }),
  },
  'GET /api/v1/runbooks/:id': { min: 'viewer', request: (f) => ({ path: `/api/v1/runbooks/${f.a.runbookId}` }) },
  'PATCH /api/v1/runbooks/:id': { min: 'admin', request: (f) => ({ path: `/api/v1/runbooks/${f.a.runbookId}`, body: { name: f.fresh.name('tenant-a cleanup') } }) },
  'DELETE /api/v1/runbooks/:id': { min: 'admin', request: async (f) => ({ path: `/api/v1/runbooks/${await f.fresh.runbook()}` }) },
  'GET /api/v1/runbook-runs': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/runbook-runs' }) },
  'GET /api/v1/runbook-runs/:id': {
    min: 'viewer',
    request: async (f) => {
      const runs = await f.api('GET', `/api/v1/runbook-runs?alertId=${f.a.alertId}`, { token: f.bootstrapToken });
      return { path: `/api/v1/runbook-runs/${runs.body.runs[0].id}` };
    },
  },

  // ─── maintenance windows ──────────────────────────────────────────────────────────────────
  'GET /api/v1/maintenance-windows': { min: 'viewer', foreign: 'allowed', request: () => ({ path: '/api/v1/maintenance-windows' }) },
  'POST /api/v1/maintenance-windows': {
    min: 'admin',
    request: (f) => {
      const later = Date.now() + 90 * 24 * HOUR;
      return { path: '/api/v1/maintenance-windows', body: { name: f.fresh.name('window'), scope: { tenant: 'tenant-a' }, startsAt: later, endsAt: later + HOUR } };
    },
  },
  'GET /api/v1/maintenance-windows/:id': { min: 'viewer', request: (f) => ({ path: `/api/v1/maintenance-windows/${f.a.windowId}` }) },
  'PATCH /api/v1/maintenance-windows/:id': { min: 'admin', request: (f) => ({ path: `/api/v1/maintenance-windows/${f.a.windowId}`, body: { name: f.fresh.name('tenant-a patching') } }) },
  'DELETE /api/v1/maintenance-windows/:id': { min: 'admin', request: async (f) => ({ path: `/api/v1/maintenance-windows/${await f.fresh.window()}` }) },

  // ─── notifications ────────────────────────────────────────────────────────────────────────
  'GET /api/v1/notification-channels': { min: 'admin', foreign: 'allowed', request: () => ({ path: '/api/v1/notification-channels' }) },
  'POST /api/v1/notification-channels': {
    min: 'admin',
    request: (f) => ({
      path: '/api/v1/notification-channels',
      body: { name: f.fresh.name('channel'), kind: 'webhook', target: { url: 'http://127.0.0.1:9/hook' }, enabled: false, filters: { scope: { tenant: 'tenant-a' } } },
    }),
  },
  'GET /api/v1/notification-channels/:id': { min: 'admin', request: (f) => ({ path: `/api/v1/notification-channels/${f.a.channelId}` }) },
  'PATCH /api/v1/notification-channels/:id': { min: 'admin', request: (f) => ({ path: `/api/v1/notification-channels/${f.a.channelId}`, body: { name: f.fresh.name('tenant-a NOC') } }) },
  'DELETE /api/v1/notification-channels/:id': { min: 'admin', request: async (f) => ({ path: `/api/v1/notification-channels/${await f.fresh.channel()}` }) },
  'GET /api/v1/notification-deliveries': { min: 'admin', foreign: 'allowed', request: () => ({ path: '/api/v1/notification-deliveries' }) },

  // ─── reports ──────────────────────────────────────────────────────────────────────────────
  'GET /api/v1/reports/kpi': { min: 'viewer', request: () => ({ path: `/api/v1/reports/kpi?tenant=tenant-a&from=0&to=${Date.now() + HOUR}` }) },
};

function codeFor(caller: MatrixCaller, stepOffset: number): string {
  const uri = totpUris.get(caller.id);
  // Without a secret (the caller was refused one), any well-formed code serves the refusal.
  return uri ? totpCode(uri, stepOffset) : '000000';
}

function expectedOutcome(route: RouteCase, caller: Pick<MatrixCaller, 'id' | 'role' | 'tenant'>): Outcome {
  if (route.min === 'public') return 'allowed';
  if (!caller.role) return 401;
  const exception = route.exception?.(caller);
  if (exception !== undefined) return exception;
  if (rank(caller.role) < rank(route.min)) return 403;
  if (caller.tenant === 'b') return route.foreign ?? 404;
  return 'allowed';
}

/** The least role whose permissions include this one, by the product's role table; `self` is any caller. */
function leastRoleWith(permission: Permission | 'self'): Role | undefined {
  if (permission === 'self') return ROLES[0];
  return ROLES.find((role) => ROLE_PERMISSIONS[role].includes(permission));
}

/** A WebSocket upgrade: 101 when it opened, else the HTTP status the collector refused it with. */
function upgrade(wsUrl: string, token: string | null): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: token ? { authorization: `Bearer ${token}` } : {}, handshakeTimeout: 5000 });
    ws.on('error', (err) => reject(err));
    ws.once('open', () => {
      ws.terminate();
      resolve({ status: 101, text: '', body: null });
    });
    ws.once('unexpected-response', (req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown = null;
        try { body = JSON.parse(text); } catch { body = text; }
        resolve({ status: res.statusCode ?? 0, text, body });
        req.destroy();
      });
    });
  });
}

/** Asks for a WebSocket upgrade without a token over plain TCP, and leaves the closing to the collector. */
async function refusedUpgrade(baseUrl: string, path: string): Promise<{ statusLine: string; closed(): boolean; destroy(): void }> {
  const url = new URL(baseUrl);
  const socket = createConnection({ host: url.hostname, port: Number(url.port) });
  let received = '';
  let closed = false;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await waitFor('the answer to the upgrade', () => received.includes('\r\n'), 5000, 10);
  return { statusLine: received.split('\r\n')[0]!, closed: () => closed, destroy: () => socket.destroy() };
}

/** Every string that names one of tenant A's objects: none may appear in what tenant B's users are shown. */
function tenantAMarkers(f: AccessFixtures): string[] {
  const { a } = f;
  return [
    'tenant-a', a.agentId, a.alertId, a.ruleId, a.scriptId, a.runbookId, a.jobId, a.remediationJobId, a.windowId, a.channelId,
    a.enrollmentTokenId, a.userId, a.apiTokenId, f.callers['a-admin'].userId!, f.callers['a-viewer'].userId!, f.callers['a-technician'].userId!,
  ];
}

describe('access matrix', () => {
  const tmp = makeTempDir('access');
  let running: RunningCollector;
  let f: AccessFixtures;
  const feeds: FeedClient[] = [];
  const upgradeSockets = new Set<Socket>();

  beforeAll(async () => {
    running = await startCollector({
      dataDir: tmp.path, host: '127.0.0.1', port: 0,
      // Warnings are what the matrix provokes by design; errors (a 500) stay visible.
      logger: silentLog.child({}, { level: 'error' }),
    });
    running.app.server.on('upgrade', (_request, socket: Socket) => {
      upgradeSockets.add(socket);
      socket.once('close', () => upgradeSockets.delete(socket));
    });
    const bootstrapToken = readFileSync(join(tmp.path, 'admin.token'), 'utf8').trim();
    f = await setUpAccessFixtures(running.url, bootstrapToken);
  });

  afterAll(async () => {
    for (const feed of feeds) feed.close();
    await f?.close();
    // A refused upgrade whose socket the collector left open would hold close() forever: the test
    // of refused upgrades reports that; this only lets the cleanup finish.
    for (const socket of upgradeSockets) socket.destroy();
    await running?.close();
    tmp.remove();
  });

  const wsUrl = (): string => running.url.replace(/^http/, 'ws');
  const caller = (id: CallerId): MatrixCaller => f.callers[id];
  const registeredKeys = (): string[] => running.routes.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`);

  describe('the table', () => {
    it('names every registered route, and no route that is not registered', () => {
      const registered = new Set(registeredKeys());
      const missing = [...registered].filter((key) => !(key in ROUTES));
      const unknown = Object.keys(ROUTES).filter((key) => !registered.has(key));
      expect({ missing, unknown }).toEqual({ missing: [], unknown: [] });
    });

    it('agrees with the permission each route declares', () => {
      const disagreements: string[] = [];
      for (const route of running.routes) {
        const entry = ROUTES[`${route.method} ${route.url}`];
        if (route.method === 'HEAD' || !entry) continue;
        const declared = route.public ? 'public' : route.auth ? leastRoleWith(route.auth.permission) : undefined;
        if (declared !== entry.min) {
          disagreements.push(`${route.method} ${route.url}: the table says ${entry.min}, the route declares ${route.public ? 'public' : route.auth?.permission} (${declared})`);
        }
      }
      expect(disagreements).toEqual([]);
    });

    // Fastify answers HEAD with its GET's handler and hooks; one pass without a token shows the guard holds.
    it('refuses every HEAD route of a guarded GET without a token', async () => {
      const wrong: string[] = [];
      let checked = 0;
      for (const route of running.routes.filter((r) => r.method === 'HEAD')) {
        const get = running.routes.find((r) => r.method === 'GET' && r.url === route.url);
        if (!get) { wrong.push(`HEAD ${route.url} has no GET`); continue; }
        if (get.public || get.websocket) continue;
        const entry = ROUTES[`GET ${route.url}`];
        if (!entry) continue;
        const { path } = await entry.request(f, caller('anonymous'));
        const res = await f.api('HEAD', path);
        checked++;
        if (res.status !== 401) wrong.push(`HEAD ${path}: ${res.status}`);
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    });
  });

  describe('the alert stream', () => {
    it('refuses the upgrade without a token, and lets go of the refused connection', async () => {
      expect((await upgrade(`${wsUrl()}/api/v1/alerts/stream`, null)).status).toBe(401);
      expect((await upgrade(`${wsUrl()}/api/v1/alerts/stream?token=not-a-token`, null)).status).toBe(401);
      // Held open, every refused upgrade would keep a socket (and a file descriptor) for good.
      const refused = await refusedUpgrade(running.url, '/api/v1/alerts/stream');
      try {
        expect(refused.statusLine).toMatch(/^HTTP\/1\.1 401 /);
        await waitFor('the collector to close the refused upgrade', () => refused.closed() || undefined, 5000);
      } finally {
        refused.destroy();
      }
    });

    it("shows tenant B's viewer a snapshot without tenant A's alerts, and none of A's events", async () => {
      const a = await openFeed(wsUrl(), caller('a-viewer').token!);
      const b = await openFeed(wsUrl(), caller('b-viewer').token!);
      feeds.push(a, b);
      const snapshotIds = (feed: FeedClient) => (feed.messages[0] as Extract<AlertFeedMessage, { type: 'snapshot' }>).alerts.map((x) => x.id);
      expect(snapshotIds(a)).toContain(f.a.alertId);
      expect(snapshotIds(a)).not.toContain(f.b.alertId);
      expect(snapshotIds(b)).toContain(f.b.alertId);
      expect(snapshotIds(b)).not.toContain(f.a.alertId);

      // A's alert changes, then B's: B's socket is ordered, so once B's own event is there, any of A's would be too.
      expect((await f.api('POST', `/api/v1/alerts/${f.a.alertId}/ack`, { token: caller('a-technician').token, body: { comment: 'mine' } })).status).toBe(200);
      await a.next("A's acknowledgement on A's stream", (m) => m.type === 'alert.updated' && m.alert.id === f.a.alertId);
      expect((await f.api('POST', `/api/v1/alerts/${f.b.alertId}/ack`, { token: caller('b-technician').token, body: {} })).status).toBe(200);
      await b.next("B's acknowledgement on B's stream", (m) => m.type === 'alert.updated' && m.alert.id === f.b.alertId);
      const leaked = b.messages.filter((m) => JSON.stringify(m).includes('tenant-a') || JSON.stringify(m).includes(f.a.alertId));
      expect(leaked).toEqual([]);
      expect(a.messages.filter((m) => JSON.stringify(m).includes(f.b.alertId))).toEqual([]);
    });

    it('closes a subscription with 4401 the moment its token is revoked', async () => {
      const viewer = caller('b-viewer');
      const minted = await f.fresh.tokenOf(viewer);
      const ws = new WebSocket(`${wsUrl()}/api/v1/alerts/stream`, { headers: { authorization: `Bearer ${minted.token}` }, handshakeTimeout: 5000 });
      const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      const snapshot = new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve());
        ws.once('error', reject);
      });
      await snapshot;
      expect((await f.api('DELETE', `/api/v1/tokens/${minted.id}`, { token: viewer.token })).status).toBe(204);
      expect(await closed).toEqual({ code: 4401, reason: 'token revoked' });
      // And the token no longer opens one.
      expect((await upgrade(`${wsUrl()}/api/v1/alerts/stream`, minted.token)).status).toBe(401);
    });

    it('closes a subscription with 4401 when its token expires', async () => {
      const issued = await f.api('POST', '/api/v1/tokens', { token: caller('b-viewer').token, body: { name: 'short-lived', expiresIn: '2s' } });
      expect(issued.status, issued.text).toBe(201);
      const ws = new WebSocket(`${wsUrl()}/api/v1/alerts/stream?token=${encodeURIComponent(issued.body.token)}`, { handshakeTimeout: 5000 });
      ws.on('error', () => {});
      const closed = await new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      expect(closed).toEqual({ code: 4401, reason: 'token expired' });
    });
  });

  describe("tenant B's lists", () => {
    const LISTS: ReadonlyArray<{ path: string; as: Exclude<CallerId, 'anonymous'>; own: (f: AccessFixtures) => string }> = [
      { path: '/api/v1/agents', as: 'b-viewer', own: (x) => x.b.agentId },
      { path: '/api/v1/fleet', as: 'b-viewer', own: (x) => x.b.agentId },
      { path: '/api/v1/alerts', as: 'b-viewer', own: (x) => x.b.alertId },
      { path: '/api/v1/jobs', as: 'b-viewer', own: (x) => x.b.jobId },
      { path: '/api/v1/scripts', as: 'b-viewer', own: (x) => x.b.scriptId },
      { path: '/api/v1/runbooks', as: 'b-viewer', own: (x) => x.b.runbookId },
      { path: '/api/v1/rules', as: 'b-viewer', own: (x) => x.b.ruleId },
      { path: '/api/v1/maintenance-windows', as: 'b-viewer', own: (x) => x.b.windowId },
      { path: '/api/v1/tenants', as: 'b-viewer', own: () => 'tenant-b' },
      { path: '/api/v1/sites', as: 'b-viewer', own: () => 'tenant-b' },
      { path: '/api/v1/tokens', as: 'b-viewer', own: (x) => x.b.apiTokenId },
      { path: '/api/v1/notification-channels', as: 'b-admin', own: (x) => x.b.channelId },
      { path: '/api/v1/notification-deliveries', as: 'b-admin', own: (x) => x.b.channelId },
      { path: '/api/v1/enrollment-tokens', as: 'b-admin', own: (x) => x.b.enrollmentTokenId },
      { path: '/api/v1/users', as: 'b-admin', own: (x) => x.b.userId },
      { path: '/api/v1/audit', as: 'b-admin', own: () => 'tenant-b' },
    ];
    for (const list of LISTS) {
      it(`GET ${list.path} as ${list.as} shows B's objects and none of A's`, async () => {
        const res = await f.api('GET', list.path, { token: caller(list.as).token });
        expect(res.status, res.text.slice(0, 500)).toBe(200);
        expect(res.text).toContain(list.own(f));
        expect(tenantAMarkers(f).filter((marker) => res.text.includes(marker))).toEqual([]);
      });
    }

    it("the same lists show tenant A's admin tenant A's objects", async () => {
      const res = await f.api('GET', '/api/v1/agents', { token: caller('a-admin').token });
      expect(res.text).toContain(f.a.agentId);
      expect(res.text).not.toContain(f.b.agentId);
      expect((await f.api('GET', '/api/v1/jobs', { token: caller('a-viewer').token })).text).toContain(f.a.remediationJobId);
    });

    it("a list filtered to tenant A is not tenant B's to ask for", async () => {
      const token = caller('b-viewer').token;
      for (const path of ['/api/v1/agents?tenant=tenant-a', '/api/v1/alerts?tenant=tenant-a', '/api/v1/sites?tenant=tenant-a']) {
        expect((await f.api('GET', path, { token })).status, path).toBe(404);
      }
      // A single-tenant caller must say which of its tenants a report is about.
      expect((await f.api('GET', `/api/v1/reports/kpi?from=0&to=${Date.now()}`, { token })).status).toBe(403);
      expect((await f.api('GET', `/api/v1/reports/kpi?tenant=tenant-b&from=0&to=${Date.now()}`, { token })).status).toBe(200);
    });
  });

  describe('job results', () => {
    it("never show tenant B tenant A's job or the jobs of A's alert", async () => {
      for (const id of [f.a.jobId, f.a.remediationJobId]) {
        expect((await f.api('GET', `/api/v1/jobs/${id}`, { token: caller('b-admin').token })).status).toBe(404);
      }
      expect((await f.api('GET', `/api/v1/alerts/${f.a.alertId}`, { token: caller('b-viewer').token })).status).toBe(404);
      const own = await f.api('GET', `/api/v1/alerts/${f.b.alertId}`, { token: caller('b-viewer').token });
      expect(own.status).toBe(200);
      const runs = (own.body.jobs as Array<{ runs: Array<{ agentId: string }> }>).flatMap((job) => job.runs.map((run) => run.agentId));
      expect(runs.length).toBeGreaterThan(0);
      expect(runs.every((agentId) => agentId === f.b.agentId)).toBe(true);
    });

    it('shows a job spanning both tenants only to who sees both', async () => {
      const owner = caller('owner').token;
      const created = await f.api('POST', '/api/v1/jobs', { token: owner, body: { scriptId: f.shared.scriptId, agentIds: [f.a.agentId, f.b.agentId] } });
      expect(created.status, created.text).toBe(201);
      const id = created.body.id as string;
      expect((await f.api('GET', `/api/v1/jobs/${id}`, { token: owner })).body.runs).toHaveLength(2);
      for (const who of ['a-admin', 'b-admin', 'a-viewer', 'b-viewer'] as const) {
        expect((await f.api('GET', `/api/v1/jobs/${id}`, { token: caller(who).token })).status, who).toBe(404);
        expect((await f.api('GET', '/api/v1/jobs', { token: caller(who).token })).text, who).not.toContain(id);
      }
    });

    it("refuses a job on another tenant's agent, with another tenant's script, or with a tenant's script on another tenant's agent", async () => {
      const technician = caller('a-technician').token;
      const job = (token: string | null, scriptId: string, agentId: string) => f.api('POST', '/api/v1/jobs', { token, body: { scriptId, agentIds: [agentId] } });
      expect((await job(technician, f.shared.scriptId, f.b.agentId)).status).toBe(404);
      // Another tenant's script is answered like one that does not exist.
      const foreignScript = await job(technician, f.b.scriptId, f.a.agentId);
      const missingScript = await job(technician, 'scr_missing', f.a.agentId);
      expect(foreignScript.status).toBe(400);
      expect(foreignScript.body.error.message).toBe(missingScript.body.error.message.replace('scr_missing', f.b.scriptId));
      expect((await job(caller('owner').token, f.a.scriptId, f.b.agentId)).status).toBe(400);
    });
  });

  describe('MSP-wide objects', () => {
    it('let single-tenant users read the global rule and the shared script, and change neither', async () => {
      for (const who of ['a-viewer', 'b-viewer'] as const) {
        expect((await f.api('GET', `/api/v1/rules/${f.shared.ruleId}`, { token: caller(who).token })).status, who).toBe(200);
        expect((await f.api('GET', `/api/v1/scripts/${f.shared.scriptId}`, { token: caller(who).token })).status, who).toBe(200);
      }
      const admin = caller('a-admin').token;
      expect((await f.api('PATCH', `/api/v1/rules/${f.shared.ruleId}`, { token: admin, body: { name: 'mine now' } })).status).toBe(403);
      expect((await f.api('DELETE', `/api/v1/rules/${f.shared.ruleId}`, { token: admin })).status).toBe(403);
      expect((await f.api('PATCH', `/api/v1/rules/${f.shared.ruleId}`, { token: caller('owner').token, body: { name: 'Global disk' } })).status).toBe(200);
    });

    it('are created only by all-tenant users', async () => {
      const admin = caller('a-admin').token;
      const rule = { name: 'everyone', metric: 'cpu.usage_pct', op: '>', threshold: 1e9, priority: 'P4' };
      expect((await f.api('POST', '/api/v1/rules', { token: admin, body: rule })).status).toBe(403);
      expect((await f.api('POST', '/api/v1/scripts', { token: admin, body: { name: 'everyone', shell: 'sh', body: 'true\n' } })).status).toBe(403);
      expect((await f.api('POST', '/api/v1/runbooks', { token: admin, body: { name: 'everyone', scriptId: f.shared.scriptId } })).status).toBe(403);
      expect((await f.api('POST', '/api/v1/rules', { token: caller('owner').token, body: rule })).status).toBe(201);
    });

    it("move nothing into another tenant: a rule's scope, a runbook's script, an enrollment token's tenant", async () => {
      const admin = caller('a-admin').token;
      expect((await f.api('PATCH', `/api/v1/rules/${f.a.ruleId}`, { token: admin, body: { scope: { tenant: 'tenant-b' } } })).status).toBe(404);
      expect((await f.api('PATCH', `/api/v1/rules/${f.a.ruleId}`, { token: admin, body: { scope: {} } })).status).toBe(403);
      expect((await f.api('POST', '/api/v1/runbooks', { token: caller('owner').token, body: { name: 'crossed', scriptId: f.a.scriptId, tenant: 'tenant-b' } })).status).toBe(400);
      expect((await f.api('POST', '/api/v1/enrollment-tokens', { token: admin, body: { tenant: 'tenant-new', site: 'hq' } })).status).toBe(404);
      expect((await f.api('POST', '/api/v1/enrollment-tokens', { token: admin, body: { tenant: 'tenant-b', site: 'hq' } })).status).toBe(404);
    });
  });

  describe('tenants and sites', () => {
    it('keep a tenant, and a site, that still has agents', async () => {
      const owner = caller('owner').token;
      expect((await f.api('DELETE', '/api/v1/tenants/tenant-a', { token: owner })).status).toBe(409);
      expect((await f.api('DELETE', `/api/v1/tenants/tenant-a/sites/${f.a.site}`, { token: caller('a-admin').token })).status).toBe(409);
    });
  });

  // One test per route and caller, so that a failure names both. A public route is walked
  // without a token only: a token changes nothing there.
  describe.each(Object.entries(ROUTES))('%s', (key, route) => {
    const [method] = key.split(' ') as [string];
    const callers = route.min === 'public' ? (['anonymous'] as const) : CALLER_IDS;
    for (const id of callers) {
      const want = expectedOutcome(route, { id, ...CALLER_PROFILES[id] });
      it(`as ${id} → ${want}`, async () => {
        const who = caller(id);
        const registered = running.routes.find((r) => `${r.method} ${r.url}` === key);
        expect(registered, `${key} is not registered`).toBeDefined();
        const req = await route.request(f, who);
        const token = req.token ?? who.token;
        const res = registered!.websocket
          ? await upgrade(`${wsUrl()}${req.path}`, token)
          : await f.api(method, req.path, { token, ...(req.body !== undefined ? { body: req.body } : {}) });
        route.remember?.(who, res);
        const what = `${method} ${req.path} as ${id}: expected ${want}, got ${res.status} ${res.text.slice(0, 300)}`;
        if (want === 'allowed') {
          expect(res.status < 400 || (route.alsoOk ?? []).includes(res.status), what).toBe(true);
        } else {
          expect(res.status, what).toBe(want);
        }
      });
    }
  });
});
