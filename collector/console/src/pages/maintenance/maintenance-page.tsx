import { useEffect, useState } from 'preact/hooks';
import type { MaintenanceWindowView } from '@vigil/shared';
import { api } from '../../app/api.js';
import type { PageProps } from '../../app/pages.js';
import { can } from '../../app/permissions.js';
import { FormError } from '../../ui/field.js';
import { useResource } from '../../ui/use-resource.js';
import { defaultTenant } from '../forms/ownership.js';
import { useSubmit } from '../../ui/use-submit.js';
import { browserTimeZone } from './time-zones.js';
import { newWindowForm, windowForm, type WindowForm } from './window-form-state.js';
import { WindowFormPanel } from './window-form.js';
import { WindowsTable } from './windows-table.js';
import '../forms/forms.css';
import './maintenance.css';

type Editing = null | { window: MaintenanceWindowView | null; form: WindowForm; key: number };

/** "Active now" is judged on this clock; each occurrence comes from the API, so a minute is fine enough. */
const CLOCK_MS = 30_000;

function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * Maintenance windows: the list (schedule, scope, whether one is active now) and, for callers
 * with maintenance:write, the create, edit and delete controls (MSP-wide windows are the owner's).
 */
export function MaintenancePage({ me, onSignedOut }: PageProps) {
  const windows = useResource<{ windows: MaintenanceWindowView[] }>('/api/v1/maintenance-windows', onSignedOut);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState('');
  const removal = useSubmit(onSignedOut);
  const now = useNow();
  const writable = can(me, 'maintenance:write');

  const startCreate = () => {
    setNotice('');
    setEditing({ window: null, form: newWindowForm(defaultTenant(me), browserTimeZone(), Date.now()), key: Date.now() });
  };
  const startEdit = (window: MaintenanceWindowView) => {
    setNotice('');
    setEditing({ window, form: windowForm(window, browserTimeZone(), Date.now()), key: Date.now() });
  };
  const saved = (window: MaintenanceWindowView) => {
    setNotice(editing?.window ? `Saved window “${window.name}”.` : `Created window “${window.name}”.`);
    setEditing(null);
    windows.reload();
  };
  const remove = async (window: MaintenanceWindowView) => {
    const ok = await removal.run(() => api('DELETE', `/api/v1/maintenance-windows/${encodeURIComponent(window.id)}`));
    if (!ok) return;
    setNotice(`Deleted window “${window.name}”.`);
    if (editing?.window?.id === window.id) setEditing(null);
    windows.reload();
  };

  // Active ones first, then by when they next start; those over last.
  const order = (w: MaintenanceWindowView) => w.occurrence?.startsAt ?? Number.MAX_SAFE_INTEGER;
  const list = [...(windows.data?.windows ?? [])].sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  return (
    <div class="maintenance-page">
      <div class="page-head">
        <h2>Maintenance windows</h2>
        <span class="count">{windows.data ? String(list.length) : ''}</span>
        <span class="spacer" />
        {writable && !editing && <button type="button" class="primary" onClick={startCreate}>New window</button>}
      </div>
      <p class="section form-note intro">Alerts of agents inside a window are recorded but not notified or remediated, and their SLA clocks pause; what is still broken when it ends fires then.</p>
      {notice && <p class="section hint" role="status">{notice}</p>}
      {editing && (
        <WindowFormPanel key={editing.key} me={me} initial={editing.form} editing={editing.window}
          onSaved={saved} onCancel={() => setEditing(null)} onSignedOut={onSignedOut} />
      )}
      <div class="section">
        <FormError failure={removal.failure} shown={[]} />
        {windows.error && <p class="form-error" role="alert">Could not load the windows: {windows.error.message}</p>}
        {windows.loading && !windows.data && <p class="loading">Loading…</p>}
        {windows.data && list.length === 0 && <p class="empty">No maintenance windows.</p>}
        {list.length > 0 && (
          <WindowsTable me={me} windows={list} now={now} editingId={editing?.window?.id ?? null} deleting={removal.busy}
            onEdit={startEdit} onDelete={remove} />
        )}
      </div>
    </div>
  );
}
