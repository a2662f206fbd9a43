import type { ServiceStatus, ServicesSection } from '@vigil/shared';

const STATE_BADGE: Record<ServiceStatus['state'], string> = { up: 'badge badge-ok', down: 'badge badge-bad', unknown: 'badge' };

export function ServicesView({ services }: { services: ServicesSection }) {
  if (services.services.length === 0) return <p class="empty">No services watched ({services.manager}); the agent's --services option lists them.</p>;
  return (
    <table class="data" aria-label="Watched services">
      <thead><tr><th>Service</th><th>State</th><th>Detail</th></tr></thead>
      <tbody>
        {services.services.map((s) => (
          <tr key={s.name} data-state={s.state}>
            <td>{s.name}</td>
            <td><span class={STATE_BADGE[s.state]}>{s.state}</span></td>
            <td>{[s.detail, s.reason].filter(Boolean).join(' · ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
