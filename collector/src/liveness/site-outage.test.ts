import { describe, expect, it } from 'vitest';
import { countSites, decideSites, DEFAULT_SITE_OUTAGE, siteIsDown, type SiteCount } from './site-outage.js';

const site = (watched: number, offline: number, siteId = 'hq'): SiteCount => ({ tenantId: 'acme', siteId, watched, offline });

describe('siteIsDown', () => {
  it('takes strictly more than the share: exactly half is not most', () => {
    expect(siteIsDown(site(6, 3), DEFAULT_SITE_OUTAGE)).toBe(false);
    expect(siteIsDown(site(6, 4), DEFAULT_SITE_OUTAGE)).toBe(true);
    expect(siteIsDown(site(4, 2), DEFAULT_SITE_OUTAGE)).toBe(false);
    expect(siteIsDown(site(4, 3), DEFAULT_SITE_OUTAGE)).toBe(true);
  });

  it('takes at least the minimum count, so a small site never counts', () => {
    expect(siteIsDown(site(2, 2), DEFAULT_SITE_OUTAGE)).toBe(false);
    expect(siteIsDown(site(3, 2), DEFAULT_SITE_OUTAGE)).toBe(false);
    expect(siteIsDown(site(3, 3), DEFAULT_SITE_OUTAGE)).toBe(true);
    expect(siteIsDown(site(5, 3), DEFAULT_SITE_OUTAGE)).toBe(true);
    expect(siteIsDown(site(2, 2), { share: 0.5, minOffline: 2 })).toBe(true);
  });

  it('follows a configured share', () => {
    const config = { share: 0.75, minOffline: 1 };
    expect(siteIsDown(site(4, 3), config)).toBe(false);
    expect(siteIsDown(site(4, 4), config)).toBe(true);
  });
});

describe('decideSites', () => {
  it('reports only changes: sites going down, and sites coming back', () => {
    const counts = [site(4, 3, 'a'), site(4, 3, 'b'), site(4, 2, 'c'), site(4, 1, 'd')];
    const held = [{ tenantId: 'acme', siteId: 'b' }, { tenantId: 'acme', siteId: 'c' }];
    expect(decideSites(counts, held, DEFAULT_SITE_OUTAGE)).toEqual({ down: [site(4, 3, 'a')], up: [{ tenantId: 'acme', siteId: 'c' }] });
  });

  it('brings up a site held down that has no watched agent left', () => {
    expect(decideSites([], [{ tenantId: 'acme', siteId: 'gone' }], DEFAULT_SITE_OUTAGE)).toEqual({ down: [], up: [{ tenantId: 'acme', siteId: 'gone' }] });
  });

  it('keeps tenants apart: the same site id in two tenants is two sites', () => {
    const counts = [{ tenantId: 't1', siteId: 'hq', watched: 3, offline: 3 }, { tenantId: 't2', siteId: 'hq', watched: 3, offline: 0 }];
    expect(decideSites(counts, [{ tenantId: 't2', siteId: 'hq' }], DEFAULT_SITE_OUTAGE)).toEqual({ down: [counts[0]], up: [{ tenantId: 't2', siteId: 'hq' }] });
  });
});

describe('countSites', () => {
  it('counts watched and offline agents per site', () => {
    const hq = { tenantId: 'acme', siteId: 'hq' };
    const lab = { tenantId: 'acme', siteId: 'lab' };
    expect(countSites([{ site: hq, online: false }, { site: hq, online: true }, { site: lab, online: false }])).toEqual([
      { ...hq, watched: 2, offline: 1 }, { ...lab, watched: 1, offline: 1 },
    ]);
  });
});
