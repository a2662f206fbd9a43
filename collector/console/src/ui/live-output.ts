import type { JobStreamMessage } from '@vigil/shared';

export type RunOutputMessage = Extract<JobStreamMessage, { type: 'run.output' }>;

/** One stream of a run as it arrived live: the text so far and its length in UTF-8 bytes (what offsets count). */
export interface LiveText {
  text: string;
  bytes: number;
  /** A chunk came that did not continue the text: some output was missed (the stream dropped). */
  missed: boolean;
}

/** A run's stdout and stderr as they arrive. */
export interface LiveOutput {
  stdout: LiveText;
  stderr: LiveText;
}

const EMPTY_TEXT: LiveText = { text: '', bytes: 0, missed: false };
export const EMPTY_OUTPUT: LiveOutput = { stdout: EMPTY_TEXT, stderr: EMPTY_TEXT };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * `current` with the chunk of `data` at byte `offset` appended, as far as it continues it: a
 * chunk already had (a repeat, or the replay a reconnect starts with) changes nothing, one that
 * overlaps adds only its new part, and one past the end leaves a gap, so it is not appended and
 * the text is marked as having missed output. Unchanged input comes back as the same object.
 */
export function appendChunk(current: LiveText, offset: number, data: string): LiveText {
  const encoded = encoder.encode(data);
  const end = offset + encoded.length;
  if (end <= current.bytes) return current;
  if (offset > current.bytes) return current.missed ? current : { ...current, missed: true };
  if (offset === current.bytes) return { ...current, text: current.text + data, bytes: end };
  const skip = current.bytes - offset;
  // The overlap would end inside a character: not the same text, so not ours to splice.
  if ((encoded[skip]! & 0xc0) === 0x80) return current;
  return { ...current, text: current.text + decoder.decode(encoded.subarray(skip)), bytes: end };
}

/** A run's output with one run.output message applied; the same object when it changed nothing. */
export function applyOutput(output: LiveOutput, message: Pick<RunOutputMessage, 'stream' | 'offset' | 'data'>): LiveOutput {
  const next = appendChunk(output[message.stream], message.offset, message.data);
  return next === output[message.stream] ? output : { ...output, [message.stream]: next };
}

/** Whether anything arrived live. */
export function hasLiveOutput(output: LiveOutput | undefined): output is LiveOutput {
  return output !== undefined && (output.stdout.bytes > 0 || output.stderr.bytes > 0);
}

/** How close to the bottom (in pixels) still counts as "at the bottom" for following new output. */
const BOTTOM_SLACK_PX = 8;

/** Whether a scrolled box shows its end, so that new text should keep it there. */
export function isScrolledToBottom(box: { scrollTop: number; clientHeight: number; scrollHeight: number }): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight <= BOTTOM_SLACK_PX;
}
