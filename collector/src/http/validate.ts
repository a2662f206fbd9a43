import { describeZodError, type FieldError } from '@vigil/shared';
import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** At most this many field errors go back; a form rarely has more fields than that. */
const MAX_FIELD_ERRORS = 50;

/** Parses a request part with its schema; a failure is a 400 whose message and `fields` name the fields. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, part: 'body' | 'query' | 'params' = 'body'): z.infer<S> {
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (!result.success) throw new ApiError(400, `invalid_${part}`, `invalid ${part}: ${describeZodError(result.error)}`, fieldErrors(result.error));
  return result.data;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.slice(0, MAX_FIELD_ERRORS).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}
