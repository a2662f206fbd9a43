import type { AgentMessage } from '@vigil/shared';

/** A message as it goes on the socket, with its size in the unit the collector's limit counts. */
export interface EncodedMessage {
  readonly text: string;
  /** UTF-8 bytes, not `.length`: non-ASCII text takes two to four bytes per character. */
  readonly bytes: number;
}

export function encodeMessage(message: AgentMessage): EncodedMessage {
  const text = JSON.stringify(message);
  return { text, bytes: Buffer.byteLength(text, 'utf8') };
}
