import { WINDOWS_SERVICE_ID, type WindowsLayout } from './names.js';
import type { RunStep, ServiceAction, ServicePlan, ServiceSpec } from './types.js';
import { renderWinswXml } from './winsw-xml.js';

export function winswPlan(action: ServiceAction, spec: ServiceSpec, layout: WindowsLayout): ServicePlan {
  const wrapper = (verb: string, mayFail?: string): RunStep => ({ kind: 'run', command: layout.wrapperExe, args: [verb], timeoutMs: 60_000, ...(mayFail ? { mayFail } : {}) });
  const sc = (args: string[], mayFail?: string): RunStep => ({ kind: 'run', command: 'sc.exe', args, timeoutMs: 30_000, ...(mayFail ? { mayFail } : {}) });
  if (action === 'install') {
    return {
      os: 'windows',
      action,
      notes: [
        `WinSW (2.x or 3.x, e.g. the winsw.exe node-windows ships) is expected at ${layout.wrapperExe}; nothing is downloaded`,
        `state directory: ${spec.stateDir} (WinSW expands %VARIABLES%)`,
      ],
      steps: [
        { kind: 'require-path', path: layout.wrapperExe, why: 'the WinSW service wrapper, renamed after its XML' },
        { kind: 'write', path: layout.wrapperXml, mode: 0o644, content: renderWinswXml(spec) },
        // A reinstall replaces the registered service; on a first install there is none to stop or remove.
        wrapper('stop', 'nothing to stop unless it was installed before'),
        wrapper('uninstall', 'nothing to remove unless it was installed before'),
        wrapper('install'),
        // The SCM runs failure actions only on a crash unless this flag also counts a non-zero exit.
        sc(['failureflag', WINDOWS_SERVICE_ID, '1']),
        wrapper('start'),
      ],
    };
  }
  if (action === 'uninstall') {
    return {
      os: 'windows',
      action,
      notes: [`the state directory ${spec.stateDir} (this endpoint's identity) and ${layout.wrapperExe} are kept`],
      steps: [wrapper('stop', 'the service may not be running'), wrapper('uninstall'), { kind: 'remove', path: layout.wrapperXml }],
    };
  }
  return {
    os: 'windows',
    action,
    notes: [],
    steps: [sc(['query', WINDOWS_SERVICE_ID], 'fails when the service is not installed'), sc(['qfailure', WINDOWS_SERVICE_ID], 'fails when the service is not installed')],
  };
}

/** `sc.exe query` reports "STATE : 4  RUNNING" for a running service. */
export function winswRunning(outputs: readonly string[]): boolean {
  return /STATE\s*:\s*4\s+RUNNING/.test(outputs[0] ?? '');
}
