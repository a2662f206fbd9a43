import { ScriptManifestSchema, type Script } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE } from '../cli-error.js';
import { findScript } from '../script-lookup.js';
import { unsignedScriptRequest } from '../script-manifest-flags.js';
import { timeBound } from './audit.js';
import { jobRequest } from './run.js';
import { collectEnv, osList, signatureLifetime, timeoutSeconds } from './script-upload.js';
import { scopeList } from './tokens.js';

const script = (id: string, name: string, version = 1): Script => {
  const manifest = ScriptManifestSchema.parse({ kind: 'vigil.script', name, version, shell: 'sh', body: 'true', os: ['linux'] });
  return { id, version, name, tenantId: null, manifest, signature: null, digest: 'd', requiresApproval: false, createdBy: 'alice', createdAt: 0, shell: 'sh', timeoutSec: 60, os: ['linux'] };
};

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

  it('is one script however many of its versions a server lists', () => {
    expect(findScript([script('scr_1', 'Disk report', 1), script('scr_1', 'Disk report', 3), script('scr_1', 'Disk report', 2)], 'Disk report').version).toBe(3);
  });
});

describe('vigil run: the job', () => {
  const withParams = { ...script('scr_1', 'Clean'), manifest: ScriptManifestSchema.parse({ kind: 'vigil.script', name: 'Clean', version: 1, shell: 'sh', body: 'true', params: [{ name: 'path', type: 'string', required: true }, { name: 'dryRun', type: 'boolean' }] }) };
  const base = { timeout: 600_000 };

  it('sends the selection as server-side targets, and the parameters typed', () => {
    expect(jobRequest(withParams, { ...base, tenant: 'acme', tag: ['web', 'web', 'prod'], agent: ['agt_1'], param: { path: '/tmp', dryRun: 'true' } })).toEqual({
      scriptId: 'scr_1', targets: { tenant: 'acme', tags: ['web', 'prod'], agentIds: ['agt_1'] }, params: { path: '/tmp', dryRun: true },
    });
  });

  it('maps the dispatch options to the API names', () => {
    expect(jobRequest(withParams, { ...base, os: 'linux', version: 2, param: { path: '/' }, offline: 'expire', expires: '1h', concurrency: 5, rate: 2 })).toEqual({
      scriptId: 'scr_1', version: 2, targets: { os: 'linux' }, params: { path: '/' }, offline: 'expire', expiresIn: '1h', concurrency: 5, ratePerSec: 2,
    });
  });

  it('refuses no selection, and parameters the script would refuse, before sending', () => {
    expect(() => jobRequest(withParams, { ...base, param: { path: '/' } })).toThrow(expect.objectContaining({ exitCode: EXIT_USAGE }));
    expect(() => jobRequest(withParams, { ...base, tenant: 'acme' })).toThrow(/parameter path is required/);
    expect(() => jobRequest(withParams, { ...base, tenant: 'acme', param: { path: '/', dryRun: 'maybe' } })).toThrow(/dryRun must be true or false/);
    expect(() => jobRequest(withParams, { ...base, tenant: 'acme', param: { path: '/' }, expires: '40d' })).toThrow(/expiresIn: must be at most 30d/);
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

  it('reads the signature lifetime as a duration or never', () => {
    expect(signatureLifetime('90d')).toBe(90 * 86_400_000);
    expect(signatureLifetime('never')).toBe('never');
    expect(() => signatureLifetime('later')).toThrow(/invalid duration/);
  });

  it("checks the unsigned request against the API's schema before sending it", () => {
    expect(unsignedScriptRequest('echo hi\n', { name: 'Hi', shell: 'bash', tenant: 'acme', arg: ['a'] }, false)).toEqual({ name: 'Hi', shell: 'bash', body: 'echo hi\n', args: ['a'], tenant: 'acme' });
    expect(() => unsignedScriptRequest('', { name: 'Empty', shell: 'bash' }, false)).toThrow(expect.objectContaining({ exitCode: EXIT_USAGE, message: expect.stringMatching(/^body:/) }));
    expect(() => unsignedScriptRequest('x', { name: 'Env', shell: 'sh', env: { 'BAD-NAME': '1' } }, false)).toThrow(/env.BAD-NAME/);
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
