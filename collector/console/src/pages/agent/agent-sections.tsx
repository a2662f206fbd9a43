import type { AgentDetail } from '@vigil/shared';
import { EventsView } from './events-view.js';
import { InventoryView } from './inventory-view.js';
import { PatchesView } from './patches-view.js';
import { readInventory, readPatches, readServices, readSmart } from './section-data.js';
import { SectionBody } from './section-state.js';
import { ServicesView } from './services-view.js';
import { SmartView } from './smart-view.js';
import { SourcesView } from './sources-view.js';

export const SECTION_TABS = [
  { id: 'patches', label: 'Patches' },
  { id: 'smart', label: 'Disk health' },
  { id: 'services', label: 'Services' },
  { id: 'inventory', label: 'Inventory' },
  { id: 'events', label: 'Events' },
  { id: 'sources', label: 'Sources' },
] as const;
export type SectionTab = (typeof SECTION_TABS)[number]['id'];

export function sectionTabById(id: string): SectionTab {
  return SECTION_TABS.find((t) => t.id === id)?.id ?? 'patches';
}

interface Props {
  agent: AgentDetail;
  tab: SectionTab;
  onTab: (tab: SectionTab) => void;
  onSignedOut: () => void;
}

/** What the agent's latest frames said beyond the numbers, one tab per section. */
export function AgentSections({ agent, tab, onTab, onSignedOut }: Props) {
  const failing = agent.sources.filter((s) => s.status !== 'ok').length;
  const onKey = (event: KeyboardEvent) => {
    // Arrow keys move between tabs, as a tab list does.
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const i = SECTION_TABS.findIndex((t) => t.id === tab);
    const next = SECTION_TABS[(i + (event.key === 'ArrowRight' ? 1 : SECTION_TABS.length - 1)) % SECTION_TABS.length]!;
    onTab(next.id);
    (event.currentTarget as HTMLElement).querySelector<HTMLButtonElement>(`#agent-tab-${next.id}`)?.focus();
  };
  return (
    <section class="agent-sections" aria-label="Reported sections">
      <div class="tabs" role="tablist" aria-label="Sections" onKeyDown={onKey}>
        {SECTION_TABS.map((t) => (
          <button
            key={t.id} id={`agent-tab-${t.id}`} type="button" role="tab" aria-selected={t.id === tab} aria-controls="agent-tab-panel"
            tabIndex={t.id === tab ? 0 : -1} onClick={() => onTab(t.id)}
          >
            {t.label}
            {t.id === 'sources' && failing > 0 && <span class="badge badge-warn tab-count">{failing}</span>}
          </button>
        ))}
      </div>
      <div class="section" id="agent-tab-panel" role="tabpanel" aria-labelledby={`agent-tab-${tab}`}>
        {tab === 'patches' && <SectionBody read={readPatches(agent.sections)} what="Patches">{(v) => <PatchesView patches={v} />}</SectionBody>}
        {tab === 'smart' && <SectionBody read={readSmart(agent.sections)} what="Disk health">{(v) => <SmartView smart={v} />}</SectionBody>}
        {tab === 'services' && <SectionBody read={readServices(agent.sections)} what="Services">{(v) => <ServicesView services={v} />}</SectionBody>}
        {tab === 'inventory' && <SectionBody read={readInventory(agent.sections)} what="Inventory">{(v) => <InventoryView inventory={v} />}</SectionBody>}
        {tab === 'events' && <EventsView agentId={agent.id} source={agent.sources.find((s) => s.source === 'events')} onSignedOut={onSignedOut} />}
        {tab === 'sources' && <SourcesView sources={agent.sources} />}
      </div>
    </section>
  );
}
