import type { PageProps } from '../../app/pages.js';

export function FleetPage(_props: PageProps) {
  return <div class="page-head"><h2>Fleet</h2></div>;
}
