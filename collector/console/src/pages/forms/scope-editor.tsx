import type { WhoAmI } from '@vigil/shared';
import type { ApiFailure } from '../../app/api.js';
import { Field } from '../../ui/field.js';
import { seesAllTenants } from './ownership.js';
import type { AgentsKey, ScopeForm } from './scope-form.js';

/** The body paths the scope editor has inputs for, for `<FormError shown>` and `foldFieldPaths`. */
export function scopePaths(agentsKey: AgentsKey): string[] {
  return ['scope', 'scope.tenant', 'scope.site', 'scope.tags', 'scope.os', `scope.${agentsKey}`];
}

/**
 * Which agents a rule or window covers. A user of single tenants picks one of theirs (an object
 * without a tenant is MSP-wide, the owner's); an all-tenant user may leave it empty.
 */
export function ScopeEditor({ value, onChange, failure, agentsKey, me }: {
  value: ScopeForm;
  onChange: (next: ScopeForm) => void;
  failure: ApiFailure | null;
  agentsKey: AgentsKey;
  me: WhoAmI;
}) {
  const set = <K extends keyof ScopeForm>(key: K, v: ScopeForm[K]) => onChange({ ...value, [key]: v });
  const allTenants = seesAllTenants(me);
  return (
    <fieldset class="form-section" data-field="scope">
      <legend>Scope</legend>
      <div class="form-grid">
        <Field label="Tenant" path="scope.tenant" failure={failure} hint={allTenants ? 'empty: every tenant (MSP-wide)' : undefined}>
          {allTenants
            ? <input value={value.tenant} onInput={(e) => set('tenant', e.currentTarget.value)} placeholder="MSP-wide" />
            : (
              <select value={value.tenant} onChange={(e) => set('tenant', e.currentTarget.value)}>
                {me.tenants.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
            )}
        </Field>
        <Field label="Site" path="scope.site" failure={failure} hint="empty: every site">
          <input value={value.site} onInput={(e) => set('site', e.currentTarget.value)} />
        </Field>
        <Field label="Tags" path="scope.tags" failure={failure} hint="comma-separated; the agent must carry all">
          <input value={value.tags} onInput={(e) => set('tags', e.currentTarget.value)} />
        </Field>
        <Field label="Operating system" path="scope.os" failure={failure}>
          <select value={value.os} onChange={(e) => set('os', e.currentTarget.value as ScopeForm['os'])}>
            <option value="">any</option>
            <option value="linux">Linux</option>
            <option value="windows">Windows</option>
            <option value="darwin">macOS</option>
          </select>
        </Field>
        <Field label="Agent ids" path={`scope.${agentsKey}`} failure={failure} hint="comma-separated; empty: every agent matching the rest">
          <input value={value.agents} onInput={(e) => set('agents', e.currentTarget.value)} />
        </Field>
      </div>
    </fieldset>
  );
}
