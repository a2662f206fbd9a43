import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameSchema, InventorySectionSchema, ServicesSectionSchema, SmartSectionSchema, type Frame } from '@vigil/shared';
import { findExecutable } from '../../runner/which.js';
import { StandInTools } from '../../testing/stand-in-tool.js';

/** The built CLI, run as a child process on this machine, as a support engineer would run it. */
const BIN = fileURLToPath(new URL('../../../bin/vigil-agent.js', import.meta.url));
const fixture = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

function collectOnce(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; frame?: Frame; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'collect', '--once', ...args], { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? null) : 0;
      resolve({ code, stderr, ...(code === 0 ? { frame: FrameSchema.parse(JSON.parse(stdout)) } : {}) });
    });
  });
}

const source = (frame: Frame | undefined, name: string) => frame?.sources.find((s) => s.source === name);

const tools = new StandInTools();
beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url)))) throw new Error('build the agent first: npx tsc -b agent');
});
afterAll(() => tools.remove());

describe('vigil-agent collect --once on this machine', () => {
  it('shows real filesystems and inventory, and SMART as unknown with a reason', async () => {
    const { code, frame } = await collectOnce(['--only', 'smart,inventory,disk']);
    expect(code).toBe(0);
    expect(frame?.sources.map((s) => s.source)).toEqual(['smart', 'inventory', 'disk']);

    expect(frame?.samples.some((s) => s.metric === 'disk.used_pct' && s.labels?.mount === '/')).toBe(true);

    const inventory = InventorySectionSchema.parse(frame?.sections?.inventory);
    expect(inventory.os).toMatchObject({ platform: process.platform, kernel: release() });
    expect(inventory.os.name).toBeTruthy();
    expect(inventory.memory.totalBytes).toBeGreaterThan(0);
    expect(inventory.software.status).toBe('ok');
    expect(inventory.software.count).toBeGreaterThan(0);
    if (findExecutable('dpkg-query', process.env)) expect(inventory.software.source).toBe('dpkg');

    // No disk here answers SMART (smartctl absent, or a virtual disk): unknown, and never a health_ok of 0.
    expect(source(frame, 'smart')).toMatchObject({ status: 'unknown', reason: expect.any(String) });
    if (!findExecutable('smartctl', process.env)) expect(source(frame, 'smart')?.reason).toContain('smartctl is not installed');
    expect(SmartSectionSchema.parse(frame?.sections?.smart).status).toBe('unknown');
    expect(frame?.samples.filter((s) => s.metric === 'disk.health_ok')).toEqual([]);
  });

  it('reports a failing disk as disk.health_ok 0 when a stand-in smartctl replays one', async () => {
    tools.add('smartctl', [
      { args: '--scan -j', stdoutFile: fixture('smart/fixtures/scan-seven-scsi.json') },
      { args: '-a -j -n standby /dev/sda', stdoutFile: fixture('smart/fixtures/ata-failing-hitachi-hds721050.json'), exit: 216 },
      { args: '*', stdoutFile: fixture('smart/fixtures/ata-passing-wdc-wd20efrx.json'), exit: 0 },
    ]);
    const { code, frame } = await collectOnce(['--only', 'smart'], tools.env());
    expect(code).toBe(0);
    expect(source(frame, 'smart')?.status).toBe('ok');
    const health = frame?.samples.filter((s) => s.metric === 'disk.health_ok').map((s) => [s.labels?.device, s.value]);
    expect(health).toEqual([['/dev/sda', 0], ['/dev/sdb', 1], ['/dev/sdc', 1], ['/dev/sdd', 1], ['/dev/sde', 1], ['/dev/sdf', 1], ['/dev/sdg', 1]]);
    expect(SmartSectionSchema.parse(frame?.sections?.smart).disks[0]).toMatchObject({ health: 'failed', reallocatedSectors: 1975, pendingSectors: 8 });
  });

  it('reports the services named with --services', async () => {
    tools.add('systemctl', [{ args: 'show --property=Id,LoadState,ActiveState,SubState -- sshd cron nosuch nginx', stdoutFile: fixture('services/fixtures/systemctl-show-constructed.stdout') }]);
    const { code, frame } = await collectOnce(['--only', 'services', '--services', 'sshd,cron,nosuch,nginx'], tools.env());
    expect(code).toBe(0);
    expect(frame?.samples).toEqual([
      { metric: 'service.up', value: 1, labels: { service: 'sshd' } },
      { metric: 'service.up', value: 0, labels: { service: 'cron' } },
      { metric: 'service.up', value: 0, labels: { service: 'nginx' } },
    ]);
    expect(ServicesSectionSchema.parse(frame?.sections?.services).services[2]).toMatchObject({ name: 'nosuch', state: 'unknown' });
  });

  it('rejects an empty --services list', async () => {
    const { code, stderr } = await collectOnce(['--only', 'services', '--services', ' , ']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('no service named');
  });
});
