import type { PageProps } from '../../app/pages.js';

export function RemediationPage(_props: PageProps) {
  return <div class="page-head"><h2>Remediation</h2></div>;
}
