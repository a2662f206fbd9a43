import { CollectorScheduler } from './collectors/scheduler.js';
import { createCollectors } from './collectors/registry.js';
import type { MetricCollector } from './collectors/types.js';
import { AgentConnection, type AgentConnectionOptions } from './connection/agent-connection.js';
import { DeliveryTracker } from './connection/delivery-tracker.js';
import { loadServerTrust } from './connection/server-trust.js';
import { MemoryFrameQueue, type FrameQueue } from './connection/frame-queue.js';
import { DEFAULT_SPOOL_MAX_BYTES } from './connection/spool/byte-size.js';
import { DiskSpool } from './connection/spool/disk-spool.js';
import { SpoolFirstSeq } from './connection/spool/spool-first-seq.js';
import { SpoolLockedError } from './connection/spool/spool-lock.js';
import type { SignedTrust } from '@vigil/shared';
import type { Logger } from './log.js';
import { DEV_MODE_WARNING, assertDevModeAllowed } from './runner/dev-mode.js';
import { JobHandler, type JobHandlerOptions } from './runner/job-handler.js';
import { readIdentity } from './state/enrollment-store.js';
import { stateFiles } from './state/paths.js';
import { RunLedger } from './state/run-ledger.js';
import { FileSeqStore } from './state/seq-store.js';
import { StatusFile } from './state/status-file.js';
import { TrustStore } from './state/trust-store.js';
import { FrameLoop } from './telemetry/frame-loop.js';
import { AGENT_VERSION } from './version.js';

export interface AgentOptions {
  stateDir: string;
  intervalMs: number;
  logger: Logger;
  /** Upper bound of the random delay before the first frame (default: see defaultSplayMs). */
  maxSplayMs?: number;
  collectors?: MetricCollector[];
  /** Replaces the disk spool (tests). */
  queue?: FrameQueue;
  /** Cap on the disk spool (default 256 MB). */
  spoolMaxBytes?: number;
  statusDebounceMs?: number;
  connection?: Pick<AgentConnectionOptions, 'backoff' | 'handshakeTimeoutMs' | 'heartbeatMs' | 'silentHeartbeats' | 'maxInFlight'>;
  runOptions?: JobHandlerOptions['runOptions'];
  /** Development mode: run unsigned scripts too; refused unless the collector is on a loopback address. */
  allowUnsigned?: boolean;
}

/**
 * The running agent: collects a frame per interval, streams frames to the collector and runs the
 * scripts it dispatches. The three proceed independently; none waits on another.
 */
export class Agent {
  readonly agentId: string;
  private readonly status: StatusFile;
  private readonly frames: FrameLoop;
  private readonly connection: AgentConnection;
  private readonly jobs: JobHandler;
  private readonly trust: TrustStore;
  private readonly queue: FrameQueue;
  private readonly logger: Logger;
  private stopping: Promise<void> | undefined;
  private readonly allowUnsigned: boolean;

  constructor(options: AgentOptions) {
    const { enrollment, privateKeyPem } = readIdentity(options.stateDir);
    this.agentId = enrollment.agentId;
    this.logger = options.logger;
    // Checked before the spool is opened (and locked), so a refusal here leaves no lock behind.
    this.allowUnsigned = options.allowUnsigned ?? false;
    if (this.allowUnsigned) assertDevModeAllowed(enrollment.server);
    const serverTrust = loadServerTrust(options.stateDir, enrollment);
    this.trust = new TrustStore(options.stateDir);
    if (this.trust.problem) this.logger.error({ problem: this.trust.problem }, 'cannot read the pinned script-signing keys; signed scripts are refused until the agent is enrolled again');
    const ledger = new RunLedger({ file: stateFiles.runLedger(options.stateDir) });
    if (ledger.problem) this.logger.error({ problem: ledger.problem }, 'cannot read the run ledger; scripts are refused while it cannot be written');
    if (ledger.skippedLines) this.logger.warn({ lines: ledger.skippedLines }, 'skipped unreadable lines of the run ledger (a write cut short by a crash)');
    this.queue = options.queue ?? this.openSpool(options);
    const seq = new SpoolFirstSeq(new FileSeqStore(options.stateDir));
    // The counter is saved just after a frame is spooled; a crash in between leaves the spool ahead.
    if (this.queue.newestSeq !== undefined) seq.advanceTo(this.queue.newestSeq);
    this.status = new StatusFile(options.stateDir, { agentId: enrollment.agentId, server: enrollment.server, lastSeq: seq.last }, options.statusDebounceMs, (error) =>
      this.logger.warn({ err: error.message }, 'cannot write status.json'),
    );

    this.connection = new AgentConnection({
      ...options.connection,
      server: enrollment.server,
      trust: serverTrust,
      trustVersion: () => this.trust.version,
      agentId: enrollment.agentId,
      privateKeyPem,
      agentVersion: AGENT_VERSION,
      intervalMs: options.intervalMs,
      queue: this.queue,
      seq,
      logger: this.logger,
      status: this.status,
      onDispatch: (message) => this.jobs.handle(message),
      onCancel: (message) => this.jobs.cancel(message.runId),
      onTrustUpdate: (message) => this.offerTrust(message.trust),
      delivery: new DeliveryTracker((error) => this.logger.error({ err: error }, 'a source failed to record a delivered frame')),
    });
    this.jobs = new JobHandler({
      agentId: enrollment.agentId,
      tenantId: enrollment.tenantId,
      trust: () => this.trust.current,
      allowUnsigned: options.allowUnsigned ?? false,
      ledger,
      send: (message) => this.connection.sendJobMessage(message),
      sendOutput: (message) => this.connection.sendLiveOutput(message),
      logger: this.logger,
      ...(options.runOptions ? { runOptions: options.runOptions } : {}),
    });
    this.frames = new FrameLoop({
      scheduler: new CollectorScheduler(options.collectors ?? createCollectors(undefined, { stateDir: options.stateDir })),
      seq,
      intervalMs: options.intervalMs,
      ...(options.maxSplayMs !== undefined ? { maxSplayMs: options.maxSplayMs } : {}),
      logger: this.logger,
      onFrame: (frame, onDelivered) => {
        this.logger.debug({ seq: frame.seq, samples: frame.samples.length }, 'frame collected');
        // A frame the spool refused was never stored: saving its seq would promise a frame that
        // does not exist (see SpoolFirstSeq), so the counter moves only past frames that are in.
        if (this.connection.enqueueFrame(frame, onDelivered)) seq.spooled(frame.seq);
      },
    });
  }

  /**
   * The disk spool; should it be unusable (read-only or broken disk), telemetry still flows,
   * unspooled. Another agent process on the same state directory is not worked around: two agents
   * with one identity would evict each other at the collector, so this one refuses to start.
   */
  private openSpool(options: AgentOptions): FrameQueue {
    const dir = stateFiles.spool(options.stateDir);
    try {
      return DiskSpool.open({ dir, maxBytes: options.spoolMaxBytes ?? DEFAULT_SPOOL_MAX_BYTES, logger: this.logger });
    } catch (error) {
      if (error instanceof SpoolLockedError) throw error;
      this.logger.error({ dir, err: (error as Error).message }, 'cannot open the frame spool; frames are kept in memory only and lost if the agent stops');
      return new MemoryFrameQueue();
    }
  }

  /**
   * trust.update: pinned only if a key pinned now signed it. A refusal keeps the pin, and is logged
   * and recorded in status.json, since it means the collector and this agent disagree on who may
   * sign scripts (a key rotated without re-enrolling, or a collector trying to add its own key).
   */
  private offerTrust(next: SignedTrust): void {
    const log = this.logger.child({ tenant: next.document.tenant, version: next.document.version, signer: next.signature.keyId });
    let check;
    try {
      check = this.trust.offer(next, Date.now());
    } catch (error) {
      check = { ok: false as const, reason: `cannot save the new trust document: ${(error as Error).message}` };
    }
    if (check.ok === 'unchanged') return;
    if (check.ok) {
      log.info({ keys: next.document.keys.map((k) => k.keyId) }, 'pinned a new trust document');
      return;
    }
    log.warn({ reason: check.reason, pinnedVersion: this.trust.version }, 'refused a trust document from the collector; keeping the pinned one');
    this.status.update({ lastTrustRefusal: { at: new Date().toISOString(), version: next.document.version, reason: check.reason } });
  }

  /** Runs until stop() (resolves) or until the collector refuses the agent (rejects with FatalCloseError). */
  async run(): Promise<void> {
    this.status.flush();
    this.logger.info({ version: AGENT_VERSION, trustVersion: this.trust.version, trustedKeys: this.trust.current?.keys.map((k) => k.keyId) ?? [] }, 'agent starting');
    if (this.allowUnsigned) this.logger.warn(DEV_MODE_WARNING);
    this.frames.start();
    try {
      await this.connection.run();
    } finally {
      await this.stop();
    }
  }

  /** Stops collecting, closes the socket with 1000, kills running scripts and records the final status. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.frames.stop();
      await Promise.allSettled([this.connection.stop(), this.jobs.stop()]);
      this.queue.close();
      this.status.update({ running: false, state: 'disconnected' });
      this.status.flush();
      this.logger.info('agent stopped');
    })();
    return this.stopping;
  }
}
