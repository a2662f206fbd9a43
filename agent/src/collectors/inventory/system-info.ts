import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { si, type Systeminformation } from '../../os/systeminformation.js';
import type { InventorySection } from '@vigil/shared';

export type SystemInfo = Pick<InventorySection, 'os' | 'hardware' | 'cpu' | 'memory' | 'disks' | 'network'> & { problems: string[] };

/** Values systeminformation and firmware use for "not known" ("-", "Default string", "To be filled by O.E.M." ...). */
const PLACEHOLDER = /^(-|n\/a|none|unknown|default string|to be filled by o\.e\.m\.|system (product name|serial number|manufacturer)|not specified|0+)$/i;

export function known(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text && !PLACEHOLDER.test(text) ? text : undefined;
}

const defined = <T extends object>(record: T): T => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;

export function mapOs(os: Systeminformation.OsData): InventorySection['os'] {
  return defined({
    platform: os.platform || process.platform,
    name: known(os.distro),
    version: known(os.release),
    codename: known(os.codename),
    build: known(os.build),
    kernel: known(os.kernel),
    arch: known(os.arch),
    hostname: known(os.hostname),
  });
}

export function mapHardware(system: Systeminformation.SystemData): InventorySection['hardware'] {
  return defined({ manufacturer: known(system.manufacturer), model: known(system.model), serial: known(system.serial), virtual: system.virtual });
}

export function mapCpu(cpu: Systeminformation.CpuData): InventorySection['cpu'] {
  const model = [known(cpu.manufacturer), known(cpu.brand)].filter(Boolean).join(' ') || undefined;
  return defined({
    model,
    logicalCores: cpu.cores > 0 ? cpu.cores : undefined,
    physicalCores: cpu.physicalCores > 0 ? cpu.physicalCores : undefined,
    speedGHz: cpu.speed > 0 ? cpu.speed : undefined,
  });
}

/** diskLayout reads the physical disks; where it finds none (virtio disks have no model) the block devices stand in. */
export function mapDisks(layout: Systeminformation.DiskLayoutData[], blocks: Systeminformation.BlockDevicesData[]): InventorySection['disks'] {
  if (layout.length) {
    return layout.map((d) =>
      defined({ device: known(d.device), model: known(d.name), serial: known(d.serialNum), sizeBytes: d.size > 0 ? d.size : undefined, type: known(d.type), interface: known(d.interfaceType) }),
    );
  }
  return blocks
    .filter((b) => b.type === 'disk' && b.size > 0)
    .map((b) => defined({ device: known(b.device) ?? known(b.name), model: known(b.model), serial: known(b.serial), sizeBytes: b.size, type: known(b.physical), interface: known(b.protocol) }));
}

/** Node's own view of the interfaces lists every address (systeminformation keeps one per family). */
export function mapInterfaces(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): InventorySection['network'] {
  const out: InventorySection['network'] = [];
  for (const [name, addresses] of Object.entries(interfaces)) {
    if (!addresses?.length || addresses.every((a) => a.internal)) continue;
    const mac = addresses.map((a) => a.mac).find((m) => m && m !== '00:00:00:00:00:00');
    out.push({
      name,
      ...(mac ? { mac } : {}),
      ipv4: addresses.filter((a) => a.family === 'IPv4').map((a) => a.address),
      ipv6: addresses.filter((a) => a.family === 'IPv6').map((a) => a.address),
    });
  }
  return out;
}

/** Each part is read on its own, so one that fails costs that part (named in problems), not the inventory. */
export async function readSystemInfo(): Promise<SystemInfo> {
  const problems: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return fallback;
    }
  };
  const [os, hardware, cpu, memory, disks] = await Promise.all([
    attempt('os', async () => mapOs(await si.osInfo()), { platform: process.platform }),
    attempt('hardware', async () => mapHardware(await si.system()), {}),
    attempt('cpu', async () => mapCpu(await si.cpu()), {}),
    attempt<InventorySection['memory']>('memory', async () => ({ totalBytes: (await si.mem()).total }), {}),
    attempt('disks', async () => mapDisks(await si.diskLayout(), await si.blockDevices()), []),
  ]);
  const network = await attempt('network', async () => mapInterfaces(networkInterfaces()), []);
  return { os, hardware, cpu, memory, disks, network, problems };
}
