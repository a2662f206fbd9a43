import { generateSigningKeyPair, SignedScriptInputSchema, verifyDocument } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE } from './cli-error.js';
import { parseParamSpec } from './param-spec.js';
import { manifestFromFlags, manifestOnlyFlags, signedScriptRequest } from './script-manifest-flags.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

describe('the manifest built from scripts add flags', () => {
  it('is version 1 with every default filled in, so the signed bytes are what the collector and agents see', () => {
    expect(manifestFromFlags('echo hi\n', { name: 'Hi', shell: 'bash' }, NOW)).toEqual({
      kind: 'vigil.script', name: 'Hi', version: 1, shell: 'bash', body: 'echo hi\n', args: [], params: [], env: {}, timeoutSec: 60,
      os: ['linux', 'windows', 'darwin'], runAs: null, tenant: null, expiresAt: null,
    });
  });

  it('carries every flag', () => {
    const manifest = manifestFromFlags('x', {
      name: 'Clean', shell: 'sh', timeout: 120, os: ['linux'], tenant: 'acme', arg: ['-v'], env: { MODE: 'fast' },
      param: [parseParamSpec('path:string:required')], runAs: 'nobody', expires: 90 * DAY,
    }, NOW);
    expect(manifest).toMatchObject({
      version: 1, timeoutSec: 120, os: ['linux'], tenant: 'acme', args: ['-v'], env: { MODE: 'fast' },
      params: [{ name: 'path', type: 'string', required: true }], runAs: 'nobody', expiresAt: NOW + 90 * DAY,
    });
  });

  it('refuses what the schema refuses, as a usage error', () => {
    expect(() => manifestFromFlags('x', { name: 'Bad', shell: 'sh', runAs: 'not a user' }, NOW)).toThrow(expect.objectContaining({ exitCode: EXIT_USAGE, message: expect.stringMatching(/runAs/) }));
    expect(() => manifestFromFlags('x', { name: 'Bad', shell: 'sh', tenant: 'Not A Slug' }, NOW)).toThrow(/tenant/);
  });

  it('names the flags only a manifest can carry', () => {
    expect(manifestOnlyFlags({ name: 'a', shell: 'sh', arg: ['x'] })).toEqual([]);
    expect(manifestOnlyFlags({ param: [], runAs: 'x', expires: 'never' })).toEqual(['--param', '--run-as', '--expires']);
  });
});

describe('the next version built from scripts update flags', () => {
  const latest = manifestFromFlags('old body', {
    name: 'Clean', shell: 'sh', timeout: 30, os: ['linux'], tenant: 'acme', arg: ['a'], env: { A: '1' },
    param: [parseParamSpec('path:string')], runAs: 'nobody', expires: 10 * DAY,
  }, NOW);

  it('is the latest plus one, keeping what no flag changes', () => {
    expect(manifestFromFlags(undefined, {}, NOW + DAY, { ...latest, version: 4 })).toEqual({ ...latest, version: 5 });
  });

  it('takes the new body and replaces whole lists', () => {
    const next = manifestFromFlags('new body', { arg: ['b', 'c'], param: [parseParamSpec('count:integer')], timeout: 90 }, NOW, latest);
    expect(next).toMatchObject({ version: 2, body: 'new body', args: ['b', 'c'], params: [{ name: 'count' }], timeoutSec: 90, env: { A: '1' }, tenant: 'acme' });
  });

  it('sets or clears the expiry, and refuses to carry over one already past', () => {
    expect(manifestFromFlags(undefined, { expires: 'never' }, NOW, latest).expiresAt).toBeNull();
    expect(manifestFromFlags(undefined, { expires: DAY }, NOW + 20 * DAY, latest).expiresAt).toBe(NOW + 21 * DAY);
    expect(() => manifestFromFlags(undefined, {}, NOW + 20 * DAY, latest)).toThrow(/version 1's signature expired at .*give --expires/);
  });
});

describe('the signed request', () => {
  it('is signed over exactly the manifest sent, and is a valid API body', () => {
    const key = generateSigningKeyPair();
    const manifest = manifestFromFlags('echo hi\n', { name: 'Hi', shell: 'bash', param: [parseParamSpec('who:string=world')] }, NOW);
    const request = signedScriptRequest(manifest, key, { tenant: 'acme', requiresApproval: true });
    expect(request).toMatchObject({ tenant: 'acme', requiresApproval: true, signature: { keyId: key.keyId, alg: 'ed25519' } });
    expect(verifyDocument(request.manifest, request.signature!, key.publicKey)).toBe(true);
    // What the collector parses signs the same: no default was left for it to fill in.
    const parsed = SignedScriptInputSchema.parse(JSON.parse(JSON.stringify(request)));
    expect(verifyDocument(parsed.manifest, parsed.signature!, key.publicKey)).toBe(true);
  });

  it('carries no signature without a key, and no tenant for the shared library', () => {
    const manifest = manifestFromFlags('x', { name: 'X', shell: 'sh' }, NOW);
    expect(signedScriptRequest(manifest, null, { tenant: null, requiresApproval: false })).toEqual({ manifest, signature: null, requiresApproval: false });
  });
});
