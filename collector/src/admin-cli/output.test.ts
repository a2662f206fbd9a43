import { describe, expect, it } from 'vitest';
import { colorEnabled, firstLine, formatFields, formatTable, formatTime, printable } from './output.js';

describe('formatTable', () => {
  it('aligns columns with two spaces and does not pad the last one', () => {
    const text = formatTable(['ID', 'NAME', 'STATE'], [['a1', 'web-01', 'online'], ['agent-22', 'db', { text: 'offline', tone: 'red' }]]);
    expect(text).toBe(['ID        NAME    STATE', 'a1        web-01  online', 'agent-22  db      offline', ''].join('\n'));
  });

  it('trims trailing blanks of empty last cells', () => {
    expect(formatTable(['A', 'B'], [['x', '']])).toBe('A  B\nx\n');
  });

  it('colours the header and toned cells only when asked, padding outside the colour codes', () => {
    const text = formatTable(['ID', 'STATE'], [[{ text: 'a', tone: 'green' }, 'ok']], true);
    expect(text).toBe('\u001b[1mID\u001b[22m  \u001b[1mSTATE\u001b[22m\n\u001b[32ma \u001b[39m  ok\n');
  });

  it('replaces control characters from untrusted text', () => {
    expect(formatTable(['OUT'], [['evil\u001b]0;title\u0007 line']])).toBe('OUT\nevil\uFFFD]0;title\uFFFD line\n');
  });
});

describe('helpers', () => {
  it('shows times as ISO 8601 and never as a dash', () => {
    expect(formatTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatTime(null)).toBe('-');
  });

  it('takes the first non-blank line of output', () => {
    expect(firstLine('\n  hello world  \nsecond')).toBe('hello world');
    expect(firstLine(null)).toBe('');
  });

  it('aligns fields', () => {
    expect(formatFields([['id', 'a'], ['hostname', 'b']])).toBe('id:        a\nhostname:  b\n');
  });

  it('colours only a terminal without NO_COLOR', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
  });

  it('keeps printable text unchanged', () => {
    expect(printable('héllo wörld – ok')).toBe('héllo wörld – ok');
  });
});
