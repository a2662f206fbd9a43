/** Null: every tenant. Otherwise the MSP-wide rows (tenant_id NULL) and those of the tenants given. */
export function visibleWhere(tenants: readonly string[] | null): { sql: string; params: string[] } {
  if (tenants === null) return { sql: '', params: [] };
  return { sql: ` WHERE tenant_id IS NULL OR tenant_id IN (${tenants.map(() => '?').join(', ') || 'NULL'})`, params: [...tenants] };
}
