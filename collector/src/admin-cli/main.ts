import { CommanderError } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error.js';
import { createProgram, packageVersion } from './program.js';

/** The exit code for what went wrong, after telling the user on stderr. */
function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed the help, version or usage error itself.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
    if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    return EXIT_USAGE;
  }
  if (error instanceof CliError) {
    process.stderr.write(`vigil: ${error.message}\n`);
    if (error.hint) process.stderr.write(`vigil: ${error.hint}\n`);
    return error.exitCode;
  }
  process.stderr.write(`vigil: ${(error as Error).message ?? String(error)}\n`);
  return EXIT_FAILURE;
}

// The exit code is set rather than exiting at once, so output still being written to a pipe is not cut off.
function parseAndRun(): void {
  createProgram()
    .parseAsync(process.argv)
    .then(
      () => {
        process.exitCode ??= EXIT_OK;
      },
      (error: unknown) => {
        process.exitCode = report(error);
      },
    );
}

// `vigil --version` as the first argument; anywhere else --version is a command's (run --version N).
if (process.argv[2] === '--version') process.stdout.write(`${packageVersion()}\n`);
else parseAndRun();
