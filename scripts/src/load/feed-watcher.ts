import { AlertFeedMessageSchema, describeZodError, type AlertFeedMessage } from '@vigil/shared';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { RunStats } from './run-stats.js';
import { closeSocket } from './close-socket.js';

/**
 * Subscribes to the live alert feed and times each deliberate breach: from sending the breaching
 * frame to receiving the matching alert.opened (same rule, same agent).
 */
export class FeedWatcher {
  /** agentId → send time of its breaching frame, until the alert opens. */
  private readonly awaiting = new Map<string, number>();
  /** Agents whose load-rule alert is open: they must resolve before breaching again. */
  private readonly open = new Set<string>();
  readonly latencies: number[] = [];
  unexpectedAlerts = 0;
  /** Alerts opened by the run's background rules, which are built never to open any. */
  backgroundAlerts = 0;
  private readonly backgroundRuleIds = new Set<string>();
  private socket: WebSocket | null = null;

  constructor(private readonly ruleId: string, private readonly stats: RunStats) {}

  /** Resolves once the snapshot has arrived, i.e. the subscription is live. */
  connect(url: string, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      this.socket = socket;
      let settled = false;
      const timer = setTimeout(() => fail(new Error(`no snapshot on the alert stream within ${timeoutMs}ms`)), timeoutMs);
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.terminate();
        reject(err);
      };
      socket.on('message', (data) => {
        const message = this.parse(data);
        if (!message) return;
        if (message.type === 'snapshot') {
          for (const alert of message.alerts) if (alert.ruleId === this.ruleId) this.open.add(alert.agentId);
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            resolve();
          }
          return;
        }
        this.onEvent(message);
      });
      socket.on('unexpected-response', (_request, response) => fail(new Error(`alert stream refused: HTTP ${response.statusCode}`)));
      socket.on('error', (err) => {
        if (!settled) fail(err);
        else this.stats.error('feed_error', err.message);
      });
      socket.on('close', (code, reason) => {
        if (!settled) fail(new Error(`alert stream closed: ${code} ${reason.toString('utf8')}`));
        else if (!this.stats.shuttingDown) this.stats.error('feed_closed', `alert stream closed: ${code} ${reason.toString('utf8')}`);
      });
    });
  }

  /** Whether the agent has a breach in flight or an alert still open. */
  isBusy(agentId: string): boolean {
    return this.awaiting.has(agentId) || this.open.has(agentId);
  }

  /** Rules that must stay quiet: an alert of theirs would also load the collector beyond what is measured. */
  watchBackgroundRule(ruleId: string): void {
    this.backgroundRuleIds.add(ruleId);
  }

  expectBreach(agentId: string, sentAt: number): void {
    this.awaiting.set(agentId, sentAt);
  }

  get pendingBreaches(): number {
    return this.awaiting.size;
  }

  close(timeoutMs: number): Promise<void> {
    return closeSocket(this.socket, timeoutMs, 'load simulation finished');
  }


  private onEvent(message: Exclude<AlertFeedMessage, { type: 'snapshot' }>): void {
    const { alert } = message;
    if (message.type === 'alert.opened' && this.backgroundRuleIds.has(alert.ruleId)) {
      this.backgroundAlerts++;
      this.stats.error('background_alert', `background rule ${alert.ruleId} opened alert ${alert.id} for ${alert.agentId} (value ${alert.value})`);
      return;
    }
    if (alert.ruleId !== this.ruleId) return;
    if (message.type === 'alert.resolved') {
      this.open.delete(alert.agentId);
      return;
    }
    if (message.type !== 'alert.opened') return;
    this.open.add(alert.agentId);
    const sentAt = this.awaiting.get(alert.agentId);
    if (sentAt === undefined) {
      this.unexpectedAlerts++;
      this.stats.error('unexpected_alert', `alert ${alert.id} opened for ${alert.agentId} (value ${alert.value}) without a deliberate breach`);
      return;
    }
    this.awaiting.delete(alert.agentId);
    this.latencies.push(performance.now() - sentAt);
  }

  private parse(data: WebSocket.RawData): AlertFeedMessage | null {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.stats.error('bad_feed_message', `not JSON: ${text.slice(0, 80)}`);
      return null;
    }
    const parsed = AlertFeedMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.stats.error('bad_feed_message', describeZodError(parsed.error));
      return null;
    }
    return parsed.data;
  }
}
