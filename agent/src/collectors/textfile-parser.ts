import type { Sample } from '@vigil/shared';

/**
 * The subset of the Prometheus text format that node_exporter's textfile collector is fed with:
 * `name value` or `name{label="v",…} value`, an optional timestamp (ignored: a sample is as of the
 * frame that carries it), `#` comments and blank lines. Pure: text in, samples and problems out.
 */

export const CUSTOM_METRIC_PREFIX = 'custom.';
const NAME = /^[a-z_][a-z0-9_]*$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The frame schema's bounds: metric names up to 128 characters, 16 labels, values up to 256. */
const MAX_METRIC_NAME = 128;
const MAX_LABELS = 16;
const MAX_LABEL_VALUE = 256;
const MAX_LABEL_NAME = 64;

export interface ParsedTextfile {
  samples: Sample[];
  /** One per skipped line: "line 3: …". */
  problems: string[];
}

type LabelParse = { ok: true; labels: Record<string, string>; rest: string } | { ok: false; problem: string };

/** Reads `{a="x",b="y"}` from the start of `text` (escapes \\, \" and \n as Prometheus defines them). */
function parseLabels(text: string): LabelParse {
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 1;
  const skipSpaces = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpaces();
    if (text[i] === '}') return { ok: true, labels: { ...labels }, rest: text.slice(i + 1) };
    const nameMatch = /^[^=\s}]*/.exec(text.slice(i))![0];
    if (!LABEL_NAME.test(nameMatch) || nameMatch.length > MAX_LABEL_NAME) return { ok: false, problem: `bad label name ${JSON.stringify(nameMatch.slice(0, 80))}` };
    // Reserved by Prometheus, and __proto__ would make the collector drop the whole connection.
    if (nameMatch.startsWith('__')) return { ok: false, problem: `label names starting with __ are reserved (${nameMatch.slice(0, 80)})` };
    if (Object.hasOwn(labels, nameMatch)) return { ok: false, problem: `label ${nameMatch} given twice` };
    i += nameMatch.length;
    skipSpaces();
    if (text[i] !== '=') return { ok: false, problem: `expected = after label ${nameMatch}` };
    i++;
    skipSpaces();
    if (text[i] !== '"') return { ok: false, problem: `the value of label ${nameMatch} must be in double quotes` };
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return { ok: false, problem: `unterminated value of label ${nameMatch}` };
      i++;
      if (c === '"') break;
      if (c !== '\\') {
        value += c;
        continue;
      }
      const escaped = text[i++];
      if (escaped === 'n') value += '\n';
      else if (escaped === '\\' || escaped === '"') value += escaped;
      else return { ok: false, problem: `unknown escape \\${escaped ?? ''} in label ${nameMatch}` };
    }
    if (value.length > MAX_LABEL_VALUE) return { ok: false, problem: `the value of label ${nameMatch} is longer than ${MAX_LABEL_VALUE} characters` };
    labels[nameMatch] = value;
    if (Object.keys(labels).length > MAX_LABELS) return { ok: false, problem: `more than ${MAX_LABELS} labels` };
    skipSpaces();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return { ok: false, problem: `expected , or } after label ${nameMatch}` };
  }
}

/** Prometheus values are Go floats; only finite ones are samples here (NaN and ±Inf are refused, not zeroed). */
function parseValue(text: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

type LineParse = { sample: Sample } | { problem: string } | null;

export function parseTextfileLine(line: string): LineParse {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return null;
  const name = /^[^\s{]*/.exec(text)![0];
  if (!NAME.test(name)) return { problem: `bad metric name ${JSON.stringify(name.slice(0, 80))} (lower-case letters, digits and _, not starting with a digit)` };
  const metric = `${CUSTOM_METRIC_PREFIX}${name}`;
  if (metric.length > MAX_METRIC_NAME) return { problem: `metric name ${name.slice(0, 40)}… is longer than ${MAX_METRIC_NAME - CUSTOM_METRIC_PREFIX.length} characters` };
  let rest = text.slice(name.length);
  let labels: Record<string, string> | undefined;
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest);
    if (!parsed.ok) return { problem: parsed.problem };
    if (Object.keys(parsed.labels).length) labels = parsed.labels;
    rest = parsed.rest;
  }
  if (!/^[ \t]/.test(rest)) return { problem: `expected a space and a value after ${name}` };
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length > 2) return { problem: `unexpected text after the value of ${name}` };
  if (fields.length === 2 && !/^-?\d+$/.test(fields[1]!)) return { problem: `bad timestamp ${JSON.stringify(fields[1]!.slice(0, 40))} after the value of ${name}` };
  const value = parseValue(fields[0]!);
  if (value === null) return { problem: `value of ${name} is not a finite number: ${JSON.stringify(fields[0]!.slice(0, 40))}` };
  return { sample: labels ? { metric, value, labels } : { metric, value } };
}

export function parseTextfile(text: string): ParsedTextfile {
  const samples: Sample[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const parsed = parseTextfileLine(line);
    if (!parsed) return;
    if ('problem' in parsed) problems.push(`line ${index + 1}: ${parsed.problem}`);
    else samples.push(parsed.sample);
  });
  return { samples, problems };
}
