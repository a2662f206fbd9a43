import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsPath, readCredentials, removeCredentials, writeCredentials, type StoredCredentials } from './credentials.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;

const login: StoredCredentials = { server: 'https://vigil.example.com', token: 'secret-token', tokenId: 'tok_1', username: 'alice', expiresAt: 1_900_000_000_000, kind: 'session' };

describe('stored credentials', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-credentials-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  posixOnly('creates the directory 0700 and the file 0600, whatever the umask', () => {
    const dir = join(root, 'nested', 'vigil');
    const previous = process.umask(0o000);
    try {
      writeCredentials(dir, login);
    } finally {
      process.umask(previous);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(credentialsPath(dir)).mode & 0o777).toBe(0o600);
  });

  posixOnly('keeps the file 0600 when replacing one that was readable by others', () => {
    mkdirSync(root, { recursive: true });
    writeFileSync(credentialsPath(root), '{}', { mode: 0o644 });
    chmodSync(credentialsPath(root), 0o644);
    writeCredentials(root, login);
    expect(statSync(credentialsPath(root)).mode & 0o777).toBe(0o600);
  });

  it('reads back what it wrote, and leaves no temporary file behind', () => {
    writeCredentials(root, login);
    expect(readCredentials(root)).toEqual(login);
    expect(readdirSync(root)).toEqual(['credentials.json']);
  });

  it('reads a file without a kind as a session', () => {
    const { kind: _kind, ...withoutKind } = login;
    writeFileSync(credentialsPath(root), JSON.stringify(withoutKind), { mode: 0o600 });
    expect(readCredentials(root)?.kind).toBe('session');
  });

  it('answers null when there is no login, and refuses a damaged file', () => {
    expect(readCredentials(join(root, 'missing'))).toBeNull();
    writeFileSync(credentialsPath(root), '{"server": 1', { mode: 0o600 });
    expect(() => readCredentials(root)).toThrow(/damaged/);
  });

  posixOnly('warns when the file is readable by other users', () => {
    writeCredentials(root, login);
    chmodSync(credentialsPath(root), 0o644);
    const warnings: string[] = [];
    readCredentials(root, (w) => warnings.push(w));
    expect(warnings).toEqual([expect.stringContaining('chmod 600')]);
  });

  it('removes the login once', () => {
    writeCredentials(root, login);
    expect(removeCredentials(root)).toBe(true);
    expect(existsSync(credentialsPath(root))).toBe(false);
    expect(removeCredentials(root)).toBe(false);
  });
});
