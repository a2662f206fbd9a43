import type { ServiceStatus } from '@vigil/shared';
import { describeCommandFailure, runCommand } from '../../os/run-command.js';

/** What systemd itself accepts in a unit name (systemd.unit(5)); anything else would fail the whole call. */
const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+$/;

/**
 * `systemctl show` prints one KEY=VALUE block per unit, in the order the units were named, blocks
 * separated by an empty line. Properties come in the manager's order, not the order asked for,
 * which is why KEY=VALUE is parsed rather than `--value` lines by position.
 */
export const SYSTEMCTL_SHOW_ARGS = ['show', '--property=Id,LoadState,ActiveState,SubState', '--'];

export function parseSystemctlShow(stdout: string, units: readonly string[]): ServiceStatus[] {
  const blocks = stdout.split(/\r?\n[ \t]*\r?\n/).map((b) => b.trim()).filter(Boolean);
  if (blocks.length !== units.length) {
    const reason = `systemctl show answered ${blocks.length} unit block(s) for ${units.length} unit(s); output not understood`;
    return units.map((name) => ({ name, state: 'unknown', reason }));
  }
  return units.map((name, index) => unitState(name, properties(blocks[index] ?? '')));
}

function properties(block: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return props;
}

/**
 * active and reloading are up. A unit that does not exist (LoadState=not-found) is unknown, not
 * down: a typo in the watch list must not page anyone. Every other state of an existing unit
 * (inactive, failed, activating — a unit stuck restarting never becomes active, deactivating) is down.
 */
function unitState(name: string, props: Map<string, string>): ServiceStatus {
  const load = props.get('LoadState');
  const active = props.get('ActiveState');
  const sub = props.get('SubState');
  if (!load || !active) return { name, state: 'unknown', reason: 'systemctl show gave no LoadState/ActiveState for this unit' };
  const detail = `${active}/${sub ?? '?'}${load === 'loaded' ? '' : ` (${load})`}`;
  if (active === 'active' || active === 'reloading') return { name, state: 'up', detail };
  if (load === 'not-found') return { name, state: 'unknown', detail, reason: `unit ${props.get('Id') ?? name} does not exist` };
  if (['inactive', 'failed', 'activating', 'deactivating', 'maintenance', 'refreshing'].includes(active)) return { name, state: 'down', detail };
  return { name, state: 'unknown', detail, reason: `unrecognised ActiveState ${active}` };
}

export async function querySystemd(units: readonly string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ServiceStatus[]> {
  const valid = units.filter((u) => UNIT_NAME.test(u));
  const results = new Map<string, ServiceStatus>();
  for (const name of units) if (!UNIT_NAME.test(name)) results.set(name, { name, state: 'unknown', reason: 'not a valid systemd unit name' });
  if (valid.length) {
    const result = await runCommand('systemctl', [...SYSTEMCTL_SHOW_ARGS, ...valid], { timeoutMs: options.timeoutMs, ...(options.env ? { env: options.env } : {}) });
    let states: ServiceStatus[];
    if (result.kind === 'not_found') {
      states = valid.map((name) => ({ name, state: 'unknown', reason: 'systemctl not found: services are watched through systemd on Linux' }));
    } else if (result.kind !== 'exited' || result.exitCode !== 0 || result.stdoutTruncated) {
      // e.g. a container without systemd as PID 1: "System has not been booted with systemd ..."
      const reason = describeCommandFailure(result);
      states = valid.map((name) => ({ name, state: 'unknown', reason }));
    } else {
      states = parseSystemctlShow(result.stdout, valid);
    }
    for (const state of states) results.set(state.name, state);
  }
  return units.map((name) => results.get(name) ?? { name, state: 'unknown', reason: 'no answer' });
}
