import { useState } from 'preact/hooks';
import type { Rule } from '@vigil/shared';
import { api } from '../../app/api.js';
import type { PageProps } from '../../app/pages.js';
import { can } from '../../app/permissions.js';
import { readQuery, writeQuery } from '../../app/router.js';
import { FormError } from '../../ui/field.js';
import { useResource } from '../../ui/use-resource.js';
import { defaultTenant } from '../forms/ownership.js';
import { useSubmit } from '../../ui/use-submit.js';
import { newRuleForm, ruleForm, type RuleForm } from './rule-form-state.js';
import { RuleFormPanel } from './rule-form.js';
import { ruleKind } from './rule-kinds.js';
import { ruleMatches } from './rule-summary.js';
import { RulesTable } from './rules-table.js';
import '../forms/forms.css';
import './rules.css';

/** What the form panel shows: nothing, a new rule, or one rule being edited. */
type Editing = null | { rule: Rule | null; form: RuleForm; key: number };

/**
 * Alert rules: the list with a search box (kept in the URL), each rule's detail, and for callers
 * with rules:write the create, edit and delete controls (MSP-wide rules are the owner's).
 */
export function RulesPage({ me, onSignedOut }: PageProps) {
  const rules = useResource<{ rules: Rule[] }>('/api/v1/rules', onSignedOut);
  const [query, setQuery] = useState(() => readQuery(['q']).q);
  const [openId, setOpenId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState('');
  const removal = useSubmit(onSignedOut);
  const writable = can(me, 'rules:write');

  const search = (q: string) => {
    setQuery(q);
    writeQuery({ q });
  };
  const startCreate = () => {
    setNotice('');
    setEditing({ rule: null, form: newRuleForm('threshold', defaultTenant(me)), key: Date.now() });
  };
  const startEdit = (rule: Rule) => {
    setNotice('');
    setEditing({ rule, form: ruleForm(rule, ruleKind(rule)), key: Date.now() });
  };
  const saved = (rule: Rule) => {
    setNotice(editing?.rule ? `Saved rule “${rule.name}”.` : `Created rule “${rule.name}”.`);
    setEditing(null);
    rules.reload();
  };
  const remove = async (rule: Rule) => {
    const ok = await removal.run(() => api('DELETE', `/api/v1/rules/${encodeURIComponent(rule.id)}`));
    if (!ok) return;
    setNotice(`Deleted rule “${rule.name}”.`);
    if (editing?.rule?.id === rule.id) setEditing(null);
    rules.reload();
  };

  const all = rules.data?.rules ?? [];
  const shown = all.filter((r) => ruleMatches(r, query)).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div class="rules-page">
      <div class="page-head">
        <h2>Rules</h2>
        <span class="count">{rules.data ? `${shown.length} of ${all.length}` : ''}</span>
        <span class="spacer" />
        {writable && !editing && <button type="button" class="primary" onClick={startCreate}>New rule</button>}
      </div>
      <div class="toolbar">
        <input type="search" aria-label="Search rules" placeholder="Search name, metric, kind, tenant…" value={query} onInput={(e) => search(e.currentTarget.value)} />
        {notice && <span class="hint" role="status">{notice}</span>}
      </div>
      {editing && (
        <RuleFormPanel key={editing.key} me={me} initial={editing.form} editing={editing.rule}
          onSaved={saved} onCancel={() => setEditing(null)} onSignedOut={onSignedOut} />
      )}
      <div class="section">
        <FormError failure={removal.failure} shown={[]} />
        {rules.error && <p class="form-error" role="alert">Could not load the rules: {rules.error.message}</p>}
        {rules.loading && !rules.data && <p class="loading">Loading…</p>}
        {rules.data && all.length === 0 && <p class="empty">No rules yet.</p>}
        {rules.data && all.length > 0 && shown.length === 0 && <p class="empty">No rules match the search.</p>}
        {shown.length > 0 && (
          <RulesTable me={me} rules={shown} openId={openId} editingId={editing?.rule?.id ?? null} deleting={removal.busy}
            onOpen={setOpenId} onEdit={startEdit} onDelete={remove} />
        )}
      </div>
    </div>
  );
}
