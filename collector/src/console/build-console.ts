/**
 * Builds the web console (collector/console, Preact) into dist/console-assets: a minified bundle
 * with content-hashed names (app-HASH.js, app-HASH.css, their source maps) and the index.html that
 * loads them. Run after `tsc -b`: `node collector/dist/console/build-console.js`.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const COLLECTOR_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONSOLE_SOURCE = join(COLLECTOR_ROOT, 'console', 'src', 'app', 'main.tsx');
export const CONSOLE_OUT_DIR = join(COLLECTOR_ROOT, 'dist', 'console-assets');

function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Vigil</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="app"></div>
</body>
</html>
`;
}

/** A replaced bundle stays this long, so a page loaded just before a rebuild can still fetch it. */
const STALE_GRACE_MS = 10 * 60_000;

export async function buildConsole(outDir = CONSOLE_OUT_DIR): Promise<{ script: string; style: string }> {
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: CONSOLE_SOURCE },
    outdir: outDir,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  if (!script || !style) throw new Error(`the console build produced no script or stylesheet: ${outputs.join(', ')}`);
  // The new index.html appears whole (rename), and only then are old bundles past their grace removed.
  const staging = join(outDir, `.index-${process.pid}.html`);
  writeFileSync(staging, indexHtml(script, style));
  renameSync(staging, join(outDir, 'index.html'));
  pruneStale(outDir, new Set(outputs), Date.now());
  return { script, style };
}

function pruneStale(outDir: string, current: Set<string>, now: number): void {
  for (const name of readdirSync(outDir)) {
    if (name === 'index.html' || current.has(name) || name.startsWith('.')) continue;
    const path = join(outDir, name);
    if (now - statSync(path).mtimeMs > STALE_GRACE_MS) rmSync(path, { force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildConsole().then(
    ({ script, style }) => console.log(`console built: ${script}, ${style}, index.html in ${CONSOLE_OUT_DIR}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
