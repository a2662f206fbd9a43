/** The collector closes a stream with this code when the token stopped being valid. */
export const STREAM_UNAUTHORIZED = 4401;

/** Exponential backoff from 1 s, capped at 30 s, then ±25 % jitter: a collector restart is not stampeded. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(30_000, 1000 * 2 ** attempt) * (0.75 + random() * 0.5);
}

export interface ReconnectingSocketOptions<M> {
  /** The stream's URL with the current token; null when there is no token (signed out). */
  url: () => string | null;
  /** Each parsed message; call `connected()` once the stream is whole again (its snapshot). */
  onMessage: (message: M, connected: () => void) => void;
  onSignedOut: () => void;
  /** A close after which the stream is over for good (e.g. the job finished), not retried. */
  isFinalClose?: (event: CloseEvent) => boolean;
  onFinalClose?: (event: CloseEvent) => void;
  /** Called before each retry, with its delay. */
  onRetry?: (delayMs: number) => void;
}

/**
 * A WebSocket stream that reconnects with backoff until stopped: unparseable messages are
 * ignored, 4401 signs the user out, and the backoff starts over once a connection delivers its
 * snapshot. Returns the function that stops it for good.
 */
export function openReconnectingSocket<M>(options: ReconnectingSocketOptions<M>): () => void {
  let socket: WebSocket | null = null;
  let retry: number | undefined;
  let attempt = 0;
  let stopped = false;
  const connected = () => { attempt = 0; };

  const connect = () => {
    const url = options.url();
    if (url === null) return options.onSignedOut();
    socket = new WebSocket(url);
    socket.onmessage = (event) => {
      let message: M;
      try {
        message = JSON.parse(String(event.data)) as M;
      } catch {
        return;
      }
      if (!stopped) options.onMessage(message, connected);
    };
    socket.onclose = (event) => {
      if (stopped) return;
      if (event.code === STREAM_UNAUTHORIZED) return options.onSignedOut();
      if (options.isFinalClose?.(event)) return options.onFinalClose?.(event);
      const delay = reconnectDelayMs(attempt);
      attempt += 1;
      options.onRetry?.(delay);
      retry = window.setTimeout(connect, delay);
    };
  };

  connect();
  return () => {
    stopped = true;
    window.clearTimeout(retry);
    socket?.close();
  };
}
