import type { SourceStatus } from '@vigil/shared';

const STATUS_BADGE: Record<SourceStatus['status'], string> = { ok: 'badge badge-ok', unknown: 'badge badge-warn', error: 'badge badge-bad' };

/** Which of the agent's collectors answered in its latest frame, and why the others did not. */
export function SourcesView({ sources }: { sources: readonly SourceStatus[] }) {
  if (sources.length === 0) return <p class="empty">Sources: not reported by this agent (no frame yet).</p>;
  return (
    <table class="data" aria-label="Collector sources">
      <thead><tr><th>Source</th><th>Status</th><th>Took</th><th>Reason</th></tr></thead>
      <tbody>
        {sources.map((s) => (
          <tr key={s.source} data-status={s.status}>
            <td>{s.source}</td>
            <td><span class={STATUS_BADGE[s.status]}>{s.status}</span></td>
            <td>{s.durationMs !== undefined ? `${Math.round(s.durationMs)} ms` : '—'}</td>
            <td>{s.reason ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
