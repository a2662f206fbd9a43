import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateAgentKeyPair, type Frame } from '@vigil/shared';
import { Agent } from './agent.js';
import { MemoryFrameQueue } from './connection/frame-queue.js';
import { SpoolWriteError } from './connection/spool/disk-spool.js';
import { SpoolLockedError } from './connection/spool/spool-lock.js';
import { silentLogger } from './log.js';
import { writeIdentity } from './state/enrollment-store.js';
import { FileSeqStore } from './state/seq-store.js';

/** A queue whose disk has failed: every push is refused, as DiskSpool refuses a frame it cannot write. */
class FailingQueue extends MemoryFrameQueue {
  attempts = 0;
  override push(frame: Frame): void {
    this.attempts++;
    throw new SpoolWriteError(`cannot write frame ${frame.seq}`);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function enrolledState(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-agent-'));
  dirs.push(dir);
  const keys = generateAgentKeyPair();
  writeIdentity(dir, {
    // Nothing listens there: this test is about what happens before a frame leaves the process.
    enrollment: { agentId: 'agt_spool_failure', server: 'http://127.0.0.1:9', tenantId: 'acme', siteId: 'hq', tags: [], enrolledAt: new Date().toISOString(), allowPlaintext: true },
    privateKeyPem: keys.privateKeyPem,
  });
  return dir;
}

describe('Agent', () => {
  it('does not save the seq of a frame the spool refused, so the saved counter never runs ahead of the spool', async () => {
    const stateDir = enrolledState();
    const queue = new FailingQueue();
    const agent = new Agent({ stateDir, intervalMs: 20, maxSplayMs: 0, logger: silentLogger(), collectors: [], queue, connection: { backoff: { startingDelayMs: 10_000 } } });
    const running = agent.run().catch(() => {});
    const deadline = Date.now() + 10_000;
    while (queue.attempts < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await agent.stop();
    await running;
    expect(queue.attempts).toBeGreaterThanOrEqual(3);
    expect(new FileSeqStore(stateDir).last).toBe(0);
  });

  it('refuses to start while another agent process has the state directory', () => {
    const stateDir = enrolledState();
    mkdirSync(join(stateDir, 'spool'), { recursive: true });
    // Any live process other than this one stands for the other agent.
    writeFileSync(join(stateDir, 'spool', 'lock'), `${process.ppid}\n`);
    expect(() => new Agent({ stateDir, intervalMs: 1_000, logger: silentLogger(), collectors: [] })).toThrow(SpoolLockedError);
  });
});
