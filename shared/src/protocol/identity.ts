import { generateKeyPairSync, createPrivateKey, createPublicKey, sign, verify, randomBytes, type KeyObject } from 'node:crypto';

/**
 * Agent identity: an Ed25519 key pair made at enrollment. Each connection proves it by signing a
 * fresh server nonce, so no long-lived bearer secret ever crosses the wire.
 */
export interface AgentKeyPair {
  /** SPKI DER, base64: what the collector stores. */
  publicKey: string;
  /** PKCS#8 PEM: stays in the agent's state directory (mode 0600). */
  privateKeyPem: string;
}

export function generateAgentKeyPair(): AgentKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function newNonce(): string {
  return randomBytes(24).toString('base64url');
}

function authPayload(agentId: string, nonce: string): Buffer {
  return Buffer.from(`vigil-agent-auth:v1:${agentId}:${nonce}`, 'utf8');
}

export function signChallenge(privateKey: KeyObject | string, agentId: string, nonce: string): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return sign(null, authPayload(agentId, nonce), key).toString('base64');
}

export function publicKeyFromBase64(spkiBase64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`expected an ed25519 key, got ${key.asymmetricKeyType}`);
  return key;
}

export function verifyChallenge(publicKey: KeyObject, agentId: string, nonce: string, signatureBase64: string): boolean {
  try {
    return verify(null, authPayload(agentId, nonce), publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
