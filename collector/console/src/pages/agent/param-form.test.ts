import type { ScriptParam } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { initialParamValues, paramHint, paramPayload, placeParamErrors } from './param-form.js';

const params: ScriptParam[] = [
  { name: 'service', type: 'string', required: true, pattern: '[a-z-]+', description: 'unit to restart' },
  { name: 'retries', type: 'integer', required: false, default: 3, min: 0, max: 10 },
  { name: 'mode', type: 'enum', required: true, values: ['soft', 'hard'] },
  { name: 'force', type: 'boolean', required: false },
  { name: 'ratio', type: 'number', required: false },
];

describe('the run-script form\'s parameters', () => {
  it('starts from the declared defaults', () => {
    expect(initialParamValues(params)).toEqual({ service: '', retries: '3', mode: 'soft', force: false, ratio: '' });
  });

  it('sends numbers as numbers, leaves out empty optional inputs, and passes what does not parse to the API', () => {
    expect(paramPayload(params, { service: 'nginx', retries: '5', mode: 'hard', force: true, ratio: '' }))
      .toEqual({ service: 'nginx', retries: 5, mode: 'hard', force: true });
    expect(paramPayload(params, { service: '', retries: 'five', mode: 'soft', force: false, ratio: '0.5' }))
      .toEqual({ retries: 'five', mode: 'soft', force: false, ratio: 0.5 });
  });

  it('places a refused parameter under its input', () => {
    const names = params.map((p) => p.name);
    expect(placeParamErrors({ message: 'invalid body: params: parameter retries must be at most 10, got 11', fields: [] }, names))
      .toEqual([{ path: 'params.retries', message: 'must be at most 10, got 11' }]);
    expect(placeParamErrors({ message: 'x', fields: [{ path: 'params', message: 'parameter service is required' }] }, names))
      .toEqual([{ path: 'params.service', message: 'is required' }]);
    // Other fields, and messages naming no parameter, stay as they were.
    expect(placeParamErrors({ message: 'invalid body: scriptId: script scr_x does not exist', fields: [] }, names))
      .toEqual([{ path: 'scriptId', message: 'script scr_x does not exist' }]);
    expect(placeParamErrors({ message: 'x', fields: [{ path: 'params', message: 'unknown parameter colour: …' }] }, names))
      .toEqual([{ path: 'params', message: 'unknown parameter colour: …' }]);
    expect(placeParamErrors({ message: 'agent agt_x does not exist', fields: [] }, names)).toEqual([]);
  });

  it('hints at the description and limits', () => {
    expect(paramHint(params[0]!)).toBe('unit to restart · matches [a-z-]+');
    expect(paramHint(params[1]!)).toBe('≥ 0, ≤ 10, default 3');
    expect(paramHint(params[3]!)).toBeUndefined();
  });
});
