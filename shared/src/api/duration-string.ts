import { z } from 'zod';
import { parseDuration } from '../duration.js';

const DAY_MS = 86_400_000;

/**
 * A duration written as in duration.ts ("90s", "5m", "1h30m") inside an API body, kept as the text
 * the user wrote; errors name the problem (unparseable, zero where zero means nothing, too long).
 */
export function durationStringSchema(options: { maxDays: number; positive?: boolean }) {
  return z.string().trim().min(1).max(32).superRefine((text, ctx) => {
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return;
    }
    if (options.positive && ms <= 0) ctx.addIssue({ code: 'custom', message: 'must be longer than zero' });
    else if (ms > options.maxDays * DAY_MS) ctx.addIssue({ code: 'custom', message: `must be at most ${options.maxDays}d` });
  });
}
