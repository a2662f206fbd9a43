/** The agent socket lives at /agent on the collector's own origin (and under its base path, if any). */
export function agentSocketUrl(server: string): string {
  const url = new URL(server);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`unsupported server URL scheme ${url.protocol} (use http:// or https://)`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/agent`;
  url.search = '';
  url.hash = '';
  return url.toString();
}
