import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { Store } from './index.js';
import { MIGRATIONS } from './migrations.js';

describe('the targets a job was created with (migration 17)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('upgrades a version-16 database: its jobs say their targets were not recorded, and new jobs record theirs', () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-migrate-'));
    const file = join(dir, 'vigil.db');
    const old = openDatabase(file, MIGRATIONS.filter((m) => m.version <= 16));
    // Only the job and its run matter here: their script and agent rows are left out.
    old.pragma('foreign_keys = OFF');
    old.prepare(`INSERT INTO jobs (id, script_id, script_name, args, tenant_id, created_by, created_at, status, requested_by_user_id)
      VALUES ('job_old', 'scr_1', 'Clean tmp', '[]', 'acme', 'alice', 5, 'finished', 'user:usr_alice')`).run();
    old.prepare(`INSERT INTO job_runs (id, job_id, agent_id, state, queued_at) VALUES ('run_old', 'job_old', 'agt_a', 'succeeded', 5)`).run();
    old.close();

    const store = new Store(openDatabase(file));
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
      expect(store.jobs.get('job_old')).toMatchObject({ targets: null, requestedByUserId: 'usr_alice', counts: { succeeded: 1 } });
      expect(store.jobs.listItems()).toEqual([expect.objectContaining({ id: 'job_old', targets: null, counts: expect.objectContaining({ succeeded: 1 }) })]);
      expect(store.jobs.listSummaries()[0]?.targets).toBeNull();
    } finally {
      store.close();
    }
  });
});
