import type { JobRecord } from '../store/jobs.js';
import type { Store } from '../store/index.js';

/**
 * A job on `agentIds` as the store keeps it, of script `scr_1` version 1 in tenant acme, active,
 * with no approval needed; a test overrides what it is about. One place, so a new job column
 * changes one fixture.
 */
export function jobRecord(id: string, agentIds: readonly string[], overrides: Partial<JobRecord> = {}): JobRecord {
  const createdAt = overrides.createdAt ?? 1;
  return {
    id, scriptId: 'scr_1', scriptName: 'scr_1', version: 1, digest: 'd', alertId: null, runbookRunId: null, tenantId: 'acme',
    status: 'active', approval: { required: false, decidedBy: null, decidedAt: null, decision: null, comment: null }, params: {}, args: [],
    offline: 'run_on_reconnect', expiresAt: createdAt + 60_000, concurrency: 10, ratePerSec: 10, createdBy: 'test', createdAt, requestedBy: null,
    targets: { agentIds: [...agentIds] }, ...overrides,
  };
}

const runCounters = new WeakMap<Store, { n: number }>();

/** Creates the job with one run per agent, run ids `run_1`, `run_2`, … counted per store; returns the runs. */
export function seedJob(store: Store, id: string, agentIds: readonly string[], overrides: Partial<JobRecord> = {}) {
  let counter = runCounters.get(store);
  if (!counter) runCounters.set(store, (counter = { n: 0 }));
  const runIds = counter;
  return store.jobs.create(jobRecord(id, agentIds, overrides), agentIds, () => `run_${++runIds.n}`);
}
