import type { InventorySection } from '@vigil/shared';
import { useState } from 'preact/hooks';
import { formatTime } from '../../app/api.js';
import { formatBytes } from './format.js';
import { filterPackages } from './section-data.js';

/** Rows of the software list drawn at once; the filter narrows the rest. */
const PACKAGES_SHOWN = 200;

const joined = (...parts: Array<string | number | undefined>) => parts.filter((p) => p !== undefined && p !== '').join(' ') || '—';

export function InventoryView({ inventory }: { inventory: InventorySection }) {
  const [query, setQuery] = useState('');
  const { os, hardware, cpu, memory, software } = inventory;
  const packages = filterPackages(software.packages, query, PACKAGES_SHOWN);
  return (
    <div class="inventory">
      <p class="hint">Collected {formatTime(inventory.collectedAt)}.</p>
      {inventory.problems?.map((p) => <p key={p} class="hint">Not read: {p}</p>)}
      <dl class="facts">
        <dt>Operating system</dt><dd>{joined(os.name ?? os.platform, os.version, os.codename && `(${os.codename})`, os.build && `build ${os.build}`)}</dd>
        <dt>Kernel</dt><dd>{joined(os.kernel, os.arch)}</dd>
        <dt>Hardware</dt><dd>{joined(hardware.manufacturer, hardware.model, hardware.virtual === true ? '(virtual)' : undefined)}</dd>
        <dt>Serial</dt><dd>{hardware.serial ?? '—'}</dd>
        <dt>CPU</dt>
        <dd>{joined(cpu.model, cpu.logicalCores !== undefined ? `· ${cpu.logicalCores} logical` : undefined, cpu.physicalCores !== undefined ? `/ ${cpu.physicalCores} physical cores` : undefined, cpu.speedGHz !== undefined ? `@ ${cpu.speedGHz} GHz` : undefined)}</dd>
        <dt>Memory</dt><dd>{formatBytes(memory.totalBytes)}</dd>
      </dl>

      <h4>Disks</h4>
      {inventory.disks.length === 0 ? <p class="empty">None reported.</p> : (
        <table class="data" aria-label="Disks">
          <thead><tr><th>Device</th><th>Model</th><th>Serial</th><th>Size</th><th>Type</th><th>Interface</th></tr></thead>
          <tbody>
            {inventory.disks.map((d, i) => (
              <tr key={d.device ?? i}><td>{d.device ?? '—'}</td><td>{d.model ?? '—'}</td><td>{d.serial ?? '—'}</td><td>{formatBytes(d.sizeBytes)}</td><td>{d.type ?? '—'}</td><td>{d.interface ?? '—'}</td></tr>
            ))}
          </tbody>
        </table>
      )}

      <h4>Network interfaces</h4>
      {inventory.network.length === 0 ? <p class="empty">None reported.</p> : (
        <table class="data" aria-label="Network interfaces">
          <thead><tr><th>Interface</th><th>MAC</th><th>IPv4</th><th>IPv6</th></tr></thead>
          <tbody>
            {inventory.network.map((n) => (
              <tr key={n.name}><td>{n.name}</td><td>{n.mac ?? '—'}</td><td>{n.ipv4.join(', ') || '—'}</td><td>{n.ipv6.join(', ') || '—'}</td></tr>
            ))}
          </tbody>
        </table>
      )}

      <h4>Software</h4>
      {software.status !== 'ok' ? <p class="empty">Software: unknown{software.reason ? ` (${software.reason})` : ''}.</p> : (
        <>
          <div class="toolbar-inline">
            <label>
              Filter software{' '}
              <input type="search" value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} placeholder="name or publisher" />
            </label>
            <span class="hint">
              {software.count} installed{software.source ? ` (${software.source})` : ''}
              {software.truncated ? `, ${software.truncated} not carried in the frame` : ''}
              {packages.matched > packages.shown.length ? `; showing ${packages.shown.length} of ${packages.matched} matching` : ''}
            </span>
          </div>
          <table class="data" aria-label="Installed software">
            <thead><tr><th>Package</th><th>Version</th><th>Arch</th><th>Publisher</th></tr></thead>
            <tbody>
              {packages.shown.map((p) => (
                <tr key={`${p.name}\u0000${p.version ?? ''}\u0000${p.arch ?? ''}`}><td>{p.name}</td><td>{p.version ?? '—'}</td><td>{p.arch ?? '—'}</td><td>{p.publisher ?? '—'}</td></tr>
              ))}
            </tbody>
          </table>
          {packages.matched === 0 && <p class="empty">No package matches.</p>}
        </>
      )}
    </div>
  );
}
