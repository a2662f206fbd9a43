import type { PageProps } from '../../app/pages.js';

export function MaintenancePage(_props: PageProps) {
  return <div class="page-head"><h2>Maintenance windows</h2></div>;
}
