/**
 * A strict, small XML 1.0 reader for tests of generated XML (the WinSW configuration, launchd
 * plists). It accepts a prolog, comments and a simple DOCTYPE, and throws on anything not
 * well-formed: unbalanced or crossed tags, unquoted or repeated attributes, a bare `<` or `&` in
 * text, unknown entities, characters XML forbids, more than one root. Parsing a value back is
 * how tests prove escaping round-trips.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: Array<XmlElement | string>;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`bare '<' in ${where}`);
  return raw.replace(/&([^;\s&]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare '&' in ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const numeric = /^#(x[0-9A-Fa-f]+|[0-9]+)$/.exec(ref);
    if (numeric) return String.fromCodePoint(numeric[1]!.startsWith('x') ? parseInt(numeric[1]!.slice(1), 16) : Number(numeric[1]));
    throw new Error(`unknown entity &${ref}; in ${where}`);
  });
}

export function parseXml(text: string): XmlElement {
  if (FORBIDDEN.test(text)) throw new Error('a character XML 1.0 forbids');
  let pos = 0;
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${pos}: ${JSON.stringify(text.slice(pos, pos + 40))}`);
  };
  const skipMisc = (): void => {
    for (;;) {
      const rest = text.slice(pos);
      const space = /^\s+/.exec(rest);
      if (space) {
        pos += space[0].length;
        continue;
      }
      if (rest.startsWith('<!--')) {
        const end = text.indexOf('-->', pos + 4);
        if (end < 0) fail('unterminated comment');
        if (text.slice(pos + 4, end).includes('--')) fail("'--' inside a comment");
        pos = end + 3;
        continue;
      }
      return;
    }
  };

  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    pos = end + 2;
  }
  skipMisc();
  if (text.startsWith('<!DOCTYPE', pos)) {
    const end = text.indexOf('>', pos);
    if (end < 0 || text.slice(pos, end).includes('[')) fail('unsupported DOCTYPE');
    pos = end + 1;
    skipMisc();
  }

  const parseElement = (): XmlElement => {
    if (text[pos] !== '<') fail("expected '<'");
    pos++;
    const name = NAME.exec(text.slice(pos))?.[0] ?? fail('expected an element name');
    pos += name.length;
    const element: XmlElement = { name, attributes: {}, children: [] };
    for (;;) {
      const space = /^\s*/.exec(text.slice(pos))![0];
      pos += space.length;
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return element;
      }
      if (text[pos] === '>') {
        pos++;
        break;
      }
      if (!space) fail('expected whitespace before an attribute');
      const attr = NAME.exec(text.slice(pos))?.[0] ?? fail('expected an attribute name');
      pos += attr.length;
      const value = /^\s*=\s*(["'])/.exec(text.slice(pos)) ?? fail(`attribute ${attr} without a quoted value`);
      pos += value[0].length;
      const end = text.indexOf(value[1]!, pos);
      if (end < 0) fail(`unterminated value of ${attr}`);
      if (attr in element.attributes) fail(`attribute ${attr} repeated`);
      element.attributes[attr] = decodeText(text.slice(pos, end), `attribute ${attr}`);
      pos = end + 1;
    }
    for (;;) {
      const next = text.indexOf('<', pos);
      if (next < 0) fail(`<${name}> is never closed`);
      const raw = text.slice(pos, next);
      if (raw) element.children.push(decodeText(raw, `<${name}>`));
      pos = next;
      if (text.startsWith('</', pos)) {
        pos += 2;
        const closing = NAME.exec(text.slice(pos))?.[0];
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        pos += name.length;
        const tail = /^\s*>/.exec(text.slice(pos)) ?? fail(`malformed </${name}>`);
        pos += tail[0].length;
        return element;
      }
      if (text.startsWith('<!--', pos)) {
        skipMisc();
        continue;
      }
      element.children.push(parseElement());
    }
  };

  const root = parseElement();
  skipMisc();
  if (pos !== text.length) fail('content after the root element');
  return root;
}

/** The elements among a node's children, optionally of one name. */
export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));
}

export function textOf(element: XmlElement): string {
  return element.children.filter((c): c is string => typeof c === 'string').join('');
}

export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

/** A plist's <dict>/<array>/<string>/<integer>/<true/>/<false/> as a plain value. */
export function plistValue(element: XmlElement): PlistValue {
  switch (element.name) {
    case 'plist': {
      const [only, ...more] = childElements(element);
      if (!only || more.length) throw new Error('<plist> holds exactly one value');
      return plistValue(only);
    }
    case 'dict': {
      const out: Record<string, PlistValue> = {};
      const items = childElements(element);
      for (let i = 0; i < items.length; i += 2) {
        const key = items[i]!;
        const value = items[i + 1];
        if (key.name !== 'key' || !value) throw new Error('<dict> must alternate <key> and a value');
        if (textOf(key) in out) throw new Error(`key ${textOf(key)} repeated`);
        out[textOf(key)] = plistValue(value);
      }
      return out;
    }
    case 'array':
      return childElements(element).map(plistValue);
    case 'string':
      return textOf(element);
    case 'integer': {
      const text = textOf(element);
      if (!/^-?\d+$/.test(text)) throw new Error(`<integer>${text}</integer>`);
      return Number(text);
    }
    case 'true':
      return true;
    case 'false':
      return false;
    default:
      throw new Error(`<${element.name}> is not a plist value`);
  }
}
