import { EVENT_MATCH_METRIC, type EventEntry, type Rule, type Sample } from '@vigil/shared';
import { EventMatchWindow, eventMatcher } from '../rules/event-match.js';
import { ruleAppliesTo } from '../rules/scope.js';
import type { AgentContext } from '../rules/types.js';

interface RuleCounts {
  /** The criteria the windows were counted with: other criteria start the counts afresh. */
  events: string;
  matches: (entry: EventEntry) => boolean;
  byAgent: Map<string, EventMatchWindow>;
}

/**
 * Event-log match rules as ordinary threshold rules: per (rule, agent) the collector counts the
 * entries matching the rule within its window and hands the engine one `event.match` sample per
 * frame, labelled with the rule's id. Frames without entries get one too, so the count decays and
 * the alert resolves once the matches age out. Pure: time is the frame's timestamp.
 */
export class EventMatchCounts {
  private readonly byRule = new Map<string, RuleCounts>();
  private lastRules: readonly Rule[] | undefined;

  /**
   * The samples for one stored frame of `agent` at `ts` carrying `entries`, for the enabled event
   * rules given (those whose scope leaves the agent out get none, and keep no counts for it).
   */
  samplesFor(rules: readonly Rule[], agent: AgentContext, ts: number, entries: readonly EventEntry[]): Sample[] {
    this.forgetOthers(rules);
    const samples: Sample[] = [];
    for (const rule of rules) {
      if (rule.events == null || !ruleAppliesTo(rule, agent)) continue;
      const counts = this.countsFor(rule, rule.events);
      let window = counts.byAgent.get(agent.agentId);
      if (window === undefined) {
        window = new EventMatchWindow(rule.events.window);
        counts.byAgent.set(agent.agentId, window);
      }
      const matched = entries.filter(counts.matches).map((entry) => entry.ts);
      samples.push({ metric: EVENT_MATCH_METRIC, value: window.record(matched, ts), labels: { rule: rule.id } });
      // An empty window holds nothing the next count needs.
      if (window.size === 0) counts.byAgent.delete(agent.agentId);
    }
    return samples;
  }

  private countsFor(rule: Rule, events: NonNullable<Rule['events']>): RuleCounts {
    const key = JSON.stringify(events);
    let counts = this.byRule.get(rule.id);
    if (counts === undefined || counts.events !== key) {
      counts = { events: key, matches: eventMatcher(events), byAgent: new Map() };
      this.byRule.set(rule.id, counts);
    }
    return counts;
  }

  /** Counts of rules deleted, disabled or no longer matching events go with them. */
  private forgetOthers(rules: readonly Rule[]): void {
    // The rule list is rebuilt only when the rules change: nothing to do for the same one.
    if (rules === this.lastRules) return;
    this.lastRules = rules;
    const ids = new Set(rules.map((rule) => rule.id));
    for (const id of this.byRule.keys()) if (!ids.has(id)) this.byRule.delete(id);
  }
}

/**
 * The frame's samples for the engine with the event counts added; an `event.match` sample an agent
 * reported itself is left out, as the collector's derived metrics are, so it cannot stand in for one.
 */
export function withEventMatches(samples: readonly Sample[], counted: readonly Sample[]): readonly Sample[] {
  const reported = samples.some((s) => s.metric === EVENT_MATCH_METRIC) ? samples.filter((s) => s.metric !== EVENT_MATCH_METRIC) : samples;
  return counted.length > 0 ? [...reported, ...counted] : reported;
}
