import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, type Sample, type SourceStatus } from '@vigil/shared';
import { jsonBytes } from './byte-budget.js';
import { SIZE_MARGIN, buildFrame } from './frame-builder.js';

const BUDGET = MAX_MESSAGE_BYTES - SIZE_MARGIN;
const noSections = { samples: [], sources: [], sections: {} };

/** A label value of 256 CJK characters: within the schema's 256-character cap, 768 bytes. */
const wideLabels = (i: number) => Object.fromEntries(Array.from({ length: 16 }, (_, k) => [`l${k}`, `${i}`.padEnd(256, '漢')]));
const wideSamples = (count: number): Sample[] => Array.from({ length: count }, (_, i) => ({ metric: 'service.up', value: i, labels: wideLabels(i) }));

describe('buildFrame sizing in bytes', () => {
  // Each text is under the limit counted in code units (what `.length` measures) and over it in bytes.
  it.each([
    ['CJK event-log messages', { events: { entries: [{ message: '漢'.repeat(400_000) }] } }],
    ['accented software names', { inventory: { software: Array.from({ length: 30_000 }, () => ({ name: 'ÉÀÜÖÇÑéàüöçñÉÀÜÖÇÑ' })) } }],
    ['emoji', { events: { entries: [{ message: '😀'.repeat(300_000) }] } }],
  ])('drops sections of %s that fit by length but not by bytes', (_what, sections) => {
    const withSections = { type: 'frame', seq: 1, ts: 0, samples: [], sources: [], sections };
    expect(JSON.stringify(withSections).length).toBeLessThan(BUDGET);
    expect(jsonBytes(withSections)).toBeGreaterThan(MAX_MESSAGE_BYTES);

    const frame = buildFrame(1, 0, { ...noSections, sections });
    expect(frame.sections).toBeUndefined();
    expect(frame.sources).toEqual([{ source: 'frame', status: 'error', reason: 'sections dropped: the frame would exceed the message size limit' }]);
    expect(jsonBytes(frame)).toBeLessThanOrEqual(BUDGET);
  });

  it('keeps multi-byte sections that fit in bytes', () => {
    const sections = { events: { entries: [{ message: '漢'.repeat(300_000) }] } };
    const frame = buildFrame(1, 0, { ...noSections, sections });
    expect(frame.sections).toEqual(sections);
    expect(jsonBytes(frame)).toBeGreaterThan(900_000);
    expect(jsonBytes(frame)).toBeLessThanOrEqual(BUDGET);
  });

  it('trims samples from the end when the frame is too big without its sections (huge label values)', () => {
    const samples = wideSamples(300);
    const frame = buildFrame(1, 0, { samples, sources: [{ source: 'services', status: 'ok' }], sections: { events: { entries: ['x'] } } });

    expect(frame.sections).toBeUndefined();
    const kept = frame.samples.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(300);
    expect(frame.samples).toEqual(samples.slice(0, kept));
    expect(frame.sources.map((s) => s.reason ?? s.source)).toEqual([
      'services',
      'sections dropped: the frame would exceed the message size limit',
      `${300 - kept} samples dropped: the frame would exceed the message size limit`,
    ]);
    expect(jsonBytes(frame)).toBeLessThanOrEqual(BUDGET);
    // As many as fit: one more would not have.
    expect(jsonBytes({ ...frame, samples: samples.slice(0, kept + 1) })).toBeGreaterThan(BUDGET);
  });

  it('trims source statuses last, keeping its own notes, should they alone be too big', () => {
    const maxBytes = SIZE_MARGIN + 2_000;
    const sources: SourceStatus[] = Array.from({ length: 20 }, (_, i) => ({ source: `source-${i}`, status: 'error', reason: 'é'.repeat(100) }));
    const frame = buildFrame(1, 0, { samples: wideSamples(1), sources, sections: {} }, maxBytes);

    expect(frame.samples).toEqual([]);
    const keptSources = frame.sources.filter((s) => s.source !== 'frame');
    expect(keptSources).toEqual(sources.slice(0, keptSources.length));
    expect(keptSources.length).toBeGreaterThan(0);
    expect(frame.sources.filter((s) => s.source === 'frame').map((s) => s.reason)).toEqual([
      '1 samples dropped: the frame would exceed the message size limit',
      `${20 - keptSources.length} source statuses dropped: the frame would exceed the message size limit`,
    ]);
    expect(jsonBytes(frame)).toBeLessThanOrEqual(maxBytes - SIZE_MARGIN);
  });

  it('leaves room under the limit for the spool report stamped on at sending', () => {
    const frame = buildFrame(1, 0, { samples: wideSamples(300), sources: [], sections: {} });
    const spool = { dropped: Number.MAX_SAFE_INTEGER, depth: Number.MAX_SAFE_INTEGER };
    expect(jsonBytes({ ...frame, spool })).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('refuses to build a frame that cannot fit at all rather than queue one the collector would refuse', () => {
    expect(() => buildFrame(1, 0, noSections, SIZE_MARGIN + 10)).toThrow(/at most 10 may go out/);
  });
});
