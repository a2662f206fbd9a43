import type { FieldError, ParamValue, ScriptParam } from '@vigil/shared';

/**
 * The run-script form's parameters: the inputs a script's declared parameters need, the values
 * sent, and the API's refusals placed next to the parameter they name.
 */

/** What an input holds: text for strings, numbers and enums, a flag for booleans. */
export type ParamInput = string | boolean;

export function initialParamValues(params: readonly ScriptParam[]): Record<string, ParamInput> {
  const values: Record<string, ParamInput> = {};
  for (const p of params) {
    if (p.type === 'boolean') values[p.name] = p.default === true || p.default === 'true';
    else if (p.default !== undefined) values[p.name] = String(p.default);
    else values[p.name] = p.type === 'enum' && p.required ? (p.values?.[0] ?? '') : '';
  }
  return values;
}

/**
 * The `params` of the job: an empty optional input is left out (the script's default applies);
 * a number parameter goes as a number when it reads as one, and otherwise as typed, so the API
 * answers with what is wrong with it rather than the form guessing.
 */
export function paramPayload(params: readonly ScriptParam[], values: Readonly<Record<string, ParamInput>>): Record<string, ParamValue> {
  const payload: Record<string, ParamValue> = {};
  for (const p of params) {
    const value = values[p.name];
    if (value === undefined) continue;
    if (p.type === 'boolean') {
      payload[p.name] = value === true;
      continue;
    }
    const text = String(value);
    if (text === '') continue;
    if (p.type === 'integer' || p.type === 'number') {
      const n = Number(text.trim());
      payload[p.name] = text.trim() !== '' && Number.isFinite(n) ? n : text;
    } else {
      payload[p.name] = text;
    }
  }
  return payload;
}

/** `invalid body: PATH: MESSAGE`, the API's wording for a refused field. */
const FIELD_MESSAGE = /^invalid (?:body|query): ([A-Za-z0-9_.]+): ([\s\S]+)$/;

/**
 * The fields a refusal names. The job service refuses a parameter as `params: parameter NAME …`,
 * sometimes in the message alone (without `fields`); the form shows it under the NAME input by
 * moving it to the path `params.NAME`. Anything else stays where it was.
 */
export function placeParamErrors(failure: { message: string; fields: readonly FieldError[] }, names: readonly string[]): FieldError[] {
  const fromMessage = FIELD_MESSAGE.exec(failure.message);
  const fields = failure.fields.length > 0 ? failure.fields : fromMessage ? [{ path: fromMessage[1]!, message: fromMessage[2]! }] : [];
  return fields.map((field) => {
    if (field.path !== 'params') return field;
    const named = names.find((name) => field.message.startsWith(`parameter ${name} `));
    return named ? { path: `params.${named}`, message: field.message.slice(`parameter ${named} `.length) } : field;
  });
}

/** A hint under a parameter's input: its description and the limits it must keep. */
export function paramHint(p: ScriptParam): string | undefined {
  const limits: string[] = [];
  if (p.min !== undefined) limits.push(`≥ ${p.min}`);
  if (p.max !== undefined) limits.push(`≤ ${p.max}`);
  if (p.pattern !== undefined) limits.push(`matches ${p.pattern}`);
  if (p.default !== undefined && p.type !== 'boolean') limits.push(`default ${String(p.default)}`);
  const text = [p.description, limits.join(', ')].filter(Boolean).join(' · ');
  return text || undefined;
}
