/**
 * A LIKE pattern (with ESCAPE '\') that matches `text` anywhere: the wildcards % and _ and the
 * escape character itself in what a user typed are matched literally.
 */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
