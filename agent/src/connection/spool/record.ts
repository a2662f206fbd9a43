import { crc32 } from './crc32.js';

/**
 * One spooled frame on disk:
 *
 *   u32 LE  payload length
 *   u32 LE  CRC-32 of the seq field and the payload
 *   f64 LE  seq (exact for every safe integer)
 *   payload the frame as UTF-8 JSON
 *
 * The seq lives in the header so renumbering rewrites 16 bytes per record, not the frame; a
 * reader takes the seq from here and ignores the one inside the JSON.
 */
export const RECORD_HEADER_BYTES = 16;

/** Far above the protocol's 1 MiB message limit; anything larger is garbage, not a frame. */
export const MAX_RECORD_PAYLOAD_BYTES = 16 * 1024 * 1024;

export function encodeRecord(seq: number, payload: Buffer): Buffer {
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeDoubleLE(seq, 8);
  payload.copy(record, RECORD_HEADER_BYTES);
  record.writeUInt32LE(checksum(record), 4);
  return record;
}

/** The same record under another seq (in place). */
export function reseqRecord(record: Buffer, seq: number): void {
  record.writeDoubleLE(seq, 8);
  record.writeUInt32LE(checksum(record), 4);
}

export type DecodedRecord = { ok: true; seq: number; length: number } | { ok: false; reason: string };

/**
 * Checks the record starting at `offset` of `bytes`. `length` is the whole record's size, header
 * included. A record cut short or failing its checksum is what a crash mid-append leaves behind.
 */
export function decodeRecordAt(bytes: Buffer, offset: number): DecodedRecord {
  const remaining = bytes.length - offset;
  if (remaining < RECORD_HEADER_BYTES) return { ok: false, reason: `${remaining} bytes left, less than a record header` };
  const payloadLength = bytes.readUInt32LE(offset);
  if (payloadLength > MAX_RECORD_PAYLOAD_BYTES) return { ok: false, reason: `record length ${payloadLength} is implausible` };
  const length = RECORD_HEADER_BYTES + payloadLength;
  if (length > remaining) return { ok: false, reason: `record of ${length} bytes cut off after ${remaining}` };
  const record = bytes.subarray(offset, offset + length);
  if (record.readUInt32LE(4) !== checksum(record)) return { ok: false, reason: 'record checksum mismatch' };
  const seq = record.readDoubleLE(8);
  if (!Number.isSafeInteger(seq) || seq < 1) return { ok: false, reason: `record seq ${seq} is not a positive integer` };
  return { ok: true, seq, length };
}

/** The payload of a record known to be whole (it was checked when the spool was opened). */
export function recordPayload(record: Buffer): Buffer {
  return record.subarray(RECORD_HEADER_BYTES);
}

function checksum(record: Buffer): number {
  return crc32(record.subarray(RECORD_HEADER_BYTES), crc32(record.subarray(8, RECORD_HEADER_BYTES)));
}
