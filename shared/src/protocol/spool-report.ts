import { z } from 'zod';

/**
 * The agent's spool as it stood when a frame left: what lets an operator tell frames the agent
 * dropped itself (its spool was full during an outage) from frames lost anywhere else.
 */
export const SpoolReportSchema = z.object({
  /**
   * Frames dropped because the spool was full, over the agent's lifetime. A frame dropped after it
   * was sent counts until the next welcome shows the collector stored it, so this can go down.
   */
  dropped: z.number().int().nonnegative(),
  /** Frames held awaiting their ack, the one carrying this report included. */
  depth: z.number().int().nonnegative(),
});
export type SpoolReport = z.infer<typeof SpoolReportSchema>;
