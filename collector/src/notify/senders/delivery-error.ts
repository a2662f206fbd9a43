/** A failed attempt: a message safe to store and log (never a URL, a key or a password) and whether trying again can help. */
export class DeliveryError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }

  /**
   * A thrown error or an aborted signal as a DeliveryError. Only error codes and short messages
   * are kept: fetch errors can carry the URL, and a Slack or Teams webhook URL is a credential.
   */
  static from(err: unknown, signal: AbortSignal): DeliveryError {
    if (err instanceof DeliveryError) return err;
    if (signal.aborted) {
      const reason = signal.reason as { name?: string } | undefined;
      return reason?.name === 'TimeoutError' ? new DeliveryError('timed out', true) : new DeliveryError('stopped: the collector is shutting down', true);
    }
    const e = err as { code?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
    const code = typeof e?.cause?.code === 'string' ? e.cause.code : typeof e?.code === 'string' ? e.code : null;
    return new DeliveryError(code ? `connection failed: ${code}` : 'request failed', true);
  }
}
