import { describe, expect, it } from 'vitest';
import { tooBigCulprit } from './too-big-culprit.js';

describe('tooBigCulprit', () => {
  it('blames the largest frame awaiting its ack, not merely the oldest', () => {
    expect(tooBigCulprit(new Map([[5, 900], [6, 2_000_000], [7, 1_200]]))).toEqual({ seq: 6, bytes: 2_000_000 });
  });

  it('takes the oldest of equally large frames, the one the collector read first', () => {
    expect(tooBigCulprit(new Map([[9, 700], [4, 700], [6, 100]]))).toEqual({ seq: 4, bytes: 700 });
  });

  it('blames nothing when no frame was awaiting its ack', () => {
    expect(tooBigCulprit(new Map())).toBeUndefined();
  });
});
