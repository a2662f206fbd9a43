import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident memory of a process as the kernel accounts it, in KiB (/proc/<pid>/status). */
export interface MemoryReading {
  rssKb: number;
  /** Heap, stacks and other private memory: what the process itself allocated. */
  rssAnonKb: number | null;
  /** Mapped files (the node binary, shared libraries): partly shared with other processes. */
  rssFileKb: number | null;
  /** The highest RSS the process ever had, startup included. */
  hwmKb: number | null;
}

/** Parses /proc/<pid>/status. Throws when VmRSS is missing (a kernel thread, or not Linux). */
export function parseProcStatus(text: string): MemoryReading {
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };
  const rssKb = field('VmRSS');
  if (rssKb === null) throw new Error('no VmRSS line in /proc/<pid>/status');
  return { rssKb, rssAnonKb: field('RssAnon'), rssFileKb: field('RssFile'), hwmKb: field('VmHWM') };
}

/**
 * CPU time of a whole process (all its threads: JavaScript, GC helpers, the libuv pool) in clock
 * ticks, from /proc/<pid>/stat fields 14 (utime) and 15 (stime). The command name (field 2) may
 * hold spaces and parentheses, so fields are counted from the last ')'.
 */
export function parseProcStatTicks(text: string): number {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error('malformed /proc/<pid>/stat: no command name');
  // After ')' come field 3 (state) onwards; utime is field 14, so index 11 here.
  const rest = text.slice(close + 2).trim().split(/\s+/);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error('malformed /proc/<pid>/stat: no utime/stime');
  return utime + stime;
}

/** Clock ticks per second for /proc times; 100 on every mainstream Linux, asked of getconf to be sure. */
export function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim());
    if (Number.isInteger(value) && value > 0) return value;
  } catch {
    // getconf is part of libc's tools; without it, the kernel's USER_HZ default is the answer.
  }
  return 100;
}

export interface ProcessReading extends MemoryReading {
  cpuTicks: number;
}

/** One reading of a live process; throws if it has gone. */
export function readProcess(pid: number): ProcessReading {
  const memory = parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { ...memory, cpuTicks: parseProcStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) };
}
