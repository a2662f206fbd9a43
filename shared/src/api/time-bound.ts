import { z } from 'zod';

/** A time bound in a query string: Unix milliseconds or an ISO 8601 timestamp with an offset. */
export const TimeBoundSchema = z.union([
  z.coerce.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((s: string) => Date.parse(s)),
]);
