/**
 * Node/V8 flags the service runs the agent with. The agent's per-cycle work is small and mostly
 * native (reading /proc, JSON, crypto, sockets), so optimizing compilers buy it little CPU while
 * their code and compile memory cost a fifth of its RSS. Measured with the footprint benchmark
 * (scripts/src/footprint.ts, 2 s interval, Linux x64, Node 20):
 *
 *   --no-opt                   TurboFan off: steady RSS about 71 MB → 61 MB, CPU per cycle unchanged
 *                              (18–21 ms either way). Irregexp and WebAssembly stay compiled, unlike
 *                              with --jitless/--lite-mode, which would also break fetch (its HTTP
 *                              parser is WebAssembly).
 *   --no-sparkplug             the baseline compiler off too: about 2 MB more.
 *   --max-semi-space-size=1    young generation capped at 1 MB: the startup peak (module loading,
 *                              first inventory) drops by about 9 MB; the steady figure is unchanged.
 *
 * node refuses to start on a flag it does not know, so an install first checks that the chosen
 * node accepts these (see plan.ts); after a Node upgrade, reinstalling the service checks again.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--no-opt', '--no-sparkplug', '--max-semi-space-size=1'];
