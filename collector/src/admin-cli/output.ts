/**
 * Everything `vigil` prints. Tables and messages are for people; `--json` prints exactly what the
 * API answered and nothing else, so stdout can be piped into jq. Warnings and progress go to
 * stderr.
 */

export type Tone = 'bold' | 'dim' | 'red' | 'green' | 'yellow';
/** A table cell: plain text, or text with a tone shown when colour is on. */
export type Cell = string | { text: string; tone: Tone };

const SGR: Record<Tone, [number, number]> = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39] };

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorEnabled(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export function paint(text: string, tone: Tone, enabled: boolean): string {
  const [on, off] = SGR[tone];
  return enabled ? `\u001b[${on}m${text}\u001b[${off}m` : text;
}

/**
 * Text from agents and scripts is untrusted: control characters could move the cursor or
 * rewrite the terminal's title, so each one is shown as a replacement character.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}

export function firstLine(text: string | null | undefined): string {
  if (!text) return '';
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return line.trim();
}

/** Unix ms as ISO 8601 (UTC); `-` for never. */
export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : new Date(ms).toISOString();
}

export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

const cellText = (cell: Cell): string => printable(typeof cell === 'string' ? cell : cell.text);

/** Columns aligned with two spaces between them; the last column is not padded. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>, color = false): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => cellText(row[i] ?? '').length)));
  const render = (cells: readonly Cell[], headerRow: boolean): string =>
    headers
      .map((_, i) => {
        const cell = cells[i] ?? '';
        const text = cellText(cell);
        const padded = i === headers.length - 1 ? text : text.padEnd(widths[i]!);
        if (headerRow) return paint(padded, 'bold', color);
        return typeof cell === 'string' ? padded : paint(padded, cell.tone, color);
      })
      .join('  ')
      .trimEnd();
  return [render(headers, true), ...rows.map((row) => render(row, false))].join('\n') + '\n';
}

/** `label: value` lines with the values aligned, for `show` commands. */
export function formatFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length + 1));
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${printable(value)}`).join('\n') + '\n';
}

export function printTable(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>, emptyMessage: string): void {
  if (rows.length === 0) {
    process.stderr.write(`${emptyMessage}\n`);
    return;
  }
  process.stdout.write(formatTable(headers, rows, colorEnabled(process.stdout)));
}

export function printFields(fields: ReadonlyArray<readonly [string, string]>): void {
  process.stdout.write(formatFields(fields));
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One line for people on stdout (a confirmation, an id). */
export function say(text: string): void {
  process.stdout.write(`${printable(text)}\n`);
}

export function warn(text: string): void {
  process.stderr.write(`vigil: warning: ${text}\n`);
}
