import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slaPolicyRoutes } from '../api/sla-policy.js';
import type { AppContext } from '../app-context.js';
import { AuditLog } from '../audit/audit-log.js';
import { installErrorHandling } from '../http/error-handler.js';
// The route logs who called; the request's `caller` is declared beside the authentication.
import type {} from '../http/authenticate.js';
import { openTempStore } from '../testing/temp-store.js';
import { SlaPolicies } from './sla-policies.js';

const NOW = Date.UTC(2025, 0, 6, 9, 0, 0);

describe('GET|PUT /api/v1/tenants/:id/sla-policy', () => {
  let temp: ReturnType<typeof openTempStore>;
  let app: FastifyInstance;

  beforeEach(async () => {
    temp = openTempStore();
    temp.store.tenants.createTenant('acme', 'Acme', 1);
    const ctx = {
      store: temp.store, slaPolicies: new SlaPolicies(temp.store), audit: new AuditLog(temp.store, () => NOW), log: pino({ level: 'silent' }), now: () => NOW,
    } as unknown as AppContext;
    app = Fastify();
    installErrorHandling(app);
    await app.register(async (scoped) => slaPolicyRoutes(scoped, ctx));
  });
  afterEach(async () => {
    await app.close();
    temp.cleanup();
  });

  const put = (tenant: string, payload: unknown) => app.inject({ method: 'PUT', url: `/api/v1/tenants/${tenant}/sla-policy`, payload: payload as object });

  it('serves the defaults to a tenant that set nothing', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/tenants/acme/sla-policy' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      tenantId: 'acme', overrides: {}, updatedAt: null,
      policy: { priorities: { P1: { respond: '15m', resolve: '4h', escalateAfter: { L2: '2h', L3: '3h', L4: '4h' } }, P4: { respond: '4h', resolve: '72h' } }, escalateOnBreach: { respond: 2, resolve: 3 } },
    });
  });

  it('stores overrides and answers with the effective policy, which GET then serves', async () => {
    const res = await put('acme', { priorities: { P1: { respond: '10m', resolve: '2h' } }, escalateOnBreach: { resolve: 4 } });
    expect(res.statusCode).toBe(200);
    const expected = {
      tenantId: 'acme', updatedAt: NOW, overrides: { priorities: { P1: { respond: '10m', resolve: '2h' } }, escalateOnBreach: { resolve: 4 } },
      policy: { priorities: { P1: { respond: '10m', resolve: '2h', escalateAfter: { L2: '1h', L3: '1h30m', L4: '2h' } }, P2: { respond: '30m', resolve: '8h' } }, escalateOnBreach: { respond: 2, resolve: 4 } },
    };
    expect(res.json()).toMatchObject(expected);
    expect((await app.inject({ method: 'GET', url: '/api/v1/tenants/acme/sla-policy' })).json()).toMatchObject(expected);
    // `{}` goes back to the defaults.
    expect((await put('acme', {})).json()).toMatchObject({ overrides: {}, policy: { priorities: { P1: { respond: '15m' } } } });
  });

  it('answers 400 naming the field, and keeps the previous policy', async () => {
    await put('acme', { priorities: { P2: { respond: '20m' } } });
    const cases: Array<[unknown, RegExp]> = [
      [{ priorities: { P1: { respond: 'soon' } } }, /^invalid body: priorities\.P1\.respond: invalid duration "soon"/],
      [{ priorities: { P3: { respond: '25h' } } }, /^invalid body: priorities\.P3\.respond: must not exceed the resolution target \(24h\)$/],
      [{ priorities: { P1: { escalateAfter: { L4: '1h' } } } }, /^invalid body: priorities\.P1\.escalateAfter\.L4: must not come before L3 \(3h\)$/],
      [{ escalation: {} }, /^invalid body: \(root\): Unrecognized key/],
    ];
    for (const [body, message] of cases) {
      const res = await put('acme', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_body');
      expect(res.json().error.message).toMatch(message);
    }
    expect((await app.inject({ method: 'GET', url: '/api/v1/tenants/acme/sla-policy' })).json().overrides).toEqual({ priorities: { P2: { respond: '20m' } } });
  });

  it('answers 404 for a tenant that does not exist', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/tenants/nobody/sla-policy' })).statusCode).toBe(404);
    const res = await put('nobody', {});
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe('tenant nobody does not exist');
  });
});
