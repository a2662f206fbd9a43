import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError, EXIT_INTERRUPTED, UsageError } from './cli-error.js';

export function stdinIsTerminal(): boolean {
  return process.stdin.isTTY === true;
}

/**
 * Asks on the terminal; the prompt goes to stderr so stdout stays clean. With `hidden` nothing
 * typed is echoed: readline still edits the line in raw mode, but everything it would write back
 * is dropped.
 */
function ask(question: string, hidden: boolean): Promise<string> {
  if (!stdinIsTerminal()) throw new UsageError(`cannot ask "${question.trim()}": stdin is not a terminal`);
  return new Promise((resolve, reject) => {
    let muted = false;
    let settled = false;
    const output = new Writable({
      write(chunk: Buffer | string, encoding: BufferEncoding, callback: () => void) {
        if (!muted) process.stderr.write(chunk, encoding);
        callback();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (hidden) process.stderr.write('\n');
      rl.close();
      outcome();
    };
    rl.on('SIGINT', () => settle(() => reject(new CliError('cancelled', { exitCode: EXIT_INTERRUPTED }))));
    rl.on('close', () => settle(() => reject(new CliError('cancelled: stdin closed', { exitCode: EXIT_INTERRUPTED }))));
    rl.question(question, (answer) => settle(() => resolve(answer)));
    muted = hidden;
  });
}

export function promptLine(question: string): Promise<string> {
  return ask(question, false);
}

export function promptHidden(question: string): Promise<string> {
  return ask(question, true);
}

/** A new password, typed twice so a typo cannot lock the user out. */
export async function promptNewPassword(): Promise<string> {
  const password = await promptHidden('New password: ');
  const again = await promptHidden('Repeat password: ');
  if (password !== again) throw new CliError('the passwords do not match');
  return password;
}

/** A secret piped in (`--password-stdin`): everything on stdin, less one trailing newline. */
export async function readSecretFromStdin(what: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (secret === '') throw new UsageError(`--${what}-stdin: nothing was read from stdin`);
  return secret;
}
