import { describe, expect, it } from 'vitest';
import { escalateNowEvent } from './escalate-now.js';

const alert = (over: Partial<Parameters<typeof escalateNowEvent>[0]> = {}) => ({ state: 'open' as const, maintenanceWindowId: null, escalationLevel: 1, ...over });

describe('escalating now', () => {
  it('raises an unresolved alert one level at the instant given', () => {
    expect(escalateNowEvent(alert(), 'remediation failed', 500)).toEqual({ kind: 'escalate', level: 2, at: 500, reason: 'remediation failed' });
    expect(escalateNowEvent(alert({ state: 'acknowledged', escalationLevel: 3 }), 'remediation failed', 500)).toMatchObject({ level: 4 });
  });

  it('has nowhere to go for a resolved alert, one held by maintenance, or one at L4', () => {
    expect(escalateNowEvent(alert({ state: 'resolved' }), 'remediation failed', 500)).toBeNull();
    expect(escalateNowEvent(alert({ maintenanceWindowId: 'mnt_1' }), 'remediation failed', 500)).toBeNull();
    expect(escalateNowEvent(alert({ escalationLevel: 4 }), 'remediation failed', 500)).toBeNull();
  });
});
