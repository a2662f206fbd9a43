import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from './crc32.js';

describe('crc32', () => {
  it('gives the standard check value', () => {
    // "123456789" → 0xCBF43926 is the published check value of CRC-32/ISO-HDLC.
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Portable(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('continues across chunks and agrees with zlib where zlib has it', () => {
    const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) & 0xff));
    const whole = crc32Portable(data);
    expect(crc32Portable(data.subarray(1000), crc32Portable(data.subarray(0, 1000)))).toBe(whole);
    expect(crc32(data)).toBe(whole);
    const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    if (native) expect(native(data)).toBe(whole);
  });
});
