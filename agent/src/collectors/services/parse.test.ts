import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLaunchctlList } from './launchd.js';
import { parseSystemctlShow } from './systemd.js';
import { parseServiceList } from './watch-list.js';
import { getServiceScript, parseGetServiceJson } from './windows.js';

// Sources of every fixture (and which are constructed): fixtures/README.md.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('systemctl show', () => {
  it('maps running, failed, not-found and restarting units by position', () => {
    expect(parseSystemctlShow(fixture('systemctl-show-constructed.stdout'), ['sshd', 'cron', 'nosuch', 'nginx'])).toEqual([
      { name: 'sshd', state: 'up', detail: 'active/running' },
      { name: 'cron', state: 'down', detail: 'failed/failed' },
      { name: 'nosuch', state: 'unknown', detail: 'inactive/dead (not-found)', reason: 'unit nosuch.service does not exist' },
      { name: 'nginx', state: 'down', detail: 'activating/auto-restart' },
    ]);
  });

  it('refuses output it cannot line up with the units asked for', () => {
    const states = parseSystemctlShow('Id=ssh.service\nLoadState=loaded\nActiveState=active\nSubState=running\n', ['sshd', 'cron']);
    expect(states.every((s) => s.state === 'unknown' && s.reason?.includes('not understood'))).toBe(true);
    expect(parseSystemctlShow('garbage', ['sshd'])).toEqual([{ name: 'sshd', state: 'unknown', reason: expect.stringContaining('no LoadState') }]);
    expect(parseSystemctlShow('Id=x\nLoadState=loaded\nActiveState=exploded\n', ['x'])[0]).toMatchObject({ state: 'unknown', reason: 'unrecognised ActiveState exploded' });
  });
});

describe('Get-Service JSON', () => {
  it('maps Running, Stopped and a missing service', () => {
    expect(parseGetServiceJson(fixture('get-service-constructed.json'), ['Spooler', 'WUAUSERV', 'nosuch'])).toEqual([
      { name: 'Spooler', state: 'up', detail: 'Running, start Automatic' },
      { name: 'WUAUSERV', state: 'down', detail: 'Stopped, start Manual' },
      { name: 'nosuch', state: 'unknown', reason: 'no such Windows service' },
    ]);
  });

  it('accepts numeric statuses, a byte-order mark and a lone object; rejects garbage', () => {
    expect(parseGetServiceJson('\uFEFF{"Name":"Spooler","Found":true,"Status":4}', ['Spooler'])[0]?.state).toBe('up');
    expect(parseGetServiceJson('Get-Service : access denied', ['Spooler'])[0]).toMatchObject({ state: 'unknown', reason: expect.stringContaining('not the expected JSON') });
    expect(parseGetServiceJson('[{"Name":"Spooler","Found":true,"Status":"Exploding"}]', ['Spooler'])[0]?.state).toBe('unknown');
  });

  it('quotes names so they stay literal PowerShell strings', () => {
    const script = getServiceScript(["it's", 'a[b]*']);
    expect(script).toContain(`$names = @('it''s', 'a[b]*')`);
    expect(script).toContain('$_.Name -eq $n');
  });
});

describe('launchctl list', () => {
  it('is up with a PID, down without one, unknown when not loaded', () => {
    expect(parseLaunchctlList(fixture('launchctl-list.stdout'), ['com.apple.Finder', 'com.apple.screensharing.agent', 'com.openssh.sshd'])).toEqual([
      { name: 'com.apple.Finder', state: 'up', detail: 'pid 297' },
      { name: 'com.apple.screensharing.agent', state: 'down', detail: 'not running, last exit status 0' },
      { name: 'com.openssh.sshd', state: 'unknown', reason: 'no launchd job with this label is loaded' },
    ]);
  });

  it('does not guess from output without the table header', () => {
    expect(parseLaunchctlList('Could not find service "x" in domain for system\n', ['x'])[0]?.state).toBe('unknown');
  });
});

describe('--services', () => {
  it('splits, trims and de-duplicates; refuses empty lists and control characters', () => {
    expect(parseServiceList(' sshd, cron ,sshd')).toEqual(['sshd', 'cron']);
    expect(() => parseServiceList(' , ')).toThrow('no service named');
    expect(() => parseServiceList('a\nb')).toThrow('not a service name');
  });
});
