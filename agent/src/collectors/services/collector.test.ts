import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { PowerShellRunner } from '../../os/powershell.js';
import { StandInTools } from '../../testing/stand-in-tool.js';
import { ServicesCollector } from './collector.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const tools = new StandInTools();
afterAll(() => tools.remove());

describe('ServicesCollector', () => {
  it('systemd: service.up per unit through the documented command, unknown units left out', async () => {
    tools.add('systemctl', [{ args: 'show --property=Id,LoadState,ActiveState,SubState -- sshd cron nosuch nginx', stdoutFile: fixture('systemctl-show-constructed.stdout') }]);
    const output = await new ServicesCollector(['sshd', 'cron', 'nosuch', 'nginx'], { manager: 'systemd', env: tools.env() }).collect();
    expect(output.samples).toEqual([
      { metric: 'service.up', value: 1, labels: { service: 'sshd' } },
      { metric: 'service.up', value: 0, labels: { service: 'cron' } },
      { metric: 'service.up', value: 0, labels: { service: 'nginx' } },
    ]);
    expect(output.status).toBeUndefined();
    expect(output.reason).toBe('nosuch: unit nosuch.service does not exist');
    expect(output.sections?.services).toMatchObject({ manager: 'systemd', services: [{ name: 'sshd' }, { name: 'cron' }, { name: 'nosuch', state: 'unknown' }, { name: 'nginx' }] });
  });

  it('systemd: without systemd running every service is unknown with the reason, never down', async () => {
    tools.add('systemctl', [{ args: '*', stdoutFile: fixture('systemctl-show-no-systemd.stdout'), stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n", exit: 1 }]);
    const output = await new ServicesCollector(['sshd', 'bad/name'], { manager: 'systemd', env: tools.env() }).collect();
    expect(output.samples).toEqual([]);
    expect(output.status).toBe('unknown');
    expect(output.reason).toContain('sshd: systemctl exited with code 1: System has not been booted with systemd');
    expect(output.reason).toContain('bad/name: not a valid systemd unit name');
    expect(tools.calls('systemctl').at(-1)).toBe('show --property=Id,LoadState,ActiveState,SubState -- sshd');
  });

  it('systemd: systemctl missing is unknown', async () => {
    const empty = new StandInTools();
    const output = await new ServicesCollector(['sshd'], { manager: 'systemd', env: empty.env({ only: true }) }).collect();
    empty.remove();
    expect(output).toMatchObject({ samples: [], status: 'unknown', reason: expect.stringContaining('systemctl not found') });
  });

  it('launchd: reads launchctl list', async () => {
    tools.add('launchctl', [{ args: 'list', stdoutFile: fixture('launchctl-list.stdout') }]);
    const output = await new ServicesCollector(['com.apple.Finder', 'com.apple.screensharing.agent'], { manager: 'launchd', env: tools.env() }).collect();
    expect(output.samples.map((s) => s.value)).toEqual([1, 0]);
  });

  it('windows: runs its script through the PowerShell runner; a hung PowerShell is unknown', async () => {
    const scripts: string[] = [];
    const replay: PowerShellRunner = async (script) => {
      scripts.push(script);
      const { readFileSync } = await import('node:fs');
      return { kind: 'exited', command: 'powershell.exe', exitCode: 0, signal: null, stdout: readFileSync(fixture('get-service-constructed.json'), 'utf8'), stderr: '', stdoutTruncated: false, durationMs: 1 };
    };
    const output = await new ServicesCollector(['Spooler', 'wuauserv', 'nosuch'], { manager: 'windows', powershell: replay }).collect();
    expect(output.samples.map((s) => [s.labels?.service, s.value])).toEqual([['Spooler', 1], ['wuauserv', 0]]);
    expect(scripts[0]).toContain("$names = @('Spooler', 'wuauserv', 'nosuch')");

    const hung: PowerShellRunner = async () => ({ kind: 'timed_out', command: 'powershell.exe', reason: 'powershell.exe did not finish within 10000 ms and was killed', stdout: '', stderr: '' });
    expect(await new ServicesCollector(['Spooler'], { manager: 'windows', powershell: hung }).collect()).toMatchObject({ samples: [], status: 'unknown', reason: expect.stringContaining('did not finish') });
  });

  it('an empty watch list reports nothing and says why', async () => {
    expect(await new ServicesCollector([]).collect()).toEqual({ samples: [], reason: 'no services to watch (--services)' });
  });
});
