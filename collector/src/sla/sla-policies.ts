import { SlaPolicyInputSchema, SlaPolicySchema, describeZodError, type SlaPolicy, type SlaPolicyInput, type TenantSlaPolicy } from '@vigil/shared';
import { ApiError } from '../http/api-error.js';
import { fieldErrors } from '../http/validate.js';
import type { Store } from '../store/index.js';
import { DEFAULT_COMPILED_SLA_POLICY, compileSlaPolicy, effectiveSlaPolicy, type CompiledSlaPolicy } from './policy.js';

/**
 * Tenants' SLA policies: the defaults merged with each tenant's overrides. The compiled form is
 * cached per tenant, since the clock asks for it for every alert it looks at.
 */
export class SlaPolicies {
  private readonly cache = new Map<string, CompiledSlaPolicy>();

  constructor(private readonly store: Store) {}

  /** What the tenant's alerts are measured against (the defaults for a tenant that set nothing). */
  compiled(tenantId: string): CompiledSlaPolicy {
    let policy = this.cache.get(tenantId);
    if (!policy) {
      const row = this.store.sla.getPolicy(tenantId);
      policy = row ? compileSlaPolicy(effectiveOf(row.overrides), row.updatedAt) : DEFAULT_COMPILED_SLA_POLICY;
      this.cache.set(tenantId, policy);
    }
    return policy;
  }

  describe(tenantId: string): TenantSlaPolicy {
    this.requireTenant(tenantId);
    const row = this.store.sla.getPolicy(tenantId);
    const overrides = row?.overrides ?? {};
    return { tenantId, policy: effectiveOf(overrides), overrides, updatedAt: row?.updatedAt ?? null };
  }

  /**
   * Replaces the tenant's overrides. The merged policy must hold together (a 400 names the field
   * that does not). The tenant's unresolved alerts keep their deadlines, which were set when their
   * clocks started, but follow the new escalation steps from now on.
   */
  save(tenantId: string, overrides: SlaPolicyInput, now: number): TenantSlaPolicy {
    this.requireTenant(tenantId);
    const effective = SlaPolicySchema.safeParse(effectiveSlaPolicy(overrides));
    if (!effective.success) throw new ApiError(400, 'invalid_body', `invalid body: ${describeZodError(effective.error)}`, fieldErrors(effective.error));
    try {
      this.store.transaction(() => {
        this.store.sla.savePolicy(tenantId, overrides, now);
        this.store.sla.clocks.rescheduleTenant(tenantId);
      });
    } finally {
      this.cache.delete(tenantId);
    }
    return this.describe(tenantId);
  }

  private requireTenant(tenantId: string): void {
    if (!this.store.tenants.getTenant(tenantId)) throw ApiError.notFound('tenant', tenantId);
  }
}

/**
 * The effective policy of stored overrides. A row that no longer validates (edited by hand) means
 * the defaults rather than stopping every clock of the tenant.
 */
function effectiveOf(overrides: unknown): SlaPolicy {
  const input = SlaPolicyInputSchema.safeParse(overrides);
  const effective = input.success ? SlaPolicySchema.safeParse(effectiveSlaPolicy(input.data)) : null;
  return effective?.success ? effective.data : effectiveSlaPolicy();
}
