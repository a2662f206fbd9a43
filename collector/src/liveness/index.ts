export type { AgentLiveness, HeardFrom, KnownAgent, LivenessConfig, LivenessState, PresenceChange } from './types.js';
export { DEFAULT_LIVENESS_CONFIG } from './types.js';
export {
  agentConnected, agentDisconnected, forgetAgent, offlineDeadline, offlineThresholdMs, restoreLiveness, revertChange, sweepLiveness,
} from './liveness.js';
export {
  countSites, decideSites, DEFAULT_SITE_OUTAGE, siteIsDown, siteKey, type SiteCount, type SiteDecision, type SiteOutageConfig, type SiteRef,
} from './site-outage.js';
export { LivenessMonitor, type LivenessDeps } from './liveness-monitor.js';
