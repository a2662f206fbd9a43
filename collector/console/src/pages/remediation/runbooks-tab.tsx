import { useMemo } from 'preact/hooks';
import type { Rule, Runbook, Script, WhoAmI } from '@vigil/shared';
import { can } from '../../app/permissions.js';
import { useResource } from '../../ui/use-resource.js';
import { formatParams } from './job-facts.js';
import type { RemediationQuery } from './remediation-query.js';
import { describeCaps, describeStepScript, triggersOf } from './runbook-facts.js';
import { RunbookRunsTable } from './runbook-runs-table.js';
import { scopeOf } from './script-facts.js';

interface Props {
  me: WhoAmI;
  query: RemediationQuery;
  update: (patch: Partial<RemediationQuery>) => void;
  onSignedOut: () => void;
}

/** Runbooks with the rules that trigger them and their limits; one expands to its steps and its own runs. */
export function RunbooksTab({ me, query, update, onSignedOut }: Props) {
  const runbooks = useResource<{ runbooks: Runbook[] }>('/api/v1/runbooks', onSignedOut);
  // Rules name runbooks, not the other way round: the triggers come from the rules the caller can read.
  const rules = useResource<{ rules: Rule[] }>(can(me, 'rules:read') ? '/api/v1/rules' : null, onSignedOut);
  const scripts = useResource<{ scripts: Script[] }>('/api/v1/scripts', onSignedOut);
  const scriptNames = useMemo(() => new Map((scripts.data?.scripts ?? []).map((s) => [s.id, s.name])), [scripts.data]);
  const list = useMemo(() => [...(runbooks.data?.runbooks ?? [])].sort((a, b) => a.name.localeCompare(b.name)), [runbooks.data]);
  const mayReadJobs = can(me, 'jobs:read');

  return (
    <>
      <div class="toolbar">
        <span class="count">{list.length} runbooks</span>
        <span class="spacer" />
        <span class="hint">A rule names the runbook its alerts start; runbooks are changed through the API and the CLI.</span>
      </div>
      {runbooks.error && <p class="form-error" role="alert">{runbooks.error.message}</p>}
      {runbooks.data && list.length === 0 && <p class="empty">No runbooks.</p>}
      {list.length > 0 && (
        <table class="data runbooks-table" aria-label="Runbooks">
          <thead>
            <tr><th>Name</th><th>Scope</th><th>Triggered by</th><th>Steps</th><th>Caps</th><th>Verify within</th><th>Approval</th></tr>
          </thead>
          <tbody>
            {list.map((runbook) => {
              const open = runbook.id === query.runbook;
              const triggers = triggersOf(runbook.id, rules.data?.rules ?? []);
              return [
                <tr key={runbook.id} class={open ? 'selected' : undefined} data-runbook-id={runbook.id}>
                  <td><button type="button" class="link-button" aria-expanded={open} onClick={() => update({ runbook: open ? '' : runbook.id })}>{runbook.name}</button></td>
                  <td>{scopeOf(runbook.tenantId)}</td>
                  <td>
                    {!rules.data ? '—' : triggers.length === 0 ? <span class="hint">no rule</span> : triggers.map((rule) => (
                      <span key={rule.id} class={rule.enabled ? 'trigger' : 'trigger trigger-disabled'} title={rule.enabled ? rule.id : `${rule.id} (disabled)`}>{rule.name}</span>
                    ))}
                  </td>
                  <td class="num">{runbook.steps.length}</td>
                  <td>{describeCaps(runbook)}</td>
                  <td>{runbook.verify.within}</td>
                  <td>{runbook.requiresApproval ? <span class="badge badge-warn">required</span> : '—'}</td>
                </tr>,
                open && (
                  <tr key={`${runbook.id}-detail`} class="expanded-row">
                    <td colSpan={7}>
                      <RunbookSteps runbook={runbook} scriptNames={scriptNames} />
                      {mayReadJobs && <>
                        <h4>Recent runs of {runbook.name}</h4>
                        <RunbookRunsTable me={me} runbookId={runbook.id} label={`Runs of ${runbook.name}`} onSignedOut={onSignedOut} />
                      </>}
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      )}
      {mayReadJobs && (
        <section class="section" aria-label="Recent runbook runs">
          <h3>Recent runbook runs</h3>
          <RunbookRunsTable me={me} label="Recent runbook runs" onSignedOut={onSignedOut} />
        </section>
      )}
    </>
  );
}

function RunbookSteps({ runbook, scriptNames }: { runbook: Runbook; scriptNames: ReadonlyMap<string, string> }) {
  return (
    <>
      <h4>Steps</h4>
      <ol class="steps" aria-label={`Steps of ${runbook.name}`}>
        {runbook.steps.map((step, i) => (
          <li key={i}>
            <strong>{describeStepScript(step, scriptNames)}</strong>
            {Object.keys(step.params).length > 0 && <span class="mono"> {formatParams(step.params)}</span>}
            <span class="hint"> · timeout {step.timeout} · on failure {step.onFailure === 'stop' ? 'stop and escalate' : 'continue'}</span>
          </li>
        ))}
        <li class="verify-step">Verify: wait up to {runbook.verify.within} for telemetry that clears the alert; resolve it, or escalate with the output.</li>
      </ol>
      {runbook.args && runbook.args.length > 0 && <p class="hint">Fixed arguments: <span class="mono">{runbook.args.join(' ')}</span></p>}
    </>
  );
}
