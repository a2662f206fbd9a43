import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameSchema, PatchesSectionSchema, type Frame } from '@vigil/shared';
import { findExecutable } from '../../runner/which.js';
import { StandInTools } from '../../testing/stand-in-tool.js';
import { scanApt } from './apt.js';

/** The built CLI (dist/), run as a child process the way support runs it. */
const BIN = fileURLToPath(new URL('../../../bin/vigil-agent.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function collectOnce(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; frame: Frame; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'collect', '--once', '--only', 'patches', ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      try {
        const lines = stdout.trim().split('\n');
        expect(lines).toHaveLength(1);
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, frame: FrameSchema.parse(JSON.parse(lines[0]!)), stderr });
      } catch (failure) {
        reject(new Error(`${(failure as Error).message}\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
    });
  });
}

let tools: StandInTools;
beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url)))) throw new Error('build the agent first: npx tsc -b agent');
  tools = new StandInTools();
});
afterAll(() => tools.remove());

describe('vigil-agent collect --once --only patches --patch-source apt (stand-in apt-get first on PATH)', () => {
  it('prints one frame with the recorded Debian 12 counts and the patches section', async () => {
    tools.add('apt-cache', [{ args: 'policy', stdoutFile: fixture('apt/debian12-policy.stdout') }]);
    tools.add('apt-get', [{ args: '-s -q -o Debug::NoLocking=1 dist-upgrade', stdoutFile: fixture('apt/debian12-dist-upgrade.stdout') }]);
    const { code, frame } = await collectOnce(['--patch-source', 'apt'], tools.env());
    expect(code).toBe(0);
    expect(frame.sources).toEqual([expect.objectContaining({ source: 'patches', status: 'ok' })]);
    const value = (metric: string) => frame.samples.find((s) => s.metric === metric)?.value;
    expect(value('patch.pending')).toBe(128);
    expect(value('patch.security_pending')).toBe(81);
    const section = PatchesSectionSchema.parse(frame.sections?.patches);
    expect(section).toMatchObject({ source: 'apt', pending: 128, securityPending: 81, truncated: 0 });
    expect(section.items).toHaveLength(128);
    // The reboot flag depends on this machine's /var/run/reboot-required and what writes it:
    // whatever it is, the metric and the section agree, and "unknown" comes with a note.
    if (section.rebootRequired === null) {
      expect(value('patch.reboot_required')).toBeUndefined();
      expect(section.notes?.some((n) => n.startsWith('reboot status unknown'))).toBe(true);
    } else {
      expect(value('patch.reboot_required')).toBe(section.rebootRequired ? 1 : 0);
    }
    expect(tools.calls('apt-get')).toEqual(['-s -q -o Debug::NoLocking=1 dist-upgrade']);
  });

  it('reports unknown with the reason, and no patch metrics, for the recorded German output', async () => {
    tools.add('apt-cache', [{ args: 'policy', stdoutFile: fixture('apt/debian12-policy.stdout') }]);
    tools.add('apt-get', [{ args: '*', stdoutFile: fixture('apt/debian12-dist-upgrade.de.stdout') }]);
    const { code, frame } = await collectOnce(['--patch-source', 'apt'], tools.env());
    expect(code).toBe(0);
    expect(frame.samples).toEqual([]);
    expect(frame.sections?.patches).toBeUndefined();
    expect(frame.sources).toEqual([expect.objectContaining({ source: 'patches', status: 'unknown', reason: expect.stringMatching(/summary line/) })]);
  });

  it('reports unknown when the forced source’s tool is not installed', async () => {
    const { frame } = await collectOnce(['--patch-source', 'zypper'], { ...tools.env({ only: true }) });
    expect(frame.sources).toEqual([expect.objectContaining({ source: 'patches', status: 'unknown', reason: 'zypper was not found on PATH' })]);
    expect(frame.samples).toEqual([]);
  });

  it('rejects an unknown --patch-source', async () => {
    await new Promise<void>((resolve) => {
      execFile(process.execPath, [BIN, 'collect', '--once', '--only', 'patches', '--patch-source', 'pacman'], (error, _stdout, stderr) => {
        expect(error).not.toBeNull();
        expect(stderr).toMatch(/Allowed choices are apt, dnf, yum, zypper, windows, softwareupdate/);
        resolve();
      });
    });
  });
});

describe('the real apt on this machine', () => {
  it('gives a consistent scan, or unknown with a reason — never a bare zero', async () => {
    const outcome = await scanApt({ env: process.env, refresh: false, timeoutMs: 5 * 60_000 });
    if (!findExecutable('apt-get', process.env)) {
      expect(outcome).toEqual({ ok: false, reason: 'apt-cache was not found on PATH' });
      return;
    }
    if (!outcome.ok) {
      // e.g. a system whose package lists were cleaned: the reason says so.
      expect(outcome.reason).toMatch(/\w/);
      return;
    }
    const { scan } = outcome;
    expect(scan.source).toBe('apt');
    expect(scan.pending).toBe(scan.items.length);
    expect(scan.securityPending).toBe(scan.items.filter((i) => i.security).length);
    for (const item of scan.items) expect(item.version).toMatch(/^\S+$/);
    if (scan.rebootRequired === null) expect(scan.notes.join(' ')).toMatch(/reboot status unknown/);
  });
});
