import type { PatchesSection } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { orderPatches } from './section-data.js';

const yesNo = (v: boolean | null) => (v === null ? 'unknown' : v ? 'yes' : 'no');

export function PatchesView({ patches }: { patches: PatchesSection }) {
  const items = orderPatches(patches.items);
  return (
    <div class="patches">
      <div class="cards">
        <div class="card"><div class="big">{patches.pending}</div>pending updates</div>
        <div class="card">
          <div class={`big${patches.securityPending ? ' bad-text' : ''}`}>{patches.securityPending ?? '?'}</div>
          security updates{patches.securityPending === null && ' (this source does not classify them)'}
        </div>
        <div class="card"><div class={`big${patches.rebootRequired ? ' warn-text' : ''}`}>{yesNo(patches.rebootRequired)}</div>reboot required</div>
        <div class="card"><div class="card-line">{patches.source}</div>scanned {formatTime(patches.scannedAt)}</div>
      </div>
      {patches.notes?.map((note) => <p key={note} class="hint">{note}</p>)}
      {items.length === 0 ? <p class="empty">Nothing pending.</p> : (
        <table class="data" aria-label="Pending updates">
          <thead><tr><th>Update</th><th>Version</th><th>Installed</th><th>Severity</th><th>Flags</th><th>Category</th></tr></thead>
          <tbody>
            {items.map((p) => (
              <tr key={`${p.name}\u0000${p.version}`} data-security={p.security ? 'true' : 'false'}>
                <td>{p.name}{p.title && p.title !== p.name && <div class="sub">{p.title}</div>}</td>
                <td>{p.version || '—'}</td>
                <td>{p.currentVersion ?? '—'}</td>
                <td>{p.severity ?? '—'}</td>
                <td>
                  {p.security && <span class="badge badge-bad">security</span>}{' '}
                  {p.restartRequired && <span class="badge badge-warn">restart</span>}
                </td>
                <td>{p.category ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {patches.truncated > 0 && <p class="hint">{patches.truncated} more not carried in the frame.</p>}
    </div>
  );
}
