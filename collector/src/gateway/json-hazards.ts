/**
 * Deepest nesting an agent message may have. Real frames reach about 6 levels (sections →
 * inventory → software → entry); a deeper tree would overflow the stack of JSON.stringify when
 * its section is stored, failing the whole batch it was written with.
 */
export const MAX_JSON_DEPTH = 32;

interface Visit {
  node: object;
  depth: number;
  parent: Visit | null;
  key: string;
}

/**
 * Why a parsed JSON value must not go further, or null when it is safe: a `__proto__` key, or a
 * `constructor` object carrying a `prototype` (the shapes that pollute prototypes once merged or
 * copied key by key), at any depth, or nesting past `maxDepth`. JSON.parse turns an escaped key
 * such as "\u005f_proto__" into the plain one, so checking the parsed keys catches every
 * spelling. Iterative, so a hostile depth cannot overflow the stack here either.
 */
export function findJsonHazard(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const stack: Visit[] = [{ node: value, depth: 1, parent: null, key: '' }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    if (visit.depth > maxDepth) return `nested deeper than ${maxDepth} levels at ${pathOf(visit)}`;
    const { node } = visit;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) pushChild(stack, visit, String(i), node[i]);
      continue;
    }
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      if (key === '__proto__') return `forbidden key "__proto__" at ${pathOf(visit, key)}`;
      if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) {
        return `forbidden key "constructor.prototype" at ${pathOf(visit, key)}`;
      }
      pushChild(stack, visit, key, child);
    }
  }
  return null;
}

function pushChild(stack: Visit[], parent: Visit, key: string, child: unknown): void {
  if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: parent.depth + 1, parent, key });
}

/** A dotted path from the message root, e.g. sections.inventory.0.__proto__ ("(root)" for the message itself). */
function pathOf(visit: Visit, last?: string): string {
  const keys: string[] = last === undefined ? [] : [last];
  for (let v: Visit | null = visit; v && v.parent; v = v.parent) keys.push(v.key);
  return keys.length === 0 ? '(root)' : keys.reverse().join('.');
}
