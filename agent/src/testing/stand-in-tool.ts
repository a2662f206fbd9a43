import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** What a stand-in answers to one exact argument list. */
export interface Replay {
  /** The arguments joined by single spaces, or '*' for any. */
  args: string;
  /** File whose bytes go to stdout (a recorded output). */
  stdoutFile?: string;
  stdout?: string;
  stderr?: string;
  /** Shell commands run before exiting (e.g. `sleep 30` for a tool that hangs). */
  shell?: string;
  exit?: number;
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * A directory of stand-in OS tools (POSIX shell scripts) replaying recorded outputs. Put first on
 * PATH, they answer in place of the real tools, so a collector runs its real command lines.
 */
export class StandInTools {
  readonly dir = mkdtempSync(join(tmpdir(), 'vigil-stand-in-'));

  /** PATH holding only the stand-ins (no real tool can answer), or the stand-ins ahead of the real PATH. */
  env(options: { only?: boolean } = {}): NodeJS.ProcessEnv {
    const path = options.only ? this.dir : `${this.dir}${delimiter}${process.env.PATH ?? ''}`;
    return { ...process.env, PATH: path };
  }

  add(name: string, replays: Replay[]): void {
    const log = join(this.dir, `${name}.calls`);
    const cases = replays.map((r) => {
      const pattern = r.args === '*' ? '*' : quote(r.args);
      const steps = [
        r.stdoutFile ? `cat ${quote(r.stdoutFile)}` : '',
        r.stdout !== undefined ? `printf '%s' ${quote(r.stdout)}` : '',
        r.stderr !== undefined ? `printf '%s' ${quote(r.stderr)} >&2` : '',
        r.shell ?? '',
        `exit ${r.exit ?? 0}`,
      ].filter(Boolean);
      return `  ${pattern}) ${steps.join('; ')};;`;
    });
    const script = [
      '#!/bin/sh',
      // The stand-in's own helpers (cat, sleep) must be found even when the PATH under test holds only stand-ins.
      'PATH=/usr/bin:/bin',
      `printf '%s\\n' "$*" >> ${quote(log)}`,
      'case "$*" in',
      ...cases,
      `  *) echo "stand-in ${name}: unexpected arguments: $*" >&2; exit 99;;`,
      'esac',
      '',
    ].join('\n');
    writeFileSync(join(this.dir, name), script);
    chmodSync(join(this.dir, name), 0o755);
  }

  /** Argument lists the stand-in was called with, in order. */
  calls(name: string): string[] {
    const log = join(this.dir, `${name}.calls`);
    return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
