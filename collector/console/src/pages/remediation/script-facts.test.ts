import type { Script, ScriptParam } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { describeParam, matchesScript, paramNames, scopeOf, signerOf } from './script-facts.js';

const param = (patch: Partial<ScriptParam>): ScriptParam => ({ name: 'days', type: 'integer', required: false, ...patch });

describe('script facts', () => {
  it('names the signer, or says the script is unsigned', () => {
    expect(signerOf({ signature: { keyId: 'key_abcdefghijklmnop', alg: 'ed25519', value: 'x'.repeat(88) } })).toEqual({ signed: true, label: 'key_abcdefghijklmnop' });
    expect(signerOf({ signature: null })).toEqual({ signed: false, label: 'unsigned' });
    expect(scopeOf(null)).toBe('MSP-wide');
    expect(scopeOf('acme')).toBe('acme');
  });

  it('describes a parameter\'s declared constraints', () => {
    expect(describeParam(param({ required: true, min: 1, max: 30 }))).toBe('integer 1–30, required');
    expect(describeParam(param({ type: 'enum', values: ['fast', 'full'], default: 'fast' }))).toBe('enum: fast | full, default "fast"');
    expect(describeParam(param({ type: 'string', pattern: '[a-z]+', maxLength: 20 }))).toBe('string matching /[a-z]+/ at most 20 characters');
    expect(describeParam(param({ type: 'number', min: 0 }))).toBe('number 0–…');
    expect(paramNames([param({}), param({ name: 'force', type: 'boolean' })])).toBe('days, force');
    expect(paramNames([])).toBe('—');
  });

  it('searches name, shell, scope, signer and platforms', () => {
    const script = { id: 'scr_1', name: 'Clean temp', shell: 'sh', tenantId: null, signature: null, os: ['linux'] } as unknown as Script;
    expect(matchesScript(script, '')).toBe(true);
    expect(matchesScript(script, 'CLEAN')).toBe(true);
    expect(matchesScript(script, 'msp-wide')).toBe(true);
    expect(matchesScript(script, 'unsigned')).toBe(true);
    expect(matchesScript(script, 'windows')).toBe(false);
  });
});
