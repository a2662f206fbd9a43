import { describe, expect, it } from 'vitest';
import { defaultTenant, tenantOptions } from './tenant-options.js';

const listing = { tenants: [{ id: 'acme', name: 'Acme Corp' }, { id: 'globex', name: 'globex' }] };

describe('tenantOptions', () => {
  it('offers every tenant together only to who sees them all', () => {
    expect(tenantOptions(['*'], listing, '')).toEqual([
      { id: '', label: 'All tenants' }, { id: 'acme', label: 'Acme Corp (acme)' }, { id: 'globex', label: 'globex' },
    ]);
    expect(tenantOptions(['acme', 'globex'], listing, 'acme').map((o) => o.id)).toEqual(['acme', 'globex']);
  });

  it('falls back to the caller\'s tenant ids before the list loads', () => {
    expect(tenantOptions(['acme'], null, 'acme')).toEqual([{ id: 'acme', label: 'acme' }]);
    expect(tenantOptions(['*'], null, '')).toEqual([{ id: '', label: 'All tenants' }]);
  });

  it('keeps a tenant asked for in the URL selectable', () => {
    expect(tenantOptions(['acme'], listing, 'initech')).toContainEqual({ id: 'initech', label: 'initech' });
  });
});

describe('defaultTenant', () => {
  it('opens on every tenant or on the caller\'s first', () => {
    expect(defaultTenant(['*'])).toBe('');
    expect(defaultTenant(['globex', 'acme'])).toBe('globex');
    expect(defaultTenant([])).toBe('');
  });
});
