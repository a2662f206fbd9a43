import { checkTrustUpdate, type SignedTrust, type StoredTrust, type TrustDocument } from '@vigil/shared';
import type { Logger } from 'pino';
import type { AgentConnection } from '../gateway/agent-connection.js';
import type { ConnectionRegistry } from '../gateway/connection-registry.js';
import { ApiError } from '../http/api-error.js';
import type { Store } from '../store/index.js';

/**
 * Tenants' trust documents: which keys their agents accept script signatures from. The
 * collector only relays them: a new version is accepted if a key of the current one signed it
 * (what agents check again before pinning it), then sent to the tenant's connected agents, and
 * to any other agent of the tenant when it says, connecting, that it pins an older version.
 */
export class TrustService {
  /** The current document per tenant (null: none), read once: agents ask on every connection. */
  private readonly cache = new Map<string, StoredTrust | null>();

  constructor(
    private readonly store: Store,
    private readonly registry: ConnectionRegistry,
    private readonly log: Logger,
  ) {}

  current(tenantId: string): StoredTrust | undefined {
    let found = this.cache.get(tenantId);
    if (found === undefined) {
      found = this.store.trust.current(tenantId) ?? null;
      this.cache.set(tenantId, found);
    }
    return found ?? undefined;
  }

  /** The documents a signature of a script of this tenant may come from; an MSP-wide script's: any tenant's. */
  documentsFor(tenantId: string | null): TrustDocument[] {
    if (tenantId !== null) {
      const current = this.current(tenantId);
      return current ? [current.document] : [];
    }
    return this.store.trust.allCurrent().map((t) => t.document);
  }

  /**
   * Stores `next` as the tenant's current document if it may replace the current one; inside the
   * caller's transaction when there is one (`onStored` records the audit entry). Pushed to the
   * tenant's connected agents after the commit.
   */
  update(tenantId: string, next: SignedTrust, createdBy: string, now: number, onStored?: (stored: StoredTrust, previous: StoredTrust | undefined) => void): StoredTrust {
    if (next.document.tenant !== tenantId) {
      throw new ApiError(400, 'invalid_body', `invalid body: document.tenant: the document is for tenant ${next.document.tenant}, not ${tenantId}`);
    }
    return this.store.transaction(() => {
      const previous = this.store.trust.current(tenantId);
      const check = checkTrustUpdate(previous?.document ?? null, next);
      if (!check.ok) throw new ApiError(400, 'invalid_trust', check.reason);
      const stored: StoredTrust = { ...next, createdBy, createdAt: now };
      this.store.trust.insert(stored);
      onStored?.(stored, previous);
      this.store.onRollback(() => this.cache.delete(tenantId));
      this.store.afterCommit(() => {
        this.cache.set(tenantId, stored);
        this.push(tenantId, stored);
      });
      return stored;
    });
  }

  /** After welcome: an agent that pins an older version (or none) gets the current one. */
  offer(connection: AgentConnection, pinnedVersion: number): void {
    const current = this.current(connection.agent.tenantId);
    if (current && current.document.version > pinnedVersion) {
      connection.send({ type: 'trust.update', trust: { document: current.document, signature: current.signature } });
    }
  }

  private push(tenantId: string, stored: StoredTrust): void {
    let sent = 0;
    for (const connection of this.registry.all()) {
      if (connection.agent.tenantId !== tenantId) continue;
      if (connection.send({ type: 'trust.update', trust: { document: stored.document, signature: stored.signature } })) sent += 1;
    }
    this.log.info({ tenant: tenantId, version: stored.document.version, agents: sent }, 'trust document sent to connected agents');
  }
}
