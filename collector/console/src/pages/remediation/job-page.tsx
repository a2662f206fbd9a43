import type { PageProps } from '../../app/pages.js';

export function JobPage(_props: PageProps) {
  return <div class="page-head"><h2>Job</h2></div>;
}
