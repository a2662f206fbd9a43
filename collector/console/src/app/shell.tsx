import type { ComponentChildren } from 'preact';
import type { Permission, WhoAmI } from '@vigil/shared';
import { can } from './permissions.js';
import { Link } from './router.js';

/** The console's sections; one is listed only for callers holding its permission. */
export const SECTIONS: readonly { href: string; label: string; permission: Permission }[] = [
  { href: '/', label: 'Alerts', permission: 'alerts:read' },
  { href: '/fleet', label: 'Fleet', permission: 'agents:read' },
  { href: '/remediation', label: 'Remediation', permission: 'jobs:read' },
  { href: '/rules', label: 'Rules', permission: 'rules:read' },
  { href: '/maintenance', label: 'Maintenance', permission: 'maintenance:read' },
  { href: '/reports', label: 'Reports', permission: 'reports:read' },
];

export function Shell({ me, onLogout, children }: { me: WhoAmI; onLogout: () => void; children: ComponentChildren }) {
  return (
    <div class="shell">
      <header class="top">
        <h1>Vigil</h1>
        <nav class="nav" aria-label="Sections">
          {SECTIONS.filter((s) => can(me, s.permission)).map((s) => <Link key={s.href} href={s.href}>{s.label}</Link>)}
        </nav>
        <span class="spacer" />
        <span class="who">{me.user?.displayName ?? me.user?.username ?? 'API token'} · {me.role}</span>
        <button type="button" onClick={onLogout}>Log out</button>
      </header>
      <main class="page">{children}</main>
    </div>
  );
}

export function NotFound() {
  return <p class="empty">No such page. <Link href="/">Back to the alerts.</Link></p>;
}
