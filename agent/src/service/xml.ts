/**
 * XML text and attribute escaping for the WinSW configuration and the launchd plist. Every value
 * (paths, arguments) goes through here, so a path with `&`, `<` or quotes stays one well-formed
 * value. Characters XML 1.0 cannot carry at all (most C0 controls) are refused rather than dropped.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeXml(value: string): string {
  if (NOT_XML.test(value)) throw new Error(`cannot write ${JSON.stringify(value)} into XML: it holds a control character XML 1.0 does not allow`);
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
