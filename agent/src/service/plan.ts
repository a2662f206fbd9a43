import { join } from 'node:path';
import { launchdPlan, launchdRunning } from './launchd-plan.js';
import { DARWIN_LAYOUT, LINUX_LAYOUT, windowsLayout, type DarwinLayout, type LinuxLayout, type WindowsLayout } from './names.js';
import { agentRoot } from './spec.js';
import { systemdPlan, systemdRunning } from './systemd-plan.js';
import type { RunStep, ServiceAction, ServicePlan, ServiceSpec } from './types.js';
import { winswPlan, winswRunning } from './winsw-plan.js';

/** Where each OS's files go; tests move them into a temporary directory. */
export interface ServiceLayouts {
  linux?: LinuxLayout;
  darwin?: DarwinLayout;
  windows?: WindowsLayout;
}

function osPlan(action: ServiceAction, spec: ServiceSpec, layouts: ServiceLayouts): ServicePlan {
  switch (spec.os) {
    case 'linux':
      return systemdPlan(action, spec, layouts.linux ?? LINUX_LAYOUT);
    case 'darwin':
      return launchdPlan(action, spec, layouts.darwin ?? DARWIN_LAYOUT);
    case 'windows':
      return winswPlan(action, spec, layouts.windows ?? windowsLayout(agentRoot(spec.agentBin), join));
  }
}

export function buildPlan(action: ServiceAction, spec: ServiceSpec, layouts: ServiceLayouts = {}): ServicePlan {
  const plan = osPlan(action, spec, layouts);
  if (action === 'install' && spec.nodeFlags.length) {
    // node refuses to start at all on a flag it does not know (V8 flags come and go between
    // versions); finding that out now beats a service that restarts forever.
    const check: RunStep = { kind: 'run', command: spec.nodePath, args: [...spec.nodeFlags, '-e', '0'], timeoutMs: 30_000, why: 'this node accepts the service\'s node flags' };
    const firstChange = plan.steps.findIndex((step) => step.kind !== 'require-path');
    plan.steps.splice(firstChange < 0 ? plan.steps.length : firstChange, 0, check);
  }
  return plan;
}

/** Reads the outputs of a status plan's commands, in order: is the service running? */
export function serviceRunning(spec: ServiceSpec, outputs: readonly string[]): boolean {
  switch (spec.os) {
    case 'linux':
      return systemdRunning(outputs);
    case 'darwin':
      return launchdRunning(outputs);
    case 'windows':
      return winswRunning(outputs);
  }
}
