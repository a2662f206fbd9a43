import type { PageProps } from '../../app/pages.js';

export function ReportPage(_props: PageProps) {
  return <div class="page-head"><h2>Reports</h2></div>;
}
