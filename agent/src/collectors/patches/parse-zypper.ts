import type { PendingPatch } from '@vigil/shared';
import { excerpt, parsed, rejected, type Parsed, type ToolOutput } from './types.js';
import { findAll, parseXml, textOf, type XmlElement } from './xml-lite.js';

/** zypper's informational exit codes (man zypper, EXIT CODES): the command worked. */
const INFO_EXITS = new Set([0, 100, 101, 102, 103]);
const ERROR_EXITS: Record<number, string> = {
  1: 'an unexpected situation',
  2: 'a syntax error',
  3: 'invalid arguments',
  4: 'a ZYpp library problem',
  5: 'insufficient privileges',
  6: 'no repositories are defined',
  7: 'the package manager is locked by another process',
  8: 'a commit error',
  104: 'a capability was not found',
  105: 'a signal',
  106: 'some repositories were skipped because of errors, so the list would be incomplete',
  107: 'an rpm scriptlet failure',
};

/** The update elements of one `zypper --xmlout` answer, after checking it is complete and error-free. */
function readUpdateList(command: string, output: ToolOutput): Parsed<{ updates: XmlElement[]; warnings: string[] }> {
  const code = output.exitCode ?? -1;
  if (!INFO_EXITS.has(code)) {
    const meaning = ERROR_EXITS[code] ?? 'an unknown exit code';
    const messages = errorMessages(output.stdout);
    const detail = messages || excerpt(output.stderr);
    return rejected(`zypper ${command} exited with code ${code} (${meaning})${detail ? `: ${detail}` : ''}`);
  }
  const document = parseXml(output.stdout);
  if (!document.ok) return rejected(`zypper ${command}: ${document.reason}`);
  const stream = document.value.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'stream');
  if (!stream) return rejected(`zypper ${command} printed no <stream> document: ${excerpt(output.stdout, 200)}`);
  const messages = findAll(stream, 'message');
  const errors = messages.filter((m) => m.attrs.type === 'error').map((m) => textOf(m).trim());
  if (errors.length) return rejected(`zypper ${command} reported: ${errors.join(' | ').slice(0, 500)}`);
  const list = findAll(stream, 'update-list')[0];
  if (!list) return rejected(`zypper ${command} answered without an <update-list>`);
  const updates = list.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === 'update');
  const warnings = messages.filter((m) => m.attrs.type === 'warning').map((m) => textOf(m).trim());
  // "No repositories defined", "Repository 'x' is invalid": an empty list under a warning is not "no updates".
  if (updates.length === 0 && warnings.length) return rejected(`zypper ${command} found nothing and warned: ${warnings.join(' | ').slice(0, 500)}`);
  return parsed({ updates, warnings });
}

function errorMessages(stdout: string): string {
  const found = [...stdout.matchAll(/<message type="error">([\s\S]*?)<\/message>/g)].map((m) => m[1]!.trim());
  return found.join(' | ').slice(0, 500);
}

/** `zypper --xmlout list-updates`: one `<update kind="package">` per updatable package. */
export function parseListUpdates(output: ToolOutput): Parsed<{ items: PendingPatch[]; warnings: string[] }> {
  const read = readUpdateList('list-updates', output);
  if (!read.ok) return read;
  const items: PendingPatch[] = [];
  for (const update of read.value.updates) {
    const { kind, name, edition, arch } = update.attrs;
    if (kind !== 'package') continue;
    if (!name || !edition) return rejected(`zypper list-updates: an update without name or edition (${JSON.stringify(update.attrs).slice(0, 200)})`);
    const item: PendingPatch = { name: arch ? `${name}.${arch}` : name, version: edition, security: false };
    if (update.attrs['edition-old']) item.currentVersion = update.attrs['edition-old'];
    const source = update.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'source');
    if (source?.attrs.alias) item.category = source.attrs.alias;
    items.push(item);
  }
  return parsed({ items, warnings: read.value.warnings });
}

/**
 * `zypper --xmlout list-patches --category security`: SUSE's advisories. The category filter is
 * checked again here because zypper 1.14 was seen listing a bugfix patch under it.
 */
export function parseSecurityPatches(output: ToolOutput): Parsed<PendingPatch[]> {
  const read = readUpdateList('list-patches', output);
  if (!read.ok) return read;
  const patches: PendingPatch[] = [];
  for (const update of read.value.updates) {
    const { kind, name, edition, category, severity, status } = update.attrs;
    if (kind !== 'patch' || category !== 'security') continue;
    if (status && status !== 'needed') continue;
    if (!name) return rejected('zypper list-patches: a patch without a name');
    const patch: PendingPatch = { name, version: edition ?? '', security: true, category: 'patch: security' };
    if (severity && severity !== 'unspecified' && severity !== 'none') patch.severity = severity[0]!.toUpperCase() + severity.slice(1);
    const summary = update.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'summary');
    if (summary) patch.title = textOf(summary).trim().slice(0, 1024);
    if (update.attrs.restart === 'true') patch.restartRequired = true;
    patches.push(patch);
  }
  return parsed(patches);
}

/** `zypper needs-rebooting`: exit 102 means a reboot is needed, 0 that it is not. */
export function parseNeedsRebooting(output: ToolOutput): Parsed<boolean> {
  if (output.exitCode === 102) return parsed(true);
  if (output.exitCode === 0) return parsed(false);
  return rejected(`zypper needs-rebooting exited with code ${output.exitCode}${output.stderr.trim() ? `: ${excerpt(output.stderr)}` : ''}`);
}
