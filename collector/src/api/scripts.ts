import {
  SignedScriptInputSchema, UnsignedScriptInputSchema,
  type ScriptDetail, type ScriptManifest, type Signature,
} from '@vigil/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { visibleTenants } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import { callerName } from '../http/authenticate.js';
import { parseOr400 } from '../http/validate.js';
import { checkScriptSignature } from '../remediation/script-signature-check.js';
import { newId } from '../store/ids.js';
import { owningTenant, scriptOwnership } from './ownership.js';

const IdParams = z.object({ id: z.string().min(1) });
const VersionParams = z.object({ id: z.string().min(1), version: z.coerce.number().int().min(1) });

/** A script without a tenant belongs to the MSP-wide library, which only all-tenant callers add to. */
const bodyTenant = (request: FastifyRequest) => owningTenant(request.body, 'tenant');

interface ParsedUpload {
  manifest: ScriptManifest;
  signature: Signature | null;
  /** The body's `tenant`; undefined when it names none. */
  tenant: string | undefined;
  /** Undefined when the body did not say (a new version then keeps the script's setting). */
  requiresApproval: boolean | undefined;
}

/**
 * Either shape of upload: a signed manifest (`manifest` present), or the older unsigned fields,
 * stored as an unsigned manifest that agents run only in development mode. Chosen by shape first,
 * so a mistake is answered with the fields of the shape meant, not a union's "invalid input".
 */
function parseUpload(body: unknown, nextVersion: number, scriptTenant: string | null): ParsedUpload {
  const said = typeof body === 'object' && body !== null && Object.hasOwn(body, 'requiresApproval');
  if (typeof body === 'object' && body !== null && Object.hasOwn(body, 'manifest')) {
    const input = parseOr400(SignedScriptInputSchema, body);
    return { manifest: input.manifest, signature: input.signature, tenant: input.tenant, requiresApproval: said ? input.requiresApproval : undefined };
  }
  const { tenant, requiresApproval, ...fields } = parseOr400(UnsignedScriptInputSchema, body);
  const manifest: ScriptManifest = {
    kind: 'vigil.script', version: nextVersion, params: [], runAs: null, tenant: tenant ?? scriptTenant, expiresAt: null, ...fields,
  };
  return { manifest, signature: null, tenant, requiresApproval: said ? requiresApproval : undefined };
}

export async function scriptRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  /** Upload checks both routes share: the manifest's tenant, and the courtesy signature check. */
  const checkUpload = (upload: ParsedUpload, tenantId: string | null): string | null => {
    if (upload.manifest.tenant !== null && upload.manifest.tenant !== tenantId) {
      throw new ApiError(400, 'invalid_body', `invalid body: manifest.tenant: the manifest is signed for tenant ${upload.manifest.tenant}, but the script is ${tenantId === null ? 'MSP-wide' : `tenant ${tenantId}'s`}`);
    }
    const check = checkScriptSignature(upload.manifest, upload.signature, tenantId, ctx.trust.documentsFor(tenantId));
    if (!check.ok) throw new ApiError(400, check.code, check.reason);
    return check.signer;
  };

  app.get('/api/v1/scripts', { config: { auth: { permission: 'scripts:read' } } }, async (request) => ({
    scripts: ctx.store.scripts.list(visibleTenants(request.caller!)),
  }));

  app.get('/api/v1/scripts/:id', { config: { auth: { permission: 'scripts:read', target: scriptOwnership(ctx) } } }, async (request) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const script = ctx.store.scripts.get(id);
    if (!script) throw ApiError.notFound('script', id);
    return { ...script, versions: ctx.store.scripts.versions(id) } satisfies ScriptDetail;
  });

  app.get('/api/v1/scripts/:id/versions/:version', { config: { auth: { permission: 'scripts:read', target: scriptOwnership(ctx) } } }, async (request) => {
    const { id, version } = parseOr400(VersionParams, request.params, 'params');
    const script = ctx.store.scripts.getVersion(id, version);
    if (!script) throw ApiError.notFound('script version', `${id}@${version}`);
    return script;
  });

  app.post('/api/v1/scripts', { config: { auth: { permission: 'scripts:write', tenants: bodyTenant } } }, async (request, reply) => {
    const upload = parseUpload(request.body, 1, null);
    const tenantId = upload.tenant ?? null;
    const signer = checkUpload(upload, tenantId);
    const script = ctx.store.transaction(() => {
      const created = ctx.store.scripts.insert({
        id: newId('scr'), tenantId, requiresApproval: upload.requiresApproval ?? false,
        manifest: upload.manifest, signature: upload.signature, createdBy: callerName(request), createdAt: ctx.now(),
      });
      ctx.audit.record(request, {
        action: 'script.created', tenantId: created.tenantId, target: { type: 'script', id: created.id },
        // The digest says which code it was without copying credentials a script may carry into the log.
        after: { name: created.name, version: created.version, digest: created.digest, signer, requiresApproval: created.requiresApproval },
      });
      return created;
    });
    request.log.info({ scriptId: script.id, version: script.version, signer, tenant: script.tenantId, by: request.caller?.name }, 'script added');
    return reply.status(201).send(script);
  });

  app.post('/api/v1/scripts/:id/versions', { config: { auth: { permission: 'scripts:write', target: scriptOwnership(ctx) } } }, async (request, reply) => {
    const { id } = parseOr400(IdParams, request.params, 'params');
    const current = ctx.store.scripts.get(id);
    if (!current) throw ApiError.notFound('script', id);
    const upload = parseUpload(request.body, current.version + 1, current.tenantId);
    if (upload.tenant !== undefined && upload.tenant !== current.tenantId) {
      throw new ApiError(400, 'invalid_body', `invalid body: tenant: script ${id} is ${current.tenantId === null ? 'MSP-wide' : `tenant ${current.tenantId}'s`}; a version cannot move it`);
    }
    if (upload.manifest.name !== current.name) {
      throw new ApiError(400, 'invalid_body', `invalid body: manifest.name: a new version keeps the script's name "${current.name}"`);
    }
    const signer = checkUpload(upload, current.tenantId);
    const script = ctx.store.transaction(() => {
      const added = ctx.store.scripts.addVersion(id, {
        manifest: upload.manifest, signature: upload.signature, createdBy: callerName(request), createdAt: ctx.now(),
      }, upload.requiresApproval);
      if (added === undefined) throw ApiError.notFound('script', id);
      if (added === 'not_newer') {
        throw new ApiError(409, 'conflict', `manifest.version: version ${upload.manifest.version} is not higher than the latest, ${ctx.store.scripts.get(id)?.version}`);
      }
      ctx.audit.record(request, {
        action: 'script.version_added', tenantId: added.tenantId, target: { type: 'script', id },
        before: { version: current.version, digest: current.digest },
        after: { name: added.name, version: added.version, digest: added.digest, signer, requiresApproval: added.requiresApproval },
      });
      return added;
    });
    request.log.info({ scriptId: id, version: script.version, signer, by: request.caller?.name }, 'script version added');
    return reply.status(201).send(script);
  });
}
