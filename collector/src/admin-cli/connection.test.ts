import { describe, expect, it } from 'vitest';
import { EXIT_USAGE } from './cli-error.js';
import { isLoopbackHost, normalizeServerUrl, resolveConnection } from './connection.js';
import type { StoredCredentials } from './credentials.js';

const stored: StoredCredentials = { server: 'https://vigil.example.com/', token: 'stored-token', tokenId: 'tok_s', username: 'alice', expiresAt: 2_000, kind: 'session' };

describe('resolveConnection', () => {
  it('prefers the given token and server over the stored login', () => {
    expect(resolveConnection({ server: 'https://other.example.com', token: 'given' }, stored, 1_000)).toEqual({ server: 'https://other.example.com', token: 'given', fromStore: false });
    expect(resolveConnection({ token: 'given' }, stored, 1_000)).toEqual({ server: 'https://vigil.example.com', token: 'given', fromStore: false });
  });

  it('uses the stored login when nothing is given, or only its own server', () => {
    expect(resolveConnection({}, stored, 1_000)).toEqual({ server: 'https://vigil.example.com', token: 'stored-token', fromStore: true });
    expect(resolveConnection({ server: 'https://vigil.example.com' }, stored, 1_000).fromStore).toBe(true);
  });

  it('never sends the stored token to another server', () => {
    expect(() => resolveConnection({ server: 'https://evil.example.com' }, stored, 1_000)).toThrow(/not logged in to https:\/\/evil.example.com/);
  });

  it('says so when the stored login has expired, or there is none', () => {
    expect(() => resolveConnection({}, stored, 2_000)).toThrow(/expired at 1970-01-01T00:00:02.000Z/);
    expect(() => resolveConnection({ server: 'https://vigil.example.com' }, null, 0)).toThrow(/not logged in/);
  });

  it('is a usage error without any server', () => {
    expect(() => resolveConnection({ token: 't' }, null, 0)).toThrow(expect.objectContaining({ exitCode: EXIT_USAGE }));
  });
});

describe('normalizeServerUrl', () => {
  it('drops a trailing slash and keeps a path prefix', () => {
    expect(normalizeServerUrl('https://vigil.example.com:8443/')).toBe('https://vigil.example.com:8443');
    expect(normalizeServerUrl('https://proxy.example.com/vigil/')).toBe('https://proxy.example.com/vigil');
  });

  it('refuses what is not an http(s) URL, or carries credentials', () => {
    for (const bad of ['vigil.example.com', 'ftp://x', 'https://u:p@x.example.com', 'https://x.example.com/?a=1']) {
      expect(() => normalizeServerUrl(bad), bad).toThrow(expect.objectContaining({ exitCode: EXIT_USAGE }));
    }
  });

  it('knows loopback hosts', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});
