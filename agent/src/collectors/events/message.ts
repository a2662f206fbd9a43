import { MAX_EVENT_MESSAGE_CHARS } from '@vigil/shared';

/** Messages are capped so a frame of 200 entries stays small; the cut is marked. */
export function clipMessage(text: string): string {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed.length <= MAX_EVENT_MESSAGE_CHARS ? trimmed : `${trimmed.slice(0, MAX_EVENT_MESSAGE_CHARS - 1)}…`;
}

/** Sources and ids are short fields in the shared schema; an odd one is cut rather than rejected. */
export function clipField(text: string | undefined, max: number): string | undefined {
  if (text === undefined || text === '') return undefined;
  return text.length <= max ? text : text.slice(0, max);
}
