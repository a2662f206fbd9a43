import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dummyVerify, hashPassword, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  it('stores scrypt with its parameters and a random salt, and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
    expect(await hashPassword('correct horse battery staple')).not.toBe(stored);
  });

  it('verifies a hash written with other parameters, read from the stored string', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('an older password', salt, 32, { N: 2 ** 10, r: 4, p: 2 });
    const stored = `scrypt$10$4$2$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('an older password', stored)).toBe(true);
    expect(await verifyPassword('another password', stored)).toBe(false);
  });

  it('treats Unicode forms of the same password alike', async () => {
    const stored = await hashPassword('caf\u00e9 au lait please');
    expect(await verifyPassword('cafe\u0301 au lait please', stored)).toBe(true);
  });

  it('refuses stored values that are not its hashes, and parameters out of bounds, without throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$15$8$1$$', 'bcrypt$15$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', 'scrypt$40$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==', 'scrypt$x$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==']) {
      expect(await verifyPassword('anything at all', stored)).toBe(false);
    }
  });

  it('has a dummy verification for unknown users that does real work and never succeeds', async () => {
    await expect(dummyVerify('whatever they typed')).resolves.toBeUndefined();
    await expect(dummyVerify('whatever they typed')).resolves.toBeUndefined();
  });
});
