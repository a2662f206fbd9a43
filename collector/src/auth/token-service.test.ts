import { ROLE_PERMISSIONS, type Permission, type Role } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import type { Caller } from './caller.js';
import { childTokenLifetime, grantableScopes, tokenLifetime } from './token-service.js';

const caller = (role: Role, permissions: readonly Permission[] = ROLE_PERMISSIONS[role]): Caller => ({
  tokenId: 'tok_1', tokenKind: 'session', userId: 'usr_1', name: 'tina', role, tenants: ['acme'], permissions: new Set(permissions), expiresAt: null,
});

describe('scopes of a new token', () => {
  it('grants * or any of the permissions the caller has', () => {
    expect(grantableScopes(caller('technician'), ['*'])).toEqual(['*']);
    expect(grantableScopes(caller('technician'), ['alerts:read', 'alerts:act', 'alerts:read'])).toEqual(['alerts:read', 'alerts:act']);
  });

  it('refuses permissions beyond the role, naming them', () => {
    expect(() => grantableScopes(caller('technician'), ['alerts:read', 'rules:write', 'audit:read'])).toThrow(/scopes rules:write, audit:read exceed/);
  });

  it('lets a narrowed token mint only within its own scopes, never *', () => {
    const narrowed = caller('admin', ['tokens:write', 'alerts:read']);
    expect(grantableScopes(narrowed, ['alerts:read'])).toEqual(['alerts:read']);
    expect(() => grantableScopes(narrowed, ['*'])).toThrow(/scope \* would exceed/);
    expect(() => grantableScopes(narrowed, ['rules:write'])).toThrow(/403|exceed/);
  });
});

describe('token lifetime', () => {
  it('takes durations up to a year', () => {
    expect(tokenLifetime('90d')).toBe(90 * 86_400_000);
    expect(tokenLifetime('1s')).toBe(1000);
    expect(tokenLifetime('365d')).toBe(365 * 86_400_000);
  });

  it('refuses longer, shorter and malformed ones as a 400 naming expiresIn', () => {
    for (const bad of ['366d', '53w', '0s', '500ms', 'forever', '']) {
      expect(() => tokenLifetime(bad)).toThrow(expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/^invalid body: expiresIn: /) }));
    }
  });
});

describe('lifetime of a token minted by another', () => {
  it('ends no later than an API token that mints it, while a login session mints tokens that outlive it', () => {
    const api = { ...caller('admin'), tokenKind: 'api' as const, expiresAt: 10_000 };
    expect(childTokenLifetime(api, 90 * 86_400_000, 4_000)).toBe(6_000);
    expect(childTokenLifetime(api, 1_000, 4_000)).toBe(1_000);
    const session = { ...caller('admin'), expiresAt: 10_000 };
    expect(childTokenLifetime(session, 90 * 86_400_000, 4_000)).toBe(90 * 86_400_000);
  });
});
