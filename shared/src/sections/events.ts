import { z } from 'zod';

/** Entries one frame carries at most; the rest of a burst is counted in `cut`, not sent. */
export const MAX_EVENT_ENTRIES_PER_FRAME = 200;
/**
 * Characters of a message kept. 200 entries of this size stay far below the message size limit,
 * so a burst of log entries never pushes the other sections out of a frame.
 */
export const MAX_EVENT_MESSAGE_CHARS = 1024;

/**
 * Two levels only, the ones alerting needs: journald priorities 0-3, Windows Critical/Error and
 * macOS faults are errors; journald priority 4, Windows Warning and macOS errors are warnings.
 */
export const EventLevelSchema = z.enum(['error', 'warning']);
export type EventLevel = z.infer<typeof EventLevelSchema>;

/** One log entry as an agent reports it. */
export const EventEntrySchema = z.object({
  /**
   * Stable and unique within (agent, log): the journald cursor, the Windows RecordId, a hash of a
   * macOS entry. The collector stores each (agent, log, id) once, so an entry read again after a
   * crash is not stored twice.
   */
  id: z.string().min(1).max(256),
  /** `journal`, `System`, `Application`, `unified`; also the `log` label of event.errors/event.warnings. */
  log: z.string().min(1).max(64),
  level: EventLevelSchema,
  /** When the entry was written, Unix epoch milliseconds. */
  ts: z.number().int().nonnegative(),
  /** What wrote it: systemd unit or syslog identifier, Windows provider, macOS subsystem or process. */
  source: z.string().max(256).optional(),
  /** The OS's own identifier of the kind of event, where it has one (Windows event id, journald MESSAGE_ID). */
  eventId: z.string().max(64).optional(),
  message: z.string().max(MAX_EVENT_MESSAGE_CHARS),
});
export type EventEntry = z.infer<typeof EventEntrySchema>;

/** The `events` section of a frame: the entries read since the previous frame. */
export const EventsSectionSchema = z.object({
  entries: z.array(EventEntrySchema).max(MAX_EVENT_ENTRIES_PER_FRAME),
  /** Entries read but not carried because of the per-frame cap (they still count in the metrics). */
  cut: z.number().int().nonnegative(),
});
export type EventsSection = z.infer<typeof EventsSectionSchema>;

/** An entry as GET /api/v1/agents/:id/events serves it. */
export const StoredEventSchema = EventEntrySchema.extend({
  /** Seq of the frame that first carried it. */
  seq: z.number().int(),
  receivedAt: z.number().int(),
});
export type StoredEvent = z.infer<typeof StoredEventSchema>;
