import { describe, expect, it } from 'vitest';
import type { ApiTokenRow, UserRow } from '../store/index.js';
import { callerFor, canSeeTenant, visibleTenants } from './caller.js';

const token = (over: Partial<ApiTokenRow> = {}): ApiTokenRow => ({
  id: 'tok_1', name: 'laptop', kind: 'api', userId: 'usr_1', scopes: ['*'], role: 'viewer', createdAt: 0, expiresAt: null,
  lastUsedAt: null, revokedAt: null, ...over,
});
const user = (over: Partial<UserRow> = {}): UserRow => ({
  id: 'usr_1', username: 'tina', displayName: 'Tina', role: 'technician', tenants: ['acme'], totpEnabled: false, lockedUntil: null,
  createdAt: 0, disabledAt: null, passwordHash: 'x', totpSecret: null, totpLastStep: null, failedLogins: 0, updatedAt: 0, ...over,
});

describe('callerFor', () => {
  it('takes role and tenants from the user, not from the token row', () => {
    const caller = callerFor(token({ role: 'owner' }), user(), 10);
    expect(caller).toMatchObject({ role: 'technician', tenants: ['acme'], name: 'tina', userId: 'usr_1' });
    if ('refused' in caller) throw new Error('refused');
    expect(caller.permissions.has('alerts:act')).toBe(true);
    expect(caller.permissions.has('rules:write')).toBe(false);
  });

  it('narrows the role to the token scopes, never widens it', () => {
    const caller = callerFor(token({ scopes: ['alerts:read', 'rules:write'] }), user(), 10);
    if ('refused' in caller) throw new Error('refused');
    expect([...caller.permissions]).toEqual(['alerts:read']);
  });

  it('gives the user-less bootstrap token its owner role over every tenant', () => {
    const caller = callerFor(token({ userId: null, role: 'owner', name: 'admin' }), undefined, 10);
    if ('refused' in caller) throw new Error('refused');
    expect(caller.tenants).toBe('all');
    expect(caller.name).toBe('admin');
    expect(caller.permissions.has('tenants:create')).toBe(true);
    expect(visibleTenants(caller)).toBeNull();
  });

  it('refuses revoked and expired tokens and the tokens of disabled or vanished users, with the reason', () => {
    expect(callerFor(undefined, undefined, 10)).toEqual({ refused: 'invalid API token' });
    expect(callerFor(token({ revokedAt: 5 }), user(), 10)).toEqual({ refused: 'API token has been revoked' });
    expect(callerFor(token({ expiresAt: 10 }), user(), 10)).toEqual({ refused: 'API token has expired' });
    expect('refused' in callerFor(token({ expiresAt: 11 }), user(), 10)).toBe(false);
    expect(callerFor(token(), user({ disabledAt: 3 }), 10)).toEqual({ refused: 'the user of this API token is disabled' });
    expect(callerFor(token(), undefined, 10)).toEqual({ refused: 'the user of this API token is disabled' });
  });

  it('sees only its own tenants unless it is an owner', () => {
    const tech = callerFor(token(), user({ tenants: ['acme', 'globex'] }), 10);
    const owner = callerFor(token(), user({ role: 'owner', tenants: ['*'] }), 10);
    if ('refused' in tech || 'refused' in owner) throw new Error('refused');
    expect(canSeeTenant(tech, 'globex')).toBe(true);
    expect(canSeeTenant(tech, 'initech')).toBe(false);
    expect(visibleTenants(tech)).toEqual(['acme', 'globex']);
    expect(canSeeTenant(owner, 'initech')).toBe(true);
  });
});
