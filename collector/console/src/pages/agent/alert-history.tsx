import type { Alert } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { useResource } from '../../ui/use-resource.js';

/** Alerts listed at most; the feed and reports cover more. */
const LIMIT = 100;
const STATE_BADGE: Record<Alert['state'], string> = { open: 'badge badge-bad', acknowledged: 'badge badge-warn', resolved: 'badge badge-ok' };

const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ');

/** Every alert this agent raised, open or long resolved, newest first. */
export function AlertHistory({ agentId, onSignedOut }: { agentId: string; onSignedOut: () => void }) {
  const { data, error, loading } = useResource<{ alerts: Alert[] }>(`/api/v1/alerts?agentId=${encodeURIComponent(agentId)}&limit=${LIMIT}`, onSignedOut);
  return (
    <section class="section" aria-labelledby="agent-alerts-title">
      <h3 id="agent-alerts-title">Alert history</h3>
      {error && <p class="form-error" role="alert">{error.message}</p>}
      {loading && !data && <p class="loading">Loading alerts…</p>}
      {data && data.alerts.length === 0 && <p class="empty">No alerts on this agent.</p>}
      {data && data.alerts.length > 0 && (
        <table class="data" aria-label="Alert history">
          <thead><tr><th>Priority</th><th>Rule</th><th>State</th><th>Opened</th><th>Acknowledged</th><th>Resolved</th><th>Comment</th></tr></thead>
          <tbody>
            {data.alerts.map((a) => (
              <tr key={a.id} data-alert-id={a.id} data-state={a.state}>
                <td><span class={`pri pri-badge-${a.priority}`}>{a.priority}</span></td>
                <td>
                  {a.ruleName}
                  <div class="sub">{a.metric} {a.op} {a.threshold}{Object.keys(a.labels).length > 0 && ` · ${labelText(a.labels)}`}{a.occurrences > 1 && ` · ${a.occurrences}×`}</div>
                </td>
                <td><span class={STATE_BADGE[a.state]}>{a.state}</span></td>
                <td class="nowrap">{formatTime(a.openedAt)}</td>
                <td>{a.acknowledgedAt === null ? '—' : <>{a.acknowledgedBy}<div class="sub">{formatTime(a.acknowledgedAt)}</div></>}</td>
                <td>{a.resolvedAt === null ? '—' : <>{a.resolvedBy}<div class="sub">{formatTime(a.resolvedAt)}</div></>}</td>
                <td>{a.comment ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.alerts.length === LIMIT && <p class="hint">The newest {LIMIT} are shown.</p>}
    </section>
  );
}
