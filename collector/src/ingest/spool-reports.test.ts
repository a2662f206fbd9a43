import type { Frame, SpoolReport } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { latestSpoolReports } from './spool-reports.js';

const frame = (seq: number, spool?: SpoolReport): Frame => ({ type: 'frame', seq, ts: seq, samples: [], sources: [], ...(spool ? { spool } : {}) });

describe('latestSpoolReports', () => {
  it('keeps the last report of each agent in arrival order, and none for an agent that sent none', () => {
    const reports = latestSpoolReports([
      { agentId: 'agt_a', frame: frame(7, { dropped: 40, depth: 3 }) },
      { agentId: 'agt_b', frame: frame(1) },
      { agentId: 'agt_a', frame: frame(8, { dropped: 38, depth: 2 }) },
      // A frame without a report does not undo the one before it.
      { agentId: 'agt_a', frame: frame(9) },
    ]);
    expect([...reports]).toEqual([['agt_a', { dropped: 38, depth: 2 }]]);
  });
});
