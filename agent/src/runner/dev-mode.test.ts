import { describe, expect, it } from 'vitest';
import { DevModeRefusedError, assertDevModeAllowed, isLoopbackHost } from './dev-mode.js';

describe('development mode', () => {
  it('is allowed only with a collector on a loopback address', () => {
    for (const server of ['http://127.0.0.1:8080', 'http://127.10.0.3', 'http://localhost:80', 'http://[::1]:8080', 'https://LOCALHOST']) {
      expect(() => assertDevModeAllowed(server), server).not.toThrow();
    }
    for (const server of ['https://vigil.example.com', 'http://10.0.0.1:8080', 'http://[::2]', 'http://localhost.example.com', 'http://128.0.0.1', 'http://0.0.0.0']) {
      expect(() => assertDevModeAllowed(server), server).toThrow(DevModeRefusedError);
    }
  });

  it('names the server and the rule when refused', () => {
    expect(() => assertDevModeAllowed('https://vigil.example.com')).toThrow(/--allow-unsigned .* https:\/\/vigil\.example\.com is not on a loopback address \(127\.0\.0\.0\/8, ::1, localhost\)/);
  });

  it('reads bracketed IPv6 hosts as URLs give them', () => {
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('[fe80::1]')).toBe(false);
  });
});
