import type { FleetRow } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { Link, navigate } from '../../app/router.js';
import { timeAgo } from '../../ui/format-time.js';
import { osLabel, patchesLabel, patchesTitle } from './fleet-format.js';

/** Every row is this tall, so the list can place any of ten thousand without measuring. */
export const FLEET_ROW_HEIGHT = 40;

export const agentHref = (id: string) => `/agents/${encodeURIComponent(id)}`;

interface Props {
  row: FleetRow;
  /** Position in the filtered list (0-based). */
  index: number;
  now: number;
}

export function FleetRowView({ row, index, now }: Props) {
  // The hostname is the link; a plain click anywhere else on the row goes to the same place.
  const open = (event: MouseEvent) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    if ((event.target as Element).closest('a')) return;
    navigate(agentHref(row.id));
  };
  const revoked = row.revokedAt !== null;
  const security = row.patches?.security ?? 0;
  return (
    <div class={`fleet-row fleet-grid${revoked ? ' fleet-revoked' : ''}`} role="row" aria-rowindex={index + 2} data-agent-id={row.id}
      data-presence={row.presence} style={{ top: `${index * FLEET_ROW_HEIGHT}px` }} onClick={open}>
      <span role="cell" class="fleet-presence">
        {revoked
          ? <span class="badge" title={`revoked ${formatTime(row.revokedAt)}`}>revoked</span>
          : <><span class={`fleet-dot fleet-dot-${row.presence}`} aria-hidden="true" />{row.presence}</>}
      </span>
      <span role="cell" class="fleet-host">
        <Link href={agentHref(row.id)} title={row.id}>{row.hostname}</Link> <small>{row.id}</small>
      </span>
      <span role="cell" title={`${row.tenantId}/${row.siteId}`}>{row.tenantId} / {row.siteId}</span>
      <span role="cell" class="fleet-os" data-platform={row.os.platform} title={osLabel(row.os)}>{osLabel(row.os)}</span>
      <span role="cell" class="fleet-tags" title={row.tags.join(', ')}>{row.tags.map((t) => <span key={t} class="fleet-tag">{t}</span>)}</span>
      <span role="cell" class="fleet-seen" title={formatTime(row.lastSeenAt)}>{timeAgo(row.lastSeenAt, now, 'never')}</span>
      <span role="cell" class={`fleet-patches${security > 0 ? ' fleet-patches-security' : ''}`} title={patchesTitle(row.patches)}>
        {patchesLabel(row.patches)}
        {row.patches?.rebootRequired && <span class="badge badge-warn fleet-reboot">reboot</span>}
      </span>
      <span role="cell" class={`fleet-alerts${row.highestPriority ? ` fleet-alerts-${row.highestPriority}` : ''}`}
        title={row.highestPriority ? `${row.openAlerts} unresolved, most urgent ${row.highestPriority}` : 'No unresolved alerts'}>
        {row.openAlerts}{row.highestPriority && <small> {row.highestPriority}</small>}
      </span>
      <span role="cell" class="fleet-version">{row.agentVersion}</span>
    </div>
  );
}
