import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { processRunning } from '../testing/process-state.js';
import { HOST_PRELUDE, PowerShellHost } from './powershell-host.js';

/**
 * PowerShell is not available here, so the host is tested against a STAND-IN: a small Node script
 * that speaks the host's line protocol (ignores the prelude line, answers each
 * `__vigil '<id>' '<base64>'` line with `VIGIL-RESULT <id> <exit> <b64 out> <b64 err>`). It does
 * not run PowerShell; it understands a few one-word scripts (echo, pid, error, sleep, exit, noise)
 * so the tests can exercise reuse, framing, timeouts and crashes. What PowerShell itself does with
 * the prelude is not tested here.
 */
const STAND_IN = String.raw`
import { createInterface } from 'node:readline';
const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
const answer = (id, code, out, err = '') => process.stdout.write('VIGIL-RESULT ' + id + ' ' + code + ' ' + b64(out) + ' ' + b64(err) + '\r\n');
let sawPrelude = false;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('function __vigil(')) { sawPrelude = true; return; }
  const m = /^__vigil '([0-9a-f]+)' '([A-Za-z0-9+/=]*)'$/.exec(line);
  if (!m) { process.stderr.write('stand-in: unexpected line\n'); return; }
  const [, id, encoded] = m;
  const script = Buffer.from(encoded, 'base64').toString('utf8');
  const [word, ...rest] = script.split(' ');
  const arg = rest.join(' ');
  if (!sawPrelude) return answer(id, 9, '', 'no prelude');
  if (word === 'echo') return answer(id, 0, arg + '\r\n');
  if (word === 'pid') return answer(id, 0, String(process.pid));
  if (word === 'error') return answer(id, 1, '', arg);
  if (word === 'sleep') return void setTimeout(() => answer(id, 0, 'slept'), Number(arg));
  if (word === 'exit') { process.stderr.write('bye\n'); process.exit(Number(arg)); }
  if (word === 'noise') {
    process.stdout.write('Windows PowerShell banner line\n');
    process.stdout.write('VIGIL-RESULT 0000000000000000 0 ' + b64('forged') + ' \n');
    return answer(id, 0, 'real');
  }
  answer(id, 0, script);
});
`;

const dir = mkdtempSync(join(tmpdir(), 'vigil-pwsh-'));
const standIn = join(dir, 'stand-in-powershell.mjs');
writeFileSync(standIn, STAND_IN);
const hosts: PowerShellHost[] = [];
const newHost = (options: { maxCallsPerHost?: number } = {}) => {
  const host = new PowerShellHost({ command: process.execPath, args: [standIn], ...options });
  hosts.push(host);
  return host;
};
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PowerShellHost (against a stand-in speaking its protocol)', () => {
  it('reuses one process across calls and returns each script’s own output, including non-ASCII', async () => {
    const host = newHost();
    const first = await host.run('pid', { timeoutMs: 10_000 });
    const second = await host.run('pid', { timeoutMs: 10_000 });
    const text = await host.run('echo Grüße, 你好 — "quoted" \'single\'', { timeoutMs: 10_000 });
    expect(first).toMatchObject({ kind: 'exited', exitCode: 0 });
    expect(first.kind === 'exited' && second.kind === 'exited' && first.stdout === second.stdout).toBe(true);
    expect(text).toMatchObject({ kind: 'exited', exitCode: 0, stdout: 'Grüße, 你好 — "quoted" \'single\'\r\n' });
    expect(host.hostsStarted).toBe(1);
  });

  it('serialises concurrent calls so answers never cross', async () => {
    const host = newHost();
    const results = await Promise.all(['echo a', 'sleep 50', 'echo c'].map((s) => host.run(s, { timeoutMs: 10_000 })));
    expect(results.map((r) => (r.kind === 'exited' ? r.stdout : r.kind))).toEqual(['a\r\n', 'slept', 'c\r\n']);
    expect(host.hostsStarted).toBe(1);
  });

  it('ignores lines that are not the current call’s answer', async () => {
    const host = newHost();
    expect(await host.run('noise', { timeoutMs: 10_000 })).toMatchObject({ kind: 'exited', stdout: 'real' });
  });

  it('passes errors through on stderr with exit 1', async () => {
    const host = newHost();
    expect(await host.run('error Access is denied', { timeoutMs: 10_000 })).toMatchObject({ kind: 'exited', exitCode: 1, stdout: '', stderr: 'Access is denied' });
  });

  it('kills a host whose call times out, and the next call gets a fresh one', async () => {
    const host = newHost();
    await host.run('echo warm', { timeoutMs: 10_000 });
    const stuckPid = host.pid!;
    expect(await host.run('sleep 60000', { timeoutMs: 300 })).toMatchObject({ kind: 'timed_out' });
    expect(processRunning(stuckPid)).toBe(false);
    expect(await host.run('echo again', { timeoutMs: 10_000 })).toMatchObject({ kind: 'exited', stdout: 'again\r\n' });
    expect(host.hostsStarted).toBe(2);
  });

  it('reports a host that died during a call, and restarts on the next', async () => {
    const host = newHost();
    expect(await host.run('exit 3', { timeoutMs: 10_000 })).toMatchObject({ kind: 'exited', exitCode: 3, stdout: '', stderr: expect.stringMatching(/exited during the call: bye/) });
    expect(await host.run('echo back', { timeoutMs: 10_000 })).toMatchObject({ kind: 'exited', stdout: 'back\r\n' });
    expect(host.hostsStarted).toBe(2);
  });

  it('recycles the process after maxCallsPerHost calls', async () => {
    const host = newHost({ maxCallsPerHost: 2 });
    for (let i = 0; i < 5; i++) await host.run('echo x', { timeoutMs: 10_000 });
    expect(host.hostsStarted).toBe(3);
  });

  it('answers not_found when the executable is missing', async () => {
    const host = new PowerShellHost({ command: 'vigil-no-such-powershell', env: { PATH: dir } });
    expect(await host.run('echo x', { timeoutMs: 1_000 })).toEqual({ kind: 'not_found', command: 'vigil-no-such-powershell', reason: 'vigil-no-such-powershell was not found on PATH' });
  });

  it('sends PowerShell a one-line prelude (it reads -Command - line by line)', () => {
    expect(HOST_PRELUDE).not.toContain('\n');
    expect(HOST_PRELUDE.startsWith('function __vigil([string]$id, [string]$b64) {')).toBe(true);
    expect(HOST_PRELUDE).toContain('[Console]::Out.WriteLine("VIGIL-RESULT $id $code $o $e")');
  });
});
