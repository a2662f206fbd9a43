import type { Frame, SpoolReport } from '@vigil/shared';

/**
 * Each agent's latest spool report within a batch (the frames are in arrival order): one update per
 * agent and batch, however many frames of its backlog the batch holds. Frames without a report
 * (agents from before it) leave what was stored as it was.
 */
export function latestSpoolReports(frames: ReadonlyArray<{ agentId: string; frame: Frame }>): Map<string, SpoolReport> {
  const latest = new Map<string, SpoolReport>();
  for (const { agentId, frame } of frames) {
    if (frame.spool) latest.set(agentId, frame.spool);
  }
  return latest;
}
