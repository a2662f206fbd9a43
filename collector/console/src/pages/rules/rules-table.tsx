import type { Rule, WhoAmI } from '@vigil/shared';
import { ConfirmDelete } from '../forms/confirm-delete.js';
import { mayChange } from '../forms/ownership.js';
import { scopeSummary } from '../forms/scope-form.js';
import { RuleDetail } from './rule-detail.js';
import { RULE_KIND_LABELS, ruleKind } from './rule-kinds.js';
import { conditionSummary, ruleOwner } from './rule-summary.js';

const COLUMNS = 8;

/** The rules as a table; a rule's name opens its detail. Edit and Delete only where the caller may change it. */
export function RulesTable({ me, rules, openId, editingId, deleting, onOpen, onEdit, onDelete }: {
  me: WhoAmI;
  rules: readonly Rule[];
  openId: string | null;
  editingId: string | null;
  deleting: boolean;
  onOpen: (id: string | null) => void;
  onEdit: (rule: Rule) => void;
  onDelete: (rule: Rule) => void;
}) {
  return (
    <table class="data rules-table">
      <thead>
        <tr><th>Name</th><th>Kind</th><th>Condition</th><th>Priority</th><th>Scope</th><th>Enabled</th><th>Owner</th><th aria-label="Actions" /></tr>
      </thead>
      <tbody>
        {rules.map((rule) => {
          const open = openId === rule.id;
          return [
            <tr key={rule.id} data-rule-id={rule.id} class={editingId === rule.id ? 'editing' : undefined}>
              <td>
                <button type="button" class="rule-name" aria-expanded={open} onClick={() => onOpen(open ? null : rule.id)}>{rule.name}</button>
              </td>
              <td>{RULE_KIND_LABELS[ruleKind(rule)]}</td>
              <td class="condition">{conditionSummary(rule)}</td>
              <td><span class={`pri pri-badge-${rule.priority}`}>{rule.priority}</span></td>
              <td>{scopeSummary(rule.scope)}</td>
              <td>{rule.enabled ? <span class="badge badge-ok">on</span> : <span class="badge">off</span>}</td>
              <td>{rule.scope.tenant ? ruleOwner(rule) : <span class="badge badge-warn">MSP-wide</span>}</td>
              <td>
                {mayChange(me, 'rules:write', rule.scope.tenant) && (
                  <div class="row-actions">
                    <button type="button" onClick={() => onEdit(rule)} aria-label={`Edit ${rule.name}`}>Edit</button>
                    <ConfirmDelete what={`rule “${rule.name}”`} busy={deleting} onConfirm={() => onDelete(rule)} />
                  </div>
                )}
              </td>
            </tr>,
            open && (
              <tr key={`${rule.id}-detail`} class="detail-row">
                <td colSpan={COLUMNS}><RuleDetail rule={rule} /></td>
              </tr>
            ),
          ];
        })}
      </tbody>
    </table>
  );
}
