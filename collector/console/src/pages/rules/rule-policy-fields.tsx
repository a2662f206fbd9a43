import type { ApiFailure } from '../../app/api.js';
import { Field } from '../../ui/field.js';
import { FieldGroup } from '../../ui/field.js';
import { waitsForStreaks } from './rule-kinds.js';
import { EMPTY_OVERRIDE, type OverrideForm, type RuleForm } from './rule-form-state.js';

const OVERRIDE_FIELDS = ['match', 'threshold', 'clearThreshold', 'priority', 'enabled'] as const;

/** The body paths these inputs stand for; overrides are numbered as the form lists them. */
export function policyPaths(form: Pick<RuleForm, 'overrides'>): string[] {
  return [
    'holdFor', 'reopenWithin', 'flapHighThreshold', 'flapLowThreshold', 'runbookId', 'exclude', 'exclude.agents', 'exclude.sites', 'exclude.tags', 'overrides',
    ...form.overrides.flatMap((_, i) => OVERRIDE_FIELDS.map((f) => `overrides.${i}.${f}`)),
  ];
}

/** Paths whose items or keys the API names one by one, shown at the input holding them. */
export function policyListPaths(form: Pick<RuleForm, 'overrides'>): string[] {
  return ['exclude.agents', 'exclude.sites', 'exclude.tags', ...form.overrides.map((_, i) => `overrides.${i}.match`)];
}

function OverrideRow({ index, value, onChange, onRemove, failure }: {
  index: number;
  value: OverrideForm;
  onChange: (next: OverrideForm) => void;
  onRemove: () => void;
  failure: ApiFailure | null;
}) {
  const n = index + 1;
  const path = (field: string) => `overrides.${index}.${field}`;
  const set = <K extends keyof OverrideForm>(key: K, v: OverrideForm[K]) => onChange({ ...value, [key]: v });
  return (
    <div class="override" data-override={index}>
      <div class="override-head">
        <span>Override {n}</span>
        <button type="button" onClick={onRemove} aria-label={`Remove override ${n}`}>Remove</button>
      </div>
      <FieldGroup legend="Applies to" path={path('match')} failure={failure} hint="a tenant, a site or an agent (the most specific wins)">
        <label>Tenant <input value={value.tenant} aria-label={`Override ${n} tenant`} onInput={(e) => set('tenant', e.currentTarget.value)} /></label>
        <label>Site <input value={value.site} aria-label={`Override ${n} site`} onInput={(e) => set('site', e.currentTarget.value)} /></label>
        <label>Agent <input value={value.agent} aria-label={`Override ${n} agent`} onInput={(e) => set('agent', e.currentTarget.value)} /></label>
      </FieldGroup>
      <div class="form-grid">
        <Field label={`Override ${n} threshold`} path={path('threshold')} failure={failure} hint="empty: the rule's">
          <input value={value.threshold} inputMode="decimal" onInput={(e) => set('threshold', e.currentTarget.value)} />
        </Field>
        <Field label={`Override ${n} clear threshold`} path={path('clearThreshold')} failure={failure} hint="empty: the rule's">
          <input value={value.clearThreshold} inputMode="decimal" onInput={(e) => set('clearThreshold', e.currentTarget.value)} />
        </Field>
        <Field label={`Override ${n} priority`} path={path('priority')} failure={failure}>
          <select value={value.priority} onChange={(e) => set('priority', e.currentTarget.value as OverrideForm['priority'])}>
            <option value="">the rule's</option>
            {(['P1', 'P2', 'P3', 'P4'] as const).map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </Field>
        <Field label={`Override ${n} state`} path={path('enabled')} failure={failure}>
          <select value={value.enabled} onChange={(e) => set('enabled', e.currentTarget.value as OverrideForm['enabled'])}>
            <option value="">the rule's</option>
            <option value="on">on</option>
            <option value="off">off for these agents</option>
          </select>
        </Field>
      </div>
    </div>
  );
}

/** How an alert lives (hold, re-open, flapping), the runbook it starts, exclusions and overrides. */
export function RulePolicyFields({ form, set, failure }: {
  form: RuleForm;
  set: (patch: Partial<RuleForm>) => void;
  failure: ApiFailure | null;
}) {
  const setExclude = (key: keyof RuleForm['exclude'], v: string) => set({ exclude: { ...form.exclude, [key]: v } });
  const setOverride = (i: number, next: OverrideForm) => set({ overrides: form.overrides.map((o, j) => (j === i ? next : o)) });
  return (
    <>
      <fieldset class="form-section">
        <legend>Lifecycle and remediation</legend>
        <div class="form-grid">
          {waitsForStreaks(form.kind) && (
            <Field label="Hold open for" path="holdFor" failure={failure} hint="once clear, resolve only after this long, e.g. 2m">
              <input value={form.holdFor} onInput={(e) => set({ holdFor: e.currentTarget.value })} />
            </Field>
          )}
          <Field label="Re-open within" path="reopenWithin" failure={failure} hint="default 15m; 0s never re-opens">
            <input value={form.reopenWithin} onInput={(e) => set({ reopenWithin: e.currentTarget.value })} />
          </Field>
          <Field label="Flapping starts above (%)" path="flapHighThreshold" failure={failure} hint="default 50">
            <input value={form.flapHighThreshold} inputMode="decimal" onInput={(e) => set({ flapHighThreshold: e.currentTarget.value })} />
          </Field>
          <Field label="Flapping stops below (%)" path="flapLowThreshold" failure={failure} hint="default 25">
            <input value={form.flapLowThreshold} inputMode="decimal" onInput={(e) => set({ flapLowThreshold: e.currentTarget.value })} />
          </Field>
          <Field label="Runbook id" path="runbookId" failure={failure} hint="optional: started on the agent when the alert opens">
            <input value={form.runbookId} onInput={(e) => set({ runbookId: e.currentTarget.value })} />
          </Field>
        </div>
      </fieldset>
      <fieldset class="form-section">
        <legend>Exclusions</legend>
        <div class="form-grid">
          <Field label="Excluded agents" path="exclude.agents" failure={failure} hint="agent ids, comma-separated">
            <input value={form.exclude.agents} onInput={(e) => setExclude('agents', e.currentTarget.value)} />
          </Field>
          <Field label="Excluded sites" path="exclude.sites" failure={failure} hint="site ids, comma-separated">
            <input value={form.exclude.sites} onInput={(e) => setExclude('sites', e.currentTarget.value)} />
          </Field>
          <Field label="Excluded tags" path="exclude.tags" failure={failure} hint="an agent with any of these is left out">
            <input value={form.exclude.tags} onInput={(e) => setExclude('tags', e.currentTarget.value)} />
          </Field>
        </div>
      </fieldset>
      <fieldset class="form-section" data-field="overrides">
        <legend>Overrides</legend>
        {form.overrides.length === 0 && <p class="form-note">No overrides: every agent in scope gets the rule's settings.</p>}
        {form.overrides.map((o, i) => (
          <OverrideRow key={i} index={i} value={o} failure={failure} onChange={(next) => setOverride(i, next)}
            onRemove={() => set({ overrides: form.overrides.filter((_, j) => j !== i) })} />
        ))}
        <p><button type="button" onClick={() => set({ overrides: [...form.overrides, { ...EMPTY_OVERRIDE }] })}>Add override</button></p>
      </fieldset>
    </>
  );
}
