import type { WhoAmI } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { describeRequester, describeTargets, formatParams, isOwnRequest, runCount, shortDigest } from './job-facts.js';

const me = (username: string | null, id = 'usr_1'): WhoAmI => ({
  user: username === null ? null : {
    id, username, displayName: username, role: 'admin', tenants: ['acme'], totpEnabled: false, lockedUntil: null, createdAt: 0, disabledAt: null,
  },
  tokenId: 'tok_1', role: 'admin', tenants: ['acme'], permissions: ['jobs:approve'],
});

describe('job facts', () => {
  it('summarises targets as the selection the job was created with, and the agents it matched', () => {
    expect(describeTargets({ counts: { succeeded: 12 }, tenantId: 'acme', targets: { tenant: 'acme', tags: ['web'] } })).toBe('tag=web in acme · 12 agents');
    expect(describeTargets({ counts: { running: 2 }, tenantId: 'acme', targets: { tenant: 'acme', site: 'hq' } })).toBe('all agents in acme/hq · 2 agents');
    expect(describeTargets({ counts: { queued: 1 }, tenantId: 'acme', targets: { site: 'hq', os: 'linux', tags: ['db', 'prod'] } }))
      .toBe('tag=db tag=prod, os=linux in site hq · 1 agent');
    // Agents named by id are counted, whether the targets come in full (a job) or in brief (the list).
    expect(describeTargets({ counts: { succeeded: 3 }, tenantId: 'acme', targets: { agentIds: ['a', 'b', 'c'] } })).toBe('3 agents by id');
    expect(describeTargets({ counts: { succeeded: 3 }, tenantId: 'acme', targets: { agentIdCount: 3 } })).toBe('3 agents by id');
    expect(describeTargets({ counts: { succeeded: 1 }, tenantId: 'acme', targets: { agentIdCount: 2, tags: ['web'] } })).toBe('2 agents by id, tag=web · 1 agent');
  });

  it('falls back to the agents the job resolved to and their tenant for jobs without recorded targets', () => {
    expect(describeTargets({ counts: { succeeded: 1 }, tenantId: 'acme', targets: null })).toBe('1 agent · acme');
    expect(describeTargets({ counts: { queued: 1200, running: 3 }, tenantId: null, targets: null })).toBe(`${(1203).toLocaleString()} agents · several tenants`);
    expect(runCount({ queued: 2, failed: 1 })).toBe(3);
  });

  it('writes parameters as name=value, quoting values with spaces', () => {
    expect(formatParams({})).toBe('—');
    expect(formatParams({ days: 3, force: true, path: '/var/log', note: 'two words' })).toBe('days=3 force=true path=/var/log note="two words"');
  });

  it('recognises the signed-in user\'s own request by user id, never a token without a user', () => {
    expect(isOwnRequest(me('alice'), { requestedByUserId: 'usr_1' })).toBe(true);
    expect(isOwnRequest(me('bob', 'usr_2'), { requestedByUserId: 'usr_1' })).toBe(false);
    // A runbook's job, or one asked for by a token without a user.
    expect(isOwnRequest(me('alice'), { requestedByUserId: null })).toBe(false);
    expect(isOwnRequest(me(null), { requestedByUserId: null })).toBe(false);
  });

  it('names a runbook requester readably', () => {
    expect(describeRequester('runbook:rbk_1')).toBe('runbook rbk_1');
    expect(describeRequester('alice')).toBe('alice');
  });

  it('shortens digests', () => {
    expect(shortDigest('abcdef0123456789')).toBe('abcdef012345…');
    expect(shortDigest('abc')).toBe('abc');
  });
});
