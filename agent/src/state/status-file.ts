import { readFileSync } from 'node:fs';
import { AgentRuntimeStatusSchema, describeZodError, type AgentRuntimeStatus } from '@vigil/shared';
import { writeFileAtomicSync } from './atomic-write.js';
import { stateFiles } from './paths.js';

export type StatusPatch = Partial<Omit<AgentRuntimeStatus, 'pid' | 'agentId' | 'server' | 'startedAt' | 'updatedAt'>>;

/**
 * Keeps status.json in step with the running agent. Changes are coalesced for `debounceMs` so a
 * burst (reconnect, resend, acks) costs one write, not one per message. The file is a few hundred
 * bytes, so writes are synchronous: that keeps them strictly ordered, including the final one.
 */
export class StatusFile {
  private status: AgentRuntimeStatus;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stateDir: string,
    init: { agentId: string; server: string; lastSeq: number },
    private readonly debounceMs = 250,
    private readonly onWriteError: (error: Error) => void = () => {},
  ) {
    const now = new Date().toISOString();
    this.status = {
      pid: process.pid,
      agentId: init.agentId,
      server: init.server,
      state: 'disconnected',
      running: true,
      startedAt: now,
      updatedAt: now,
      lastConnectedAt: null,
      lastDisconnectedAt: null,
      lastSeq: init.lastSeq,
      lastAckedSeq: null,
      unacked: 0,
      dropped: 0,
      spoolBytes: 0,
      spoolMaxBytes: 0,
      pendingResults: 0,
      lastError: null,
      lastTrustRefusal: null,
    };
  }

  get current(): Readonly<AgentRuntimeStatus> {
    return this.status;
  }

  update(patch: StatusPatch): void {
    let changed = false;
    for (const [key, value] of Object.entries(patch) as Array<[keyof StatusPatch, unknown]>) {
      if (this.status[key] !== value) changed = true;
    }
    if (!changed) return;
    this.status = { ...this.status, ...patch, updatedAt: new Date().toISOString() };
    this.schedule();
  }

  /** Write now and cancel any pending write; used at start and on shutdown. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      writeFileAtomicSync(stateFiles.status(this.stateDir), this.serialize(), 0o644);
    } catch (error) {
      this.onWriteError(error as Error);
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
    this.timer.unref();
  }

  private serialize(): string {
    return `${JSON.stringify(this.status, null, 2)}\n`;
  }
}

export function readStatusFile(stateDir: string): AgentRuntimeStatus | null {
  const file = stateFiles.status(stateDir);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = AgentRuntimeStatusSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`${file} is invalid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
