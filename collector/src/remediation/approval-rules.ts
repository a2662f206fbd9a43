/** Who asked for or decides on a job, for change control: a user by id; the bootstrap token (no user) by its token id. */
export function requesterKey(caller: { userId: string | null; tokenId: string }): string {
  return caller.userId !== null ? `user:${caller.userId}` : `token:${caller.tokenId}`;
}

/**
 * Change control's one rule: whoever asked for a job never approves (or rejects) it themselves,
 * through any of their tokens. A job the system asked for (a runbook; `requestedBy` null) may be
 * decided by any approver.
 */
export function mayDecide(requestedBy: string | null, approver: string): boolean {
  return requestedBy === null || requestedBy !== approver;
}
