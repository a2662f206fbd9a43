export type { AgentLiveness, HeardFrom, KnownAgent, LivenessConfig, LivenessState, PresenceChange } from './types.js';
export { DEFAULT_LIVENESS_CONFIG } from './types.js';
export {
  agentConnected, agentDisconnected, forgetAgent, offlineDeadline, offlineThresholdMs, restoreLiveness, revertChange, sweepLiveness,
} from './liveness.js';
export { LivenessMonitor, type LivenessDeps } from './liveness-monitor.js';
