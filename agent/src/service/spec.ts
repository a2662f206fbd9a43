import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDuration } from '@vigil/shared';
import { defaultStateDir } from '../state/paths.js';
import { SERVICE_NODE_FLAGS } from './node-flags.js';
import type { ServiceOs, ServiceSpec } from './types.js';

/** The launcher of this installation (dist/service → bin), which the service runs. */
export const AGENT_BIN = fileURLToPath(new URL('../../bin/vigil-agent.js', import.meta.url));

export function nodePlatform(os: ServiceOs): NodeJS.Platform {
  return os === 'windows' ? 'win32' : os;
}

/** The OS this process runs on, if `vigil-agent service` supports it. */
export function currentServiceOs(platform: NodeJS.Platform = process.platform): ServiceOs | null {
  if (platform === 'win32') return 'windows';
  if (platform === 'linux' || platform === 'darwin') return platform;
  return null;
}

/**
 * The state directory the service hands the agent: `--state`, else the OS convention. Windows gets
 * the literal %ProgramData%\Vigil, which WinSW expands on the machine itself.
 */
export function serviceStateDir(os: ServiceOs, flag: string | undefined): string {
  if (flag) return flag;
  if (os === 'windows') return '%ProgramData%\\Vigil';
  return defaultStateDir(nodePlatform(os));
}

export interface ServiceSpecInput {
  os: ServiceOs;
  stateDir?: string;
  intervalMs?: number;
  /** Further `run` options, passed through as given (e.g. --services nginx,sshd). */
  extraRunArgs?: readonly string[];
  nodePath?: string;
  agentBin?: string;
  nodeFlags?: readonly string[];
}

export function buildServiceSpec(input: ServiceSpecInput): ServiceSpec {
  const stateDir = serviceStateDir(input.os, input.stateDir);
  const runArgs = [
    'run',
    // Windows passes the state directory in VIGIL_AGENT_STATE (see winsw-xml.ts), where WinSW expands it.
    ...(input.os === 'windows' ? [] : ['--state', stateDir]),
    ...(input.intervalMs !== undefined ? ['--interval', formatDuration(input.intervalMs)] : []),
    ...(input.extraRunArgs ?? []),
  ];
  return {
    os: input.os,
    nodePath: input.nodePath ?? process.execPath,
    nodeFlags: input.nodeFlags ?? SERVICE_NODE_FLAGS,
    agentBin: input.agentBin ?? AGENT_BIN,
    runArgs,
    stateDir,
  };
}

/** The agent's own directory (the parent of bin/), with this host's path rules. */
export function agentRoot(agentBin: string): string {
  return dirname(dirname(agentBin));
}
