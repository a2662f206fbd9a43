import { parsed, rejected, type Parsed } from './types.js';

/**
 * Just enough XML for zypper's --xmlout (elements, attributes, text, the five entities and
 * numeric references), so the agent carries no XML dependency for one tool. It is strict where
 * it matters: a document cut short (unclosed elements) or mismatched tags is rejected, never read
 * as "fewer updates".
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (_, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name) return NAMED[name]!;
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

export function parseXml(source: string): Parsed<XmlElement> {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > i) {
      const text = source.slice(i, textEnd);
      if (text.trim()) stack.at(-1)!.children.push(decodeEntities(text));
    }
    if (lt === -1) break;
    if (source.startsWith('<?', lt)) {
      const end = source.indexOf('?>', lt);
      if (end === -1) return rejected('XML cut short inside a processing instruction');
      i = end + 2;
      continue;
    }
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt);
      if (end === -1) return rejected('XML cut short inside a comment');
      i = end + 3;
      continue;
    }
    TAG.lastIndex = lt;
    const tag = TAG.exec(source);
    if (!tag) return rejected(`malformed XML near: ${source.slice(lt, lt + 80)}`);
    const [whole, closing, name, rawAttrs, selfClosing] = tag as unknown as [string, string, string, string, string];
    if (closing) {
      const open = stack.pop();
      if (!open || open === root || open.name !== name) return rejected(`XML closes <${name}> without opening it`);
    } else {
      const attrs: Record<string, string> = {};
      for (const m of rawAttrs.matchAll(ATTR)) attrs[m[1]!] = decodeEntities(m[2] ?? m[3] ?? '');
      const element: XmlElement = { name, attrs, children: [] };
      stack.at(-1)!.children.push(element);
      if (!selfClosing) stack.push(element);
    }
    i = lt + whole.length;
  }
  if (stack.length > 1) return rejected(`XML cut short: <${stack.at(-1)!.name}> is never closed`);
  return parsed(root);
}

/** All descendants named `name`, in document order. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of element.children) {
    if (typeof child === 'string') continue;
    if (child.name === name) found.push(child);
    found.push(...findAll(child, name));
  }
  return found;
}

/** The element's text content, children included. */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
