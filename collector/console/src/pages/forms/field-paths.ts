import { ApiFailure } from '../../app/api.js';

/**
 * The API reports an item of a list or record by its own path (`scope.tags.0`, `labels.bad key`),
 * while a form edits the whole list in one input. This folds such messages into the path of the
 * input that holds them (`scope.tags`), naming the item, so that the input can show them.
 */
export function foldFieldPaths(failure: ApiFailure | null, listPaths: readonly string[]): ApiFailure | null {
  if (!failure || failure.fields.length === 0) return failure;
  // The longest prefix wins: `overrides.0.match` is folded before `overrides` would be.
  const prefixes = [...listPaths].sort((a, b) => b.length - a.length);
  const fields = failure.fields.map((field) => {
    if (prefixes.includes(field.path)) return field;
    const owner = prefixes.find((p) => field.path.startsWith(`${p}.`));
    if (!owner) return field;
    const rest = field.path.slice(owner.length + 1);
    const item = /^\d+$/.test(rest) ? `item ${Number(rest) + 1}` : rest;
    return { path: owner, message: `${item}: ${field.message}` };
  });
  return new ApiFailure(failure.status, failure.code, failure.message, fields);
}

/** A comma- or whitespace-separated list as typed, without empty entries. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

/** A list as the text of one input. */
export function joinList(items: readonly string[] | null | undefined): string {
  return (items ?? []).join(', ');
}

/**
 * A number input's text as the body's value: null when empty, so the API names the field when it
 * needs one; what is not a number goes as typed, for the API to refuse by name.
 */
export function numberOrNull(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

/** A number (or none) as an input's text. */
export function numberText(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}
