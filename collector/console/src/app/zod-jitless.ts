import { config } from 'zod';

/*
 * Imported first by main.tsx, before any schema is built: zod compiles fast parsers with
 * `new Function`, which the console's CSP (no 'unsafe-eval') refuses and reports as a violation.
 * Jitless, zod never tries; parsing a few API bodies does not need the speed.
 */
config({ jitless: true });
