#!/usr/bin/env node
// Committed so the bin link exists before the first build; the CLI itself lives in dist/.
import('../dist/cli/main.js').catch((error) => {
  const hint = error && error.code === 'ERR_MODULE_NOT_FOUND' ? ' (is the agent built? run `npx tsc -b agent`)' : '';
  process.stderr.write(`vigil-agent: cannot start: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
  process.exit(1);
});
