import type { SmartDisk, SmartSection } from '@vigil/shared';
import { formatBytes, formatCount, formatPercent } from './format.js';

const HEALTH_BADGE: Record<SmartDisk['health'], string> = { passed: 'badge badge-ok', failed: 'badge badge-bad', unknown: 'badge' };

export function SmartView({ smart }: { smart: SmartSection }) {
  return (
    <div class="smart">
      {smart.status === 'unknown' && <p class="hint">Disk health unknown{smart.reason ? `: ${smart.reason}` : '.'}</p>}
      {smart.disks.length === 0 ? <p class="empty">No disks reported.</p> : (
        <table class="data" aria-label="Disk health">
          <thead>
            <tr><th>Device</th><th>Model</th><th>Capacity</th><th>Health</th><th>Temp.</th><th>Power-on h</th><th>Reallocated</th><th>Pending</th><th>Wear</th><th>Media errors</th></tr>
          </thead>
          <tbody>
            {smart.disks.map((d) => (
              <tr key={d.device} data-health={d.health}>
                <td>{d.device}{d.type && <div class="sub">{d.type}</div>}</td>
                <td>{d.model ?? '—'}{d.serial && <div class="sub">{d.serial}</div>}</td>
                <td>{formatBytes(d.capacityBytes)}</td>
                <td><span class={HEALTH_BADGE[d.health]}>{d.health}</span>{d.reason && <div class="sub">{d.reason}</div>}</td>
                <td>{d.temperatureC !== undefined ? `${d.temperatureC} °C` : '—'}</td>
                <td>{formatCount(d.powerOnHours)}</td>
                <td class={d.reallocatedSectors ? 'warn-text' : undefined}>{formatCount(d.reallocatedSectors)}</td>
                <td class={d.pendingSectors ? 'warn-text' : undefined}>{formatCount(d.pendingSectors)}</td>
                <td>{formatPercent(d.percentageUsed)}</td>
                <td class={d.mediaErrors ? 'warn-text' : undefined}>{formatCount(d.mediaErrors)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
