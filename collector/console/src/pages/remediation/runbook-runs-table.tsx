import { useState } from 'preact/hooks';
import type { RunbookRun, RunbookRunState, WhoAmI } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { can } from '../../app/permissions.js';
import { Link } from '../../app/router.js';
import { useResource } from '../../ui/use-resource.js';
import { ToneBadge } from './badges.js';
import { runbookRunStateLabel, runbookRunTone } from './runbook-facts.js';
import { useEvery } from '../../ui/use-every.js';
import { useHostnames } from './use-hostnames.js';

const RUNBOOK_RUN_STATES = ['awaiting_approval', 'running', 'verifying', 'resolved', 'escalated', 'capped', 'rejected'] as const satisfies readonly RunbookRunState[];
const LIMIT = 50;
const REFRESH_MS = 10_000;

/** Recent automatic remediations (all, or one runbook's): where each stands and how it ended. */
export function RunbookRunsTable({ me, runbookId, label, onSignedOut }: { me: WhoAmI; runbookId?: string; label: string; onSignedOut: () => void }) {
  const [state, setState] = useState<RunbookRunState | ''>('');
  const query = new URLSearchParams({ limit: String(LIMIT) });
  if (runbookId) query.set('runbookId', runbookId);
  if (state) query.set('state', state);
  const runs = useResource<{ runs: RunbookRun[] }>(`/api/v1/runbook-runs?${query}`, onSignedOut);
  useEvery(REFRESH_MS, runs.reload);
  const list = runs.data?.runs ?? [];
  const hostnames = useHostnames(list.map((r) => r.agentId), can(me, 'agents:read'));

  return (
    <div class="runbook-runs">
      <div class="toolbar toolbar-inline">
        <select aria-label={`${label}: state`} value={state} onChange={(e) => setState(e.currentTarget.value as RunbookRunState | '')}>
          <option value="">All stages and outcomes</option>
          {RUNBOOK_RUN_STATES.map((s) => <option key={s} value={s}>{runbookRunStateLabel(s)}</option>)}
        </select>
        <span class="count">{list.length === LIMIT ? `latest ${LIMIT} runs` : `${list.length} run${list.length === 1 ? '' : 's'}`}</span>
      </div>
      {runs.error && <p class="form-error" role="alert">{runs.error.message}</p>}
      {runs.data && list.length === 0 && <p class="empty">No runs{state ? ` ${runbookRunStateLabel(state)}` : ''} yet.</p>}
      {list.length > 0 && (
        <table class="data" aria-label={label}>
          <thead>
            <tr><th>Runbook</th><th>Agent</th><th>Alert</th><th>Stage</th><th>Step</th><th>Outcome</th><th>Started</th><th>Finished</th><th>Jobs</th></tr>
          </thead>
          <tbody>
            {list.map((run) => (
              <tr key={run.id} data-runbook-run-id={run.id}>
                <td>{run.runbookName}</td>
                <td><Link href={`/agents/${encodeURIComponent(run.agentId)}`}>{hostnames.get(run.agentId) ?? run.agentId}</Link></td>
                <td class="mono">{run.alertId}</td>
                <td><ToneBadge tone={runbookRunTone(run.state)}>{runbookRunStateLabel(run.state)}</ToneBadge></td>
                <td class="num">{run.stepIndex + 1}</td>
                <td>{run.outcome ?? '—'}</td>
                <td>{formatTime(run.startedAt)}</td>
                <td>{formatTime(run.finishedAt)}</td>
                <td>
                  {run.jobIds.length === 0 ? '—' : run.jobIds.map((id, i) => (
                    <span key={id}>{i > 0 && ' '}<Link href={`/jobs/${encodeURIComponent(id)}`} title={`step ${i + 1}: job ${id}`}>step {i + 1}</Link></span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
