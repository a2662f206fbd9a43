import { AgentMessageSchema, CloseCode, describeZodError, type AgentMessage } from '@vigil/shared';

const KNOWN_TYPES = new Set(['hello', 'frame', 'job.started', 'job.result', 'heartbeat']);

export type ParseResult = { ok: true; message: AgentMessage } | { ok: false; code: number; reason: string };

/** Decodes and validates one agent message; a refusal names the problem for the close reason. */
export function parseAgentMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): ParseResult {
  if (isBinary) return { ok: false, code: CloseCode.badMessage, reason: 'binary messages are not supported; send JSON text' };
  const text = Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: CloseCode.badMessage, reason: `malformed JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: CloseCode.badMessage, reason: 'a message must be a JSON object with a "type"' };
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
    return { ok: false, code: CloseCode.badMessage, reason: `unknown message type ${JSON.stringify(type ?? null).slice(0, 40)}` };
  }
  const parsed = AgentMessageSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: CloseCode.badMessage, reason: `invalid ${type}: ${describeZodError(parsed.error)}` };
  return { ok: true, message: parsed.data };
}
