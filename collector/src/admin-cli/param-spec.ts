import { checkParams, describeZodError, ScriptParamSchema, type ParamValue, type ScriptParam } from '@vigil/shared';
import { InvalidArgumentError } from 'commander';

/**
 * `--param` of `vigil scripts add`: one parameter declaration, which is signed with the script.
 *
 *   name:type[:required][=default]
 *
 * type: string, integer, number, boolean, enum(a|b|c); integer and number take bounds as
 * integer(1..10), number(0..), integer(..100). Everything after the first `=` is the default.
 *   path:string:required    level:enum(low|high)=low    count:integer(1..100)=10
 */

const TYPE_WORDS = ['string', 'integer', 'number', 'boolean', 'enum'] as const;
type TypeWord = (typeof TYPE_WORDS)[number];

const SPEC_HELP = 'expected name:type[:required][=default], type one of string, integer, number, boolean, enum(a|b), e.g. path:string:required or level:enum(low|high)=low';

function fail(spec: string, why: string): never {
  throw new InvalidArgumentError(`${spec}: ${why}`);
}

function parseBound(spec: string, text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) fail(spec, `${text} is not a number`);
  return n;
}

/** The parenthesised part after the type word: enum values or numeric bounds. */
function typeDetail(spec: string, type: TypeWord, detail: string | undefined): Partial<ScriptParam> {
  if (type === 'enum') {
    if (detail === undefined) fail(spec, 'an enum lists its values: enum(a|b|c)');
    const values = detail.split('|').map((v) => v.trim());
    if (values.some((v) => v === '')) fail(spec, 'enum values must not be empty');
    return { values };
  }
  if (detail === undefined) return {};
  if (type !== 'integer' && type !== 'number') fail(spec, `${type} takes no (...)`);
  const ends = detail.split('..');
  if (ends.length !== 2) fail(spec, `bounds are written ${type}(min..max), either end may be left out`);
  const min = parseBound(spec, ends[0]!);
  const max = parseBound(spec, ends[1]!);
  if (min !== undefined && max !== undefined && min > max) fail(spec, `min ${min} is above max ${max}`);
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

/** The default as written, typed like the parameter (checked against it below). */
function typedDefault(type: TypeWord, text: string): ParamValue {
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (type === 'integer' || type === 'number') return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  return text;
}

export function parseParamSpec(spec: string): ScriptParam {
  const match = /^([^:=]+):([a-z]+)(?:\(([^)]*)\))?(:required|:optional)?(?:=([\s\S]*))?$/.exec(spec);
  if (!match) fail(spec, SPEC_HELP);
  const [, name, typeWord, detail, requiredFlag, defaultText] = match;
  if (!(TYPE_WORDS as readonly string[]).includes(typeWord!)) fail(spec, `${typeWord} is not a type; use ${TYPE_WORDS.join(', ')}`);
  const type = typeWord as TypeWord;
  const declared = {
    name: name!,
    type,
    required: requiredFlag === ':required',
    ...typeDetail(spec, type, detail),
    ...(defaultText !== undefined ? { default: typedDefault(type, defaultText) } : {}),
  };
  const parsed = ScriptParamSchema.safeParse(declared);
  if (!parsed.success) fail(spec, describeZodError(parsed.error));
  // The default must be a value the agent would accept, or every run without the parameter is refused.
  if (parsed.data.default !== undefined) {
    const check = checkParams([parsed.data], {});
    if (!check.ok) fail(spec, `default: ${check.error}`);
  }
  return parsed.data;
}

/** For commander: `--param SPEC`, repeatable, in the order given (the order of the script's arguments). */
export function collectParamSpec(value: string, previous: ScriptParam[] = []): ScriptParam[] {
  const param = parseParamSpec(value);
  if (previous.some((p) => p.name === param.name)) throw new InvalidArgumentError(`${value}: parameter ${param.name} is declared twice`);
  return [...previous, param];
}

/** `path:string:required` back from a declaration, for `vigil scripts show`. */
export function formatParamSpec(param: ScriptParam): string {
  let type: string = param.type;
  if (param.type === 'enum') type = `enum(${(param.values ?? []).join('|')})`;
  else if (param.min !== undefined || param.max !== undefined) type = `${param.type}(${param.min ?? ''}..${param.max ?? ''})`;
  const extra = [param.pattern !== undefined ? `pattern ${param.pattern}` : '', param.maxLength !== undefined ? `max length ${param.maxLength}` : ''].filter(Boolean);
  return `${param.name}:${type}${param.required ? ':required' : ''}${param.default !== undefined ? `=${String(param.default)}` : ''}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}
