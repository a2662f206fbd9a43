import { describe, expect, it } from 'vitest';
import { childElements, parseXml, plistValue, textOf } from '../testing/mini-xml.js';
import { launchdLogFiles, renderLaunchdPlist } from './launchd-plist.js';
import { DARWIN_LAYOUT } from './names.js';
import { buildServiceSpec } from './spec.js';
import { quoteSystemdArg, renderSystemdUnit } from './systemd-unit.js';
import { renderWinswXml } from './winsw-xml.js';
import { escapeXml } from './xml.js';

/** Paths as a real install would have them, with flags so their position is checked too. */
const linux = buildServiceSpec({ os: 'linux', nodePath: '/usr/bin/node', agentBin: '/opt/vigil/agent/bin/vigil-agent.js', nodeFlags: ['--flag-a', '--flag-b=1'] });
/** Spaces, quotes, ampersands, angle brackets, %, $ and backslashes: everything escaping must survive. */
const AWKWARD = `/opt/My "Vigil" & <Co>/50% $HOME\\it's/vigil-agent.js`;

const unitLine = (unit: string, key: string): string[] => unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

describe('systemd unit', () => {
  const unit = renderSystemdUnit(linux);

  it('runs node with its flags, the launcher and `run --state /var/lib/vigil-agent`', () => {
    expect(unitLine(unit, 'ExecStart')).toEqual(['/usr/bin/node --flag-a --flag-b=1 /opt/vigil/agent/bin/vigil-agent.js run --state /var/lib/vigil-agent']);
  });

  it('restarts forever, starts after the network, and lets systemd create the state directory', () => {
    expect(unitLine(unit, 'Restart')).toEqual(['always']);
    expect(unitLine(unit, 'RestartSec')).toEqual(['10s']);
    expect(unitLine(unit, 'StartLimitIntervalSec')).toEqual(['0']);
    expect(unitLine(unit, 'After')).toEqual(['network-online.target']);
    expect(unitLine(unit, 'Wants')).toEqual(['network-online.target']);
    expect(unitLine(unit, 'StateDirectory')).toEqual(['vigil-agent']);
    expect(unitLine(unit, 'StateDirectoryMode')).toEqual(['0700']);
    expect(unitLine(unit, 'WantedBy')).toEqual(['multi-user.target']);
  });

  it('hardens without fencing in patching and scripts, and takes the scripts down with the agent', () => {
    expect(unitLine(unit, 'NoNewPrivileges')).toEqual(['yes']);
    expect(unitLine(unit, 'KillMode')).toEqual(['mixed']);
    expect(unitLine(unit, 'TimeoutStopSec')).toEqual(['20s']);
    for (const off of ['ProtectSystem', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'RestrictSUIDSGID', 'MemoryDenyWriteExecute', 'User', 'UMask']) {
      expect(unitLine(unit, off), off).toEqual([]);
    }
  });

  it('keeps --interval and further run options on the command line', () => {
    const spec = buildServiceSpec({ os: 'linux', nodePath: '/usr/bin/node', agentBin: '/a/bin/vigil-agent.js', nodeFlags: [], intervalMs: 30_000, extraRunArgs: ['--services', 'nginx,sshd'] });
    expect(unitLine(renderSystemdUnit(spec), 'ExecStart')).toEqual(['/usr/bin/node /a/bin/vigil-agent.js run --state /var/lib/vigil-agent --interval 30s --services nginx,sshd']);
  });

  it('omits StateDirectory= for a state directory outside /var/lib', () => {
    const spec = buildServiceSpec({ os: 'linux', stateDir: '/srv/vigil state', nodePath: '/usr/bin/node', agentBin: '/a/bin/vigil-agent.js', nodeFlags: [] });
    const custom = renderSystemdUnit(spec);
    expect(unitLine(custom, 'StateDirectory')).toEqual([]);
    expect(unitLine(custom, 'ExecStart')).toEqual(['/usr/bin/node /a/bin/vigil-agent.js run --state "/srv/vigil state"']);
  });

  it('quotes and escapes ExecStart words the way systemd reads them', () => {
    expect(quoteSystemdArg('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteSystemdArg('--max-semi-space-size=2')).toBe('--max-semi-space-size=2');
    expect(quoteSystemdArg('/opt/My Vigil/x.js')).toBe('"/opt/My Vigil/x.js"');
    expect(quoteSystemdArg('100%')).toBe('100%%');
    expect(quoteSystemdArg(AWKWARD)).toBe(String.raw`"/opt/My \"Vigil\" & <Co>/50%% $$HOME\\it's/vigil-agent.js"`);
    expect(quoteSystemdArg('')).toBe('""');
    expect(quoteSystemdArg('a\nb')).toBe('"a\\nb"');
    expect(quoteSystemdArg(';')).toBe('\\;');
    // $VARs are expanded in arguments only, so the executable's own path keeps its `$`.
    expect(quoteSystemdArg('/opt/$x/node', 'executable')).toBe('"/opt/$x/node"');
  });

  it('refuses an executable path systemd cannot start, naming it', () => {
    for (const nodePath of [`/opt/it's/node`, '/opt/a"b/node', 'relative/node', 'C:\\node.exe']) {
      expect(() => renderSystemdUnit({ ...linux, nodePath }), nodePath).toThrow(/systemd cannot start/);
    }
  });
});

describe('WinSW configuration', () => {
  const spec = buildServiceSpec({ os: 'windows', nodePath: 'C:\\Program Files\\nodejs\\node.exe', agentBin: 'C:\\Program Files\\Vigil\\agent\\bin\\vigil-agent.js', nodeFlags: ['--flag-a'], intervalMs: 60_000 });
  const xml = renderWinswXml(spec);
  const service = parseXml(xml);
  const one = (name: string): string => {
    const found = childElements(service, name);
    expect(found, name).toHaveLength(1);
    return textOf(found[0]!);
  };

  it('is well-formed, with Windows line ends', () => {
    expect(service.name).toBe('service');
    expect(xml.split('\r\n').length).toBeGreaterThan(20);
    expect(xml.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('runs node.exe with one <argument> per word, state in VIGIL_AGENT_STATE under %ProgramData%', () => {
    expect(one('id')).toBe('vigil-agent');
    expect(one('executable')).toBe('C:\\Program Files\\nodejs\\node.exe');
    expect(childElements(service, 'argument').map(textOf)).toEqual(['--flag-a', 'C:\\Program Files\\Vigil\\agent\\bin\\vigil-agent.js', 'run', '--interval', '1m']);
    expect(childElements(service, 'env').map((e) => e.attributes)).toEqual([{ name: 'VIGIL_AGENT_STATE', value: '%ProgramData%\\Vigil' }]);
    expect(one('workingdirectory')).toBe('%BASE%');
  });

  it('runs as LocalSystem, starts automatically, restarts on failure and rolls its logs by size', () => {
    expect(childElements(childElements(service, 'serviceaccount')[0]!, 'user').map(textOf)).toEqual(['LocalSystem']);
    expect(one('startmode')).toBe('Automatic');
    expect(childElements(service, 'onfailure').map((e) => e.attributes)).toEqual([
      { action: 'restart', delay: '10 sec' },
      { action: 'restart', delay: '30 sec' },
      { action: 'restart', delay: '60 sec' },
    ]);
    expect(one('resetfailure')).toBe('1 hour');
    expect(one('stoptimeout')).toBe('20 sec');
    expect(one('stopparentprocessfirst')).toBe('true');
    expect(one('logpath')).toBe('%ProgramData%\\Vigil\\logs');
    const log = childElements(service, 'log')[0]!;
    expect(log.attributes).toEqual({ mode: 'roll-by-size' });
    expect(childElements(log).map((e) => [e.name, textOf(e)])).toEqual([['sizeThreshold', '10240'], ['keepFiles', '8']]);
  });

  it('escapes awkward paths so they parse back exactly', () => {
    const awkward = buildServiceSpec({ os: 'windows', nodePath: 'C:\\Tools & <More>\\node.exe', agentBin: AWKWARD, stateDir: 'D:\\Vigil "state" & co', nodeFlags: [] });
    const parsed = parseXml(renderWinswXml(awkward));
    expect(textOf(childElements(parsed, 'executable')[0]!)).toBe('C:\\Tools & <More>\\node.exe');
    expect(childElements(parsed, 'argument').map(textOf)).toEqual([AWKWARD, 'run']);
    expect(childElements(parsed, 'env')[0]!.attributes.value).toBe('D:\\Vigil "state" & co');
  });
});

describe('launchd plist', () => {
  const spec = buildServiceSpec({ os: 'darwin', nodePath: '/usr/local/bin/node', agentBin: '/usr/local/lib/vigil/agent/bin/vigil-agent.js', nodeFlags: ['--flag-a'] });
  const plist = renderLaunchdPlist(spec, DARWIN_LAYOUT);

  it('is a well-formed plist with the Apple DOCTYPE', () => {
    expect(plist.split('\n').slice(0, 2)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    ]);
    expect(parseXml(plist).attributes).toEqual({ version: '1.0' });
  });

  it('is a daemon kept alive from boot, state under /Library/Application Support, logs under /Library/Logs/Vigil', () => {
    expect(plistValue(parseXml(plist))).toEqual({
      Label: 'io.vigil.agent',
      ProgramArguments: ['/usr/local/bin/node', '--flag-a', '/usr/local/lib/vigil/agent/bin/vigil-agent.js', 'run', '--state', '/Library/Application Support/Vigil'],
      EnvironmentVariables: { PATH: expect.stringContaining('/opt/homebrew/bin') },
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 10,
      ExitTimeOut: 20,
      StandardOutPath: '/Library/Logs/Vigil/vigil-agent.out.log',
      StandardErrorPath: '/Library/Logs/Vigil/vigil-agent.log',
    });
    expect(launchdLogFiles(DARWIN_LAYOUT).stderr.startsWith('/Library/Logs/Vigil/')).toBe(true);
  });

  it('escapes awkward paths so they parse back exactly', () => {
    const awkward = buildServiceSpec({ os: 'darwin', nodePath: '/opt/n&de <1>/node', agentBin: AWKWARD, stateDir: "/Users/Shared/Vigil 'x' & \"y\"", nodeFlags: [] });
    const value = plistValue(parseXml(renderLaunchdPlist(awkward, { plistPath: '/x.plist', logDir: '/tmp/Logs & <more>' }))) as Record<string, unknown>;
    expect(value.ProgramArguments).toEqual(['/opt/n&de <1>/node', AWKWARD, 'run', '--state', "/Users/Shared/Vigil 'x' & \"y\""]);
    expect(value.StandardErrorPath).toBe('/tmp/Logs & <more>/vigil-agent.log');
  });
});

describe('XML escaping', () => {
  it('escapes the five special characters and refuses what XML 1.0 cannot hold', () => {
    expect(escapeXml(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f');
    expect(() => escapeXml('bell\u0007')).toThrow(/control character/);
  });

  it('the test reader rejects XML that is not well-formed', () => {
    for (const bad of ['<a><b></a></b>', '<a x=1/>', '<a>&nbsp;</a>', '<a>1 < 2</a>', '<a x="1" x="2"/>', '<a/><b/>', '<a>R&D</a>']) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});
