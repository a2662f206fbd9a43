import { describe, expect, it } from 'vitest';
import { canonicalFingerprint256 } from './fingerprint.js';

const CANONICAL = '59:A9:ED:C6:CF:BF:FE:F2:CC:B8:60:13:5E:D7:2F:8F:FC:9E:36:D1:31:2E:54:1B:54:0C:1C:80:DD:DB:FE:B7';

describe('canonicalFingerprint256', () => {
  it.each([
    ['already canonical', CANONICAL],
    ['lowercase with colons', CANONICAL.toLowerCase()],
    ['bare hex', CANONICAL.replaceAll(':', '')],
    ['bare lowercase hex', CANONICAL.replaceAll(':', '').toLowerCase()],
    ['openssl output', `sha256 Fingerprint=${CANONICAL}`],
    ['a SHA256: prefix and surrounding blanks', `  SHA256:${CANONICAL.replaceAll(':', '')}\n`],
    ['spaces between pairs', CANONICAL.replaceAll(':', ' ')],
  ])('accepts %s', (_what, input) => {
    expect(canonicalFingerprint256(input)).toBe(CANONICAL);
  });

  it.each([
    ['too short', CANONICAL.slice(0, -3)],
    ['too long', `${CANONICAL}:00`],
    ['not hex', CANONICAL.replace('A9', 'G9')],
    ['a SHA-1 fingerprint', '94:77:1c:af:a6:98:b8:d6:2b:fa:d4:fc:71:f1:32:16:06:47:c2:01'],
    ['empty', ''],
  ])('refuses %s', (_what, input) => {
    expect(canonicalFingerprint256(input)).toBeUndefined();
  });
});
