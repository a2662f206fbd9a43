import { describe, expect, it } from 'vitest';
import { RUN_OUTPUT_CAP_BYTES, appendOutput, stepOutputChunk, tailBytes } from './runbook-output.js';

describe('runbook output', () => {
  it('heads each step with how it ended, then its stdout and stderr', () => {
    expect(stepOutputChunk({ index: 1, scriptName: 'Restart app', result: 'exit code 1', stdout: 'stopping\n', stderr: 'no such unit' }, 2))
      .toBe('== step 2 (Restart app): exit code 1 ==\nstopping\n-- stderr --\nno such unit\n');
    expect(stepOutputChunk({ index: 0, scriptName: 'x', result: 'succeeded', stdout: null, stderr: null }, 1)).toBe('== step 1 (x): succeeded ==\n');
  });

  it('keeps the end of a long output, within the step\'s share of the cap', () => {
    const chunk = stepOutputChunk({ index: 0, scriptName: 'x', result: 'succeeded', stdout: `${'a'.repeat(20_000)}THE END\n`, stderr: null }, 4);
    expect(Buffer.byteLength(chunk)).toBeLessThanOrEqual(RUN_OUTPUT_CAP_BYTES / 4);
    expect(chunk).toMatch(/^== step 1 \(x\): succeeded ==\n\[…\]\na+THE END\n$/);
  });

  it('caps the whole run at 16 KiB, keeping the end', () => {
    let output = '';
    for (let i = 0; i < 30; i++) output = appendOutput(output, `${String(i).padStart(2, '0')}${'x'.repeat(1000)}\n`);
    expect(Buffer.byteLength(output)).toBeLessThanOrEqual(RUN_OUTPUT_CAP_BYTES);
    expect(output.endsWith(`29${'x'.repeat(1000)}\n`)).toBe(true);
  });

  it('never cuts a character in half', () => {
    const cut = tailBytes('é'.repeat(100), 51);
    expect(cut.startsWith('[…]\n')).toBe(true);
    expect(cut.slice(4)).toMatch(/^é+$/);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(51);
  });
});
