import type { Script, ScriptManifest, Signature } from '@vigil/shared';
import type { Store } from '../store/index.js';

/** An unsigned manifest (what the older API shape stores), with what a test cares about overridden. */
export function unsignedManifest(overrides: Partial<ScriptManifest> = {}): ScriptManifest {
  return {
    kind: 'vigil.script', name: 'script', version: 1, shell: 'sh', body: 'true', args: [], params: [], env: {}, timeoutSec: 10,
    os: ['linux'], runAs: null, tenant: null, expiresAt: null, ...overrides,
  };
}

/** Adds a script to the library for store and service tests. */
export function seedScript(
  store: Store,
  id: string,
  options: { tenantId?: string | null; requiresApproval?: boolean; manifest?: Partial<ScriptManifest>; signature?: Signature | null; createdAt?: number } = {},
): Script {
  return store.scripts.insert({
    id, tenantId: options.tenantId ?? null, requiresApproval: options.requiresApproval ?? false,
    manifest: unsignedManifest({ name: id, ...options.manifest }), signature: options.signature ?? null,
    createdBy: 'test', createdAt: options.createdAt ?? 1,
  });
}
