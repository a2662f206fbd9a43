import { FrameSchema, MAX_MESSAGE_BYTES, type Frame, type SourceStatus } from '@vigil/shared';
import type { CollectionResult } from '../collectors/scheduler.js';
import { countFitting, jsonBytes } from './byte-budget.js';

const MAX_SAMPLES = 5000;
/**
 * Bytes kept free below the message limit: the spool report stamped on the frame when it is sent
 * (a few dozen bytes) must still fit, so a frame built here is never refused on the way out.
 */
export const SIZE_MARGIN = 4096;

/**
 * Assembles a frame and checks it against the shared schema before it is queued: the collector
 * would reject a bad frame and close the socket, and a rejected frame would be resent forever.
 *
 * The same goes for size. A frame over the message limit (counted in UTF-8 bytes, as the collector
 * counts it) gives way in this order, each step saying so in a `frame` source status: first the
 * sections (inventory, event entries: large, and read again by their sources), then samples from
 * the end, then, should the statuses alone be too big, source statuses from the end.
 * `maxBytes` is the message limit; only tests pass another.
 */
export function buildFrame(
  seq: number,
  ts: number,
  result: Pick<CollectionResult, 'samples' | 'sources' | 'sections'>,
  maxBytes: number = MAX_MESSAGE_BYTES,
): Frame {
  const budget = maxBytes - SIZE_MARGIN;
  const notes: SourceStatus[] = [];
  const parts = { samples: result.samples, sources: result.sources };
  if (parts.samples.length > MAX_SAMPLES) {
    notes.push(note(`${parts.samples.length - MAX_SAMPLES} samples over the per-frame limit of ${MAX_SAMPLES} were dropped`));
    parts.samples = parts.samples.slice(0, MAX_SAMPLES);
  }
  const compose = (): Frame => ({ type: 'frame', seq, ts, samples: parts.samples, sources: [...parts.sources, ...notes] });
  const roomLeft = () => budget - jsonBytes(compose());

  if (Object.keys(result.sections).length) {
    const withSections: Frame = { ...compose(), sections: result.sections };
    if (jsonBytes(withSections) <= budget) return FrameSchema.parse(withSections);
    notes.push(note('sections dropped: the frame would exceed the message size limit'));
  }
  if (roomLeft() < 0) {
    const all = parts.samples;
    parts.samples = [];
    parts.samples = keepFitting(all, 'samples', notes, roomLeft);
  }
  if (roomLeft() < 0) {
    const all = parts.sources;
    parts.sources = [];
    parts.sources = keepFitting(all, 'source statuses', notes, roomLeft);
  }

  const frame = compose();
  const bytes = jsonBytes(frame);
  if (bytes > budget) throw new Error(`frame ${seq} takes ${bytes} bytes without its samples, statuses and sections; at most ${budget} may go out`);
  return FrameSchema.parse(frame);
}

/**
 * The leading items that fit in the room the rest of the frame leaves (measured by `roomLeft` with
 * the items taken out), noting how many went. The note is added for the worst case (every item
 * dropped) before the room is measured, so the final note, never longer, cannot tip the frame over.
 */
function keepFitting<T>(all: T[], what: string, notes: SourceStatus[], roomLeft: () => number): T[] {
  const dropped = (count: number) => note(`${count} ${what} dropped: the frame would exceed the message size limit`);
  const index = notes.push(dropped(all.length)) - 1;
  const kept = all.slice(0, countFitting(all, roomLeft()));
  notes[index] = dropped(all.length - kept.length);
  return kept;
}

function note(reason: string): SourceStatus {
  return { source: 'frame', status: 'error', reason };
}
