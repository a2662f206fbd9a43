import type { AgentEnrollmentFile, AgentRuntimeStatus, AgentTrustFile } from '@vigil/shared';
import { formatByteSize } from '../connection/spool/byte-size.js';
import { pidAlive } from '../os/pid-alive.js';
import { readEnrollment, NotEnrolledError } from '../state/enrollment-store.js';
import { readStatusFile } from '../state/status-file.js';
import { readTrustFile } from '../state/trust-store.js';

export interface StatusReport {
  stateDir: string;
  enrolled: boolean;
  enrollment: AgentEnrollmentFile | null;
  /** Whether the process that wrote status.json is still alive (null without a status file). */
  processAlive: boolean | null;
  status: AgentRuntimeStatus | null;
  /** The pinned script-signing keys (trust.json), null when none are pinned. */
  trust: { version: number; source: AgentTrustFile['source']; pinnedAt: string; keys: Array<{ keyId: string; name: string }> } | null;
  /** Why trust.json could not be read, when it could not. */
  trustProblem?: string;
}

export function gatherStatus(stateDir: string): StatusReport {
  let enrollment: AgentEnrollmentFile | null = null;
  try {
    enrollment = readEnrollment(stateDir);
  } catch (error) {
    if (!(error instanceof NotEnrolledError)) throw error;
  }
  const status = readStatusFile(stateDir);
  const processAlive = status ? status.running && pidAlive(status.pid) : null;
  let trust: StatusReport['trust'] = null;
  let trustProblem: string | undefined;
  try {
    const file = readTrustFile(stateDir);
    if (file) trust = { version: file.document.version, source: file.source, pinnedAt: file.pinnedAt, keys: file.document.keys.map((k) => ({ keyId: k.keyId, name: k.name })) };
  } catch (error) {
    trustProblem = (error as Error).message;
  }
  return { stateDir, enrolled: enrollment !== null, enrollment, processAlive, status, trust, ...(trustProblem ? { trustProblem } : {}) };
}

const PIN_SOURCES: Record<AgentTrustFile['source'], string> = {
  local: 'pinned by hand with --trust-key',
  enrollment: 'pinned at enrollment',
  collector: 'updated by the collector',
};

function describeTrust(report: StatusReport): string {
  if (report.trustProblem) return `unreadable: ${report.trustProblem}`;
  const t = report.trust;
  if (!t) return 'none pinned (signed scripts are refused)';
  const keys = t.keys.map((k) => `${k.keyId} (${k.name})`).join(', ');
  return `${t.version === 0 ? 'local key' : `version ${t.version}`}, ${PIN_SOURCES[t.source]} ${t.pinnedAt}: ${keys}`;
}

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const span = seconds < 120 ? `${seconds}s` : seconds < 7200 ? `${Math.round(seconds / 60)}m` : `${Math.round(seconds / 3600)}h`;
  return `${iso} (${span} ago)`;
}

/** "12 frames, 18 KB of 256 MB"; an in-memory queue has no byte cap. */
function describeSpool(s: AgentRuntimeStatus): string {
  const frames = `${s.unacked} frame${s.unacked === 1 ? '' : 's'} awaiting ack`;
  return s.spoolMaxBytes ? `${frames}, ${formatByteSize(s.spoolBytes)} of ${formatByteSize(s.spoolMaxBytes)}` : frames;
}

export function renderStatus(report: StatusReport, now = Date.now()): string {
  const lines: Array<[string, string]> = [];
  if (!report.enrollment) return `not enrolled (state dir ${report.stateDir})\nrun: vigil-agent enroll --server URL --token TOKEN\n`;
  const e = report.enrollment;
  lines.push(['agent', e.agentId], ['server', e.server], ['tenant', e.tenantId], ['site', e.siteId]);
  lines.push(['tags', e.tags.length ? e.tags.join(', ') : '-'], ['enrolled', e.enrolledAt], ['state dir', report.stateDir]);
  lines.push(['script trust', describeTrust(report)]);

  const s = report.status;
  if (!s) {
    lines.push(['agent process', 'has not run yet (no status.json)']);
  } else {
    const proc = report.processAlive ? `running (pid ${s.pid}, since ${s.startedAt})` : s.running ? `not running (pid ${s.pid} is gone; it did not stop cleanly)` : `stopped (last run pid ${s.pid})`;
    lines.push(['agent process', proc]);
    lines.push(['connection', report.processAlive ? s.state : 'disconnected']);
    lines.push(['last connected', ago(s.lastConnectedAt, now)]);
    lines.push(['last seq', String(s.lastSeq)], ['last acked seq', s.lastAckedSeq === null ? 'none' : String(s.lastAckedSeq)]);
    lines.push(['spool', describeSpool(s)]);
    lines.push(['dropped frames', s.dropped ? `${s.dropped} (spool full, or too big to send)` : '0']);
    lines.push(['pending results', String(s.pendingResults)]);
    lines.push(['last error', s.lastError ?? '-']);
    if (s.lastTrustRefusal) lines.push(['trust refused', `version ${s.lastTrustRefusal.version} at ${s.lastTrustRefusal.at}: ${s.lastTrustRefusal.reason}`]);
    lines.push(['updated', s.updatedAt]);
  }
  const width = Math.max(...lines.map(([k]) => k.length));
  return `${lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
