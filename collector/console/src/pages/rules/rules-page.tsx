import type { PageProps } from '../../app/pages.js';

export function RulesPage(_props: PageProps) {
  return <div class="page-head"><h2>Rules</h2></div>;
}
