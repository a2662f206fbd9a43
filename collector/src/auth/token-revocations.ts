/**
 * Tells long-lived connections (the alert stream) that tokens stopped being valid, or that what
 * they allow changed, so that a live subscription ends at once rather than at its next request:
 * a stream keeps the tenants its caller had when it opened.
 */
export class TokenRevocations {
  private readonly listeners = new Set<(tokenIds: ReadonlySet<string>, reason: string) => void>();

  subscribe(listener: (tokenIds: ReadonlySet<string>, reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `reason` is what the client is told as it is cut off. */
  revoked(tokenIds: Iterable<string>, reason = 'token revoked'): void {
    const ids = new Set(tokenIds);
    if (ids.size === 0) return;
    for (const listener of this.listeners) listener(ids, reason);
  }
}
