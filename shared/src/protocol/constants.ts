/**
 * Version of the agent⇄collector protocol. The collector refuses a hello that speaks another.
 * 2: dispatches carry the signed script and typed parameters, and trust updates exist.
 */
export const PROTOCOL_VERSION = 2;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [2];

/** No single WebSocket message may exceed this; the socket closes with 1009 past it. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Seconds a new connection has to authenticate before it is closed. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** WebSocket close codes the collector uses, each sent with a reason that names the problem. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  /** A message that is not valid JSON, fails its schema, or has an unknown type. */
  badMessage: 4400,
  /** Authentication failed: unknown agent, bad signature, or no hello in time. */
  unauthorized: 4401,
  /** The agent was revoked. */
  revoked: 4403,
  /** No hello arrived within the handshake timeout. */
  handshakeTimeout: 4408,
  /** The agent connected again elsewhere; this older connection is replaced. */
  replaced: 4409,
  /** The hello spoke a protocol version this collector does not. */
  unsupportedProtocol: 4426,
  /** The agent sent more messages or bytes than its connection may; it reconnects after backoff. */
  rateLimited: 4429,
  /** Standard code for a message over the size limit (set by the WebSocket layer). */
  tooBig: 1009,
  /** Standard "try again later": the collector is admitting other agents; reconnect after backoff. */
  tryAgainLater: 1013,
} as const;

/** Close codes after which reconnecting cannot help (the agent stops and says why). */
export const FATAL_CLOSE_CODES: readonly number[] = [CloseCode.unauthorized, CloseCode.revoked, CloseCode.unsupportedProtocol];

/** Bytes captured per output stream of a script run before truncation. */
export const SCRIPT_OUTPUT_CAP_BYTES = 64 * 1024;
