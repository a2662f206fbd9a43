import { z } from 'zod';

/**
 * The agent's spool as it stood when a frame left: what lets an operator tell frames the agent
 * dropped itself (its spool was full during an outage, or a frame was too big for the collector to
 * take) from frames lost anywhere else.
 */
export const SpoolReportSchema = z.object({
  /**
   * Frames the agent dropped over its lifetime: the oldest when the spool was full, and any frame
   * over the collector's message limit. A frame the full spool dropped after it was sent counts
   * until the next welcome shows the collector stored it, so this can go down.
   */
  dropped: z.number().int().nonnegative(),
  /** Frames held awaiting their ack, the one carrying this report included. */
  depth: z.number().int().nonnegative(),
});
export type SpoolReport = z.infer<typeof SpoolReportSchema>;
