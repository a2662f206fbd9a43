import { EventsSectionSchema, describeZodError, type EventEntry, type Frame } from '@vigil/shared';

/** The source status that says an events section was refused, kept with the agent's latest sources. */
export const EVENTS_SECTION_SOURCE = 'collector.events';

/**
 * Takes the `events` section out of a frame for the events table. The section is checked against
 * the shared schema here, once: a malformed one is dropped whole and a source status says why,
 * while the frame's samples and other sections are stored as usual (a bad section must not cost
 * the metrics, and a refused frame would be resent forever). The entries of a dropped section are
 * lost, visibly: the frame is acknowledged, so the agent moves on.
 *
 * The section never goes into the agent's latest sections: entries are served by
 * GET /api/v1/agents/:id/events, and each frame's entries are new ones, not a state to show.
 */
export function takeEventsSection(frame: Frame): { frame: Frame; events?: EventEntry[] } {
  if (frame.sections?.events === undefined) return { frame };
  const { events: section, ...others } = frame.sections;
  const rest: Frame = { ...frame };
  if (Object.keys(others).length > 0) rest.sections = others;
  else delete rest.sections;
  const parsed = EventsSectionSchema.safeParse(section);
  if (parsed.success) return { frame: rest, events: parsed.data.entries };
  const reason = `events section refused, its entries were not stored: ${describeZodError(parsed.error)}`.slice(0, 2000);
  return { frame: { ...rest, sources: [...rest.sources, { source: EVENTS_SECTION_SOURCE, status: 'error', reason }] } };
}
