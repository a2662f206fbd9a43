import type { FunctionComponent } from 'preact';
import type { WhoAmI } from '@vigil/shared';
import { FeedPage } from '../pages/feed/feed.js';

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
];
