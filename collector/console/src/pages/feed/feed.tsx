import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, getToken, streamUrl, type Alert, type AlertFeedMessage } from '../../app/api.js';
import type { PageProps } from '../../app/pages.js';
import { Link, readQuery, writeQuery } from '../../app/router.js';
import { Countdown } from '../../ui/countdown.js';
import { openReconnectingSocket } from '../../ui/reconnecting-socket.js';
import { useSubmit } from '../../ui/use-submit.js';
import { useVirtualRows } from '../../ui/virtual-rows.js';
import { feedItems, FILTER_KEYS, siteKey, stepAlert, type FeedFilters, type FeedItem } from './feed-rows.js';
import './feed.css';

const ROW_HEIGHT = 44;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
const STATES = ['open', 'acknowledged'] as const;

interface Acting { id: string; kind: 'ack' | 'resolve' }

function useStream(onSignedOut: () => void) {
  const alerts = useRef(new Map<string, Alert>());
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState('connecting…');
  const [hiddenP1, setHiddenP1] = useState(0);
  const frame = useRef<number | null>(null);
  // The stream outlives re-renders: the latest callback is read through a ref, not a dependency.
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;

  const changed = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setVersion((v) => v + 1);
    });
  }, []);

  const apply = useCallback((message: AlertFeedMessage) => {
    const map = alerts.current;
    if (message.type === 'snapshot') {
      map.clear();
      for (const alert of message.alerts) if (alert.state !== 'resolved') map.set(alert.id, alert);
    } else if (message.type === 'alert.resolved' || message.alert.state === 'resolved') {
      map.delete(message.alert.id);
    } else {
      map.set(message.alert.id, message.alert);
      if (message.type === 'alert.opened' && message.alert.priority === 'P1' && document.hidden) setHiddenP1((n) => n + 1);
    }
    changed();
  }, [changed]);

  useEffect(() => openReconnectingSocket<AlertFeedMessage>({
    url: () => {
      const token = getToken();
      return token ? streamUrl(token) : null;
    },
    onSignedOut: () => signedOut.current(),
    onRetry: (delay) => setStatus(`disconnected; retrying in ${Math.ceil(delay / 1000)} s`),
    onMessage: (message, connected) => {
      if (message.type === 'snapshot') {
        connected();
        setStatus('live');
      }
      apply(message);
    },
  }), [apply]);

  useEffect(() => {
    const visible = () => {
      if (!document.hidden) setHiddenP1(0);
    };
    document.addEventListener('visibilitychange', visible);
    return () => document.removeEventListener('visibilitychange', visible);
  }, []);

  useEffect(() => {
    document.title = hiddenP1 > 0 ? `(${hiddenP1}) Vigil — alerts` : 'Vigil — alerts';
  }, [hiddenP1]);

  const upsert = useCallback((alert: Alert) => apply({ type: 'alert.updated', alert }), [apply]);
  return { alerts, version, status, upsert };
}

export function FeedPage({ me, onSignedOut }: PageProps) {
  const { alerts, version, status, upsert } = useStream(onSignedOut);
  const canAct = me.permissions.includes('alerts:act');
  const [filters, setFilters] = useState<FeedFilters>(() => readQuery(FILTER_KEYS));
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const [acting, setActing] = useState<Acting | null>(null);

  const all = useMemo(() => [...alerts.current.values()], [version]);
  const tenants = useMemo(() => [...new Set([...me.tenants, ...all.map((a) => a.tenantId)])].sort(), [all, me.tenants]);
  const sites = useMemo(() => [...new Set(all.filter((a) => !filters.tenant || a.tenantId === filters.tenant).map(siteKey))].sort(), [all, filters.tenant]);
  const { items, matching } = useMemo(() => feedItems(all, filters, collapsed), [all, filters, collapsed]);
  const rows = useVirtualRows(items.length, ROW_HEIGHT);

  const update = (patch: Partial<FeedFilters>) => {
    const next = { ...filters, ...patch };
    // A site belongs to one tenant: changing the tenant drops a site of another.
    if (patch.tenant !== undefined && next.site && !next.site.startsWith(`${patch.tenant}/`)) next.site = '';
    setFilters(next);
    writeQuery(next);
  };

  const toggleGroup = (key: string) => setCollapsed((current) => {
    const next = new Set(current);
    if (!next.delete(key)) next.add(key);
    return next;
  });

  // A layout effect: the listener must know the rows as soon as they are painted, or a key pressed
  // right after an update would move through the list as it was before it.
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) {
        if (event.key === 'Escape') setActing(null);
        return;
      }
      const index = selected ? items.findIndex((item) => item.kind === 'alert' && item.alert.id === selected) : -1;
      const item = index >= 0 ? items[index] : undefined;
      const current = item?.kind === 'alert' ? item.alert : undefined;
      const move = (step: 1 | -1) => {
        const next = stepAlert(items, index, step);
        const target = next >= 0 ? items[next] : undefined;
        if (target?.kind !== 'alert') return;
        setSelected(target.alert.id);
        rows.reveal(next);
      };
      if (event.key === 'j') move(1);
      else if (event.key === 'k') move(-1);
      else if (event.key === 'a' && canAct && current?.state === 'open') setActing({ id: current.id, kind: 'ack' });
      else if (event.key === 'r' && canAct && current) setActing({ id: current.id, kind: 'resolve' });
      else if (event.key === 'Escape') setActing(null);
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [items, selected, canAct, rows.reveal]);

  const actingAlert = acting ? alerts.current.get(acting.id) : undefined;

  return (
    <div class="feed-page">
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <select aria-label="Tenant" value={filters.tenant} onChange={(e) => update({ tenant: e.currentTarget.value })}>
          <option value="">All tenants</option>
          {tenants.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        <select aria-label="Site" value={filters.site} onChange={(e) => update({ site: e.currentTarget.value })}>
          <option value="">All sites</option>
          {filters.site && !sites.includes(filters.site) && <option value={filters.site}>{filters.site}</option>}
          {sites.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <select aria-label="Priority" value={filters.priority} onChange={(e) => update({ priority: e.currentTarget.value })}>
          <option value="">All priorities</option>
          {PRIORITIES.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
        <select aria-label="State" value={filters.state} onChange={(e) => update({ state: e.currentTarget.value })}>
          <option value="">All states</option>
          {STATES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <input type="search" aria-label="Search" placeholder="Search host, rule, metric, label…" value={filters.q} onInput={(e) => update({ q: e.currentTarget.value })} />
        <select aria-label="Group by" value={filters.group} onChange={(e) => update({ group: e.currentTarget.value })}>
          <option value="">No grouping</option>
          <option value="tenant">Group by tenant</option>
          <option value="priority">Group by priority</option>
        </select>
        <span class="hint">j/k select · a acknowledge · r resolve</span>
        <span class="feed-state">
          <span class="count">{matching} of {all.length} alerts</span>
          <span class="status" data-status={status === 'live' ? 'live' : 'down'}>{status}</span>
        </span>
      </form>
      {acting && actingAlert && (
        <ActionBar acting={acting} alert={actingAlert} onDone={(after) => { if (after) upsert(after); setActing(null); }} onSignedOut={onSignedOut} />
      )}
      <div class="grid-head" role="row">
        <span>Pri</span><span>State</span><span>Host</span><span>Alert</span><span>Value</span><span>Tenant</span><span>Opened</span><span>Respond</span><span>Resolve</span><span />
      </div>
      <div class="rows" ref={rows.ref} role="table" aria-label="Alerts" onScroll={rows.onScroll}>
        {items.length === 0 && <p class="empty">{all.length === 0 ? 'No open alerts.' : 'No alerts match the filters.'}</p>}
        <div class="rows-inner" style={{ height: `${rows.total}px` }}>
          {items.slice(rows.first, rows.last).map((item, i) => {
            const top = (rows.first + i) * ROW_HEIGHT;
            if (item.kind === 'group') return <GroupRow key={`group:${item.key}`} item={item} top={top} onToggle={() => toggleGroup(item.key)} />;
            const alert = item.alert;
            return (
              <AlertRow
                key={alert.id}
                alert={alert}
                top={top}
                selected={alert.id === selected}
                canAct={canAct}
                onSelect={() => setSelected(alert.id)}
                onAct={(kind) => { setSelected(alert.id); setActing({ id: alert.id, kind }); }}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function GroupRow({ item, top, onToggle }: { item: Extract<FeedItem, { kind: 'group' }>; top: number; onToggle: () => void }) {
  return (
    <div class={`group-row pri-${item.worst}`} role="row" data-group={item.key} style={{ top: `${top}px` }}>
      <button type="button" class="group-toggle" aria-expanded={!item.collapsed} onClick={onToggle}>
        {item.collapsed ? '▸' : '▾'} <strong>{item.label}</strong> <span class="group-count">{item.count} alert{item.count === 1 ? '' : 's'}</span>
      </button>
    </div>
  );
}

interface RowProps {
  alert: Alert;
  top: number;
  selected: boolean;
  canAct: boolean;
  onSelect: () => void;
  onAct: (kind: 'ack' | 'resolve') => void;
}

function AlertRow({ alert, top, selected, canAct, onSelect, onAct }: RowProps) {
  const classes = ['row', `pri-${alert.priority}`, `state-${alert.state}`];
  if (selected) classes.push('selected');
  if (alert.suppressedBy || alert.maintenanceWindowId) classes.push('muted');
  const labels = Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`).join(' ');
  return (
    <div class={classes.join(' ')} role="row" data-alert-id={alert.id} data-state={alert.state} aria-selected={selected} style={{ top: `${top}px` }} onClick={onSelect}>
      <span class={`pri pri-badge-${alert.priority}`}>{alert.priority}</span>
      <span class="state">
        {alert.state}
        {alert.flapping && <em class="tag tag-flapping" title="changing state too often; not notified">flapping</em>}
        {alert.suppressedBy && <em class="tag tag-suppressed" title={`suppressed by ${alert.suppressedBy}`}>suppressed</em>}
        {alert.maintenanceWindowId && <em class="tag tag-maintenance" title={`maintenance window ${alert.maintenanceWindowId}`}>maintenance</em>}
      </span>
      <span class="host"><Link href={`/agents/${encodeURIComponent(alert.agentId)}`} title={`agent ${alert.agentId}`}>{alert.hostname}</Link></span>
      <span class="rule" title={`${alert.metric} ${alert.op} ${alert.threshold} ${labels}`}>
        {alert.ruleName} <small>{alert.metric}{labels ? ` ${labels}` : ''}</small>
        {alert.comment && <small class="comment" title={alert.comment}> “{alert.comment}”</small>}
      </span>
      <span class="value">{Number.isFinite(alert.value) ? alert.value.toFixed(1) : String(alert.value)}</span>
      <span class="tenant">{alert.tenantId}/{alert.siteId}</span>
      <span class="opened" title={new Date(alert.openedAt).toLocaleString()}>{new Date(alert.openedAt).toLocaleTimeString()}</span>
      <Countdown label="respond" startedAt={alert.openedAt} by={alert.respondBy} breachedAt={alert.respondBreachedAt} met={alert.acknowledgedAt !== null} />
      <Countdown label="resolve" startedAt={alert.openedAt} by={alert.resolveBy} breachedAt={alert.resolveBreachedAt} met={false} />
      <span class="actions">
        {canAct && alert.state === 'open' && <button type="button" onClick={(e) => { e.stopPropagation(); onAct('ack'); }}>Ack</button>}
        {canAct && <button type="button" onClick={(e) => { e.stopPropagation(); onAct('resolve'); }}>Resolve</button>}
      </span>
    </div>
  );
}

function ActionBar({ acting, alert, onDone, onSignedOut }: { acting: Acting; alert: Alert; onDone: (after: Alert | null) => void; onSignedOut: () => void }) {
  const [comment, setComment] = useState('');
  const { failure, busy, run } = useSubmit(onSignedOut);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [acting.id, acting.kind]);
  const verb = acting.kind === 'ack' ? 'Acknowledge' : 'Resolve';

  function submit(event: Event) {
    event.preventDefault();
    const body = comment.trim() ? { comment: comment.trim() } : {};
    void run(async () => onDone(await api<Alert>('POST', `/api/v1/alerts/${encodeURIComponent(alert.id)}/${acting.kind === 'ack' ? 'ack' : 'resolve'}`, body)));
  }

  return (
    <form class="action-bar" onSubmit={submit} aria-label={`${verb} alert`}>
      <strong>{verb}</strong> <span>{alert.priority} {alert.ruleName} on {alert.hostname}</span>
      <input ref={input} aria-label="Comment" placeholder="Comment (optional)" maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      <button type="submit" disabled={busy}>{verb}</button>
      <button type="button" onClick={() => onDone(null)}>Cancel</button>
      {failure && <span class="form-error" role="alert">{failure.message}</span>}
    </form>
  );
}
