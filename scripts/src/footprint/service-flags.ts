/**
 * The node flags the agent's service definitions run it with (agent/src/service/node-flags.ts),
 * so that by default the benchmark measures the agent the way endpoints run it.
 */
export { SERVICE_NODE_FLAGS } from '../../../agent/dist/service/node-flags.js';
