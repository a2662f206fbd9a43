import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readIdentity, writeIdentity } from './enrollment-store.js';
import { defaultStateDir, resolveStateDir } from './paths.js';
import { FileSeqStore } from './seq-store.js';
import { StatusFile, readStatusFile } from './status-file.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-state-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('FileSeqStore', () => {
  it('continues the series across restarts and only moves forward', () => {
    const dir = tempDir();
    const first = new FileSeqStore(dir);
    expect([first.next(), first.next()]).toEqual([1, 2]);
    const second = new FileSeqStore(dir);
    expect(second.last).toBe(2);
    second.advanceTo(1);
    expect(second.next()).toBe(3);
    second.advanceTo(10);
    expect(new FileSeqStore(dir).next()).toBe(11);
  });

  it('starts over from 0 on a corrupt counter (the welcome lastSeq repairs it)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'seq'), 'garbage');
    expect(new FileSeqStore(dir).last).toBe(0);
  });
});

describe('StatusFile', () => {
  it('writes changes after the debounce and reads back through the shared schema', async () => {
    const dir = tempDir();
    const status = new StatusFile(dir, { agentId: 'agt_1', server: 'http://x', lastSeq: 4 }, 20);
    status.flush();
    status.update({ state: 'connecting' });
    status.update({ state: 'connected', lastAckedSeq: 4, unacked: 0 });
    expect(readStatusFile(dir)?.state).toBe('disconnected');
    for (let i = 0; i < 500 && readStatusFile(dir)?.state !== 'connected'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(readStatusFile(dir)).toMatchObject({ agentId: 'agt_1', state: 'connected', lastAckedSeq: 4, lastSeq: 4, running: true, pid: process.pid });
    expect(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')).server).toBe('http://x');
  });

  it('is null before the agent has ever run', () => {
    expect(readStatusFile(tempDir())).toBeNull();
  });
});

describe('state directory', () => {
  it('prefers --state, then VIGIL_AGENT_STATE, then the OS convention', () => {
    expect(resolveStateDir('/a', { VIGIL_AGENT_STATE: '/b' })).toBe('/a');
    expect(resolveStateDir(undefined, { VIGIL_AGENT_STATE: '/b' })).toBe('/b');
    expect(defaultStateDir('linux', {})).toBe('/var/lib/vigil-agent');
    expect(defaultStateDir('darwin', {})).toBe('/Library/Application Support/Vigil');
    expect(defaultStateDir('win32', { ProgramData: 'D:\\PD' })).toMatch(/^D:\\PD.Vigil$/);
  });
});

describe('writeIdentity', () => {
  it('starts a new identity with no seq, no status and an empty spool', () => {
    const dir = tempDir();
    const enrollment = { server: 'https://vigil.example.com', agentId: 'agt_old', tenantId: 't', siteId: 's', tags: [], enrolledAt: new Date(0).toISOString() };
    writeIdentity(dir, { privateKeyPem: 'old key', enrollment });
    new FileSeqStore(dir).next();
    mkdirSync(join(dir, 'spool'));
    writeFileSync(join(dir, 'spool', 'segment'), 'frames of the old identity');
    writeIdentity(dir, { privateKeyPem: 'new key', enrollment: { ...enrollment, agentId: 'agt_new' } });
    expect(existsSync(join(dir, 'spool'))).toBe(false);
    expect(new FileSeqStore(dir).last).toBe(0);
    expect(readIdentity(dir).enrollment.agentId).toBe('agt_new');
  });
});
