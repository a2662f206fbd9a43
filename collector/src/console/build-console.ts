/**
 * Builds the web console (collector/console, Preact) into dist/console-assets: a minified bundle
 * with content-hashed names (app-HASH.js, app-HASH.css, their source maps) and the index.html that
 * loads them. Run after `tsc -b`: `node collector/dist/console/build-console.js`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

export async function buildConsole(outDir = CONSOLE_OUT_DIR): Promise<{ script: string; style: string }> {
  rmSync(outDir, { recursive: true, force: true });
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
  writeFileSync(join(outDir, 'index.html'), indexHtml(script, style));
  return { script, style };
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
