import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findInterpreter, invocationFor, scriptExtension, scriptFileContent } from './interpreters.js';

const argv = ['a b', 'c'];

describe('invocationFor on Linux and macOS', () => {
  for (const platform of ['linux', 'darwin'] as const) {
    it(`${platform}: bash, sh and python run the file with the arguments after it`, () => {
      expect(invocationFor('bash', platform, '/t/script.sh', argv)).toEqual({ ok: true, programs: ['bash'], args: ['/t/script.sh', 'a b', 'c'], verbatim: false });
      expect(invocationFor('sh', platform, '/t/script.sh', argv)).toEqual({ ok: true, programs: ['sh'], args: ['/t/script.sh', 'a b', 'c'], verbatim: false });
      expect(invocationFor('python', platform, '/t/script.py', argv)).toEqual({ ok: true, programs: ['python3', 'python'], args: ['/t/script.py', 'a b', 'c'], verbatim: false });
    });

    it(`${platform}: pwsh without profile, prompts or execution policy`, () => {
      expect(invocationFor('pwsh', platform, '/t/script.ps1', argv)).toEqual({
        ok: true, programs: ['pwsh'], args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', '/t/script.ps1', 'a b', 'c'], verbatim: false,
      });
    });

    it(`${platform}: refuses Windows PowerShell and cmd`, () => {
      expect(invocationFor('powershell', platform, '/t/script.ps1', [])).toEqual({ ok: false, reason: 'powershell scripts (Windows PowerShell) run only on Windows; use pwsh elsewhere' });
      expect(invocationFor('cmd', platform, '/t/script.cmd', [])).toEqual({ ok: false, reason: 'cmd scripts run only on Windows' });
    });
  }
});

describe('invocationFor on Windows', () => {
  const file = 'C:\\Users\\Jane Doe\\AppData\\Local\\Temp\\vigil-run-1\\script';

  it('runs powershell.exe and pwsh with the same flags', () => {
    for (const shell of ['powershell', 'pwsh'] as const) {
      expect(invocationFor(shell, 'win32', `${file}.ps1`, argv)).toEqual({
        ok: true, programs: [shell], args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', `${file}.ps1`, 'a b', 'c'], verbatim: false,
      });
    }
  });

  it('quotes the cmd command line itself: /s /c strips the outer quotes, each part stays quoted', () => {
    expect(invocationFor('cmd', 'win32', `${file}.cmd`, ['a b', 'x&y', 'c'])).toEqual({
      ok: true, programs: ['cmd'], args: ['/d', '/v:off', '/s', '/c', `""${file}.cmd" "a b" "x&y" "c""`], verbatim: true,
    });
    expect(invocationFor('cmd', 'win32', `${file}.cmd`, [])).toMatchObject({ ok: true, args: ['/d', '/v:off', '/s', '/c', `""${file}.cmd""`] });
  });

  it('refuses cmd arguments with a quote, a percent sign or a line break, which cmd cannot take safely', () => {
    for (const bad of ['say "hi"', '%PATH%', 'two\nlines', 'cr\r']) {
      const invocation = invocationFor('cmd', 'win32', `${file}.cmd`, ['ok', bad]);
      expect(invocation).toMatchObject({ ok: false, reason: expect.stringMatching(/^argument 2 of this cmd script contains/) });
    }
  });

  it('prefers python.exe to the python3 name, and refuses bash and sh', () => {
    expect(invocationFor('python', 'win32', `${file}.py`, [])).toMatchObject({ ok: true, programs: ['python', 'python3'] });
    expect(invocationFor('bash', 'win32', `${file}.sh`, [])).toMatchObject({ ok: false, reason: expect.stringMatching(/bash scripts are not run on Windows/) });
    expect(invocationFor('sh', 'win32', `${file}.sh`, [])).toMatchObject({ ok: false, reason: expect.stringMatching(/sh scripts are not run on Windows/) });
  });
});

describe('script files', () => {
  it('names each file as its interpreter expects', () => {
    expect([scriptExtension('bash'), scriptExtension('sh'), scriptExtension('python'), scriptExtension('powershell'), scriptExtension('pwsh'), scriptExtension('cmd')]).toEqual(['.sh', '.sh', '.py', '.ps1', '.ps1', '.cmd']);
  });

  it('gives PowerShell a UTF-8 byte order mark and cmd CRLF line ends, and leaves the rest alone', () => {
    expect(scriptFileContent('pwsh', 'Write-Output "é"')).toEqual(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Write-Output "é"')]));
    expect(scriptFileContent('cmd', '@echo off\necho a\r\necho b\n').toString()).toBe('@echo off\r\necho a\r\necho b\r\n');
    expect(scriptFileContent('bash', 'echo a\n').toString()).toBe('echo a\n');
  });
});

describe('findInterpreter', () => {
  it('takes the first program found on PATH, or says which were looked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-path-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'python'), '#!/bin/sh\n');
    chmodSync(join(dir, 'python'), 0o755);
    expect(findInterpreter(['python3', 'python'], { PATH: dir }, 'linux')).toEqual({ ok: true, command: join(dir, 'python') });
    expect(findInterpreter(['pwsh'], { PATH: dir }, 'linux')).toEqual({ ok: false, reason: 'interpreter not found: pwsh is not on PATH' });
  });
});
