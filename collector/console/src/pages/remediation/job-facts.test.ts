import type { WhoAmI } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { describeRequester, describeTargets, formatParams, formatRunDuration, isOwnRequest, runCount, shortDigest } from './job-facts.js';

const me = (username: string | null): WhoAmI => ({
  user: username === null ? null : {
    id: 'usr_1', username, displayName: username, role: 'admin', tenants: ['acme'], totpEnabled: false, lockedUntil: null, createdAt: 0, disabledAt: null,
  },
  tokenId: 'tok_1', role: 'admin', tenants: ['acme'], permissions: ['jobs:approve'],
});

describe('job facts', () => {
  it('summarises targets as the agents the job resolved to and their tenant', () => {
    expect(describeTargets({ counts: { succeeded: 1 }, tenantId: 'acme' })).toBe('1 agent · acme');
    expect(describeTargets({ counts: { queued: 1200, running: 3 }, tenantId: null })).toBe(`${(1203).toLocaleString()} agents · several tenants`);
    expect(runCount({ queued: 2, failed: 1 })).toBe(3);
  });

  it('writes parameters as name=value, quoting values with spaces', () => {
    expect(formatParams({})).toBe('—');
    expect(formatParams({ days: 3, force: true, path: '/var/log', note: 'two words' })).toBe('days=3 force=true path=/var/log note="two words"');
  });

  it('recognises the signed-in user\'s own request, never a token without a user', () => {
    expect(isOwnRequest(me('alice'), { createdBy: 'alice' })).toBe(true);
    expect(isOwnRequest(me('bob'), { createdBy: 'alice' })).toBe(false);
    expect(isOwnRequest(me(null), { createdBy: 'bootstrap' })).toBe(false);
  });

  it('names a runbook requester readably', () => {
    expect(describeRequester('runbook:rbk_1')).toBe('runbook rbk_1');
    expect(describeRequester('alice')).toBe('alice');
  });

  it('formats durations at a scale that fits', () => {
    expect(formatRunDuration(null)).toBe('—');
    expect(formatRunDuration(850)).toBe('850 ms');
    expect(formatRunDuration(12_400)).toBe('12.4 s');
    expect(formatRunDuration(185_000)).toBe('3 m 05 s');
    expect(formatRunDuration(3_720_000)).toBe('1 h 02 m');
  });

  it('shortens digests', () => {
    expect(shortDigest('abcdef0123456789')).toBe('abcdef012345…');
    expect(shortDigest('abc')).toBe('abc');
  });
});
