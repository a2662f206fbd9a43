import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard, in node:crypto). The stored string carries its own
 * parameters and salt, `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`, so raising the cost later still
 * verifies every hash written before.
 */
const COST = { log2N: 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** scrypt needs 128·N·r bytes (32 MiB at the current cost); node's default cap of 32 MiB is just short. */
const MIN_MAXMEM = 64 * 1024 * 1024;
/** Parameters beyond these are not ours: a corrupted or hostile row must not pin the CPU or memory. */
const LIMITS = { log2N: 20, r: 32, p: 16 } as const;

interface Parsed { log2N: number; r: number; p: number; salt: Buffer; hash: Buffer }

function derive(password: string, salt: Buffer, cost: { log2N: number; r: number; p: number }, keyBytes: number): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: Math.max(MIN_MAXMEM, 256 * N * cost.r) };
  return new Promise((resolve, reject) => {
    // The same password typed on another system may arrive in another Unicode form (NIST SP 800-63B).
    scrypt(password.normalize('NFKC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function parse(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [log2N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,3}$/.test(s!) ? Number(s) : NaN)) as [number, number, number];
  if (!(log2N >= 1 && log2N <= LIMITS.log2N && r >= 1 && r <= LIMITS.r && p >= 1 && p <= LIMITS.p)) return null;
  const salt = Buffer.from(parts[4]!, 'base64');
  const hash = Buffer.from(parts[5]!, 'base64');
  if (salt.length === 0 || hash.length < 16) return null;
  return { log2N, r, p, salt, hash };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, COST, KEY_BYTES);
  return ['scrypt', COST.log2N, COST.r, COST.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** False for a wrong password and for a stored value that is not a hash of ours. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

let dummyHash: Promise<string> | undefined;

/**
 * Costs what verifying a real password costs, for a username that does not exist: otherwise the
 * speed of the answer would tell who has an account.
 */
export async function dummyVerify(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64'));
  await verifyPassword(password, await dummyHash);
}
