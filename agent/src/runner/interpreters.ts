import type { Shell } from '@vigil/shared';
import { findExecutable } from './which.js';

/**
 * How each shell runs a script body on each OS, as pure data (so every platform is unit-tested on
 * any machine), then one PATH lookup for the program. PowerShell and cmd flags are fixed: no
 * profile, no prompts, and no execution policy standing between a signed script and its run (the
 * agent verified the signature itself).
 */

export type Invocation =
  | {
      ok: true;
      /** Program names to look for on PATH, preferred first. */
      programs: string[];
      args: string[];
      /** cmd.exe parses its own command line: the arguments are passed exactly as built here. */
      verbatim: boolean;
    }
  | { ok: false; reason: string };

const WINDOWS_ONLY: Partial<Record<Shell, string>> = {
  powershell: 'powershell scripts (Windows PowerShell) run only on Windows; use pwsh elsewhere',
  cmd: 'cmd scripts run only on Windows',
};
const POSIX_ONLY: Partial<Record<Shell, string>> = {
  bash: 'bash scripts are not run on Windows; use powershell, pwsh, cmd or python',
  sh: 'sh scripts are not run on Windows; use powershell, pwsh, cmd or python',
};

const POWERSHELL_FLAGS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File'];

/** The file name extension each interpreter needs (-File insists on .ps1, cmd on .cmd/.bat). */
export function scriptExtension(shell: Shell): string {
  switch (shell) {
    case 'bash':
    case 'sh':
      return '.sh';
    case 'python':
      return '.py';
    case 'powershell':
    case 'pwsh':
      return '.ps1';
    case 'cmd':
      return '.cmd';
  }
}

/**
 * The script file's bytes. Windows PowerShell reads a .ps1 without a byte order mark in the ANSI
 * code page, so PowerShell scripts get a UTF-8 BOM; cmd mishandles labels in files with bare LF
 * line ends, so cmd scripts get CRLF. The body as signed is what was verified; this is only its
 * encoding on disk.
 */
export function scriptFileContent(shell: Shell, body: string): Buffer {
  if (shell === 'powershell' || shell === 'pwsh') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]);
  if (shell === 'cmd') return Buffer.from(body.replace(/\r?\n/g, '\r\n'), 'utf8');
  return Buffer.from(body, 'utf8');
}

/**
 * cmd.exe expands %VAR% even inside quotes and has no escape for a quote within one, so such
 * arguments cannot be passed safely; the same values reach the script as VIGIL_PARAM_<NAME>.
 */
const CMD_UNSAFE = /["%\r\n]/;

export function invocationFor(shell: Shell, platform: NodeJS.Platform, scriptPath: string, argv: readonly string[]): Invocation {
  const windows = platform === 'win32';
  const refusal = windows ? POSIX_ONLY[shell] : WINDOWS_ONLY[shell];
  if (refusal) return { ok: false, reason: refusal };
  switch (shell) {
    case 'bash':
    case 'sh':
      return { ok: true, programs: [shell], args: [scriptPath, ...argv], verbatim: false };
    case 'python':
      // The python3 name first on POSIX, where plain python may be Python 2; on Windows the
      // installer provides python.exe (python3.exe may be the Store's placeholder).
      return { ok: true, programs: windows ? ['python', 'python3'] : ['python3', 'python'], args: [scriptPath, ...argv], verbatim: false };
    case 'powershell':
    case 'pwsh':
      return { ok: true, programs: [shell], args: [...POWERSHELL_FLAGS, scriptPath, ...argv], verbatim: false };
    case 'cmd': {
      const unsafe = argv.findIndex((a) => CMD_UNSAFE.test(a));
      if (unsafe >= 0) {
        return { ok: false, reason: `argument ${unsafe + 1} of this cmd script contains ", % or a line break, which cmd.exe cannot be passed safely; read it from its VIGIL_PARAM_ variable instead` };
      }
      // /d: no AutoRun commands; /v:off: no !delayed! expansion of the arguments; /s /c "…": cmd
      // strips exactly the outer quotes and runs the rest, each part quoted (%~1 unquotes in the script).
      const line = [scriptPath, ...argv].map((part) => `"${part}"`).join(' ');
      return { ok: true, programs: ['cmd'], args: ['/d', '/v:off', '/s', '/c', `"${line}"`], verbatim: true };
    }
  }
}

/** The first of the invocation's programs found on PATH, or why none was. */
export function findInterpreter(programs: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): { ok: true; command: string } | { ok: false; reason: string } {
  for (const name of programs) {
    const command = findExecutable(name, env, platform);
    if (command) return { ok: true, command };
  }
  return { ok: false, reason: `interpreter not found: ${programs.join(' or ')} is not on PATH` };
}
