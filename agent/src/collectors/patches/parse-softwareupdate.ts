import type { PendingPatch } from '@vigil/shared';
import { excerpt, parsed, rejected, type Parsed, type ToolOutput } from './types.js';

const FOUND = /^Software Update found the following new or updated software:\s*$/;
const NOTHING = /^No new software available\.\s*$/m;
/** macOS 10.15+: `* Label: macOS Sonoma 14.6.1-23G93` (`-` instead of `*` when not recommended). */
const LABEL = /^\s*([*-])\s+Label:\s*(.*?)\s*$/;
/** Before 10.15: `   * macOS 10.14.1 Update`. */
const OLD_NAME = /^\s*([*-])\s+(.*?)\s*$/;
/** Before 10.15: `\tmacOS 10.14.1 Update (10.14.1), 199140K [recommended] [restart]`. */
const OLD_DETAIL = /^\s+(.*?),?\s*\(([^()]*)\),\s*(\d+K)?,?\s*((?:\[[^\]]+\]\s*)*)$/;

/**
 * Parses `softwareupdate --list` in both of Apple's formats. The listing ends in neither a count nor
 * a terminator, so completeness is judged by shape: a header with no items, or an item without
 * its detail line, is rejected. Apple does not classify updates as security, so `security` is set
 * only where the name says so (Security Update, Rapid Security Response, Background Security
 * Improvement); the caller reports the security count as unknown.
 */
export function parseSoftwareUpdateList(output: ToolOutput): Parsed<{ items: PendingPatch[] }> {
  const text = `${output.stdout}\n${output.stderr}`;
  if (output.exitCode !== 0) return rejected(`softwareupdate exited with code ${output.exitCode}: ${excerpt(text)}`);
  const lines = text.split('\n');
  const start = lines.findIndex((l) => FOUND.test(l));
  if (start === -1) {
    if (NOTHING.test(text)) return parsed({ items: [] });
    return rejected(`softwareupdate printed neither a list nor "No new software available.": ${excerpt(text, 200)}`);
  }

  const items: PendingPatch[] = [];
  const rest = lines.slice(start + 1).filter((l) => l.trim());
  for (let i = 0; i < rest.length; i++) {
    const line = rest[i]!;
    const detail = rest[i + 1];
    const label = LABEL.exec(line);
    if (label) {
      if (!detail || !/^\s+Title:/.test(detail)) return rejected(`softwareupdate item "${label[2]}" has no Title line (output cut short?)`);
      items.push(fromLabelFormat(label[1] === '*', label[2]!, detail));
      i++;
      continue;
    }
    const old = OLD_NAME.exec(line);
    const oldDetail = detail ? OLD_DETAIL.exec(detail) : null;
    if (old && /^\s*[*-]\s/.test(line) && oldDetail) {
      const flags = oldDetail[4] ?? '';
      const item: PendingPatch = {
        name: old[2]!,
        version: oldDetail[2]!.trim(),
        title: oldDetail[1]!.trim(),
        security: isSecurity(old[2]!, oldDetail[1]!),
        recommended: old[1] === '*' && flags.includes('[recommended]'),
        restartRequired: /\[(restart|shut down)\]/.test(flags),
      };
      items.push(item);
      i++;
      continue;
    }
    return rejected(`unexpected softwareupdate line: ${line.trim().slice(0, 200)}`);
  }
  if (items.length === 0) return rejected('softwareupdate announced updates but listed none');
  return parsed({ items });
}

/** `Title: Safari, Version: 17.6, Size: 152370KiB, Recommended: YES, Action: restart,` */
function fromLabelFormat(starred: boolean, label: string, detail: string): PendingPatch {
  const fields = new Map<string, string>();
  for (const part of detail.trim().replace(/,\s*$/, '').split(/,\s*(?=(?:Title|Version|Size|Recommended|Action):)/)) {
    const colon = part.indexOf(':');
    if (colon > 0) fields.set(part.slice(0, colon).trim(), part.slice(colon + 1).trim());
  }
  const title = fields.get('Title') ?? label;
  const action = (fields.get('Action') ?? '').toLowerCase();
  return {
    name: label,
    version: fields.get('Version') ?? '',
    title,
    security: isSecurity(label, title),
    recommended: starred && (fields.get('Recommended') ?? '').toUpperCase() === 'YES',
    restartRequired: action === 'restart' || action === 'shut down',
  };
}

function isSecurity(label: string, title: string): boolean {
  return /security/i.test(label) || /security/i.test(title);
}
