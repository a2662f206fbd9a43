import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../app-context.js';
import { consoleRoutes } from './console.js';

describe('console routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-console-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function app(assetsDir: string) {
    const instance = Fastify();
    await consoleRoutes(instance, {} as AppContext, assetsDir);
    return instance;
  }

  it('answers 503 with the build command when the bundle was not built', async () => {
    const res = await (await app(join(dir, 'missing'))).inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('build-console');
  });

  it('serves the page and hashed assets with their types, cache headers and the CSP', async () => {
    const assets = join(dir, 'built');
    mkdirSync(assets);
    writeFileSync(join(assets, 'index.html'), '<!doctype html><title>Vigil</title>');
    writeFileSync(join(assets, 'app-ABCD1234.js'), 'export {};');
    writeFileSync(join(assets, 'app-ABCD1234.css'), 'body{}');
    writeFileSync(join(dir, 'secret.js'), 'nope');
    const instance = await app(assets);

    const index = await instance.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'");

    // Every page path serves the same page, so a deep link or a reload works; others are 404.
    for (const url of ['/fleet', '/agents/agt_1', '/remediation?tab=jobs', '/jobs/job_1', '/rules', '/maintenance', '/reports']) {
      const page = await instance.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toBe(index.body);
    }
    expect((await instance.inject({ method: 'GET', url: '/agents' })).statusCode).toBe(404);

    const script = await instance.inject({ method: 'GET', url: '/assets/app-ABCD1234.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['cache-control']).toContain('immutable');
    const style = await instance.inject({ method: 'GET', url: '/assets/app-ABCD1234.css' });
    expect(style.headers['content-type']).toMatch(/^text\/css/);

    for (const url of ['/assets/..%2Fsecret.js', '/assets/index.html', '/assets/missing.js', '/assets/app.exe']) {
      expect((await instance.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });
});
