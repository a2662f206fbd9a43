/**
 * Revocation takes effect at once: a revoked agent's live connection closes with 4403, the real
 * agent process stops (exit 3) instead of hammering the collector, and the identity is refused
 * from then on. A revoked enrollment token enrolls nobody.
 */
import { CloseCode, PROTOCOL_VERSION, signChallenge } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAgent, runAgent } from '../helpers/agent.js';
import type { Child } from '../helpers/child.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { connectAuthenticated, connectRaw, enrollRaw } from '../helpers/raw-agent.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

describe('revoking agents and enrollment tokens', () => {
  const tmp = makeTempDir('revoke');
  let collector: TestCollector;
  let agent: Child;
  let agentId: string;

  beforeAll(async () => {
    collector = await startTestCollector(`${tmp.path}/data`);
    agentId = await enrollAgent(collector.url, await collector.enrollToken('acme', 'hq'), `${tmp.path}/agent`);
    agent = runAgent(`${tmp.path}/agent`, '1s');
    await waitFor('the agent online', async () => (await collector.api('GET', `/api/v1/agents/${agentId}`)).body.online);
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.stop();
    tmp.remove();
  });

  it('disconnects a revoked agent at once, stops the agent process, and refuses the identity afterwards', async () => {
    const exited = new Promise<number | null>((resolve) => agent.process.once('exit', (code) => resolve(code)));
    expect((await collector.api('DELETE', `/api/v1/agents/${agentId}`)).status).toBe(204);
    expect(await exited).toBe(3);
    expect(agent.output()).toMatch(/agent revoked/);
    const after = await collector.api('GET', `/api/v1/agents/${agentId}`);
    expect(after.body).toMatchObject({ online: false, revokedAt: expect.any(Number) });
    expect((await collector.api('DELETE', `/api/v1/agents/${agentId}`)).status).toBe(409);
    expect((await collector.api('DELETE', '/api/v1/agents/agt_nobody')).status).toBe(404);
  });

  it('closes a hand-driven connection with 4403 and refuses its next hello', async () => {
    const identity = await enrollRaw(collector.url, await collector.enrollToken('acme', 'hq'));
    const live = await connectAuthenticated(collector.wsUrl, identity);
    await collector.api('DELETE', `/api/v1/agents/${identity.agentId}`);
    expect(await live.closed).toEqual({ code: CloseCode.revoked, reason: 'agent revoked' });
    const again = await connectRaw(collector.wsUrl);
    const nonce = again.received[0].nonce as string;
    again.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, agentId: identity.agentId, agentVersion: 'x', nonce, signature: signChallenge(identity.keys.privateKeyPem, identity.agentId, nonce) });
    expect(await again.closed).toEqual({ code: CloseCode.revoked, reason: 'agent revoked' });
  });

  it('refuses enrollment with a revoked token', async () => {
    const created = await collector.api('POST', '/api/v1/enrollment-tokens', { tenant: 'acme', site: 'hq', maxUses: 5 });
    expect(created.status).toBe(201);
    expect((await collector.api('DELETE', `/api/v1/enrollment-tokens/${created.body.id}`)).status).toBe(204);
    await expect(enrollRaw(collector.url, created.body.token)).rejects.toThrow(/401.*enrollment token has been revoked/);
    expect((await collector.api('DELETE', `/api/v1/enrollment-tokens/${created.body.id}`)).status).toBe(404);
  });
});
