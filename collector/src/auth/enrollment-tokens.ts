import type { EnrollmentTokenInput } from '@vigil/shared';
import type { Store } from '../store/index.js';
import { newId } from '../store/ids.js';
import { hashSecret, newSecret } from './secrets.js';

export interface CreatedEnrollmentToken {
  id: string;
  token: string;
  tenantId: string;
  siteId: string;
  tags: string[];
  expiresAt: number;
  maxUses: number | null;
}

/**
 * Issues an enrollment token bound to a tenant and site. The tenant and site are created when
 * they do not exist yet, so a first client can be onboarded with one command.
 */
export function createEnrollmentToken(store: Store, input: EnrollmentTokenInput, now: number): CreatedEnrollmentToken {
  store.tenants.ensureTenantAndSite(input.tenant, input.site, now);
  const token = newSecret('vge');
  const row = {
    id: newId('enr'),
    tenantId: input.tenant,
    siteId: input.site,
    tags: input.tags,
    expiresAt: now + input.expiresInMs,
    maxUses: input.maxUses,
    createdAt: now,
  };
  store.tokens.insertEnrollmentToken({ ...row, tokenHash: hashSecret(token) });
  return { ...row, token };
}
