import type { Rule, RuleInput } from '@vigil/shared';
import type { Db } from './database.js';
import { parseJson } from './json.js';

interface RawRule {
  id: string; name: string; metric: string; labels: string; op: Rule['op']; threshold: number;
  clear_threshold: number | null; for_samples: number; priority: Rule['priority']; scope: string;
  runbook_id: string | null; enabled: number; created_at: number; updated_at: number;
  for_duration: string | null; hold_for: string | null; reopen_within: string | null;
  flap_high_threshold: number | null; flap_low_threshold: number | null;
  exclude: string | null; overrides: string | null;
  aggregate: Rule['aggregate'] | null; aggregate_window: string | null; events: string | null;
}

function toRule(r: RawRule): Rule {
  return {
    id: r.id, name: r.name, metric: r.metric, labels: parseJson(r.labels, {}), op: r.op, threshold: r.threshold,
    clearThreshold: r.clear_threshold, forSamples: r.for_samples, priority: r.priority, scope: parseJson(r.scope, {}),
    runbookId: r.runbook_id, enabled: r.enabled === 1, createdAt: r.created_at, updatedAt: r.updated_at,
    for: r.for_duration, holdFor: r.hold_for, reopenWithin: r.reopen_within,
    flapHighThreshold: r.flap_high_threshold, flapLowThreshold: r.flap_low_threshold,
    exclude: parseJson(r.exclude, null), overrides: parseJson(r.overrides, null),
    aggregate: r.aggregate, window: r.aggregate_window, events: parseJson(r.events, null),
  };
}

export class RuleStore {
  constructor(private readonly db: Db) {}

  list(): Rule[] {
    return (this.db.prepare('SELECT * FROM rules ORDER BY created_at, id').all() as RawRule[]).map(toRule);
  }

  get(id: string): Rule | undefined {
    const raw = this.db.prepare('SELECT * FROM rules WHERE id = ?').get(id) as RawRule | undefined;
    return raw ? toRule(raw) : undefined;
  }

  /** Inserts or replaces the whole rule (PATCH merges in the service, then saves the result). */
  save(rule: Rule): void {
    this.db
      .prepare(
        `INSERT INTO rules (id, name, metric, labels, op, threshold, clear_threshold, for_samples, priority, scope, runbook_id, enabled,
           created_at, updated_at, for_duration, hold_for, reopen_within, flap_high_threshold, flap_low_threshold, exclude, overrides,
           aggregate, aggregate_window, events)
         VALUES (@id, @name, @metric, @labels, @op, @threshold, @clearThreshold, @forSamples, @priority, @scope, @runbookId, @enabled,
           @createdAt, @updatedAt, @for, @holdFor, @reopenWithin, @flapHighThreshold, @flapLowThreshold, @exclude, @overrides,
           @aggregate, @window, @events)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, metric = excluded.metric, labels = excluded.labels, op = excluded.op,
           threshold = excluded.threshold, clear_threshold = excluded.clear_threshold, for_samples = excluded.for_samples,
           priority = excluded.priority, scope = excluded.scope, runbook_id = excluded.runbook_id, enabled = excluded.enabled,
           updated_at = excluded.updated_at, for_duration = excluded.for_duration, hold_for = excluded.hold_for,
           reopen_within = excluded.reopen_within, flap_high_threshold = excluded.flap_high_threshold,
           flap_low_threshold = excluded.flap_low_threshold, exclude = excluded.exclude, overrides = excluded.overrides,
           aggregate = excluded.aggregate, aggregate_window = excluded.aggregate_window, events = excluded.events`,
      )
      .run({
        ...rule, labels: JSON.stringify(rule.labels), scope: JSON.stringify(rule.scope), enabled: rule.enabled ? 1 : 0,
        // Left out and null mean the same (the default); the column holds null for both.
        for: rule.for ?? null, holdFor: rule.holdFor ?? null, reopenWithin: rule.reopenWithin ?? null,
        flapHighThreshold: rule.flapHighThreshold ?? null, flapLowThreshold: rule.flapLowThreshold ?? null,
        exclude: rule.exclude == null ? null : JSON.stringify(rule.exclude),
        overrides: rule.overrides == null ? null : JSON.stringify(rule.overrides),
        aggregate: rule.aggregate ?? null, window: rule.window ?? null,
        events: rule.events == null ? null : JSON.stringify(rule.events),
      });
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM rules WHERE id = ?').run(id).changes > 0;
  }
}

export type { RuleInput };
