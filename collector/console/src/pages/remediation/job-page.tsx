import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Job, JobRunPage, RunState } from '@vigil/shared';
import { api, ApiFailure } from '../../app/api.js';
import type { PageProps } from '../../app/pages.js';
import { can } from '../../app/permissions.js';
import { Link, readQuery, writeQuery } from '../../app/router.js';
import { useResource } from '../../ui/use-resource.js';
import { useSubmit } from '../../ui/use-submit.js';
import { JobStatusBadge } from './badges.js';
import { DecisionBar, type Verdict } from './decision-bar.js';
import { isOwnRequest } from './job-facts.js';
import { JobFactsList } from './job-facts-list.js';
import { RunsTable, RunsToolbar, type RunFilters } from './job-runs-table.js';
import { pageMissesOutput, withLiveProgress } from './live-runs.js';
import { ProgressBar, ProgressLegend } from './progress-bar.js';
import { isCancellable, RUN_STATE_ORDER } from './run-states.js';
import { RunOutput } from './run-output.js';
import { useHostnames } from './use-hostnames.js';
import { useJobStream, type StreamStatus } from './use-job-stream.js';
import './remediation.css';

/** Runs per page: enough to scan, few enough that a page with output stays light. */
const PAGE_SIZE = 50;
const QUERY_KEYS = ['state', 'q', 'offset', 'run'] as const;
const STREAM_LABELS: Record<StreamStatus, string> = {
  connecting: 'connecting…', live: 'live', over: 'final', reconnecting: 'reconnecting…', missing: 'no such job',
};

function parseState(value: string): RunState | '' {
  return (RUN_STATE_ORDER as readonly string[]).includes(value) ? (value as RunState) : '';
}

/**
 * A job: what it runs and who approved it, its progress by run state, and its runs a page at a
 * time, kept current by the job's live stream until the job is over. A run's row opens its output.
 */
export function JobPage(props: PageProps) {
  // Another job's page starts afresh: its filters, page and selected run are not this one's.
  return <JobView key={props.params.id ?? ''} {...props} />;
}

function JobView({ me, params, onSignedOut }: PageProps) {
  const jobId = params.id ?? '';
  const initial = readQuery(QUERY_KEYS);
  const [filters, setFilters] = useState<RunFilters>({ state: parseState(initial.state), q: initial.q });
  const [search, setSearch] = useState(initial.q);
  const [offset, setOffset] = useState(Math.max(0, Number.parseInt(initial.offset, 10) || 0));
  const [selected, setSelected] = useState(initial.run);
  const [acting, setActing] = useState<Verdict | 'cancel' | null>(null);

  useEffect(() => {
    writeQuery({ state: filters.state, q: filters.q, offset: offset > 0 ? String(offset) : '', run: selected });
  }, [filters, offset, selected]);

  // The search applies after a pause in typing, not on every key.
  useEffect(() => {
    if (search === filters.q) return;
    const timer = window.setTimeout(() => {
      setFilters((f) => ({ ...f, q: search }));
      setOffset(0);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [search]);

  const runsPath = useMemo(() => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    if (filters.state) query.set('state', filters.state);
    if (filters.q.trim()) query.set('q', filters.q.trim());
    return `/api/v1/jobs/${encodeURIComponent(jobId)}/runs?${query}`;
  }, [jobId, filters, offset]);
  const page = useResource<JobRunPage>(runsPath, onSignedOut);
  const missing = page.error?.status === 404;
  const stream = useJobStream(missing ? null : jobId, onSignedOut, selected);
  const job = stream.job;

  const runs = useMemo(() => (page.data?.runs ?? []).map((run) => withLiveProgress(run, stream.runs.get(run.id))), [page.data, stream.version]);
  const hostnames = useHostnames(runs.map((r) => r.agentId), can(me, 'agents:read'));

  // A run of this page finished: fetch the page again for its output (once per burst).
  const reloadPage = useRef(page.reload);
  reloadPage.current = page.reload;
  useEffect(() => {
    if (!page.data || page.loading || !pageMissesOutput(page.data.runs, stream.runs)) return;
    const timer = window.setTimeout(() => reloadPage.current(), 250);
    return () => window.clearTimeout(timer);
  }, [stream.version, page.data, page.loading]);

  // Back from a dropped stream, the page may have missed changes: read it again.
  const lastStatus = useRef(stream.status);
  useEffect(() => {
    if (stream.status === 'live' && lastStatus.current === 'reconnecting') reloadPage.current();
    lastStatus.current = stream.status;
  }, [stream.status]);

  if (missing || stream.status === 'missing') {
    return <><Head jobId={jobId} /><p class="empty">No job {jobId}, or it is not in your tenants.</p></>;
  }

  const selectedRun = runs.find((r) => r.id === selected);
  const canCancel = job !== null && can(me, 'jobs:run') && isCancellable(job.status);
  const canDecide = job !== null && job.status === 'awaiting_approval' && can(me, 'jobs:approve') && !isOwnRequest(me, job);

  const changeFilters = (patch: Partial<RunFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setOffset(0);
  };

  return (
    <div class="job-page">
      <Head jobId={jobId}>
        {job && <JobStatusBadge status={job.status} counts={job.counts} />}
        <span class="live-status" data-status={stream.status}>{STREAM_LABELS[stream.status]}</span>
        <span class="spacer" />
        {canDecide && <>
          <button type="button" class="primary" onClick={() => setActing('approve')}>Approve</button>
          <button type="button" onClick={() => setActing('reject')}>Reject</button>
        </>}
        {canCancel && <button type="button" class="danger" onClick={() => setActing('cancel')}>Cancel job</button>}
      </Head>
      {job && acting === 'cancel' && (
        <CancelBar jobId={job.id} onDone={(after) => { if (after) stream.adopt(after); setActing(null); }} onSignedOut={onSignedOut} />
      )}
      {job && (acting === 'approve' || acting === 'reject') && (
        <DecisionBar job={job} verdict={acting} onSignedOut={onSignedOut} onClose={() => setActing(null)} onDecided={(after) => { stream.adopt(after); setActing(null); }} />
      )}
      {page.error && !missing && <p class="form-error" role="alert">{page.error.message}</p>}
      {!job && !page.error && <p class="loading">Loading…</p>}
      {job && <>
        <section class="section"><JobFactsList job={job} /></section>
        <section class="section" aria-label="Progress">
          <h3>Progress</h3>
          <ProgressBar counts={job.counts} wide />
          <ProgressLegend counts={job.counts} picked={filters.state} onPick={(state) => changeFilters({ state })} />
        </section>
      </>}
      <section class="section runs-section" aria-label="Runs of the job">
        <h3>Runs</h3>
        <RunsToolbar
          filters={filters} search={search} onSearch={setSearch} onState={(state) => changeFilters({ state })}
          total={page.data?.total ?? 0} limit={PAGE_SIZE} offset={offset} onOffset={setOffset} loading={page.loading}
        />
        {page.data && runs.length === 0 && <p class="empty">{filters.state || filters.q ? 'No runs match.' : 'This job has no runs.'}</p>}
        {runs.length > 0 && <RunsTable runs={runs} hostnames={hostnames} selected={selected} onSelect={(id) => setSelected(id === selected ? '' : id)} />}
      </section>
      {selectedRun && <RunOutput run={selectedRun} live={stream.outputs.get(selectedRun.id)} hostname={hostnames.get(selectedRun.agentId) ?? null} onClose={() => setSelected('')} />}
    </div>
  );
}

function Head({ jobId, children }: { jobId: string; children?: ComponentChildren }) {
  return (
    <div class="page-head">
      <Link href="/remediation?tab=jobs" class="no-print">← Jobs</Link>
      <h2>Job <span class="mono">{jobId}</span></h2>
      {children}
    </div>
  );
}

/** Cancelling stops a whole job: queued runs are cancelled and running scripts told to stop. Asked once more. */
function CancelBar({ jobId, onDone, onSignedOut }: { jobId: string; onDone: (after: Job | null) => void; onSignedOut: () => void }) {
  const { failure, busy, run } = useSubmit(onSignedOut);
  const cancel = () => void run(async () => onDone(await api<Job>('POST', `/api/v1/jobs/${encodeURIComponent(jobId)}/cancel`)));
  return (
    <div class="decision-bar" role="group" aria-label="Cancel the job">
      <strong>Cancel this job?</strong>
      <span>Queued runs are cancelled; scripts already running are told to stop.</span>
      <button type="button" class="danger" disabled={busy} onClick={cancel}>Yes, cancel the job</button>
      <button type="button" onClick={() => onDone(null)}>Keep it running</button>
      {failure && <span class="form-error" role="alert">{failure.message}</span>}
    </div>
  );
}
