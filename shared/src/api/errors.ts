import { z } from 'zod';

/** One invalid field of a request: its dotted path in the body or query, and what is wrong. */
export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldErrorSchema>;

/**
 * Every HTTP error body: `{ "error": { "code", "message" } }`. A validation failure adds
 * `fields`, so a form can show each message next to its field.
 */
export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.array(FieldErrorSchema).optional() }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;
