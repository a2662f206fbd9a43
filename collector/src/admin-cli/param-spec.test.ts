import { describe, expect, it } from 'vitest';
import { collectParamSpec, formatParamSpec, parseParamSpec } from './param-spec.js';
import { collectParamValue, typedParams } from './run-params.js';

describe('--param of scripts add: a parameter declaration', () => {
  it('reads name, type, required and a default', () => {
    expect(parseParamSpec('path:string:required')).toEqual({ name: 'path', type: 'string', required: true });
    expect(parseParamSpec('count:integer')).toEqual({ name: 'count', type: 'integer', required: false });
    expect(parseParamSpec('ratio:number=0.5')).toEqual({ name: 'ratio', type: 'number', required: false, default: 0.5 });
    expect(parseParamSpec('force:boolean=false')).toEqual({ name: 'force', type: 'boolean', required: false, default: false });
    expect(parseParamSpec('level:enum(low|high)=low')).toEqual({ name: 'level', type: 'enum', required: false, values: ['low', 'high'], default: 'low' });
  });

  it('keeps everything after the first = as the default, even = and : and the empty string', () => {
    expect(parseParamSpec('filter:string=a=b:c').default).toBe('a=b:c');
    expect(parseParamSpec('suffix:string=').default).toBe('');
  });

  it('reads bounds of integers and numbers, either end optional', () => {
    expect(parseParamSpec('count:integer(1..100)=10')).toMatchObject({ min: 1, max: 100, default: 10 });
    expect(parseParamSpec('ratio:number(0.5..)')).toEqual({ name: 'ratio', type: 'number', required: false, min: 0.5 });
    expect(parseParamSpec('delta:integer(..-1):required')).toEqual({ name: 'delta', type: 'integer', required: true, max: -1 });
  });

  it('refuses what the agent could never accept, naming the spec', () => {
    expect(() => parseParamSpec('path')).toThrow(/^path: expected name:type/);
    expect(() => parseParamSpec('path:text')).toThrow(/text is not a type/);
    expect(() => parseParamSpec('9lives:string')).toThrow(/parameter names are a letter/);
    expect(() => parseParamSpec('level:enum')).toThrow(/an enum lists its values/);
    expect(() => parseParamSpec('level:enum(low||high)')).toThrow(/must not be empty/);
    expect(() => parseParamSpec('level:enum(low|high)=medium')).toThrow(/default: parameter level must be one of low, high/);
    expect(() => parseParamSpec('count:integer=many')).toThrow(/default: parameter count must be a number/);
    expect(() => parseParamSpec('count:integer(1..10)=20')).toThrow(/must be at most 10/);
    expect(() => parseParamSpec('count:integer(10..1)')).toThrow(/min 10 is above max 1/);
    expect(() => parseParamSpec('path:string(1..2)')).toThrow(/string takes no/);
    expect(() => parseParamSpec('force:boolean=yes')).toThrow(/must be true or false/);
  });

  it('collects several in order and refuses a name twice', () => {
    const params = collectParamSpec('b:integer', collectParamSpec('a:string'));
    expect(params.map((p) => p.name)).toEqual(['a', 'b']);
    expect(() => collectParamSpec('a:integer', params)).toThrow(/a is declared twice/);
  });

  it('prints a declaration back as it is written', () => {
    for (const spec of ['path:string:required', 'level:enum(low|high)=low', 'count:integer(1..100)=10', 'ratio:number(0.5..)', 'force:boolean=false']) {
      expect(formatParamSpec(parseParamSpec(spec))).toBe(spec);
    }
  });
});

describe('--param of run: values typed by the declarations', () => {
  const declared = [parseParamSpec('path:string:required'), parseParamSpec('count:integer(1..10)=3'), parseParamSpec('force:boolean'), parseParamSpec('level:enum(low|high)')];

  it('types each value as declared and leaves defaults to the agent', () => {
    expect(typedParams(declared, { path: '/var/log', count: '5', force: 'true', level: 'high' })).toEqual({ path: '/var/log', count: 5, force: true, level: 'high' });
    expect(typedParams(declared, { path: '5' })).toEqual({ path: '5' });
  });

  it('refuses unknown names, missing required ones and values the declaration does not allow', () => {
    expect(() => typedParams(declared, { path: '/', colour: 'red' })).toThrow(/unknown parameter colour: the script declares path, count, force, level/);
    expect(() => typedParams(declared, {})).toThrow(/parameter path is required/);
    expect(() => typedParams(declared, { path: '/', count: '11' })).toThrow(/count must be at most 10/);
    expect(() => typedParams(declared, { path: '/', count: '1.5' })).toThrow(/count must be a whole number/);
    expect(() => typedParams(declared, { path: '/', force: 'yes' })).toThrow(/force must be true or false/);
    expect(() => typedParams([], { path: '/' })).toThrow(/the script declares none/);
  });

  it('reads name=value, the value may hold =', () => {
    expect(collectParamValue('q=a=b', collectParamValue('path=/'))).toEqual({ path: '/', q: 'a=b' });
    expect(() => collectParamValue('=x')).toThrow(/name=value/);
    expect(() => collectParamValue('path=/x', { path: '/' })).toThrow(/path is given twice/);
  });
});
