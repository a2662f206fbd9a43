import type { PageProps } from '../../app/pages.js';

export function AgentPage(_props: PageProps) {
  return <div class="page-head"><h2>Agent</h2></div>;
}
