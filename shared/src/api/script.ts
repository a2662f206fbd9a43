import { z } from 'zod';
import { SlugSchema } from './slug.js';

export const ShellSchema = z.enum(['bash', 'sh', 'powershell', 'pwsh', 'cmd', 'python']);
export type Shell = z.infer<typeof ShellSchema>;

export const ScriptOsSchema = z.enum(['linux', 'windows', 'darwin']);
