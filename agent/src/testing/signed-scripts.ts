import {
  ScriptManifestSchema,
  generateSigningKeyPair,
  signDocument,
  type JobDispatchMessage,
  type ScriptManifest,
  type SignedScript,
  type SignedTrust,
  type SigningKeyPair,
  type TrustDocument,
} from '@vigil/shared';

/** Signing keys, trust documents and dispatches as an administrator and a collector would make them. */

export function trustDocument(tenant: string, keys: SigningKeyPair[], version = 1, names: string[] = []): TrustDocument {
  return {
    kind: 'vigil.trust',
    tenant,
    version,
    keys: keys.map((k, i) => ({ keyId: k.keyId, publicKey: k.publicKey, name: names[i] ?? `key ${i + 1}` })),
    issuedAt: 1_700_000_000_000 + version,
  };
}

export function signedTrust(document: TrustDocument, signer: SigningKeyPair): SignedTrust {
  return { document, signature: signDocument(document, signer.privateKeyPem) };
}

/** A tenant with one signing key and its self-signed version 1 trust document. */
export function testTenant(tenant = 'acme') {
  const key = generateSigningKeyPair();
  const trust = signedTrust(trustDocument(tenant, [key]), key);
  return { key, trust };
}

export function manifest(body: string, extra: Partial<ScriptManifest> = {}): ScriptManifest {
  return ScriptManifestSchema.parse({ kind: 'vigil.script', name: 'test script', version: 1, shell: 'sh', body, ...extra });
}

export function signScript(script: ScriptManifest, key: SigningKeyPair | null): SignedScript {
  return { manifest: script, signature: key ? signDocument(script, key.privateKeyPem) : null };
}

export function dispatchOf(runId: string, script: SignedScript, extra: Partial<JobDispatchMessage> = {}): JobDispatchMessage {
  return { type: 'job.dispatch', jobId: 'job_1', runId, agentId: 'agt_1', expiresAt: Date.now() + 60_000, script, params: {}, ...extra };
}
