import type { SourceStatus, StoredEvent } from '@vigil/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, formatTime } from '../../app/api.js';
import { fetchForward } from './fetch-forward.js';
import { newestEvents } from './section-data.js';

/** How far back "recent" reaches, entries per request, requests at most, and rows drawn. */
const LOOKBACK_MS = 7 * 86_400_000;
const PAGE_SIZE = 2000;
const MAX_PAGES = 10;
const SHOWN = 200;

/**
 * The agent's recent event-log entries (errors and warnings), newest first. `source` is the
 * agent's own word on its event-log reader, which explains an empty list it could not fill.
 */
export function EventsView({ agentId, source, onSignedOut }: { agentId: string; source: SourceStatus | undefined; onSignedOut: () => void }) {
  const [events, setEvents] = useState<StoredEvent[] | null>(null);
  const [complete, setComplete] = useState(true);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [level, setLevel] = useState<'' | StoredEvent['level']>('');
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;

  useEffect(() => {
    let current = true;
    const page = (since: number, limit: number) =>
      api<{ events: StoredEvent[] }>('GET', `/api/v1/agents/${encodeURIComponent(agentId)}/events?since=${since}&limit=${limit}`).then((b) => b.events);
    fetchForward(page, Date.now() - LOOKBACK_MS, PAGE_SIZE, MAX_PAGES)
      .then((result) => {
        if (!current) return;
        setEvents(result.items);
        setComplete(result.complete);
      })
      .catch((e: unknown) => {
        if (!current) return;
        const failure = e instanceof ApiFailure ? e : new ApiFailure(0, 'network', String(e));
        if (failure.status === 401) signedOut.current();
        setError(failure);
      });
    return () => {
      current = false;
    };
  }, [agentId]);

  if (error) return <p class="form-error" role="alert">Events could not be read: {error.message}</p>;
  if (!events) return <p class="loading">Loading events…</p>;
  if (events.length === 0) {
    if (!source) return <p class="empty">Events: not reported by this agent.</p>;
    if (source.status !== 'ok') return <p class="empty">Events: not reported by this agent ({source.status}{source.reason ? `: ${source.reason}` : ''}).</p>;
    return <p class="empty">No error or warning entries in the last 7 days.</p>;
  }
  const shown = newestEvents(events, level, SHOWN);
  return (
    <div class="events">
      <div class="toolbar-inline">
        <label>
          Level{' '}
          <select value={level} onChange={(e) => setLevel((e.currentTarget as HTMLSelectElement).value as '' | StoredEvent['level'])}>
            <option value="">errors and warnings</option>
            <option value="error">errors</option>
            <option value="warning">warnings</option>
          </select>
        </label>
        <span class="hint">
          newest {shown.length} of {events.length} in the last 7 days
          {!complete && ' (more than could be read: the newest are missing)'}
        </span>
      </div>
      <table class="data" aria-label="Recent events">
        <thead><tr><th>Time</th><th>Level</th><th>Log</th><th>Source</th><th>Message</th></tr></thead>
        <tbody>
          {shown.map((e) => (
            <tr key={`${e.log}\u0000${e.id}`} class={`event-${e.level}`}>
              <td class="nowrap">{formatTime(e.ts)}</td>
              <td><span class={e.level === 'error' ? 'badge badge-bad' : 'badge badge-warn'}>{e.level}</span></td>
              <td>{e.log}</td>
              <td>{e.source ?? '—'}{e.eventId && <div class="sub">id {e.eventId}</div>}</td>
              <td class="message">{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
