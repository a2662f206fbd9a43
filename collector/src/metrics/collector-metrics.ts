import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The collector's own Prometheus metrics, on a registry per server so tests can run several. */
export class CollectorMetrics {
  readonly registry = new Registry();
  readonly framesIngested = new Counter({ name: 'vigil_frames_ingested_total', help: 'Frames stored', registers: [this.registry] });
  readonly framesDuplicate = new Counter({ name: 'vigil_frames_duplicate_total', help: 'Resent frames already stored (acknowledged, not stored again)', registers: [this.registry] });
  readonly ingestErrors = new Counter({ name: 'vigil_ingest_errors_total', help: 'Frames whose batch failed to commit', registers: [this.registry] });
  readonly ingestBatchSeconds = new Histogram({
    name: 'vigil_ingest_batch_seconds', help: 'Time to commit one batch of frames', registers: [this.registry],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  readonly agentsConnected = new Gauge({ name: 'vigil_agents_connected', help: 'Authenticated agent connections', registers: [this.registry] });
  readonly agentsOffline = new Gauge({
    name: 'vigil_agents_offline', help: 'Agents unheard of past their offline threshold (disconnects within it do not count)', registers: [this.registry],
  });
  readonly sitesOffline = new Gauge({
    name: 'vigil_sites_offline', help: 'Sites with most of their agents offline at once (an unresolved site offline alert)', registers: [this.registry],
  });
  readonly connectionsRefused = new Counter({
    name: 'vigil_agent_connections_refused_total', help: 'Agent connections closed for a protocol or authentication problem',
    labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly feedSubscribers = new Gauge({ name: 'vigil_feed_subscribers', help: 'Open alert stream connections', registers: [this.registry] });
  readonly notificationAttempts = new Counter({
    name: 'vigil_notification_attempts_total', help: 'Notification delivery attempts by channel kind and outcome (sent, retry, failed)',
    labelNames: ['kind', 'outcome'] as const, registers: [this.registry],
  });
  readonly notificationsDropped = new Counter({
    name: 'vigil_notifications_dropped_total', help: 'Notifications given up unsent because a bounded queue was full (oldest first)',
    labelNames: ['queue'] as const, registers: [this.registry],
  });
  readonly notificationQueueDepth = new Gauge({ name: 'vigil_notification_queue_depth', help: 'Notification deliveries waiting to be sent', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
