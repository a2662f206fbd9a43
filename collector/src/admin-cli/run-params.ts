import { checkParams, type ParamValue, type ScriptParam } from '@vigil/shared';
import { InvalidArgumentError } from 'commander';
import { UsageError } from './cli-error.js';

/**
 * `--param name=value` of `vigil run`: the command line only has text, while the API takes
 * typed values, so each value is typed by the parameter the script declares ("true" for a
 * boolean, "5" for an integer) and checked as the agent will check it, before anything is sent.
 */

/** For commander: repeatable `--param name=value`, the value as typed (it may contain '='). */
export function collectParamValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected name=value');
  const name = value.slice(0, at);
  if (Object.hasOwn(previous, name)) throw new InvalidArgumentError(`${name} is given twice`);
  return { ...previous, [name]: value.slice(at + 1) };
}

function typed(param: ScriptParam | undefined, text: string): ParamValue {
  if (param?.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if ((param?.type === 'integer' || param?.type === 'number') && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

/**
 * The values to send: those given, typed by the script's declarations. Unknown names, missing
 * required parameters and values the declaration refuses are usage errors naming the parameter.
 * Defaults are left to the agent, which applies the signed ones.
 */
export function typedParams(declared: readonly ScriptParam[], given: Readonly<Record<string, string>>): Record<string, ParamValue> {
  const byName = new Map(declared.map((p) => [p.name, p]));
  const values = Object.fromEntries(Object.entries(given).map(([name, text]) => [name, typed(byName.get(name), text)]));
  const check = checkParams(declared, values);
  if (!check.ok) throw new UsageError(check.error);
  return Object.fromEntries(Object.keys(given).map((name) => [name, check.values[name]!]));
}
