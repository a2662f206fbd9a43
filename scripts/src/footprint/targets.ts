/**
 * The agent's footprint targets, as stated in the README ("Targets"). The benchmark reports
 * against them; it never fails because of them (no timed assertions anywhere).
 */
export const FOOTPRINT_TARGETS = {
  steadyRssMb: 60,
  /** Stated per 60 s cycle on Linux. */
  cpuMsPerCycle: 30,
} as const;
