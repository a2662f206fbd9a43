import { MAX_EVENT_ENTRIES_PER_FRAME, type EventEntry, type EventsSection, type Sample } from '@vigil/shared';
import type { EventCursorStore } from '../../state/event-cursor-store.js';
import type { CollectorOutput, MetricCollector } from '../types.js';
import { capEntries } from './entry-cap.js';
import type { EventSource } from './types.js';

export interface EventsCollectorOptions {
  /** The scheduler's bound on one collection. */
  timeoutMs?: number;
  /** Entries carried per frame; the rest are counted as cut. */
  maxEntries?: number;
  /** Entries read per log per frame; a longer backlog is read over the next frames. */
  readLimit?: number;
  now?: () => number;
}

/** The OS tool is killed this long before the scheduler would give up on the whole collection. */
const TOOL_MARGIN_MS = 2_000;

/**
 * Event-log anomalies: event.errors and event.warnings per log, and the entries themselves.
 *
 * Two positions are kept. The read position moves as soon as entries are read, so the next frame
 * does not read again what already waits in an undelivered frame. The saved position moves only
 * in the frame's onDelivered hook, once the frame carrying those entries is safe (written to the
 * disk spool, or acknowledged by the collector with an in-memory queue); after a crash reading
 * resumes there, so nothing is lost, and what is read twice the collector stores once (entries
 * are unique per agent, log and id).
 */
export class EventsCollector<P> implements MetricCollector {
  readonly name = 'events';
  readonly timeoutMs: number;
  private readonly maxEntries: number;
  private readonly readLimit: number;
  private readonly now: () => number;
  private readPosition: P | undefined;
  private loaded = false;
  /** Said once, on the first frame: the saved position could not be used. */
  private startNote: string | undefined;
  /** Numbers reads so that an older frame delivered late never moves the saved position back. */
  private reads = 0;
  private savedRead = 0;
  private savedJson: string | undefined;

  constructor(
    private readonly source: EventSource<P>,
    private readonly cursors: EventCursorStore,
    options: EventsCollectorOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxEntries = options.maxEntries ?? MAX_EVENT_ENTRIES_PER_FRAME;
    this.readLimit = options.readLimit ?? 500;
    this.now = options.now ?? Date.now;
  }

  async collect(): Promise<CollectorOutput> {
    this.loadSavedPosition();
    const started = performance.now();
    const read = await this.source.read(this.readPosition, {
      limit: this.readLimit,
      timeoutMs: Math.max(1_000, this.timeoutMs - TOOL_MARGIN_MS),
      now: this.now(),
    });
    const startNote = this.takeStartNote();
    if (!read.ok) return { samples: [], status: 'unknown', reason: join([startNote, read.reason]) };
    // Past its timeout the scheduler has already reported this collection and will drop its
    // output; moving the read position now would skip these entries until the next restart.
    if (performance.now() - started >= this.timeoutMs) {
      return { samples: [], status: 'unknown', reason: 'reading the event log took longer than the collection timeout; it is read again next time' };
    }
    this.readPosition = read.position;

    const { kept, cut } = capEntries(read.entries, this.maxEntries);
    const output: CollectorOutput = { samples: countSamples(read.logs, read.entries) };
    if (kept.length > 0 || cut > 0) output.sections = { events: { entries: kept, cut } satisfies EventsSection };
    const reason = join([startNote, ...read.notes, ...read.failures, cut > 0 ? `${cut} entries over the per-frame limit of ${this.maxEntries} were counted but not sent` : undefined]);
    if (read.failures.length > 0) output.status = 'unknown';
    if (reason) output.reason = reason;

    const position = read.position;
    const json = position === undefined ? undefined : JSON.stringify(position);
    if (json !== undefined && json !== this.savedJson) {
      const readNo = ++this.reads;
      output.onDelivered = () => this.save(readNo, position, json);
    }
    return output;
  }

  private save(readNo: number, position: P | undefined, json: string): void {
    if (readNo <= this.savedRead) return;
    this.savedRead = readNo;
    if (json === this.savedJson) return;
    this.cursors.save(this.source.name, position);
    this.savedJson = json;
  }

  private loadSavedPosition(): void {
    if (this.loaded) return;
    this.loaded = true;
    const saved = this.cursors.load(this.source.name);
    this.readPosition = saved === undefined ? undefined : this.source.parsePosition(saved);
    if (this.readPosition !== undefined) this.savedJson = JSON.stringify(this.readPosition);
    else if (saved !== undefined) this.startNote = `the saved ${this.source.name} position was not usable and was ignored; reading from an hour back`;
    if (this.cursors.problem) this.startNote = this.cursors.problem;
  }

  private takeStartNote(): string | undefined {
    const note = this.startNote;
    this.startNote = undefined;
    return note;
  }
}

/** Counts per log read; a log that could not be read gets no sample at all rather than a 0. */
function countSamples(logs: readonly string[], entries: readonly EventEntry[]): Sample[] {
  const samples: Sample[] = [];
  for (const log of logs) {
    let errors = 0;
    let warnings = 0;
    for (const entry of entries) {
      if (entry.log !== log) continue;
      if (entry.level === 'error') errors++;
      else warnings++;
    }
    samples.push({ metric: 'event.errors', value: errors, labels: { log } }, { metric: 'event.warnings', value: warnings, labels: { log } });
  }
  return samples;
}

function join(parts: ReadonlyArray<string | undefined>): string | undefined {
  const text = parts.filter(Boolean).join('; ');
  return text || undefined;
}
