import type { Script } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../cli-error.js';
import { timeBound } from './audit.js';
import { findScript } from './run.js';
import { collectEnv, osList, scriptRequest, timeoutSeconds } from './scripts.js';
import { scopeList } from './tokens.js';

const script = (id: string, name: string): Script => ({ id, name, shell: 'sh', body: 'true', args: [], env: {}, timeoutSec: 60, os: ['linux'], tenantId: null, createdAt: 0 });

describe('vigil run: the script', () => {
  const scripts = [script('scr_1', 'Disk report'), script('scr_2', 'Twin'), script('scr_3', 'Twin')];

  it('is found by id, else by its exact name', () => {
    expect(findScript(scripts, 'scr_1').id).toBe('scr_1');
    expect(findScript(scripts, 'Disk report').id).toBe('scr_1');
  });

  it('must be unique and must exist', () => {
    expect(() => findScript(scripts, 'Twin')).toThrow(/2 scripts are named "Twin".*scr_2, scr_3/);
    expect(() => findScript(scripts, 'disk report')).toThrow(/no script disk report/);
  });
});

describe('vigil scripts add: options', () => {
  it('reads the timeout as seconds or a duration', () => {
    expect(timeoutSeconds('60')).toBe(60);
    expect(timeoutSeconds('2m')).toBe(120);
    expect(() => timeoutSeconds('soon')).toThrow(/invalid duration/);
  });

  it('checks operating systems and environment variables', () => {
    expect(osList('linux, windows')).toEqual(['linux', 'windows']);
    expect(() => osList('linux,beos')).toThrow(/beos is not one of linux, windows, darwin/);
    expect(collectEnv('B=x=y', collectEnv('A=1'))).toEqual({ A: '1', B: 'x=y' });
    expect(() => collectEnv('novalue')).toThrow(/NAME=value/);
  });

  it("checks the request against the API's schema before sending it", () => {
    expect(scriptRequest('echo hi\n', { name: 'Hi', shell: 'bash', tenant: 'acme', arg: ['a'] })).toEqual({ name: 'Hi', shell: 'bash', body: 'echo hi\n', args: ['a'], tenant: 'acme' });
    expect(() => scriptRequest('', { name: 'Empty', shell: 'bash' })).toThrow(expect.objectContaining({ exitCode: EXIT_USAGE, message: expect.stringMatching(/^body:/) }));
    expect(() => scriptRequest('x', { name: 'Env', shell: 'sh', env: { 'BAD-NAME': '1' } })).toThrow(/env.BAD-NAME/);
  });
});

describe('vigil tokens create --scopes', () => {
  it('takes * or known permissions', () => {
    expect(scopeList('*')).toEqual(['*']);
    expect(scopeList('alerts:read, alerts:act')).toEqual(['alerts:read', 'alerts:act']);
    expect(() => scopeList('alerts:delete')).toThrow(/alerts:delete is not a permission/);
    expect(() => scopeList(',')).toThrow(/give \*/);
  });
});

describe('vigil audit ls --since/--until', () => {
  const now = Date.parse('2024-05-02T00:00:00Z');

  it('takes Unix ms, dates, date-times and durations back from now', () => {
    expect(timeBound('1714521600000', now)).toBe('1714521600000');
    expect(timeBound('2024-05-01T08:00:00Z', now)).toBe(String(Date.parse('2024-05-01T08:00:00Z')));
    expect(timeBound('24h', now)).toBe(String(now - 86_400_000));
    expect(() => timeBound('2024-13-45', now)).toThrow(/not a valid date/);
    expect(() => timeBound('yesterday', now)).toThrow(/invalid duration/);
  });
});
