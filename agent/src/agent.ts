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
import type { Logger } from './log.js';
import { JobHandler, type JobHandlerOptions } from './runner/job-handler.js';
import { readIdentity } from './state/enrollment-store.js';
import { stateFiles } from './state/paths.js';
import { FileSeqStore } from './state/seq-store.js';
import { StatusFile } from './state/status-file.js';
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
  private readonly queue: FrameQueue;
  private readonly logger: Logger;
  private stopping: Promise<void> | undefined;

  constructor(options: AgentOptions) {
    const { enrollment, privateKeyPem } = readIdentity(options.stateDir);
    this.agentId = enrollment.agentId;
    this.logger = options.logger;
    // Checked before the spool is opened (and locked), so a refusal here leaves no lock behind.
    const trust = loadServerTrust(options.stateDir, enrollment);
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
      trust,
      agentId: enrollment.agentId,
      privateKeyPem,
      agentVersion: AGENT_VERSION,
      intervalMs: options.intervalMs,
      queue: this.queue,
      seq,
      logger: this.logger,
      status: this.status,
      onDispatch: (message) => this.jobs.handle(message),
      delivery: new DeliveryTracker((error) => this.logger.error({ err: error }, 'a source failed to record a delivered frame')),
    });
    this.jobs = new JobHandler({
      agentId: enrollment.agentId,
      send: (message) => this.connection.sendJobMessage(message),
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

  /** Runs until stop() (resolves) or until the collector refuses the agent (rejects with FatalCloseError). */
  async run(): Promise<void> {
    this.status.flush();
    this.logger.info({ version: AGENT_VERSION }, 'agent starting');
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
