import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The generic webhook's signature: HMAC-SHA256 with the channel's secret over
 * `${timestamp}.${body}` (timestamp in Unix seconds, body the exact bytes sent), sent as
 * `X-Vigil-Signature: sha256=<hex>` beside `X-Vigil-Timestamp: <timestamp>`. Signing the
 * timestamp with the body lets a receiver refuse replays of an old, validly signed request.
 */
export function signWebhook(secret: string, timestampSec: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (and what the tests do): recompute the HMAC over the raw body as received,
 * compare in constant time, and reject timestamps further than `toleranceSec` from its own clock.
 */
export function verifyWebhook(secret: string, body: string, headers: { signature: string | undefined; timestamp: string | undefined }, nowSec: number, toleranceSec = 300): boolean {
  if (!headers.signature || !headers.timestamp || !/^\d+$/.test(headers.timestamp)) return false;
  const timestamp = Number(headers.timestamp);
  if (Math.abs(nowSec - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
