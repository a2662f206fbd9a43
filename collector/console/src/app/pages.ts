import type { FunctionComponent } from 'preact';
import type { WhoAmI } from '@vigil/shared';
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
 * The console's pages by path. The collector serves index.html for each of these paths
 * (CONSOLE_PAGES in collector/src/api/console.ts); keep the two lists in step.
 */
export const PAGES: readonly { path: string; component: FunctionComponent<PageProps> }[] = [
  { path: '/', component: FeedPage },
  { path: '/fleet', component: FleetPage },
  { path: '/agents/:id', component: AgentPage },
  { path: '/remediation', component: RemediationPage },
  { path: '/jobs/:id', component: JobPage },
  { path: '/rules', component: RulesPage },
  { path: '/maintenance', component: MaintenancePage },
  { path: '/reports', component: ReportPage },
];
