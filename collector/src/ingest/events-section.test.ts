import type { Frame } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { EVENTS_SECTION_SOURCE, takeEventsSection } from './events-section.js';

const base: Frame = { type: 'frame', seq: 4, ts: 1, samples: [{ metric: 'event.errors', value: 1, labels: { log: 'journal' } }], sources: [{ source: 'events', status: 'ok' }] };
const good = { entries: [{ id: 'c1', log: 'journal', level: 'error', ts: 5, message: 'disk full' }], cut: 0 };

describe('takeEventsSection', () => {
  it('passes a frame without events through untouched', () => {
    expect(takeEventsSection(base)).toEqual({ frame: base });
  });

  it('takes valid entries out and keeps the other sections', () => {
    const { frame, events } = takeEventsSection({ ...base, sections: { events: good, patches: { pending: 2 } } });
    expect(events).toEqual(good.entries);
    expect(frame.sections).toEqual({ patches: { pending: 2 } });
    expect(frame.samples).toBe(base.samples);
    expect(takeEventsSection({ ...base, sections: { events: good } }).frame).not.toHaveProperty('sections');
  });

  it('drops a malformed section, keeps the samples, and records why in the sources', () => {
    const bad = { entries: [{ id: '', log: 'journal', level: 'panic', ts: -1, message: 'x' }], cut: 0 };
    const { frame, events } = takeEventsSection({ ...base, sections: { events: bad, smart: { disks: [] } } });
    expect(events).toBeUndefined();
    expect(frame.samples).toEqual(base.samples);
    expect(frame.sections).toEqual({ smart: { disks: [] } });
    expect(frame.sources.at(-1)).toEqual({ source: EVENTS_SECTION_SOURCE, status: 'error', reason: expect.stringMatching(/^events section refused, its entries were not stored: entries\.0\.id/) });
    expect(takeEventsSection({ ...base, sections: { events: 'garbage' } }).frame.sources.at(-1)?.status).toBe('error');
  });
});
