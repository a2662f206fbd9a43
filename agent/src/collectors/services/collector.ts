import { ServicesSectionSchema, type Sample, type ServiceStatus, type ServicesSection } from '@vigil/shared';
import { spawnPowerShell, type PowerShellRunner } from '../../os/powershell.js';
import type { CollectorOutput, MetricCollector } from '../types.js';
import { queryLaunchd } from './launchd.js';
import { querySystemd } from './systemd.js';
import { queryWindowsServices } from './windows.js';

export type ServiceManager = ServicesSection['manager'];

export interface ServicesCollectorOptions {
  /** Defaults to this OS's manager: systemd on Linux, the SCM on Windows, launchd on macOS. */
  manager?: ServiceManager;
  env?: NodeJS.ProcessEnv;
  powershell?: PowerShellRunner;
  commandTimeoutMs?: number;
}

export function defaultServiceManager(platform: NodeJS.Platform = process.platform): ServiceManager | undefined {
  if (platform === 'linux') return 'systemd';
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'launchd';
  return undefined;
}

/**
 * service.up 1/0 for each watched service, every frame (one cheap call to the service manager).
 * A service the manager does not know, or a manager that cannot be asked, yields no sample: it is
 * listed in the section as unknown with the reason.
 */
export class ServicesCollector implements MetricCollector {
  readonly name = 'services';
  readonly timeoutMs = 15_000;
  private readonly commandTimeoutMs: number;

  constructor(
    private readonly watch: readonly string[],
    private readonly options: ServicesCollectorOptions = {},
  ) {
    this.commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
  }

  async collect(): Promise<CollectorOutput> {
    if (this.watch.length === 0) return { samples: [], reason: 'no services to watch (--services)' };
    const manager = this.options.manager ?? defaultServiceManager();
    if (!manager) return { samples: [], status: 'unknown', reason: `watching services is not supported on ${process.platform}` };

    const states = await this.query(manager);
    const samples: Sample[] = states
      .filter((s) => s.state !== 'unknown')
      .map((s) => ({ metric: 'service.up', value: s.state === 'up' ? 1 : 0, labels: { service: s.name } }));
    const section: ServicesSection = { manager, services: states };
    const output: CollectorOutput = { samples, sections: { services: ServicesSectionSchema.parse(section) } };
    const unknown = states.filter((s) => s.state === 'unknown');
    if (unknown.length) output.reason = groupReasons(unknown);
    if (samples.length === 0) output.status = 'unknown';
    return output;
  }

  private query(manager: ServiceManager): Promise<ServiceStatus[]> {
    const timeoutMs = this.commandTimeoutMs;
    const env = this.options.env ? { env: this.options.env } : {};
    if (manager === 'systemd') return querySystemd(this.watch, { timeoutMs, ...env });
    if (manager === 'launchd') return queryLaunchd(this.watch, { timeoutMs, ...env });
    return queryWindowsServices(this.watch, this.options.powershell ?? spawnPowerShell, timeoutMs);
  }
}

/** One line per distinct reason: a service manager that cannot be asked says so once, not once per service. */
function groupReasons(states: ServiceStatus[]): string {
  const byReason = new Map<string, string[]>();
  for (const state of states) {
    const reason = state.reason ?? 'unknown';
    byReason.set(reason, [...(byReason.get(reason) ?? []), state.name]);
  }
  return [...byReason].map(([reason, names]) => `${names.join(', ')}: ${reason}`).join('; ');
}
