import type { Logger } from 'pino';
import type { AuditLog } from './audit/audit-log.js';
import type { TokenRevocations } from './auth/token-revocations.js';
import type { AlertEvents } from './alerts/alert-events.js';
import type { AlertService } from './alerts/alert-service.js';
import type { AgentGateway } from './gateway/agent-gateway.js';
import type { ConnectionRegistry } from './gateway/connection-registry.js';
import type { LivenessMonitor } from './liveness/index.js';
import type { MaintenanceService } from './maintenance/maintenance-service.js';
import type { CollectorMetrics } from './metrics/collector-metrics.js';
import type { NotificationChannels } from './notify/channels.js';
import type { JobEvents } from './remediation/job-events.js';
import type { JobService } from './remediation/job-service.js';
import type { TrustService } from './remediation/trust-service.js';
import type { SlaClock } from './sla/sla-clock.js';
import type { SlaPolicies } from './sla/sla-policies.js';
import type { Store } from './store/index.js';

/** What route plugins may use: services and narrow stores, never the database handle. */
export interface AppContext {
  store: Store;
  alerts: AlertService;
  alertEvents: AlertEvents;
  jobs: JobService;
  /** Runs that reached a final state, after their commit (the runbook engine listens). */
  jobEvents: JobEvents;
  /** Tenants' script-signing keys, relayed to their agents. */
  trust: TrustService;
  registry: ConnectionRegistry;
  gateway: AgentGateway;
  liveness: LivenessMonitor;
  maintenance: MaintenanceService;
  slaPolicies: SlaPolicies;
  slaClock: SlaClock;
  notificationChannels: NotificationChannels;
  metrics: CollectorMetrics;
  audit: AuditLog;
  tokenRevocations: TokenRevocations;
  log: Logger;
  now: () => number;
}
