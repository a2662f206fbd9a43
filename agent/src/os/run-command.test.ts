import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processRunning } from '../testing/process-state.js';
import { describeCommandFailure, runCommand } from './run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
function tool(name: string, body: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

describe('runCommand', () => {
  it('finds a stand-in tool on PATH ahead of the real one and captures its output', async () => {
    tool('uname', 'echo "stand-in $*"; echo warn >&2; exit 4');
    const result = await runCommand('uname', ['-a'], { timeoutMs: 5000, env });
    expect(result).toMatchObject({ kind: 'exited', exitCode: 4, stdout: 'stand-in -a\n', stderr: 'warn\n' });
    expect(describeCommandFailure(result)).toBe('uname exited with code 4: warn');
  });

  it('reports a missing tool instead of throwing', async () => {
    const result = await runCommand('vigil-no-such-tool', [], { timeoutMs: 5000, env });
    expect(result).toEqual({ kind: 'not_found', command: 'vigil-no-such-tool', reason: 'vigil-no-such-tool was not found on PATH' });
  });

  it('kills a hung tool and everything it started at the timeout', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    tool('hang', `sleep 300 & echo $! > ${pidFile}; wait`);
    const result = await runCommand('hang', [], { timeoutMs: 300, env });
    expect(result.kind).toBe('timed_out');
    expect(processRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('feeds stdin and caps stdout', async () => {
    tool('echo-in', 'cat; head -c 5000 /dev/zero | tr "\\\\0" x');
    const result = await runCommand('echo-in', [], { timeoutMs: 5000, env, input: 'hello ', maxOutputBytes: 100 });
    expect(result.kind).toBe('exited');
    if (result.kind === 'exited') {
      expect(result.stdout.startsWith('hello xxx')).toBe(true);
      expect(result.stdout.length).toBe(100);
      expect(result.stdoutTruncated).toBe(true);
    }
  });
});
