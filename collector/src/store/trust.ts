import type { Signature, StoredTrust, TrustDocument } from '@vigil/shared';
import type { Db } from './database.js';

interface RawTrust { tenant_id: string; version: number; document: string; signature: string; created_by: string; created_at: number }

function toStored(r: RawTrust): StoredTrust {
  return {
    document: JSON.parse(r.document) as TrustDocument,
    signature: JSON.parse(r.signature) as Signature,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** Tenants' trust documents (their script-signing keys), every version kept as signed. */
export class TrustStore {
  private readonly currentStmt;

  constructor(private readonly db: Db) {
    this.currentStmt = db.prepare('SELECT * FROM trust_documents WHERE tenant_id = ? ORDER BY version DESC LIMIT 1');
  }

  /** The tenant's newest document, if it has any. */
  current(tenantId: string): StoredTrust | undefined {
    const raw = this.currentStmt.get(tenantId) as RawTrust | undefined;
    return raw ? toStored(raw) : undefined;
  }

  /** Every tenant's newest document. */
  allCurrent(): StoredTrust[] {
    const rows = this.db
      .prepare(
        `SELECT t.* FROM trust_documents t
         WHERE t.version = (SELECT MAX(version) FROM trust_documents u WHERE u.tenant_id = t.tenant_id) ORDER BY t.tenant_id`,
      )
      .all() as RawTrust[];
    return rows.map(toStored);
  }

  insert(trust: StoredTrust): void {
    this.db
      .prepare('INSERT INTO trust_documents (tenant_id, version, document, signature, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(trust.document.tenant, trust.document.version, JSON.stringify(trust.document), JSON.stringify(trust.signature), trust.createdBy, trust.createdAt);
  }
}
