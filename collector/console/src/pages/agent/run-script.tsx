import type { AgentDetail, Job, JobRun, Script, ScriptParam } from '@vigil/shared';
import { useMemo, useState } from 'preact/hooks';
import { api, ApiFailure } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { Field, FormError } from '../../ui/field.js';
import { FollowingOutput } from '../../ui/following-output.js';
import { hasLiveOutput, type LiveOutput } from '../../ui/live-output.js';
import { useResource } from '../../ui/use-resource.js';
import { formatRunDuration } from '../../ui/format-time.js';
import { initialParamValues, paramHint, paramPayload, placeParamErrors, type ParamInput } from './param-form.js';
import { describeRun, isWatchOver, toneClass } from './run-progress.js';
import { useRunWatch } from './use-run-watch.js';

interface Props {
  agent: AgentDetail;
  onSignedOut: () => void;
  /** A job was created, or its run ended: the job history is stale. */
  onJobsChanged: () => void;
}

/** Scripts this agent can run: for its OS, and MSP-wide or of its own tenant. */
function runnableOn(agent: AgentDetail, scripts: readonly Script[]): Script[] {
  return scripts.filter((s) => s.os.includes(agent.os.platform) && (s.tenantId === null || s.tenantId === agent.tenantId));
}

/** Runs a library script on this agent with chosen parameters and follows the run to its output. */
export function RunScript({ agent, onSignedOut, onJobsChanged }: Props) {
  const library = useResource<{ scripts: Script[] }>('/api/v1/scripts', onSignedOut);
  const scripts = useMemo(() => runnableOn(agent, library.data?.scripts ?? []), [agent, library.data]);
  const [scriptId, setScriptId] = useState('');
  const script = scripts.find((s) => s.id === scriptId) ?? null;
  const params: readonly ScriptParam[] = script?.manifest.params ?? [];
  const [values, setValues] = useState<Record<string, ParamInput>>({});
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const { watch, result, stream, error: watchError } = useRunWatch(job, agent.id, onSignedOut, onJobsChanged);

  const choose = (id: string) => {
    setScriptId(id);
    setValues(initialParamValues(scripts.find((s) => s.id === id)?.manifest.params ?? []));
    setFailure(null);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!script) return;
    setBusy(true);
    setFailure(null);
    try {
      const created = await api<Job>('POST', '/api/v1/jobs', {
        scriptId: script.id, version: script.version, targets: { agentIds: [agent.id] }, params: paramPayload(params, values),
      });
      setJob(created);
      onJobsChanged();
    } catch (e) {
      const f = e instanceof ApiFailure ? e : new ApiFailure(0, 'network', e instanceof Error ? e.message : String(e));
      if (f.status === 401) onSignedOut();
      setFailure(new ApiFailure(f.status, f.code, f.message, placeParamErrors(f, params.map((p) => p.name))));
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    if (!job) return;
    try {
      await api('POST', `/api/v1/jobs/${encodeURIComponent(job.id)}/cancel`);
    } catch (e) {
      // A job that ended meanwhile answers 409; the stream shows how it ended either way.
      if (!(e instanceof ApiFailure && e.status === 409)) setFailure(e instanceof ApiFailure ? e : new ApiFailure(0, 'network', String(e)));
    }
  };

  const set = (name: string, value: ParamInput) => setValues((v) => ({ ...v, [name]: value }));
  const shown = ['scriptId', 'version', 'targets', 'targets.agentIds', ...params.map((p) => `params.${p.name}`)];
  const over = watch ? isWatchOver(watch) : true;
  const described = watch ? describeRun(watch) : null;

  return (
    <section class="section run-script" aria-labelledby="agent-run-title">
      <h3 id="agent-run-title">Run a script</h3>
      {library.error && <p class="form-error" role="alert">The script library could not be read: {library.error.message}</p>}
      {library.data && scripts.length === 0 && <p class="empty">No script in the library runs on {agent.os.platform}.</p>}
      {scripts.length > 0 && (
        <form class="run-form" onSubmit={submit} aria-label="Run a script">
          <Field label="Script" path="scriptId" failure={failure}>
            <select value={scriptId} onChange={(e) => choose((e.currentTarget as HTMLSelectElement).value)} required>
              <option value="">Choose a script…</option>
              {scripts.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} (v{s.version}, {s.shell}){s.signature === null ? ' · unsigned' : ''}{s.requiresApproval ? ' · needs approval' : ''}
                </option>
              ))}
            </select>
          </Field>
          {script && (
            <p class="hint">
              Times out after {script.timeoutSec} s{script.signature === null ? '; unsigned: only agents in development mode run it' : ''}
              {script.requiresApproval ? '; every run waits for an approver' : ''}.
            </p>
          )}
          {params.map((p) => (
            <Field key={p.name} label={p.required ? `${p.name} (required)` : p.name} path={`params.${p.name}`} failure={failure} hint={paramHint(p)}>
              <ParamControl param={p} value={values[p.name]} onChange={(v) => set(p.name, v)} />
            </Field>
          ))}
          <div class="form-actions">
            <button type="submit" disabled={!script || busy}>Run on {agent.hostname}</button>
            {agent.presence !== 'online' && <span class="hint">The agent is {agent.presence}: the run waits until it connects again.</span>}
          </div>
          <FormError failure={failure} shown={shown} />
        </form>
      )}

      {job && watch && described && (
        <div class="run-result" aria-live="polite" data-job-id={job.id}>
          <p class="run-line">
            <Link href={`/jobs/${encodeURIComponent(job.id)}`}>{job.id}</Link>{' '}
            <span class={toneClass(described.tone)} data-run-state={watch.run?.state ?? ''} data-job-status={watch.status}>{described.text}</span>
            {!over && stream !== 'live' && <span class="hint">{stream === 'retrying' ? 'stream lost, reconnecting…' : 'connecting…'}</span>}
            {!over && <button type="button" onClick={cancel}>Cancel</button>}
          </p>
          {!over && watch.status === 'awaiting_approval' && <p class="hint">An approver other than you must approve the job before it is sent.</p>}
          {watchError && <p class="form-error" role="alert">{watchError}</p>}
          {result ? <RunOutput run={result} /> : <LiveRunOutput output={watch.output} started={watch.run?.state === 'running' || hasLiveOutput(watch.output)} />}
        </div>
      )}
    </section>
  );
}

function ParamControl({ param, value, onChange }: { param: ScriptParam; value: ParamInput | undefined; onChange: (v: ParamInput) => void }) {
  const text = typeof value === 'string' ? value : '';
  const onText = (e: Event) => onChange((e.currentTarget as HTMLInputElement | HTMLSelectElement).value);
  switch (param.type) {
    case 'boolean':
      return <input type="checkbox" checked={value === true} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)} />;
    case 'enum':
      return (
        <select value={text} onChange={onText}>
          {!param.required && <option value="">(default)</option>}
          {param.values?.map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      );
    case 'integer':
    case 'number':
      return <input type="text" inputMode={param.type === 'integer' ? 'numeric' : 'decimal'} value={text} onInput={onText} />;
    case 'string':
      return <input type="text" value={text} onInput={onText} maxLength={param.maxLength ?? 1024} />;
  }
}

/**
 * What the run printed so far, growing as it prints; kept on screen after the run ends until its
 * stored output (the whole of it, authoritative) replaces it.
 */
function LiveRunOutput({ output, started }: { output: LiveOutput; started: boolean }) {
  if (!started) return null;
  return (
    // Not read out chunk by chunk: the panel around it is a polite live region for the run's state.
    <div class="run-output" data-live-output="" aria-live="off">
      <p class="hint">Live: what the script printed so far.</p>
      <FollowingOutput label="Standard output" text={output.stdout.text || (output.stderr.bytes > 0 ? '(no output)' : '(nothing printed yet)')} />
      {output.stderr.text && <FollowingOutput class="output output-stderr" label="Standard error" text={output.stderr.text} />}
      {(output.stdout.missed || output.stderr.missed) && <p class="hint">Some of the live output was missed; all of it shows when the run ends.</p>}
    </div>
  );
}

function RunOutput({ run }: { run: JobRun }) {
  return (
    <div class="run-output" data-final-output="">
      <p class="hint">
        {run.exitCode !== null && <>exit code <strong data-exit-code={run.exitCode}>{run.exitCode}</strong> · </>}
        took {formatRunDuration(run.durationMs)}
      </p>
      {run.error && <p class="form-error">{run.error}</p>}
      <pre class="output" aria-label="Standard output">{run.stdout || '(no output)'}</pre>
      {run.stdoutTruncated && <p class="hint">The output was cut at the agent's limit.</p>}
      {run.stderr && <pre class="output output-stderr" aria-label="Standard error">{run.stderr}</pre>}
      {run.stderrTruncated && <p class="hint">The error output was cut at the agent's limit.</p>}
    </div>
  );
}
