/**
 * `pnpm demo`: the collector with SQLite under ./data, one local agent enrolled and streaming,
 * two starter rules, and the dashboard URL printed. Ctrl-C stops both processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const collectorBin = join(root, 'collector', 'bin', 'vigil-collector.js');
const agentBin = join(root, 'agent', 'bin', 'vigil-agent.js');
const dataDir = resolve(process.env.VIGIL_DATA ?? join(root, 'data'));
const agentState = join(dataDir, 'agent');
const port = process.env.VIGIL_PORT ?? '8080';
const interval = process.env.VIGIL_DEMO_INTERVAL ?? '10s';

const children: ChildProcess[] = [];
function stopAll(code: number): never {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
  // Keep the process alive until the timer above lets it go.
  return undefined as never;
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function startCollector(): Promise<string> {
  const child = spawn(process.execPath, [collectorBin, 'serve', '--port', port, '--host', '127.0.0.1', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, VIGIL_LOG_LEVEL: process.env.VIGIL_LOG_LEVEL ?? 'warn' },
  });
  children.push(child);
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('the collector did not start within 30 s')), 30_000);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(buffered);
      if (match) { clearTimeout(timer); resolveUrl(match[1]!); }
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the collector exited with code ${code}`)); });
  });
}

function runCli(bin: string, args: string[]): string {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`${bin} ${args[0]} failed: ${result.stderr || result.stdout || result.error?.message}`);
  return result.stdout.trim();
}

async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method, signal: AbortSignal.timeout(10_000),
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function main(): Promise<void> {
  const url = await startCollector();
  const adminToken = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();

  if (!existsSync(join(agentState, 'agent.json'))) {
    const token = runCli(collectorBin, ['enroll-token', 'create', '--tenant', 'demo', '--site', 'lab', '--tags', 'demo', '--max-uses', '1', '--expires', '10m', '--data', dataDir]);
    // The demo runs on loopback without a certificate, so plain http is allowed explicitly.
    runCli(agentBin, ['enroll', '--server', url, '--token', token, '--state', agentState, '--allow-plaintext']);
  }
  // Development mode: the demo's agent also runs unsigned scripts, which it allows only because the
  // collector is on loopback (it says so on stderr); real agents run signed scripts only.
  const agent = spawn(process.execPath, [agentBin, 'run', '--state', agentState, '--interval', interval, '--allow-unsigned'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, VIGIL_LOG_LEVEL: process.env.VIGIL_LOG_LEVEL ?? 'warn' },
  });
  children.push(agent);
  agent.on('exit', (code) => { if (code) process.stderr.write(`vigil-agent exited with code ${code}\n`); });

  const { rules } = await api(url, adminToken, 'GET', '/api/v1/rules');
  // The collector seeds its built-in "Agent offline" rule; the demo adds its starters once beside it.
  if (!rules.some((rule: { id: string }) => rule.id !== BUILT_IN_OFFLINE_RULE_ID)) {
    await api(url, adminToken, 'POST', '/api/v1/rules', { name: 'Root disk almost full', metric: 'disk.used_pct', labels: { mount: '/' }, op: '>', threshold: 90, clearThreshold: 85, forSamples: 3, priority: 'P2' });
    await api(url, adminToken, 'POST', '/api/v1/rules', { name: 'Memory pressure', metric: 'mem.used_pct', op: '>', threshold: 90, clearThreshold: 80, forSamples: 3, priority: 'P3' });
  }

  process.stdout.write(
    [
      '',
      `Vigil demo is running (data in ${dataDir}, one local agent reporting every ${interval}).`,
      `  Dashboard:   ${url}/#token=${adminToken}`,
      `  API:         ${url}/api/v1  (admin token in ${join(dataDir, 'admin.token')})`,
      '  Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
}

const BUILT_IN_OFFLINE_RULE_ID = 'rul_agent_offline';

main().catch((err: unknown) => {
  process.stderr.write(`demo: ${(err as Error).message}\n`);
  stopAll(1);
});
