import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, seedAgent } from '../testing/temp-store.js';

describe('an agent\'s spool report', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a');
  });
  afterEach(() => temp.cleanup());

  const changes = () => temp.store.db.prepare('SELECT total_changes()').pluck().get() as number;

  it('is null until reported, then the latest one, and survives a reopen', () => {
    expect(temp.store.agents.get('agt_a')?.spool).toBeNull();
    temp.store.agents.setSpool('agt_a', { dropped: 42, depth: 7 });
    temp.store.agents.setSpool('agt_a', { dropped: 40, depth: 2 });
    expect(temp.reopen().agents.get('agt_a')?.spool).toEqual({ dropped: 40, depth: 2 });
  });

  it('is written only when it changes: an agent keeping up reports the same figures every frame', () => {
    temp.store.agents.setSpool('agt_a', { dropped: 0, depth: 1 });
    const before = changes();
    temp.store.agents.setSpool('agt_a', { dropped: 0, depth: 1 });
    expect(changes()).toBe(before);
    temp.store.agents.setSpool('agt_a', { dropped: 3, depth: 1 });
    expect(changes()).toBe(before + 1);
    expect(temp.store.agents.get('agt_a')?.spool).toEqual({ dropped: 3, depth: 1 });
  });
});
