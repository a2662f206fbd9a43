import type { FleetCounts } from './fleet-counts.js';
import type { FleetFilters } from './fleet-query.js';

interface Props {
  counts: FleetCounts;
  filters: FleetFilters;
  /** A card clicked: its filter on, or off again. */
  onFilter: (patch: Partial<FleetFilters>) => void;
}

/** The fleet at a glance; each count but the total is also a shortcut to the agents it counts. */
export function FleetSummary({ counts, filters, onFilter }: Props) {
  const presence = (value: 'online' | 'offline') => ({
    pressed: filters.presence === value,
    toggle: () => onFilter({ presence: filters.presence === value ? '' : value }),
  });
  const online = presence('online');
  const offline = presence('offline');
  return (
    <section class="fleet-summary cards" aria-label="Fleet summary">
      <div class="card" data-count="total"><div class="big">{counts.total}</div>agents</div>
      <SummaryCard name="online" value={counts.online} label="online" pressed={online.pressed} onClick={online.toggle} />
      <SummaryCard name="offline" value={counts.offline} label="offline" pressed={offline.pressed} onClick={offline.toggle} tone={counts.offline > 0 ? 'bad' : undefined} />
      <SummaryCard name="security" value={counts.security} label="with security patches" pressed={filters.security}
        onClick={() => onFilter({ security: !filters.security })} tone={counts.security > 0 ? 'warn' : undefined} />
      <SummaryCard name="alerts" value={counts.alerts} label="with open alerts" pressed={filters.alerts}
        onClick={() => onFilter({ alerts: !filters.alerts })} tone={counts.alerts > 0 ? 'bad' : undefined} />
    </section>
  );
}

interface CardProps { name: string; value: number; label: string; pressed: boolean; onClick: () => void; tone?: 'warn' | 'bad' | undefined }

function SummaryCard({ name, value, label, pressed, onClick, tone }: CardProps) {
  return (
    <button type="button" class={`card fleet-card${tone ? ` fleet-card-${tone}` : ''}`} data-count={name} aria-pressed={pressed}
      title={pressed ? 'Show all agents again' : `Show only the agents ${label}`} onClick={onClick}>
      <div class="big">{value}</div>{label}
    </button>
  );
}
