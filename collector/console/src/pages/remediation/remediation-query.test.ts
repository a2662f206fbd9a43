import { describe, expect, it } from 'vitest';
import { parseStatus, parseTab, queryToWrite } from './remediation-query.js';

describe('the remediation query', () => {
  it('falls back to the script library and to every status for unknown values', () => {
    expect(parseTab('approvals')).toBe('approvals');
    expect(parseTab('nonsense')).toBe('scripts');
    expect(parseStatus('finished')).toBe('finished');
    expect(parseStatus('done')).toBe('');
  });

  it('leaves the default tab out of the URL', () => {
    expect(queryToWrite({ tab: 'scripts', status: '', q: 'clean', script: '', runbook: '' })).toMatchObject({ tab: '', q: 'clean' });
    expect(queryToWrite({ tab: 'jobs', status: 'active', q: '', script: '', runbook: '' })).toMatchObject({ tab: 'jobs', status: 'active' });
  });
});
