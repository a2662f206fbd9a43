import type { JobRun, RunState } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { RunStateBadge } from './badges.js';
import { formatRunDuration } from '../../ui/format-time.js';
import { pageWindow } from './live-runs.js';
import { RUN_STATE_ORDER, runStateLabel } from './run-states.js';

export interface RunFilters { state: RunState | ''; q: string }

/** The search and state filter over a job's runs, and the pager: a 10,000-run job is read a page at a time. */
export function RunsToolbar({ filters, search, onSearch, onState, total, limit, offset, onOffset, loading }: {
  filters: RunFilters;
  /** The search box's text (applied to `filters.q` after a pause in typing). */
  search: string;
  onSearch: (text: string) => void;
  onState: (state: RunState | '') => void;
  total: number;
  limit: number;
  offset: number;
  onOffset: (offset: number) => void;
  loading: boolean;
}) {
  const span = pageWindow(total, limit, offset);
  return (
    <div class="toolbar runs-toolbar">
      <select aria-label="Run state" value={filters.state} onChange={(e) => onState(e.currentTarget.value as RunState | '')}>
        <option value="">All states</option>
        {RUN_STATE_ORDER.map((s) => <option key={s} value={s}>{runStateLabel(s)}</option>)}
      </select>
      <input type="search" aria-label="Search output" placeholder="Search stdout, stderr, errors…" value={search} onInput={(e) => onSearch(e.currentTarget.value)} />
      <span class="spacer" />
      {loading && <span class="hint">loading…</span>}
      <span class="count" aria-live="polite">runs {span.label}</span>
      <button type="button" aria-label="Previous page of runs" disabled={span.previous === null} onClick={() => span.previous !== null && onOffset(span.previous)}>‹ Previous</button>
      <button type="button" aria-label="Next page of runs" disabled={span.next === null} onClick={() => span.next !== null && onOffset(span.next)}>Next ›</button>
    </div>
  );
}

/** One page of runs, each row kept current by the live stream; a row opens its output. */
export function RunsTable({ runs, hostnames, selected, onSelect }: {
  runs: readonly JobRun[];
  hostnames: ReadonlyMap<string, string | null>;
  selected: string;
  onSelect: (runId: string) => void;
}) {
  return (
    <table class="data runs-table" aria-label="Runs">
      <thead>
        <tr><th>Agent</th><th>State</th><th>Exit code</th><th>Started</th><th>Finished</th><th>Duration</th><th><span class="visually-hidden">Output</span></th></tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const hostname = hostnames.get(run.agentId) ?? null;
          const isSelected = run.id === selected;
          return (
            <tr key={run.id} class={isSelected ? 'selected' : undefined} data-run-id={run.id} data-state={run.state} aria-selected={isSelected} onClick={() => onSelect(run.id)}>
              <td>
                <Link href={`/agents/${encodeURIComponent(run.agentId)}`}>{hostname ?? run.agentId}</Link>
                {hostname && <small class="mono"> {run.agentId}</small>}
              </td>
              <td><RunStateBadge state={run.state} />{run.error && <small class="run-error" title={run.error}> {run.error}</small>}</td>
              <td class="num">{run.exitCode ?? '—'}</td>
              <td>{formatTime(run.startedAt)}</td>
              <td>{formatTime(run.finishedAt)}</td>
              <td class="num">{formatRunDuration(run.durationMs)}</td>
              <td>
                <button type="button" aria-pressed={isSelected} aria-label={`Output of ${hostname ?? run.agentId}`} onClick={(e) => { e.stopPropagation(); onSelect(run.id); }}>Output</button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
