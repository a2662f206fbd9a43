/** A run's output is capped at this many bytes (UTF-8) in all, shared fairly among its steps. */
export const RUN_OUTPUT_CAP_BYTES = 16 * 1024;
/** The alert shows this much of the end of its run's output. */
export const ALERT_OUTPUT_TAIL_BYTES = 2 * 1024;

const MARK = '[…]\n';

/** The last `maxBytes` bytes of the text, cut at a character boundary, marked when cut. */
export function tailBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const room = Math.max(0, maxBytes - Buffer.byteLength(MARK));
  let start = bytes.length - room;
  // Never start inside a character: skip UTF-8 continuation bytes.
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start += 1;
  return MARK + bytes.subarray(start).toString('utf8');
}

export interface StepOutput {
  index: number;
  scriptName: string;
  /** "succeeded", "exit code 3", "timed out after 5m"… */
  result: string;
  stdout: string | null;
  stderr: string | null;
}

/**
 * One step's part of the run's output: a header naming the step and how it ended, then the end of
 * its stdout and stderr (errors are usually last), within its share of the cap so that a chatty
 * first step never crowds out the step that failed.
 */
export function stepOutputChunk(step: StepOutput, stepCount: number): string {
  const share = Math.floor(RUN_OUTPUT_CAP_BYTES / Math.max(1, stepCount));
  const header = `== step ${step.index + 1} (${step.scriptName}): ${step.result} ==\n`;
  const stdout = step.stdout ?? '';
  const stderr = step.stderr ? `-- stderr --\n${step.stderr}` : '';
  const body = [stdout, stderr].filter((part) => part !== '').map((part) => (part.endsWith('\n') ? part : `${part}\n`)).join('');
  return header + tailBytes(body, Math.max(0, share - Buffer.byteLength(header)));
}

/** Appends a chunk, keeping the whole within the cap (the end wins: it says how the run ended). */
export function appendOutput(output: string, chunk: string): string {
  return tailBytes(output + chunk, RUN_OUTPUT_CAP_BYTES);
}
