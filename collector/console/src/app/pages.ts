import type { FunctionComponent } from 'preact';
import type { ConsolePagePath, WhoAmI } from '@vigil/shared';
import { AgentPage } from '../pages/agent/agent-page.js';
import { FeedPage } from '../pages/feed/feed.js';
import { FleetPage } from '../pages/fleet/fleet-page.js';
import { MaintenancePage } from '../pages/maintenance/maintenance-page.js';
import { JobPage } from '../pages/remediation/job-page.js';
import { RemediationPage } from '../pages/remediation/remediation-page.js';
import { ReportPage } from '../pages/reports/report-page.js';
import { RulesPage } from '../pages/rules/rules-page.js';

/** What every page receives: who is asking, its path parameters, and a way to sign out. */
export interface PageProps {
  me: WhoAmI;
  params: Record<string, string>;
  /** Called when the API says the session is gone (401): back to the login form. */
  onSignedOut: () => void;
}

/**
 * The page for each path the collector serves the console at (CONSOLE_PAGE_PATHS in shared): the
 * type requires one page per path and no other, so the two cannot drift apart.
 */
const PAGE_BY_PATH: Readonly<Record<ConsolePagePath, FunctionComponent<PageProps>>> = {
  '/': FeedPage,
  '/fleet': FleetPage,
  '/agents/:id': AgentPage,
  '/remediation': RemediationPage,
  '/jobs/:id': JobPage,
  '/rules': RulesPage,
  '/maintenance': MaintenancePage,
  '/reports': ReportPage,
};

export const PAGES: readonly { path: ConsolePagePath; component: FunctionComponent<PageProps> }[] =
  (Object.entries(PAGE_BY_PATH) as [ConsolePagePath, FunctionComponent<PageProps>][]).map(([path, component]) => ({ path, component }));
