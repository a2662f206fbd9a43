import type { MaintenanceWindowView, WhoAmI } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { ConfirmDelete } from '../forms/confirm-delete.js';
import { mayChange } from '../forms/ownership.js';
import { scopeSummary } from '../forms/scope-form.js';
import { scheduleSummary, windowActivity } from './window-summary.js';

const STATE_BADGES = { active: 'badge badge-warn', upcoming: 'badge', over: 'badge badge-over' } as const;

/** The maintenance windows as a table; Edit and Delete only where the caller may change the window. */
export function WindowsTable({ me, windows, now, editingId, deleting, onEdit, onDelete }: {
  me: WhoAmI;
  windows: readonly MaintenanceWindowView[];
  now: number;
  editingId: string | null;
  deleting: boolean;
  onEdit: (window: MaintenanceWindowView) => void;
  onDelete: (window: MaintenanceWindowView) => void;
}) {
  return (
    <table class="data windows-table">
      <thead>
        <tr><th>Name</th><th>Type</th><th>Schedule</th><th>Scope</th><th>Now</th><th>Owner</th><th aria-label="Actions" /></tr>
      </thead>
      <tbody>
        {windows.map((w) => {
          const activity = windowActivity(w, now, formatTime);
          return (
            <tr key={w.id} data-window-id={w.id} data-state={activity.state} class={editingId === w.id ? 'editing' : undefined}>
              <td>{w.name}</td>
              <td>{w.kind === 'once' ? 'one-off' : 'recurring'}</td>
              <td>{scheduleSummary(w, formatTime)}</td>
              <td>{scopeSummary(w.scope)}</td>
              <td><span class={STATE_BADGES[activity.state]}>{activity.state}</span> <small class="form-note">{activity.state === 'over' ? '' : activity.text}</small></td>
              <td>{w.scope.tenant ?? <span class="badge badge-warn">MSP-wide</span>}</td>
              <td>
                {mayChange(me, 'maintenance:write', w.scope.tenant) && (
                  <div class="row-actions">
                    <button type="button" onClick={() => onEdit(w)} aria-label={`Edit ${w.name}`}>Edit</button>
                    <ConfirmDelete what={`window “${w.name}”`} busy={deleting} onConfirm={() => onDelete(w)} />
                  </div>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
