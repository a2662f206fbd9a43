import { z } from 'zod';

/** Every HTTP error body: `{ "error": { "code", "message" } }`. */
export const ApiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;
