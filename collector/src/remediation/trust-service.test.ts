import { generateSigningKeyPair, signDocument, type TrustDocument } from '@vigil/shared';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '../gateway/connection-registry.js';
import { connectFakeAgent } from '../testing/fake-agents.js';
import { openTempStore } from '../testing/temp-store.js';
import { TrustService } from './trust-service.js';

describe('TrustService', () => {
  let temp: ReturnType<typeof openTempStore>;
  let registry: ConnectionRegistry;
  let trust: TrustService;
  const alice = generateSigningKeyPair();
  const bob = generateSigningKeyPair();
  const doc = (version: number, keys = [alice], tenant = 'acme'): TrustDocument => ({
    kind: 'vigil.trust', tenant, version, issuedAt: 1, keys: keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, name: 'k' })),
  });
  const signed = (document: TrustDocument, by = alice) => ({ document, signature: signDocument(document, by.privateKeyPem) });

  beforeEach(() => {
    temp = openTempStore();
    registry = new ConnectionRegistry();
    trust = new TrustService(temp.store, registry, pino({ level: 'silent' }));
  });
  afterEach(() => temp.cleanup());

  it('stores a version only when the current one vouches for it, and sends it to the tenant\'s connected agents', () => {
    const acme = connectFakeAgent(registry, 'agt_a', 'acme');
    const globex = connectFakeAgent(registry, 'agt_g', 'globex');
    trust.update('acme', signed(doc(1)), 'ann', 10);
    expect(acme.received).toEqual([{ type: 'trust.update', trust: signed(doc(1)) }]);
    expect(globex.received).toEqual([]);
    expect(() => trust.update('acme', signed(doc(2, [bob]), bob), 'ann', 11)).toThrow(expect.objectContaining({ statusCode: 400, code: 'invalid_trust' }));
    expect(() => trust.update('acme', signed(doc(2, [alice], 'globex')), 'ann', 11)).toThrow(/document.tenant/);
    trust.update('acme', signed(doc(2, [alice, bob])), 'ann', 12);
    expect(trust.current('acme')).toMatchObject({ document: { version: 2 }, createdBy: 'ann', createdAt: 12 });
    expect(temp.store.trust.current('acme')?.document.version).toBe(2);
  });

  it('keeps the cache as it was when the transaction storing a version rolls back', () => {
    trust.update('acme', signed(doc(1)), 'ann', 10);
    expect(() => temp.store.transaction(() => {
      trust.update('acme', signed(doc(2)), 'ann', 11);
      throw new Error('audit failed');
    })).toThrow('audit failed');
    expect(trust.current('acme')?.document.version).toBe(1);
  });

  it('offers the current version to an agent that pins an older one, and nothing otherwise', () => {
    trust.update('acme', signed(doc(1)), 'ann', 10);
    trust.update('acme', signed(doc(2)), 'ann', 11);
    const behind = connectFakeAgent(registry, 'agt_1', 'acme');
    const current = connectFakeAgent(registry, 'agt_2', 'acme');
    const elsewhere = connectFakeAgent(registry, 'agt_3', 'globex');
    trust.offer(behind.connection, 1);
    trust.offer(current.connection, 2);
    trust.offer(elsewhere.connection, 0);
    expect(behind.received.map((m) => m.type === 'trust.update' && m.trust.document.version)).toEqual([2]);
    expect(current.received).toEqual([]);
    expect(elsewhere.received).toEqual([]);
  });
});
