import { describe, expect, it } from 'vitest';
import { ScriptParamSchema } from './script-manifest.js';
import { checkParams } from './script-params.js';

const params = [
  { name: 'path', type: 'string', required: true, pattern: '/[a-z/]+' },
  { name: 'count', type: 'integer', min: 1, max: 10, default: 3 },
  { name: 'force', type: 'boolean' },
  { name: 'level', type: 'enum', values: ['low', 'high'], default: 'low' },
  { name: 'ratio', type: 'number' },
].map((p) => ScriptParamSchema.parse(p));

describe('checkParams', () => {
  it('types the values, fills defaults, and passes them in declared order and as VIGIL_PARAM_*', () => {
    const result = checkParams(params, { path: '/var/tmp', force: 'true', ratio: '0.5' });
    expect(result).toEqual({
      ok: true,
      values: { path: '/var/tmp', count: 3, force: true, level: 'low', ratio: 0.5 },
      argv: ['/var/tmp', '3', 'true', 'low', '0.5'],
      env: { VIGIL_PARAM_PATH: '/var/tmp', VIGIL_PARAM_COUNT: '3', VIGIL_PARAM_FORCE: 'true', VIGIL_PARAM_LEVEL: 'low', VIGIL_PARAM_RATIO: '0.5' },
    });
  });

  it('refuses with a message naming the parameter', () => {
    const error = (given: Record<string, unknown>) => {
      const result = checkParams(params, given);
      return result.ok ? null : result.error;
    };
    expect(error({})).toBe('parameter path is required');
    expect(error({ path: '/tmp; rm -rf /' })).toMatch(/^parameter path must match/);
    expect(error({ path: '/tmp', count: 11 })).toBe('parameter count must be at most 10, got 11');
    expect(error({ path: '/tmp', count: '2.5' })).toBe('parameter count must be a whole number, got "2.5"');
    expect(error({ path: '/tmp', force: 'yes' })).toMatch(/^parameter force must be true or false/);
    expect(error({ path: '/tmp', level: 'max' })).toBe('parameter level must be one of low, high, got "max"');
    expect(error({ path: '/tmp', extra: 1 })).toBe('unknown parameter extra: the script declares path, count, force, level, ratio');
    expect(error({ path: '/tmp', ratio: { x: 1 } })).toBe('parameter ratio must be a string, number or boolean');
  });

  it('refuses NUL and over-long strings, and an enum without values at declaration', () => {
    const text = [ScriptParamSchema.parse({ name: 'note', type: 'string', maxLength: 5 })];
    expect(checkParams(text, { note: 'a\0b' })).toEqual({ ok: false, error: 'parameter note must not contain NUL' });
    expect(checkParams(text, { note: 'abcdef' })).toEqual({ ok: false, error: 'parameter note is longer than 5 characters' });
    expect(ScriptParamSchema.safeParse({ name: 'e', type: 'enum' }).success).toBe(false);
  });

  it('anchors patterns, so a value cannot match by a substring', () => {
    const digits = [ScriptParamSchema.parse({ name: 'n', type: 'string', pattern: '[0-9]+' })];
    expect(checkParams(digits, { n: '42' }).ok).toBe(true);
    expect(checkParams(digits, { n: '42 && reboot' }).ok).toBe(false);
  });
});
