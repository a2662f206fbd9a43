import { ROLE_PERMISSIONS, type Permission, type Role } from '@vigil/shared';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../auth/caller.js';
import { ApiError } from './api-error.js';
import { authorize, stringField, type RouteAuth } from './authorize.js';

function caller(role: Role, tenants: Caller['tenants'], scopes?: Permission[]): Caller {
  const granted = ROLE_PERMISSIONS[role].filter((p) => !scopes || scopes.includes(p));
  return { tokenId: 'tok', tokenKind: 'api', userId: 'usr_me', name: 'me', role, tenants, permissions: new Set(granted), expiresAt: null };
}
const request = {} as FastifyRequest;

function outcome(c: Caller, auth: RouteAuth): number {
  try {
    authorize(c, auth, request);
    return 200;
  } catch (err) {
    return (err as ApiError).statusCode;
  }
}

describe('authorize', () => {
  const acmeTech = caller('technician', ['acme']);
  const owner = caller('owner', 'all');

  it('refuses a permission the role lacks with 403, before looking at the object', () => {
    expect(outcome(acmeTech, { permission: 'rules:write', target: () => { throw new Error('not reached'); } })).toBe(403);
    expect(outcome(acmeTech, { permission: 'alerts:act' })).toBe(200);
  });

  it('refuses what a token scope leaves out, whatever the role', () => {
    expect(outcome(caller('admin', ['acme'], ['alerts:read']), { permission: 'alerts:act' })).toBe(403);
  });

  it('answers 404 for another tenant\'s object and lets its own through', () => {
    const target = (tenant: string) => () => ({ label: 'agent agt_1', tenants: [tenant] });
    expect(outcome(acmeTech, { permission: 'agents:read', target: target('globex') })).toBe(404);
    expect(outcome(acmeTech, { permission: 'agents:read', target: target('acme') })).toBe(200);
    expect(outcome(owner, { permission: 'agents:read', target: target('globex') })).toBe(200);
  });

  it('lets everyone read an MSP-wide object and only all-tenant callers change it', () => {
    const global = () => ({ label: 'rule rul_1', tenants: null });
    expect(outcome(caller('admin', ['acme']), { permission: 'rules:read', target: global })).toBe(200);
    expect(outcome(caller('admin', ['acme']), { permission: 'rules:write', target: global })).toBe(403);
    expect(outcome(owner, { permission: 'rules:write', target: global })).toBe(200);
  });

  it('needs every tenant of a multi-tenant object, and all of them for "*"', () => {
    const both = () => ({ label: 'job job_1', tenants: ['acme', 'globex'] });
    expect(outcome(acmeTech, { permission: 'jobs:read', target: both })).toBe(404);
    expect(outcome(caller('viewer', ['acme', 'globex']), { permission: 'jobs:read', target: both })).toBe(200);
    expect(outcome(caller('admin', ['acme']), { permission: 'users:read', target: () => ({ label: 'user usr_o', tenants: ['*'] }) })).toBe(404);
  });

  it('checks the tenants a request names: foreign ones 404, MSP-wide (null) 403 for single-tenant callers', () => {
    const admin = caller('admin', ['acme']);
    expect(outcome(admin, { permission: 'rules:write', tenants: () => ['acme'] })).toBe(200);
    expect(outcome(admin, { permission: 'rules:write', tenants: () => ['globex'] })).toBe(404);
    expect(outcome(admin, { permission: 'rules:write', tenants: () => [null] })).toBe(403);
    expect(outcome(owner, { permission: 'rules:write', tenants: () => [null, 'globex'] })).toBe(200);
  });

  it('lets users manage their own tokens, and others\' only with users:* over their tenants', () => {
    const mine = () => ({ label: 'token tok_1', tenants: ['acme'], ownerUserId: 'usr_me' });
    const theirs = () => ({ label: 'token tok_2', tenants: ['acme'], ownerUserId: 'usr_other' });
    expect(outcome(caller('viewer', ['acme']), { permission: 'tokens:write', target: mine })).toBe(200);
    expect(outcome(caller('viewer', ['acme']), { permission: 'tokens:write', target: theirs })).toBe(404);
    expect(outcome(caller('admin', ['acme']), { permission: 'tokens:write', target: theirs })).toBe(200);
    expect(outcome(caller('admin', ['globex']), { permission: 'tokens:write', target: theirs })).toBe(404);
  });

  it('reads string fields of unvalidated input without trusting its shape', () => {
    expect(stringField({ scope: { tenant: 'acme' } }, 'scope', 'tenant')).toBe('acme');
    expect(stringField({ scope: { tenant: 7 } }, 'scope', 'tenant')).toBeUndefined();
    expect(stringField(JSON.parse('{"__proto__":{"tenant":"x"}}'), 'tenant')).toBeUndefined();
    expect(stringField(null, 'tenant')).toBeUndefined();
  });
});
