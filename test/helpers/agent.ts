import { startNode, runNode, type Child } from './child.js';
import { AGENT_BIN } from './paths.js';

/**
 * Enrolls a real agent (`vigil-agent enroll`) into a state dir and returns its id. An http://
 * collector (the loopback tests) is allowed explicitly; for https pass --ca or --fingerprint in
 * `extraArgs`.
 */
export async function enrollAgent(serverUrl: string, token: string, stateDir: string, extraArgs: string[] = []): Promise<string> {
  const plaintext = serverUrl.startsWith('http://') ? ['--allow-plaintext'] : [];
  const result = await runNode(AGENT_BIN, ['enroll', '--server', serverUrl, '--token', token, '--state', stateDir, ...plaintext, ...extraArgs]);
  if (result.code !== 0) throw new Error(`vigil-agent enroll failed (${result.code}): ${result.stderr}${result.stdout}`);
  const match = /agt_[A-Za-z0-9_-]+/.exec(result.stdout);
  if (!match) throw new Error(`vigil-agent enroll printed no agent id: ${result.stdout}`);
  return match[0];
}

export interface RunAgentOptions {
  /**
   * Development mode (`--allow-unsigned`, loopback collectors only), on unless false: most tests
   * dispatch unsigned scripts; the signed-script tests run the agent as production does.
   */
  allowUnsigned?: boolean;
  /** More `vigil-agent run` arguments (e.g. --textfile-dir). */
  extraArgs?: string[];
}

/** Runs the real agent (`vigil-agent run`) at a short interval. */
export function runAgent(stateDir: string, interval = '1s', options: RunAgentOptions = {}): Child {
  const devMode = options.allowUnsigned === false ? [] : ['--allow-unsigned'];
  return startNode(AGENT_BIN, ['run', '--state', stateDir, '--interval', interval, ...devMode, ...(options.extraArgs ?? [])], { VIGIL_LOG_LEVEL: 'info' });
}
