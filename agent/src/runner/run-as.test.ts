import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../os/run-command.js';
import { parseHome, resolveRunAs, type RunAsHost } from './run-as.js';
import { runScript } from './script-runner.js';

const exited = (stdout: string, exitCode = 0): CommandResult => ({ kind: 'exited', command: 'x', exitCode, signal: null, stdout, stderr: '', stdoutTruncated: false, durationMs: 1 });

function fakeHost(overrides: Partial<RunAsHost> = {}, answers: Record<string, CommandResult> = {}): RunAsHost & { calls: string[] } {
  const calls: string[] = [];
  return {
    platform: 'linux',
    uid: 0,
    run: async (name, args) => {
      const call = [name, ...args].join(' ');
      calls.push(call);
      return answers[call] ?? exited('', 1);
    },
    calls,
    ...overrides,
  };
}

describe('resolveRunAs', () => {
  it('looks up uid, gid and home of the user', async () => {
    const host = fakeHost({}, {
      'id -u backup': exited('34\n'),
      'id -g backup': exited('34\n'),
      'getent passwd backup': exited('backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\n'),
    });
    expect(await resolveRunAs('backup', host)).toEqual({ ok: true, identity: { user: 'backup', uid: 34, gid: 34, env: { HOME: '/var/backups', USER: 'backup', LOGNAME: 'backup' } } });
  });

  it('refuses an unknown user, naming it', async () => {
    expect(await resolveRunAs('ghost', fakeHost())).toEqual({ ok: false, reason: 'runAs user ghost does not exist on this endpoint' });
  });

  it('refuses when the agent is not root, without looking anything up', async () => {
    const host = fakeHost({ uid: 1000 });
    const resolved = await resolveRunAs('backup', host);
    expect(resolved).toMatchObject({ ok: false, reason: expect.stringMatching(/^runAs needs the agent service to run as root/) });
    expect(host.calls).toEqual([]);
  });

  it('refuses on Windows', async () => {
    expect(await resolveRunAs('backup', fakeHost({ platform: 'win32', uid: undefined }))).toEqual({ ok: false, reason: 'runAs is not supported on Windows yet' });
  });

  it('falls back to / for a user without a home entry', async () => {
    const host = fakeHost({ platform: 'darwin' }, { 'id -u svc': exited('501'), 'id -g svc': exited('20') });
    expect(await resolveRunAs('svc', host)).toMatchObject({ ok: true, identity: { env: { HOME: '/' } } });
    expect(host.calls).toContain('dscl . -read /Users/svc NFSHomeDirectory');
  });
});

describe('parseHome', () => {
  it('reads getent passwd and dscl output', () => {
    expect(parseHome('linux', 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n')).toBe('/nonexistent');
    expect(parseHome('darwin', 'NFSHomeDirectory: /Users/jane\n')).toBe('/Users/jane');
    expect(parseHome('linux', '')).toBeNull();
  });
});

const uidOf = (user: string): number | null => {
  try {
    return Number(execFileSync('id', ['-u', user], { encoding: 'utf8', timeout: 5_000 }).trim());
  } catch {
    return null;
  }
};
const isRoot = process.getuid?.() === 0;
const nobody = process.platform === 'win32' ? null : uidOf('nobody');

describe('running a script as another user', () => {
  // Switching user needs root; elsewhere the refusal above is what there is to test.
  it.skipIf(!isRoot || nobody === null)('runs as that user, with its identity in the environment (needs root and a "nobody" user)', async () => {
    const result = await runScript({ shell: 'sh', body: 'id -u; echo "$USER $LOGNAME"; cat "$0" > /dev/null && echo readable', args: [], env: {}, timeoutSec: 30, runAs: 'nobody' });
    expect(result.status).toBe('succeeded');
    expect(result.stdout).toBe(`${nobody}\nnobody nobody\nreadable\n`);
  });

  it.runIf(!isRoot && process.platform !== 'win32')('is refused when the agent does not run as root', async () => {
    const result = await runScript({ shell: 'sh', body: 'echo never', args: [], env: {}, timeoutSec: 30, runAs: 'nobody' });
    expect(result).toMatchObject({ status: 'rejected', stdout: '', error: expect.stringMatching(/runAs needs the agent service to run as root/) });
  });

  it('is refused for an unknown user without running anything', async () => {
    const host = fakeHost();
    const result = await runScript({ shell: 'sh', body: 'echo never', args: [], env: {}, timeoutSec: 30, runAs: 'ghost' }, { runAsHost: host });
    expect(result).toMatchObject({ status: 'rejected', stdout: '', error: 'runAs user ghost does not exist on this endpoint' });
  });
});
