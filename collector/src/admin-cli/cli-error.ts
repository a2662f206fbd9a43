/** Exit codes of `vigil`: scripts branch on them. */
export const EXIT_OK = 0;
/** The server refused, could not be reached, or a run did not succeed. */
export const EXIT_FAILURE = 1;
/** The command line itself was wrong: nothing was sent. */
export const EXIT_USAGE = 2;
/** Interrupted with Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** An error the CLI reports as `vigil: <message>` (and `vigil: <hint>` below it) and exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: number; hint?: string } = {}) {
    super(message);
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
    this.hint = options.hint;
  }
}

/** A mistake on the command line, found before anything was sent. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, { exitCode: EXIT_USAGE });
  }
}
