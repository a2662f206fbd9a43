import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StandInTools } from '../../testing/stand-in-tool.js';
import { SmartCollector } from './collector.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const tools = new StandInTools();
afterAll(() => tools.remove());

describe('SmartCollector with a stand-in smartctl', () => {
  it('reports health and temperature per disk, and runs the documented command lines', async () => {
    tools.add('smartctl', [
      { args: '--scan -j', stdout: JSON.stringify({ smartctl: { exit_status: 0 }, devices: [{ name: '/dev/sda', info_name: '/dev/sda', type: 'scsi', protocol: 'SCSI' }, { name: '/dev/nvme0', info_name: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' }] }) },
      { args: '-a -j -n standby /dev/sda', stdoutFile: fixture('ata-failing-hitachi-hds721050.json'), exit: 216 },
      { args: '-a -j -n standby -d nvme /dev/nvme0', stdoutFile: fixture('nvme-media-errors-samsung-970.json'), exit: 0 },
    ]);
    const output = await new SmartCollector({ env: tools.env() }).collect();
    expect(output.samples).toEqual([
      { metric: 'disk.health_ok', value: 0, labels: { device: '/dev/sda' } },
      { metric: 'disk.temperature_c', value: 25, labels: { device: '/dev/sda' } },
      { metric: 'disk.health_ok', value: 1, labels: { device: '/dev/nvme0' } },
      { metric: 'disk.temperature_c', value: 35, labels: { device: '/dev/nvme0' } },
    ]);
    expect(output.status).toBeUndefined();
    expect(output.sections?.smart).toMatchObject({ status: 'ok', disks: [{ health: 'failed', reallocatedSectors: 1975 }, { health: 'passed', percentageUsed: 3 }] });
    expect(tools.calls('smartctl')).toEqual(['--scan -j', '-a -j -n standby /dev/sda', '-a -j -n standby -d nvme /dev/nvme0']);
  });

  it('is unknown with the reason, and no health_ok=0, when permission is denied', async () => {
    tools.add('smartctl', [
      { args: '--scan -j', stdout: JSON.stringify({ smartctl: { exit_status: 0 }, devices: [{ name: '/dev/vda', info_name: '/dev/vda', type: 'sat' }] }) },
      { args: '-a -j -n standby -d sat /dev/vda', stdoutFile: fixture('sat-permission-denied.json'), exit: 2 },
    ]);
    const output = await new SmartCollector({ env: tools.env() }).collect();
    expect(output).toMatchObject({ samples: [], status: 'unknown', reason: expect.stringContaining('/dev/vda: permission denied') });
  });

  it('is unknown when smartctl is missing, finds no disk, answers garbage or hangs', async () => {
    const empty = new StandInTools();
    const missing = await new SmartCollector({ env: empty.env({ only: true }) }).collect();
    empty.remove();
    expect(missing).toMatchObject({ samples: [], status: 'unknown', reason: expect.stringContaining('smartctl is not installed') });
    expect(missing.sections?.smart).toEqual({ status: 'unknown', reason: missing.reason, disks: [] });

    tools.add('smartctl', [{ args: '--scan -j', stdoutFile: fixture('scan-virtual-machine-empty.json') }]);
    expect(await new SmartCollector({ env: tools.env() }).collect()).toMatchObject({ status: 'unknown', reason: expect.stringContaining('found no disks') });

    tools.add('smartctl', [{ args: '--scan -j', stdout: '{"devices":[{"name":"/dev/sda"}]' }]);
    expect(await new SmartCollector({ env: tools.env() }).collect()).toMatchObject({ samples: [], status: 'unknown', reason: expect.stringContaining('did not answer in JSON') });

    tools.add('smartctl', [{ args: '--scan -j', shell: 'sleep 30' }]);
    const hung = await new SmartCollector({ env: tools.env(), commandTimeoutMs: 300 }).collect();
    expect(hung).toMatchObject({ samples: [], status: 'unknown', reason: expect.stringContaining('did not finish within 300 ms') });
  });

  it('is periodic: hourly by default', () => {
    expect(new SmartCollector().intervalMs).toBe(3_600_000);
  });
});
