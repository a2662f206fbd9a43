import { CloseCode } from '@vigil/shared';

const CLOSE_NAMES = new Map<number, string>(Object.entries(CloseCode).map(([name, code]) => [code, name]));

export function describeClose(code: number, reason: string): string {
  const name = CLOSE_NAMES.get(code);
  return `${code}${name ? ` (${name})` : ''}${reason ? `: ${reason}` : ''}`;
}

/** The collector closed with a code after which reconnecting cannot help. */
export class FatalCloseError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`the collector refused this agent: ${describeClose(code, reason)}`);
  }
}

/** A connection attempt that ended before the collector welcomed the agent. */
export class ConnectAttemptError extends Error {}

/** Raised inside the reconnect loop once the agent is stopping, to end it. */
export class StoppedError extends Error {
  constructor() {
    super('agent stopping');
  }
}
