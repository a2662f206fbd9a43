import type { ApiFailure } from '../../app/api.js';
import { Field } from '../../ui/field.js';
import { METRIC_CATALOG } from '@vigil/shared/browser';
import { isPatchMetric, picksMetric, waitsForStreaks } from './rule-kinds.js';
import { serviceName, withServiceName, type RuleForm } from './rule-form-state.js';

export const OPERATORS: ReadonlyArray<{ value: RuleForm['op']; label: string }> = [
  { value: '>', label: '> above' }, { value: '>=', label: '≥ at or above' }, { value: '<', label: '< below' },
  { value: '<=', label: '≤ at or below' }, { value: '==', label: '= equal to' }, { value: '!=', label: '≠ not equal to' },
];

const CATALOG = Object.entries(METRIC_CATALOG);

/** The body paths these inputs stand for (FormError shows messages for any other). */
export const CONDITION_PATHS = [
  'metric', 'labels', 'op', 'threshold', 'clearThreshold', 'forSamples', 'for', 'aggregate', 'window',
  'events', 'events.log', 'events.level', 'events.source', 'events.eventId', 'events.message', 'events.window',
];

/** The hint under the metric: its unit and meaning, from the catalog (custom metrics have none). */
function metricHint(metric: string): string | undefined {
  const info = (METRIC_CATALOG as Record<string, { unit: string; description: string; labels: readonly string[] }>)[metric];
  if (!info) return undefined;
  return `${info.description} (${info.unit})${info.labels.length > 0 ? `; labels: ${info.labels.join(', ')}` : ''}`;
}

/** What the rule watches and when it fires: the inputs a rule's kind has. */
export function RuleConditionFields({ form, set, failure }: {
  form: RuleForm;
  set: (patch: Partial<RuleForm>) => void;
  failure: ApiFailure | null;
}) {
  const { kind } = form;
  const text = (key: 'threshold' | 'clearThreshold' | 'forSamples' | 'for' | 'window' | 'labels' | 'metric') =>
    (e: { currentTarget: HTMLInputElement }) => set({ [key]: e.currentTarget.value });
  const setEvents = (patch: Partial<RuleForm['events']>) => set({ events: { ...form.events, ...patch } });
  const metrics = kind === 'patch' ? CATALOG.filter(([name]) => isPatchMetric(name)) : CATALOG;
  return (
    <fieldset class="form-section">
      <legend>Condition</legend>
      <div class="form-grid">
        <Field label="Metric" path="metric" failure={failure} hint={metricHint(form.metric)}>
          {picksMetric(kind)
            ? <input value={form.metric} onInput={text('metric')} list="rule-metrics" placeholder="e.g. disk.used_pct" autocomplete="off" />
            : <input value={form.metric} readOnly />}
        </Field>
        {picksMetric(kind) && (
          <datalist id="rule-metrics">
            {metrics.map(([name, info]) => <option key={name} value={name}>{info.description}</option>)}
          </datalist>
        )}
        {kind === 'service' && (
          <Field label="Service name" path="labels" failure={failure} hint="as the agent reports it, e.g. nginx or Spooler">
            <input value={serviceName(form)} onInput={(e) => set(withServiceName(form, e.currentTarget.value))} />
          </Field>
        )}
        {kind !== 'service' && kind !== 'events' && kind !== 'offline' && (
          <Field label="Labels" path="labels" failure={failure} hint={kind === 'disk-health' ? 'e.g. device=sda; empty: every drive' : 'key=value, comma-separated; empty: every series'}>
            <input value={form.labels} onInput={text('labels')} />
          </Field>
        )}
        {kind === 'aggregate' && (
          <>
            <Field label="Aggregate" path="aggregate" failure={failure}>
              <select value={form.aggregate} onChange={(e) => set({ aggregate: e.currentTarget.value as RuleForm['aggregate'] })}>
                <option value="avg">average</option>
                <option value="max">maximum</option>
                <option value="min">minimum</option>
              </select>
            </Field>
            <Field label="Window" path="window" failure={failure} hint="e.g. 5m, 1h">
              <input value={form.window} onInput={text('window')} />
            </Field>
          </>
        )}
        {kind === 'events' && (
          <>
            <Field label="Log" path="events.log" failure={failure} hint="e.g. System; empty: every log">
              <input value={form.events.log} onInput={(e) => setEvents({ log: e.currentTarget.value })} />
            </Field>
            <Field label="Minimum level" path="events.level" failure={failure}>
              <select value={form.events.level} onChange={(e) => setEvents({ level: e.currentTarget.value as RuleForm['events']['level'] })}>
                <option value="">any</option>
                <option value="warning">warning (and errors)</option>
                <option value="error">error</option>
              </select>
            </Field>
            <Field label="Source" path="events.source" failure={failure}>
              <input value={form.events.source} onInput={(e) => setEvents({ source: e.currentTarget.value })} />
            </Field>
            <Field label="Event id" path="events.eventId" failure={failure}>
              <input value={form.events.eventId} onInput={(e) => setEvents({ eventId: e.currentTarget.value })} />
            </Field>
            <Field label="Message pattern" path="events.message" failure={failure} hint="a regular expression searched for in the message">
              <input value={form.events.message} onInput={(e) => setEvents({ message: e.currentTarget.value })} />
            </Field>
            <Field label="Counted over" path="events.window" failure={failure} hint="entries written within this long, e.g. 10m">
              <input value={form.events.window} onInput={(e) => setEvents({ window: e.currentTarget.value })} />
            </Field>
          </>
        )}
        <Field label="Operator" path="op" failure={failure}>
          <select value={form.op} onChange={(e) => set({ op: e.currentTarget.value as RuleForm['op'] })}>
            {OPERATORS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </Field>
        <Field label={kind === 'events' ? 'Threshold (entries)' : 'Threshold'} path="threshold" failure={failure}>
          <input value={form.threshold} onInput={text('threshold')} inputMode="decimal" />
        </Field>
        {kind !== 'offline' && kind !== 'events' && (
          <Field label="Clear threshold" path="clearThreshold" failure={failure} hint="optional: an open alert resolves only past this">
            <input value={form.clearThreshold} onInput={text('clearThreshold')} inputMode="decimal" />
          </Field>
        )}
        {waitsForStreaks(kind) && (
          <>
            <Field label="For samples" path="forSamples" failure={failure} hint="consecutive breaching samples before it opens">
              <input value={form.forSamples} onInput={text('forSamples')} inputMode="numeric" />
            </Field>
            <Field label="For" path="for" failure={failure} hint="optional: held this long first, e.g. 5m">
              <input value={form.for} onInput={text('for')} />
            </Field>
          </>
        )}
      </div>
      {kind === 'offline' && <p class="form-note">An agent-offline rule fires when the collector marks an agent offline; the collector's offline delay sets how long it waits.</p>}
    </fieldset>
  );
}
