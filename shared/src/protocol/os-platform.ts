import { z } from 'zod';

/** The operating systems an agent runs on. */
export const OsPlatformSchema = z.enum(['linux', 'windows', 'darwin']);
export type OsPlatform = z.infer<typeof OsPlatformSchema>;
