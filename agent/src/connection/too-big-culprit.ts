/**
 * Which frame to blame when the collector closed the connection with 1009 (message too big).
 * The close names no message, and several frames may be on the wire unacknowledged. The offender
 * is among them; it was over the collector's limit, and so is any in-flight frame at least as big.
 * So the largest in-flight frame is always one the collector would refuse: dropping it never
 * loses a frame that could have been delivered, and every 1009 removes one refused frame, so a
 * spool cannot stall behind it. (If a bigger one was sent after the offender, the offender is
 * found on the next connection.) Ties go to the oldest, the one the collector read first.
 */
export function tooBigCulprit(inFlightBytes: ReadonlyMap<number, number>): { seq: number; bytes: number } | undefined {
  let culprit: { seq: number; bytes: number } | undefined;
  for (const [seq, bytes] of inFlightBytes) {
    if (!culprit || bytes > culprit.bytes || (bytes === culprit.bytes && seq < culprit.seq)) culprit = { seq, bytes };
  }
  return culprit;
}
