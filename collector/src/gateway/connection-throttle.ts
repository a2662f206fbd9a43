import { TokenBucket } from './token-bucket.js';

/** Per-connection limits on the agent socket. */
export interface RateLimits {
  messagesPerSec: number;
  messageBurst: number;
  bytesPerSec: number;
  byteBurst: number;
  /**
   * The connection is closed (4429) once its overdraft would take longer than this to refill.
   * While throttled nothing more is read, so only a client that pushes far more than it may
   * between two reads (a flood, not a replaying agent) gets that deep.
   */
  closeAfterOverdraftMs: number;
}

/**
 * A replaying agent has at most 64 frames unacknowledged, so a burst of 400 messages and 8 MiB
 * lets a catch-up start at full speed; after that it is paced at 200 frames/s (a 72 h backlog at
 * a 60 s interval, 4,320 frames, in about 20 s) instead of being cut off. While paced, such an
 * agent has at most those 64 frames waiting when reading resumes (0.3 s of overdraft); a flood
 * has a whole socket read of messages waiting (about 1,500 heartbeats in 64 KiB) and overdraws
 * past two seconds (400 messages) at once.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  messagesPerSec: 200,
  messageBurst: 400,
  bytesPerSec: 2 * 1024 * 1024,
  byteBurst: 8 * 1024 * 1024,
  closeAfterOverdraftMs: 2000,
};

export type ThrottleDecision =
  | { action: 'pass' }
  /** Process this message, then read nothing more from the socket for `ms`. */
  | { action: 'pause'; ms: number }
  | { action: 'close'; reason: string };

/** Decides, message by message, whether a connection is within its limits, to be slowed, or to be closed. */
export class ConnectionThrottle {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(private readonly limits: RateLimits, now: number) {
    this.messages = new TokenBucket(limits.messagesPerSec, limits.messageBurst, now);
    this.bytes = new TokenBucket(limits.bytesPerSec, limits.byteBurst, now);
  }

  admit(byteLength: number, now: number): ThrottleDecision {
    const messageWait = this.messages.take(1, now);
    const byteWait = this.bytes.take(byteLength, now);
    const { closeAfterOverdraftMs: limit, messagesPerSec, bytesPerSec } = this.limits;
    if (messageWait > limit) {
      return { action: 'close', reason: `rate limit: kept sending past ${messagesPerSec} messages/s while asked to slow down` };
    }
    if (byteWait > limit) {
      return { action: 'close', reason: `rate limit: kept sending past ${formatBytes(bytesPerSec)}/s while asked to slow down` };
    }
    const ms = Math.max(messageWait, byteWait);
    return ms > 0 ? { action: 'pause', ms } : { action: 'pass' };
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${+(bytes / 1024).toFixed(1)} KiB`;
}
