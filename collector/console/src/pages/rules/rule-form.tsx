import { useMemo, useState } from 'preact/hooks';
import type { Rule, WhoAmI } from '@vigil/shared';
import { api } from '../../app/api.js';
import { Field, FormError } from '../../ui/field.js';
import { foldFieldPaths } from '../forms/field-paths.js';
import { ScopeEditor, scopePaths } from '../forms/scope-editor.js';
import { useSubmit } from '../../ui/use-submit.js';
import { RuleConditionFields, CONDITION_PATHS } from './rule-condition-fields.js';
import { isRuleKind, ruleBody, switchKind, type RuleForm } from './rule-form-state.js';
import { RULE_KIND_LABELS, RULE_KINDS } from './rule-kinds.js';
import { policyListPaths, policyPaths, RulePolicyFields } from './rule-policy-fields.js';

const GENERAL_PATHS = ['name', 'priority', 'enabled', 'kind'];

/**
 * The create and edit form of a rule (`editing` null: a new one). The API checks the body and
 * answers what is wrong field by field; each message shows next to its input.
 */
export function RuleFormPanel({ me, initial, editing, onSaved, onCancel, onSignedOut }: {
  me: WhoAmI;
  initial: RuleForm;
  editing: Rule | null;
  onSaved: (rule: Rule) => void;
  onCancel: () => void;
  onSignedOut: () => void;
}) {
  const [form, setForm] = useState(initial);
  const submission = useSubmit(onSignedOut);
  const set = (patch: Partial<RuleForm>) => setForm((f) => ({ ...f, ...patch }));
  const failure = useMemo(
    () => foldFieldPaths(submission.failure, ['labels', 'scope.tags', 'scope.agents', ...policyListPaths(form)]),
    [submission.failure, form.overrides.length],
  );
  const shown = [...GENERAL_PATHS, ...CONDITION_PATHS, ...scopePaths('agents'), ...policyPaths(form)];
  // Messages about lifecycle, exclusions or overrides must not hide in a closed section.
  const policyPathSet = new Set(policyPaths(form));
  const policyRefused = failure?.fields.some((f) => policyPathSet.has(f.path)) ?? false;
  const [policyOpen, setPolicyOpen] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    const body = ruleBody(form);
    let saved: Rule | null = null;
    const ok = await submission.run(async () => {
      saved = editing
        ? await api<Rule>('PATCH', `/api/v1/rules/${encodeURIComponent(editing.id)}`, body)
        : await api<Rule>('POST', '/api/v1/rules', body);
    });
    if (ok && saved) onSaved(saved);
  }

  const title = editing ? `Edit rule “${editing.name}”` : 'New rule';
  return (
    <section class="edit-panel" aria-label={title}>
      <h3>{title}</h3>
      <form onSubmit={save} noValidate>
        <fieldset class="form-section">
          <legend>Rule</legend>
          <div class="form-grid">
            <Field label="Kind" path="kind" failure={failure}>
              <select value={form.kind} onChange={(e) => { const v = e.currentTarget.value; if (isRuleKind(v)) setForm((f) => switchKind(f, v)); }}>
                {RULE_KINDS.map((k) => <option key={k} value={k}>{RULE_KIND_LABELS[k]}</option>)}
              </select>
            </Field>
            <Field label="Name" path="name" failure={failure}>
              <input value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />
            </Field>
            <Field label="Priority" path="priority" failure={failure}>
              <select value={form.priority} onChange={(e) => set({ priority: e.currentTarget.value as RuleForm['priority'] })}>
                {(['P1', 'P2', 'P3', 'P4'] as const).map((p) => <option key={p} value={p}>{p}</option>)}
              </select>
            </Field>
            <Field label="Enabled" path="enabled" failure={failure}>
              <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            </Field>
          </div>
        </fieldset>
        <RuleConditionFields form={form} set={set} failure={failure} />
        <ScopeEditor value={form.scope} onChange={(scope) => set({ scope })} failure={failure} agentsKey="agents" me={me} />
        <details class="advanced" open={policyOpen || policyRefused} onToggle={(e) => setPolicyOpen(e.currentTarget.open)}>
          <summary>Lifecycle, runbook, exclusions and overrides</summary>
          <RulePolicyFields form={form} set={set} failure={failure} />
        </details>
        <FormError failure={failure} shown={shown} />
        <div class="form-buttons">
          <button type="submit" class="primary" disabled={submission.busy}>{editing ? 'Save changes' : 'Create rule'}</button>
          <button type="button" onClick={onCancel}>Cancel</button>
        </div>
      </form>
    </section>
  );
}
