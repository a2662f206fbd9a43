import type { ComponentChildren } from 'preact';
import type { AgentDetail } from '@vigil/shared';
import { formatTime } from '../../app/api.js';
import { timeAgo } from '../../ui/format-time.js';

const PRESENCE_BADGE = { online: 'badge badge-ok', offline: 'badge badge-bad', unknown: 'badge' } as const;

/** Who the endpoint is and whether it is there: the first thing an engineer checks. */
export function AgentHeader({ agent, now }: { agent: AgentDetail; now: number }) {
  const { os } = agent;
  return (
    <header class="agent-header">
      <div class="page-head">
        <h2>{agent.hostname}</h2>
        {agent.revokedAt !== null
          ? <span class="badge badge-bad" data-presence="revoked">revoked</span>
          : <span class={PRESENCE_BADGE[agent.presence]} data-presence={agent.presence}>{agent.presence}</span>}
        <span class="hint">{agent.id}</span>
      </div>
      <dl class="agent-facts">
        <Fact term="OS">{[os.platform, os.distro, os.release, os.arch].filter(Boolean).join(' · ')}</Fact>
        <Fact term="Agent">{agent.agentVersion}</Fact>
        <Fact term="Tenant / site">{agent.tenantId} / {agent.siteId}</Fact>
        <Fact term="Tags">{agent.tags.length ? agent.tags.map((t) => <span key={t} class="badge agent-tag">{t}</span>) : '—'}</Fact>
        <Fact term="Last seen">{agent.lastSeenAt === null ? 'never' : `${timeAgo(agent.lastSeenAt, now)} (${formatTime(agent.lastSeenAt)})`}</Fact>
        <Fact term="Enrolled">{formatTime(agent.enrolledAt)}</Fact>
        {agent.revokedAt !== null && <Fact term="Revoked">{formatTime(agent.revokedAt)}</Fact>}
      </dl>
    </header>
  );
}

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return <div class="fact"><dt>{term}</dt><dd>{children}</dd></div>;
}
