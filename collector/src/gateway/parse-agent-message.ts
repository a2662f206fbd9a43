import { AgentMessageSchema, CloseCode, describeZodError, type AgentMessage } from '@vigil/shared';
import { findJsonHazard } from './json-hazards.js';

const KNOWN_TYPES = new Set(['hello', 'frame', 'job.started', 'job.result', 'job.output', 'heartbeat']);

export type ParseResult = { ok: true; message: AgentMessage } | { ok: false; code: number; reason: string };

/**
 * Decodes and validates one agent message; a refusal names the problem for the close reason.
 * Never throws: whatever the bytes, the answer is a message or a code and a reason.
 */
export function parseAgentMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): ParseResult {
  if (isBinary) return refuse('binary messages are not supported; send JSON text');
  const text = Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return refuse(`malformed JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('a message must be a JSON object with a "type"');
  // Before anything reads or copies a key: zod copies records key by key, which is where a
  // "__proto__" key would turn into a prototype.
  const hazard = findJsonHazard(raw);
  if (hazard) return refuse(hazard);
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
    return refuse(`unknown message type ${JSON.stringify(type ?? null).slice(0, 40)}`);
  }
  const parsed = AgentMessageSchema.safeParse(raw);
  if (!parsed.success) return refuse(`invalid ${type}: ${describeZodError(parsed.error)}`);
  return { ok: true, message: parsed.data };
}

function refuse(reason: string): ParseResult {
  return { ok: false, code: CloseCode.badMessage, reason };
}
