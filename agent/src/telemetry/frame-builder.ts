import { FrameSchema, MAX_MESSAGE_BYTES, type Frame, type SourceStatus } from '@vigil/shared';
import type { CollectionResult } from '../collectors/scheduler.js';

const MAX_SAMPLES = 5000;
/** Room left for the envelope and JSON escaping when checking a frame against the message limit. */
const SIZE_MARGIN = 4096;

/**
 * Assembles a frame and checks it against the shared schema before it is queued: the collector
 * would reject a bad frame and close the socket, and a rejected frame would be resent forever.
 */
export function buildFrame(seq: number, ts: number, result: Pick<CollectionResult, 'samples' | 'sources' | 'sections'>): Frame {
  const sources: SourceStatus[] = [...result.sources];
  let samples = result.samples;
  if (samples.length > MAX_SAMPLES) {
    sources.push({ source: 'frame', status: 'error', reason: `${samples.length - MAX_SAMPLES} samples over the per-frame limit of ${MAX_SAMPLES} were dropped` });
    samples = samples.slice(0, MAX_SAMPLES);
  }
  let frame: Frame = { type: 'frame', seq, ts, samples, sources };
  if (Object.keys(result.sections).length) {
    const withSections = { ...frame, sections: result.sections };
    if (JSON.stringify(withSections).length <= MAX_MESSAGE_BYTES - SIZE_MARGIN) frame = withSections;
    else sources.push({ source: 'frame', status: 'error', reason: 'sections dropped: the frame would exceed the message size limit' });
  }
  return FrameSchema.parse(frame);
}
