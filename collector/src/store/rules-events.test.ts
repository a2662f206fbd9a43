import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Rule } from '@vigil/shared';
import { openTempStore } from '../testing/temp-store.js';

const rule = (events: Rule['events']): Rule => ({
  id: 'rul_ev', name: 'Disk errors', metric: 'event.match', labels: {}, op: '>=', threshold: 5, clearThreshold: null, forSamples: 1,
  priority: 'P2', scope: {}, runbookId: null, enabled: true, createdAt: 1, updatedAt: 1, events,
});

describe('RuleStore: event-log match criteria', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => { temp = openTempStore(); });
  afterEach(() => temp.cleanup());

  it('saves and loads the criteria across a reopen, and clears them', () => {
    const events = { log: 'System', level: 'error', source: 'disk', eventId: 7, message: 'bad block \\d+', window: '10m' } as const;
    temp.store.rules.save(rule(events));
    expect(temp.reopen().rules.get('rul_ev')?.events).toEqual(events);
    temp.store.rules.save({ ...rule(null), metric: 'cpu.usage_pct' });
    expect(temp.store.rules.get('rul_ev')?.events).toBeNull();
  });
});
