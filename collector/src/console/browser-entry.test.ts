import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const BROWSER_ENTRY = fileURLToPath(new URL('../../../shared/src/browser.ts', import.meta.url));

describe('@vigil/shared/browser', () => {
  it('bundles for the browser: nothing it exports reaches for Node built-ins', async () => {
    const result = await build({ entryPoints: [BROWSER_ENTRY], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('signing-keys'))).toBe(false);
    expect(result.outputFiles[0]!.text).toContain('event.match');
  });
});
