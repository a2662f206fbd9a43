import { join } from 'node:path';

export const STATE_ENV = 'VIGIL_AGENT_STATE';

/** Where each OS keeps service state: the FHS, %ProgramData% and the macOS Library convention. */
export function defaultStateDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'Vigil');
  if (platform === 'darwin') return '/Library/Application Support/Vigil';
  return '/var/lib/vigil-agent';
}

/** `--state` wins, then VIGIL_AGENT_STATE, then the OS convention. */
export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag;
  const fromEnv = env[STATE_ENV];
  if (fromEnv) return fromEnv;
  return defaultStateDir(process.platform, env);
}

export const stateFiles = {
  enrollment: (dir: string) => join(dir, 'agent.json'),
  privateKey: (dir: string) => join(dir, 'agent.key'),
  seq: (dir: string) => join(dir, 'seq'),
  status: (dir: string) => join(dir, 'status.json'),
  /** Frames awaiting the collector's ack (segment files and meta.json). */
  spool: (dir: string) => join(dir, 'spool'),
  /** The pinned script-signing keys (AgentTrustFileSchema). */
  trust: (dir: string) => join(dir, 'trust.json'),
  /** Run ids seen, with their results: a dispatch is never run twice, restarts included. */
  runLedger: (dir: string) => join(dir, 'runs.jsonl'),
  /** Default `--textfile-dir`: *.prom files whose samples ride on every frame. */
  textfile: (dir: string) => join(dir, 'textfile'),
};
