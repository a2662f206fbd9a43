import type { ParamValue, ScriptParam } from './script-manifest.js';

export type ParamCheck =
  | { ok: true; values: Record<string, ParamValue>; argv: string[]; env: Record<string, string> }
  | { ok: false; error: string };

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type Coerced = { value: ParamValue } | { error: string };

function coerce(param: ScriptParam, value: ParamValue): Coerced {
  switch (param.type) {
    case 'boolean':
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return { error: `must be true or false, got ${describe(value)}` };
    case 'integer':
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) return { error: `must be a number, got ${describe(value)}` };
      if (param.type === 'integer' && !Number.isInteger(n)) return { error: `must be a whole number, got ${describe(value)}` };
      if (param.min !== undefined && n < param.min) return { error: `must be at least ${param.min}, got ${n}` };
      if (param.max !== undefined && n > param.max) return { error: `must be at most ${param.max}, got ${n}` };
      return { value: n };
    }
    case 'enum':
      if (typeof value !== 'string' || !param.values!.includes(value)) return { error: `must be one of ${param.values!.join(', ')}, got ${describe(value)}` };
      return { value };
    case 'string': {
      if (typeof value !== 'string') return { error: `must be a string, got ${describe(value)}` };
      if (value.length > (param.maxLength ?? 1024)) return { error: `is longer than ${param.maxLength ?? 1024} characters` };
      // A NUL cannot be passed in an argument or environment value on any OS.
      if (value.includes('\0')) return { error: 'must not contain NUL' };
      if (param.pattern !== undefined) {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${param.pattern})$`, 'u');
        } catch {
          return { error: 'has a pattern that is not a valid regular expression' };
        }
        if (!re.test(value)) return { error: `must match ${param.pattern}, got ${describe(value)}` };
      }
      return { value };
    }
  }
}

/**
 * Checks per-run values against the parameters a script declares: unknown names, missing
 * required ones and values of the wrong type are refused with a message naming the parameter.
 * The values reach the script as positional arguments after the fixed ones (in declared order)
 * and as VIGIL_PARAM_<NAME>; never through a shell, so they cannot inject commands.
 */
export function checkParams(params: readonly ScriptParam[], given: Readonly<Record<string, unknown>>): ParamCheck {
  const declared = new Map(params.map((p) => [p.name, p]));
  const unknown = Object.keys(given).filter((name) => !declared.has(name));
  if (unknown.length > 0) return { ok: false, error: `unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: the script declares ${params.map((p) => p.name).join(', ') || 'none'}` };
  const values: Record<string, ParamValue> = {};
  for (const param of params) {
    const raw = Object.hasOwn(given, param.name) ? given[param.name] : param.default;
    if (raw === undefined) {
      if (param.required) return { ok: false, error: `parameter ${param.name} is required` };
      continue;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return { ok: false, error: `parameter ${param.name} must be a string, number or boolean` };
    const coerced = coerce(param, raw);
    if ('error' in coerced) return { ok: false, error: `parameter ${param.name} ${coerced.error}` };
    values[param.name] = coerced.value;
  }
  const argv = params.filter((p) => p.name in values).map((p) => String(values[p.name]));
  const env = Object.fromEntries(Object.entries(values).map(([name, v]) => [`VIGIL_PARAM_${name.toUpperCase()}`, String(v)]));
  return { ok: true, values, argv, env };
}
