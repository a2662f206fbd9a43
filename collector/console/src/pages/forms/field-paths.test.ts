import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../app/api.js';
import { foldFieldPaths, joinList, numberOrNull, numberText, splitList } from './field-paths.js';

describe('foldFieldPaths', () => {
  const failure = new ApiFailure(400, 'invalid_body', 'invalid body: …', [
    { path: 'scope.tags.0', message: 'too short' },
    { path: 'labels.bad key', message: 'Invalid key in record' },
    { path: 'threshold', message: 'expected number' },
    { path: 'overrides.1.match', message: 'must name a tenant' },
  ]);

  it('moves item messages to the input holding the list, naming the item', () => {
    const folded = foldFieldPaths(failure, ['scope.tags', 'labels']);
    expect(folded?.fieldMessage('scope.tags')).toBe('item 1: too short');
    expect(folded?.fieldMessage('labels')).toBe('bad key: Invalid key in record');
    expect(folded?.fieldMessage('threshold')).toBe('expected number');
    expect(folded?.fieldMessage('overrides.1.match')).toBe('must name a tenant');
    expect(folded?.status).toBe(400);
    expect(folded?.message).toBe('invalid body: …');
  });

  it('keeps a message already at a list path, and prefers the longest list path', () => {
    expect(foldFieldPaths(failure, ['overrides', 'overrides.1.match'])?.fieldMessage('overrides.1.match')).toBe('must name a tenant');
    const nested = new ApiFailure(400, 'invalid_body', 'x', [{ path: 'overrides.1.match.tenant', message: 'too long' }]);
    expect(foldFieldPaths(nested, ['overrides', 'overrides.1.match'])?.fieldMessage('overrides.1.match')).toBe('tenant: too long');
  });

  it('leaves no failure, and one without fields, as it is', () => {
    expect(foldFieldPaths(null, ['labels'])).toBeNull();
    const plain = new ApiFailure(403, 'forbidden', 'no');
    expect(foldFieldPaths(plain, ['labels'])).toBe(plain);
  });
});

describe('list and number inputs', () => {
  it('splits lists on commas and whitespace', () => {
    expect(splitList(' web, db  edge,,')).toEqual(['web', 'db', 'edge']);
    expect(splitList('')).toEqual([]);
    expect(joinList(['a', 'b'])).toBe('a, b');
    expect(joinList(undefined)).toBe('');
  });

  it('sends empty as null and passes what is not a number through for the API to name', () => {
    expect(numberOrNull('')).toBeNull();
    expect(numberOrNull(' 90.5 ')).toBe(90.5);
    expect(numberOrNull('ninety')).toBe('ninety');
    expect(numberText(null)).toBe('');
    expect(numberText(0)).toBe('0');
  });
});
