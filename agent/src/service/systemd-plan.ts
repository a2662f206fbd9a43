import { LINUX_LAYOUT, SYSTEMD_UNIT, type LinuxLayout } from './names.js';
import { renderSystemdUnit } from './systemd-unit.js';
import type { RunStep, ServiceAction, ServicePlan, ServiceSpec } from './types.js';

const systemctl = (args: string[], mayFail?: string): RunStep => ({ kind: 'run', command: 'systemctl', args, timeoutMs: 60_000, ...(mayFail ? { mayFail } : {}) });

export function systemdPlan(action: ServiceAction, spec: ServiceSpec, layout: LinuxLayout = LINUX_LAYOUT): ServicePlan {
  if (action === 'install') {
    return {
      os: 'linux',
      action,
      notes: [`state directory: ${spec.stateDir}`, `logs: journalctl -u ${SYSTEMD_UNIT}`],
      steps: [
        // Without systemd as init (a container, another init) systemctl could not enable anything.
        { kind: 'require-path', path: layout.systemdRuntimeDir, why: 'present only while systemd is the running init system' },
        { kind: 'write', path: layout.unitPath, mode: 0o644, content: renderSystemdUnit(spec) },
        systemctl(['daemon-reload']),
        systemctl(['enable', SYSTEMD_UNIT]),
        // restart rather than `enable --now`: it also starts a stopped unit, and a reinstall
        // (another node, other flags) must replace the running process to take effect.
        systemctl(['restart', SYSTEMD_UNIT]),
      ],
    };
  }
  if (action === 'uninstall') {
    return {
      os: 'linux',
      action,
      notes: [`the state directory ${spec.stateDir} (this endpoint's identity) is kept`],
      steps: [
        systemctl(['disable', '--now', SYSTEMD_UNIT], 'the unit may already be gone'),
        { kind: 'remove', path: layout.unitPath },
        systemctl(['daemon-reload']),
        systemctl(['reset-failed', SYSTEMD_UNIT], 'only a failed unit has anything to reset'),
      ],
    };
  }
  return {
    os: 'linux',
    action,
    notes: [],
    steps: [
      systemctl(['is-active', SYSTEMD_UNIT], 'exits non-zero whenever the unit is not running'),
      systemctl(['show', SYSTEMD_UNIT, '--property=LoadState,UnitFileState,ActiveState,SubState,MainPID,NRestarts,ExecMainStartTimestamp,FragmentPath']),
    ],
  };
}

/** `systemctl is-active` prints exactly "active" while the unit runs. */
export function systemdRunning(outputs: readonly string[]): boolean {
  return outputs[0]?.trim() === 'active';
}
