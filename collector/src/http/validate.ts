import { describeZodError } from '@vigil/shared';
import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** Parses a request part with its schema; a failure is a 400 whose message names the fields. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, part: 'body' | 'query' | 'params' = 'body'): z.infer<S> {
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (!result.success) throw new ApiError(400, `invalid_${part}`, `invalid ${part}: ${describeZodError(result.error)}`);
  return result.data;
}
