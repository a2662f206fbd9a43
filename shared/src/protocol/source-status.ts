import { z } from 'zod';

/** What each source reported: a source that could not be read says so instead of reporting zeros. */
export const SourceStatusSchema = z.object({
  source: z.string().min(1).max(64),
  status: z.enum(['ok', 'unknown', 'error']),
  reason: z.string().max(2000).optional(),
  durationMs: z.number().nonnegative().optional(),
});
export type SourceStatus = z.infer<typeof SourceStatusSchema>;
