import zlib from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial). zlib.crc32 arrived in Node 20.15, and Vigil
 * supports every Node 20, so a table-driven fallback stands in on older releases. A record
 * checksum only has to catch torn and garbled writes, not adversaries.
 */
const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The fallback, exported so a test can hold it to zlib's answer. */
export function crc32Portable(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** Continues `previous` (the CRC of the bytes before) over `bytes`. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  return native ? native(bytes, previous) : crc32Portable(bytes, previous);
}
