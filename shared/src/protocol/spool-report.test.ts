import { describe, expect, it } from 'vitest';
import { AgentMessageSchema, FrameSchema } from './messages.js';

const frame = { type: 'frame', seq: 9, ts: 1_000, samples: [], sources: [] };

describe('the spool report on a frame', () => {
  it('comes through with the frame, and may be left out by agents from before it', () => {
    expect(AgentMessageSchema.parse({ ...frame, spool: { dropped: 12, depth: 3 } })).toMatchObject({ seq: 9, spool: { dropped: 12, depth: 3 } });
    expect(FrameSchema.parse(frame)).not.toHaveProperty('spool');
  });

  it('refuses counts that are not whole non-negative numbers', () => {
    for (const spool of [{ dropped: -1, depth: 0 }, { dropped: 1.5, depth: 0 }, { dropped: 0 }, { dropped: '3', depth: 0 }]) {
      expect(FrameSchema.safeParse({ ...frame, spool }).success).toBe(false);
    }
  });
});
