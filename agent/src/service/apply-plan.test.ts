import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../cli/options.js';
import type { ServiceLayouts } from './plan.js';
import { SERVICE_NODE_FLAGS } from './node-flags.js';
import { serviceCommand, type ServiceCommandIo } from './service-command.js';
import { buildServiceSpec } from './spec.js';
import { renderSystemdUnit } from './systemd-unit.js';

/**
 * A real (not dry) Linux install, uninstall and status, with the unit written into a temporary
 * directory and a stand-in `systemctl` first on PATH that records its arguments.
 */
const root = mkdtempSync(join(tmpdir(), 'vigil-service-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const runtimeDir = join(root, 'run-systemd-system');
mkdirSync(runtimeDir);
const layouts: ServiceLayouts = { linux: { unitPath: join(root, 'etc', 'vigil-agent.service'), systemdRuntimeDir: runtimeDir } };
const calls = join(root, 'systemctl.calls');
const bin = join(root, 'bin');
mkdirSync(bin);

/** systemctl answering `is-active` with $IS_ACTIVE and failing the verb named in $FAIL_VERB. */
writeFileSync(
  join(bin, 'systemctl'),
  `#!/bin/sh
echo "$*" >> '${calls}'
if [ "$1" = "$FAIL_VERB" ]; then echo "Failed to $1 unit: Access denied" >&2; exit 1; fi
if [ "$1" = "is-active" ]; then echo "$IS_ACTIVE"; [ "$IS_ACTIVE" = active ]; exit $?; fi
exit 0
`,
);
chmodSync(join(bin, 'systemctl'), 0o755);

const SPEC = { nodePath: process.execPath, agentBin: '/opt/vigil/agent/bin/vigil-agent.js', nodeFlags: [] };

function io(extraEnv: Record<string, string> = {}): ServiceCommandIo & { output: () => string; errors: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    platform: 'linux',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, ...extraEnv },
    layouts,
    spec: SPEC,
    privileged: async () => true,
    output: () => out,
    errors: () => err,
  };
}

const recorded = (): string[] => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []);

describe.runIf(process.platform === 'linux')('service install / uninstall / status on Linux (stand-in systemctl)', () => {
  const stateDir = join(root, 'state');

  it('install writes the unit (0644) and reloads, enables and restarts it', async () => {
    rmSync(calls, { force: true });
    const context = io();
    expect(await serviceCommand({ action: 'install', dryRun: false, stateDir }, context)).toBe(0);
    const unit = readFileSync(layouts.linux!.unitPath, 'utf8');
    expect(unit).toBe(renderSystemdUnit(buildServiceSpec({ os: 'linux', stateDir, ...SPEC })));
    expect(statSync(layouts.linux!.unitPath).mode & 0o777).toBe(0o644);
    expect(recorded()).toEqual(['daemon-reload', 'enable vigil-agent.service', 'restart vigil-agent.service']);
    // Not enrolled yet: said, not refused, since enrolling after installing is a valid order.
    expect(context.errors()).toContain('holds no enrollment yet');
    expect(context.output()).toContain('vigil-agent service installed and started');
  });

  it('status reads systemctl is-active: exit 0 when active, 1 otherwise', async () => {
    const running = io({ IS_ACTIVE: 'active' });
    expect(await serviceCommand({ action: 'status', dryRun: false }, running)).toBe(0);
    expect(running.output()).toContain('$ systemctl is-active vigil-agent.service\nactive\n');
    expect(running.output()).toContain('vigil-agent service: running');
    const stopped = io({ IS_ACTIVE: 'inactive' });
    expect(await serviceCommand({ action: 'status', dryRun: false }, stopped)).toBe(1);
    expect(stopped.output()).toContain('vigil-agent service: not running');
  });

  it('a failing command stops the install with its error', async () => {
    rmSync(calls, { force: true });
    await expect(serviceCommand({ action: 'install', dryRun: false, stateDir }, io({ FAIL_VERB: 'enable' }))).rejects.toThrow(
      /systemctl enable vigil-agent\.service failed: systemctl exited with code 1: Failed to enable unit: Access denied/,
    );
    expect(recorded()).toEqual(['daemon-reload', 'enable vigil-agent.service']);
  });

  it('uninstall disables and stops the unit, removes it and reloads; a step that may fail does not stop it', async () => {
    rmSync(calls, { force: true });
    const context = io({ FAIL_VERB: 'reset-failed' });
    expect(await serviceCommand({ action: 'uninstall', dryRun: false }, context)).toBe(0);
    expect(existsSync(layouts.linux!.unitPath)).toBe(false);
    expect(recorded()).toEqual(['disable --now vigil-agent.service', 'daemon-reload', 'reset-failed vigil-agent.service']);
    expect(context.output()).toContain('failed, which is fine');
  });

  it('without systemd as init, install refuses before writing anything', async () => {
    const noSystemd = { ...io(), layouts: { linux: { ...layouts.linux!, systemdRuntimeDir: join(root, 'absent') } } };
    await expect(serviceCommand({ action: 'install', dryRun: false, stateDir }, noSystemd)).rejects.toThrow(/does not exist \(present only while systemd is the running init system\)/);
    expect(existsSync(layouts.linux!.unitPath)).toBe(false);
  });

  it('checks that node accepts the service flags before writing anything', async () => {
    rmSync(calls, { force: true });
    const context = { ...io(), spec: { ...SPEC, nodeFlags: ['--no-such-v8-flag'] } };
    await expect(serviceCommand({ action: 'install', dryRun: false, stateDir }, context)).rejects.toThrow(/--no-such-v8-flag -e 0 failed: .*bad option: --no-such-v8-flag/);
    expect(existsSync(layouts.linux!.unitPath)).toBe(false);
    expect(recorded()).toEqual([]);
    // The flags the service really uses pass on this node.
    expect(await serviceCommand({ action: 'install', dryRun: false, stateDir }, { ...io(), spec: { ...SPEC, nodeFlags: [...SERVICE_NODE_FLAGS] } })).toBe(0);
    expect(readFileSync(layouts.linux!.unitPath, 'utf8')).toContain(` ${SERVICE_NODE_FLAGS.join(' ')} `);
    rmSync(layouts.linux!.unitPath);
  });

  it('refuses without root, and a dry run needs no root', async () => {
    const unprivileged = { ...io(), privileged: async () => false };
    const refusal = serviceCommand({ action: 'install', dryRun: false, stateDir }, unprivileged);
    await expect(refusal).rejects.toBeInstanceOf(CliError);
    await expect(serviceCommand({ action: 'uninstall', dryRun: false }, unprivileged)).rejects.toThrow(/needs|run it as root/);
    expect(await serviceCommand({ action: 'install', dryRun: true }, unprivileged)).toBe(0);
    expect(existsSync(layouts.linux!.unitPath)).toBe(false);
  });
});
