/**
 * The web console's page paths: the collector serves its index.html at each (so a view can be
 * bookmarked and reloaded), and the console maps each to its page. One list for both.
 */
export const CONSOLE_PAGE_PATHS = ['/', '/fleet', '/agents/:id', '/remediation', '/jobs/:id', '/rules', '/maintenance', '/reports'] as const;
export type ConsolePagePath = (typeof CONSOLE_PAGE_PATHS)[number];
