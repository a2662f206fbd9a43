import WebSocket from 'ws';

/** Closes normally, or terminates if the server does not answer the close in time. */
export function closeSocket(socket: WebSocket | null | undefined, timeoutMs: number, reason: string): Promise<void> {
  if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (socket.readyState === WebSocket.OPEN) socket.close(1000, reason);
  });
}
