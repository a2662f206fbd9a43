import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/index.js';

export interface AuditAction {
  /** `noun.verb`: rule.created, alert.acknowledged, auth.login_failed, ... */
  action: string;
  tenantId?: string | null;
  target?: { type: string; id: string };
  before?: unknown;
  after?: unknown;
}

export interface AuditActor { type: 'user' | 'token' | 'agent' | 'system'; id: string | null; name: string; sourceIp: string | null }

/**
 * Appends to the audit log. Call it inside the transaction of the change it records, so that a
 * change and its entry commit (or fail) together.
 */
export class AuditLog {
  constructor(private readonly store: Store, private readonly now: () => number) {}

  /** An action of the request's caller, from the request's address. */
  record(request: FastifyRequest, entry: AuditAction): void {
    const caller = request.caller;
    this.recordAs({
      type: caller?.userId ? 'user' : caller ? 'token' : 'system',
      id: caller?.userId ?? caller?.tokenId ?? null,
      name: caller?.name ?? 'anonymous',
      sourceIp: request.ip,
    }, entry);
  }

  recordAs(actor: AuditActor, entry: AuditAction): void {
    this.store.audit.append({
      at: this.now(), actorType: actor.type, actorId: actor.id, actorName: actor.name, action: entry.action,
      tenantId: entry.tenantId ?? null, targetType: entry.target?.type ?? null, targetId: entry.target?.id ?? null,
      before: entry.before ?? null, after: entry.after ?? null, sourceIp: actor.sourceIp,
    });
  }
}
