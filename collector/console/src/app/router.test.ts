import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.js';

describe('matchRoute', () => {
  it('matches fixed paths and decodes parameters', () => {
    expect(matchRoute('/', '/')).toEqual({});
    expect(matchRoute('/fleet', '/fleet')).toEqual({});
    expect(matchRoute('/fleet', '/fleet/')).toEqual({});
    expect(matchRoute('/agents/:id', '/agents/agt%2F1')).toEqual({ id: 'agt/1' });
  });

  it('refuses other shapes', () => {
    expect(matchRoute('/', '/fleet')).toBeNull();
    expect(matchRoute('/agents/:id', '/agents')).toBeNull();
    expect(matchRoute('/agents/:id', '/agents/')).toBeNull();
    expect(matchRoute('/agents/:id', '/agents/a/b')).toBeNull();
    expect(matchRoute('/fleet', '/rules')).toBeNull();
  });
});
