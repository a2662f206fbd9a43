import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, seedAgent } from '../testing/temp-store.js';

describe('Store.transaction (one outcome for the database and what is kept beside it)', () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => {
    temp = openTempStore();
    seedAgent(temp.store, 'agt_a');
  });
  afterEach(() => temp.cleanup());

  const history = () => temp.store.presence.history('agt_a').map((c) => c.at);

  it('runs the after-commit hooks in order once the outermost transaction commits, and no rollback hook', () => {
    const calls: string[] = [];
    temp.store.transaction(() => {
      temp.store.onRollback(() => calls.push('rollback'));
      temp.store.presence.record({ agentId: 'agt_a', online: true, at: 1 });
      temp.store.transaction(() => {
        temp.store.presence.record({ agentId: 'agt_a', online: false, at: 2 });
        temp.store.afterCommit(() => calls.push(`first, stored ${history().length}`));
      });
      temp.store.afterCommit(() => calls.push('second'));
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(['first, stored 2', 'second']);
    // Outside a transaction there is nothing to wait for.
    temp.store.afterCommit(() => calls.push('at once'));
    expect(calls.at(-1)).toBe('at once');
  });

  it('rolls back as a whole when a nested part fails, even if the caller catches it, and runs each rollback hook once', () => {
    let rolledBack = 0;
    const hook = () => { rolledBack += 1; };
    const published: string[] = [];
    expect(() => temp.store.transaction(() => {
      temp.store.presence.record({ agentId: 'agt_a', online: true, at: 1 });
      temp.store.onRollback(hook);
      temp.store.afterCommit(() => published.push('never'));
      try {
        temp.store.transaction(() => {
          temp.store.onRollback(hook);
          throw new Error('disk full');
        });
      } catch {
        // Swallowed: the outer transaction must not commit half of the work anyway.
      }
    })).toThrow('disk full');
    expect(history()).toEqual([]);
    expect(rolledBack).toBe(1);
    expect(published).toEqual([]);

    // The next transaction starts clean.
    temp.store.transaction(() => temp.store.presence.record({ agentId: 'agt_a', online: true, at: 3 }));
    expect(history()).toEqual([3]);
  });

  it('lets the alert store join it', () => {
    expect(() => temp.store.transaction(() => {
      temp.store.alerts.transaction(() => temp.store.presence.record({ agentId: 'agt_a', online: true, at: 1 }));
      throw new Error('later failure');
    })).toThrow('later failure');
    expect(history()).toEqual([]);
  });
});
