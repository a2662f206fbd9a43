import type { AlertRecord } from '../store/index.js';

/**
 * An acknowledgement that lapsed: the alert falls back to open, unacknowledged, at `at`, the
 * expiry instant; its response clock owes a response again within a full response window from
 * then (see the SLA clock). The first acknowledgement the alert had stays on record for reports.
 */
export interface AckLapse {
  id: string;
  at: number;
}

/**
 * Of the given alerts, the acknowledged ones whose acknowledgement expired at or before `now`,
 * each at its own expiry instant (not at `now`: a collector that was down records the fall-back
 * when it happened), soonest first. Resolved and open alerts, and sticky acknowledgements, never lapse.
 */
export function lapsedAcknowledgements(alerts: ReadonlyArray<Pick<AlertRecord, 'id' | 'state' | 'ackExpiresAt'>>, now: number): AckLapse[] {
  const lapses: AckLapse[] = [];
  for (const alert of alerts) {
    if (alert.state === 'acknowledged' && alert.ackExpiresAt !== null && alert.ackExpiresAt <= now) {
      lapses.push({ id: alert.id, at: alert.ackExpiresAt });
    }
  }
  return lapses.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** When an acknowledgement given at `now` for `expiresInMs` lapses; null when it lasts until resolved. */
export function ackExpiresAt(now: number, expiresInMs: number | null): number | null {
  return expiresInMs === null ? null : now + expiresInMs;
}
