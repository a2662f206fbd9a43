import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const COLLECTOR_BIN = join(REPO_ROOT, 'collector', 'bin', 'vigil-collector.js');
export const AGENT_BIN = join(REPO_ROOT, 'agent', 'bin', 'vigil-agent.js');
export const VIGIL_BIN = join(REPO_ROOT, 'collector', 'bin', 'vigil.js');
