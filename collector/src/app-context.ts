import type { Logger } from 'pino';
import type { AlertEvents } from './alerts/alert-events.js';
import type { AlertService } from './alerts/alert-service.js';
import type { AgentGateway } from './gateway/agent-gateway.js';
import type { ConnectionRegistry } from './gateway/connection-registry.js';
import type { LivenessMonitor } from './liveness/index.js';
import type { CollectorMetrics } from './metrics/collector-metrics.js';
import type { JobService } from './remediation/job-service.js';
import type { Store } from './store/index.js';

/** What route plugins may use: services and narrow stores, never the database handle. */
export interface AppContext {
  store: Store;
  alerts: AlertService;
  alertEvents: AlertEvents;
  jobs: JobService;
  registry: ConnectionRegistry;
  gateway: AgentGateway;
  liveness: LivenessMonitor;
  metrics: CollectorMetrics;
  log: Logger;
  now: () => number;
}
