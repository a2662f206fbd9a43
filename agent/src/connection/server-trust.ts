/**
 * How the agent decides it is talking to its own collector, as fixed at enrollment: a CA bundle,
 * a pinned certificate fingerprint, or (loopback demos and tests only) explicitly allowed plain
 * http/ws.
 */
export interface ServerTrust {
  /** PEM CA bundle the collector's certificate must chain to (instead of the system CAs). */
  caPem?: string;
  /** SHA-256 fingerprint of the collector's certificate, colon-separated uppercase hex. */
  fingerprint256?: string;
  allowPlaintext?: boolean;
}
