/** Programmatic entry points, for integration tests and embedding; the CLI is in cli/main.ts. */
export { Agent, type AgentOptions } from './agent.js';
export { AgentConnection, type AgentConnectionOptions } from './connection/agent-connection.js';
export { FatalCloseError } from './connection/errors.js';
export { MemoryFrameQueue, type FrameQueue } from './connection/frame-queue.js';
export { agentSocketUrl } from './connection/url.js';
export { CollectorScheduler, type CollectionResult } from './collectors/scheduler.js';
export { createCollectors, COLLECTOR_NAMES } from './collectors/registry.js';
export type { MetricCollector, CollectorOutput } from './collectors/types.js';
export { runScript, type ScriptRunResult, type RunOptions, type ScriptToRun } from './runner/script-runner.js';
export { resolveStateDir, defaultStateDir, stateFiles } from './state/paths.js';
export { readStatusFile } from './state/status-file.js';
export { AGENT_VERSION } from './version.js';
