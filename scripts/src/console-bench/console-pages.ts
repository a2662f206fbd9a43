import type { ListPage } from './page-timings.js';

export interface MeasuredPage {
  name: string;
  page: ListPage;
  /** What the page's count counts once loaded: every open alert, or every agent. */
  rows: 'alerts' | 'agents';
  /** Searches a NOC engineer would type, each narrowing the last: a tenant, a host group, one host, no match, and clearing it. */
  searches: readonly string[];
}

/** The alert feed: its count reads "N of M alerts". */
const FEED: ListPage = {
  path: '/',
  countSelector: '.filters .count',
  listSelector: '.rows',
  searchSelector: 'input[aria-label="Search"]',
  rowSelector: '.rows .row',
};

/** Hostnames are `bench-TT-GROUP-NNNNN` (see bench-fleet.ts): tenant `tenant`'s first P1 host exists whenever it has alerts. */
function searchesFor(tenant: string): string[] {
  return [tenant, `${tenant}-p1`, `${tenant}-p1-00000`, 'no-such-host', ''];
}

/** The fleet page: its count reads "N of M agents". */
const FLEET: ListPage = {
  path: '/fleet',
  countSelector: '.fleet-toolbar .count',
  listSelector: '.fleet-scroller',
  searchSelector: '.fleet-toolbar input[aria-label="Search"]',
  rowSelector: '.fleet-scroller [data-agent-id]',
};

export function consoleListPages(tenant: string): MeasuredPage[] {
  return [
    { name: 'feed', page: FEED, rows: 'alerts', searches: searchesFor(tenant) },
    { name: 'fleet', page: FLEET, rows: 'agents', searches: searchesFor(tenant) },
  ];
}
