import websocket from '@fastify/websocket';
import { MAX_MESSAGE_BYTES } from '@vigil/shared';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { AlertEvents } from './alerts/alert-events.js';
import { AlertService } from './alerts/alert-service.js';
import { agentRoutes } from './api/agents.js';
import { alertRoutes } from './api/alerts.js';
import { alertStreamRoutes } from './api/alert-stream.js';
import { consoleRoutes } from './api/console.js';
import { enrollmentRoutes } from './api/enrollment.js';
import { eventRoutes } from './api/events.js';
import { fleetRoutes } from './api/fleet.js';
import { healthRoutes } from './api/health.js';
import { jobRoutes } from './api/jobs.js';
import { maintenanceWindowRoutes } from './api/maintenance-windows.js';
import { notificationChannelRoutes } from './api/notification-channels.js';
import { ruleRoutes } from './api/rules.js';
import { scriptRoutes } from './api/scripts.js';
import { trustRoutes } from './api/trust.js';
import { approvalRoutes } from './api/approvals.js';
import { runbookRoutes } from './api/runbooks.js';
import { slaPolicyRoutes } from './api/sla-policy.js';
import { tenantRoutes } from './api/tenants.js';
import type { AppContext } from './app-context.js';
import { ensureAdminToken } from './auth/admin-token.js';
import { AgentGateway } from './gateway/agent-gateway.js';
import { ConnectionRegistry } from './gateway/connection-registry.js';
import { installAuthentication } from './http/authenticate.js';
import { installAuthorization, type RegisteredRoute } from './http/authorize.js';
import { AuditLog } from './audit/audit-log.js';
import { TokenRevocations } from './auth/token-revocations.js';
import { answerFrameworkError, installErrorHandling } from './http/error-handler.js';
import { installJsonBody } from './http/json-body.js';
import { IngestQueue } from './ingest/ingest-queue.js';
import { DEFAULT_LIVENESS_CONFIG, LivenessMonitor } from './liveness/index.js';
import { MaintenanceService } from './maintenance/maintenance-service.js';
import { CollectorMetrics } from './metrics/collector-metrics.js';
import { NotificationChannels } from './notify/channels.js';
import { NotificationDispatcher, type DispatcherOptions } from './notify/dispatcher.js';
import { JobEvents } from './remediation/job-events.js';
import { JobService } from './remediation/job-service.js';
import { RunbookEngine } from './remediation/runbook-engine.js';
import { runbookJobsOf } from './remediation/runbook-jobs.js';
import { TrustService } from './remediation/trust-service.js';
import { SlaClock } from './sla/sla-clock.js';
import { reportRoutes } from './api/reports.js';
import { authRoutes } from './api/auth.js';
import { userRoutes } from './api/users.js';
import { tokenRoutes } from './api/tokens.js';
import { auditRoutes } from './api/audit.js';
import { SlaPolicies } from './sla/sla-policies.js';
import { Store } from './store/index.js';

export interface CollectorOptions {
  dataDir: string;
  host: string;
  port: number;
  /** Seconds between heartbeats agents are told to keep. */
  heartbeatSec?: number;
  /** How long a new agent connection may take to authenticate. */
  handshakeTimeoutMs?: number;
  logger?: Logger;
  now?: () => number;
  /** An agent unheard of for this long is offline (default: three of its announced frame intervals). */
  offlineAfterMs?: number;
  /** After a start, how long agents known from before have to reconnect before they can be offline (default 2 min). */
  restartGraceMs?: number;
  /** How often liveness looks for agents past their offline threshold (default 1 s). */
  livenessSweepMs?: number;
  /** Agent connections that may be mid-handshake at once; more are asked to retry later (1013). */
  maxPendingHandshakes?: number;
  /** The same, per client address (IPv6 per /64). */
  maxPendingHandshakesPerAddress?: number;
  /** PEM certificate chain and private key: serve HTTPS and WSS instead of plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The collector's URL as people reach it, for links in notifications (default: VIGIL_PUBLIC_URL, else the listening URL). */
  publicUrl?: string;
  /** Notification queue sizes, timeouts and retries. */
  notifications?: DispatcherOptions;
}

export interface RunningCollector {
  app: FastifyInstance;
  context: AppContext;
  url: string;
  adminTokenFile: string | null;
  /** Every route registered, with its declared permission (what the access tests walk). */
  routes: readonly RegisteredRoute[];
  close(): Promise<void>;
}

export function databaseFile(dataDir: string): string {
  return join(resolve(dataDir), 'vigil.db');
}

/** Wires store → services → gateway and routes, and starts listening. */
export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const log = options.logger ?? pino({ level: process.env.VIGIL_LOG_LEVEL ?? 'info' });
  const now = options.now ?? Date.now;
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = Store.open(databaseFile(dataDir));
  const adminTokenFile = ensureAdminToken(store, dataDir, now());
  if (adminTokenFile) log.info({ file: adminTokenFile }, 'first start: admin API token written (mode 0600)');

  const metrics = new CollectorMetrics();
  const alertEvents = new AlertEvents((err) => log.error({ err }, 'alert event listener failed'));
  const slaPolicies = new SlaPolicies(store);
  const slaClock = new SlaClock({ store, events: alertEvents, policies: slaPolicies, log, now });
  // Released alerts' SLA clocks start over at the release, re-opened ones at the re-open (a new occurrence
  // needs a response of its own; breaches already recorded stay on the alert).
  const maintenance = new MaintenanceService({ store, events: alertEvents, log, now, restartClocks: (id, at) => slaClock.restart(id, at) });
  const alerts = new AlertService(store, alertEvents, log, { beforeOpen: [slaClock.beforeOpen, maintenance.beforeOpen], onReopen: [maintenance.onReopen, (id, at) => slaClock.restart(id, at)] });
  const notificationChannels = new NotificationChannels(store);
  let publicUrl = options.publicUrl ?? process.env.VIGIL_PUBLIC_URL ?? '';
  const notifications = new NotificationDispatcher({ store, channels: notificationChannels, events: alertEvents, metrics, log, now, baseUrl: () => publicUrl }, options.notifications);
  const registry = new ConnectionRegistry();
  const audit = new AuditLog(store, now);
  const jobEvents = new JobEvents((err) => log.error({ err }, 'job event listener failed'));
  const jobs = new JobService({ store, registry, events: jobEvents, log, now });
  const trust = new TrustService(store, registry, log);
  // Automatic remediation: a rule's runbook, step by step, verified on fresh telemetry, escalated when it fails.
  const runbooks = new RunbookEngine({
    store, alerts, alertEvents, jobEvents, jobs: runbookJobsOf(jobs, store), audit, log, now,
    escalateNow: (alertId, at) => slaClock.escalateNow(alertId, 'remediation failed', at),
  });
  const ingest = new IngestQueue(store, alerts, metrics, log, now);
  const heartbeatSec = options.heartbeatSec ?? 30;
  const gateway = new AgentGateway(store, registry, ingest, jobs, trust, metrics, log, now, {
    heartbeatSec, handshakeTimeoutMs: options.handshakeTimeoutMs,
    ...(options.maxPendingHandshakes !== undefined ? { maxPendingHandshakes: options.maxPendingHandshakes } : {}),
    ...(options.maxPendingHandshakesPerAddress !== undefined ? { maxPendingHandshakesPerAddress: options.maxPendingHandshakesPerAddress } : {}),
  });
  const liveness = new LivenessMonitor({ store, registry, alerts, metrics, log, now }, {
    ...DEFAULT_LIVENESS_CONFIG, heartbeatMs: heartbeatSec * 1000,
    ...(options.offlineAfterMs !== undefined ? { offlineAfterMs: options.offlineAfterMs } : {}),
    ...(options.restartGraceMs !== undefined ? { restartGraceMs: options.restartGraceMs } : {}),
  }, options.livenessSweepMs);
  const tokenRevocations = new TokenRevocations();
  const context: AppContext = { store, alerts, alertEvents, jobs, jobEvents, trust, registry, gateway, liveness, maintenance, slaPolicies, slaClock, notificationChannels, audit, tokenRevocations, metrics, log, now };
  // Catches up on what fell due while the collector was down before agents can change anything.
  slaClock.start();

  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // Per-request lines would drown the event log at fleet scale; routes log what they change.
    logController: new Fastify.LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_MESSAGE_BYTES,
    // Bad URLs are refused by the router before any hook: answered in the API's own error shape.
    frameworkErrors: answerFrameworkError,
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  });
  installErrorHandling(app);
  installJsonBody(app);
  // Before authentication: the plugin's own onRequest hook must run first for it to close the socket
  // of an upgrade that authentication refuses (else every refused upgrade leaks a connection).
  await app.register(websocket, {
    options: { maxPayload: MAX_MESSAGE_BYTES },
    // The default handler logs every protocol violation at error level and terminates the socket,
    // racing ws's own close frame (1002, 1007, 1009) that tells the client what it did wrong.
    // Routes log their sockets' errors themselves; here only a handler that threw needs closing.
    errorHandler: (error, socket, request) => {
      request.log.debug({ err: error.message }, 'websocket error');
      if (socket.readyState === socket.OPEN) socket.close(1011, 'internal error');
    },
  });
  installAuthentication(app, store, now);
  // Before any route, so that a route without a declared permission refuses to register.
  const routes = installAuthorization(app);
  app.get('/agent', { websocket: true, config: { public: true } }, (socket, request) => gateway.accept(socket, request));
  for (const routes of [healthRoutes, consoleRoutes, enrollmentRoutes, agentRoutes, fleetRoutes, eventRoutes, ruleRoutes, alertRoutes, alertStreamRoutes, scriptRoutes, trustRoutes, runbookRoutes, jobRoutes, approvalRoutes, tenantRoutes, slaPolicyRoutes, reportRoutes]) {
    await app.register(async (scoped) => routes(scoped, context));
  }
  await app.register(async (scoped) => maintenanceWindowRoutes(scoped, context));
  await app.register(async (scoped) => notificationChannelRoutes(scoped, context));
  await app.register(async (scoped) => authRoutes(scoped, context));
  await app.register(async (scoped) => userRoutes(scoped, context));
  await app.register(async (scoped) => tokenRoutes(scoped, context));
  await app.register(async (scoped) => auditRoutes(scoped, context));

  // Subscribed before maintenance.start() so that its releases notify; resends what was left pending.
  notifications.start();
  // Resumes runbook runs a restart interrupted, and listens for alerts to remediate from here on.
  runbooks.start();
  // Once every alert listener is subscribed: windows that ended while the collector was down
  // release their alerts to notification and remediation too.
  maintenance.start();
  // Acknowledgements that expired while the collector was down fall back to open at their instant.
  alerts.start(now);
  // Active jobs (after a restart) resume dispatching as their agents connect.
  jobs.start();
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `${options.tls ? 'https' : 'http'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  publicUrl ||= url;

  let closed = false;
  return {
    app, context, url, adminTokenFile, routes,
    async close() {
      if (closed) return;
      closed = true;
      // Stopped first: shutting the connections down is not the agents going away.
      liveness.stop();
      slaClock.stop();
      maintenance.stop();
      runbooks.stop();
      alerts.stop();
      jobs.stop();
      // In-flight sends are aborted and recorded before the store closes; unsent ones stay pending.
      await notifications.stop();
      gateway.closeAll();
      await app.close();
      ingest.drain();
      store.close();
    },
  };
}
