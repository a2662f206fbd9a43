import { z } from 'zod';

/** A tenant's or site's id: what URLs, filters and enrollment tokens name it by. */
export const SlugSchema = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, - and _');
