import { describe, expect, it } from 'vitest';
import { parseProcStatTicks, parseProcStatus, readProcess } from './proc-stats.js';

// Recorded from an idle `node` 20 process on Linux 6.x (/proc/<pid>/status, the lines around the ones read).
const STATUS = `Name:\tnode
Umask:\t0022
State:\tS (sleeping)
Pid:\t26960
VmPeak:\t  728452 kB
VmSize:\t  728236 kB
VmHWM:\t   40380 kB
VmRSS:\t   40380 kB
RssAnon:\t    6328 kB
RssFile:\t   34052 kB
RssShmem:\t       0 kB
Threads:\t7
`;

// /proc/<pid>/stat of the same process, whole; the command name is the second field.
const STAT =
  '26960 (node) S 26958 26958 4248 0 -1 4194304 2223 0 0 0 7 0 0 0 20 0 7 0 503437 745713664 10065 18446744073709551615 11988992 39846385 ' +
  '140736399634688 0 0 0 0 16781312 17922 0 0 0 17 1 0 0 0 0 0 90418888 90555584 1137631232 140736399641300 140736399641332 140736399641332 140736399642602 0';

describe('/proc parsers', () => {
  it('reads RSS, its anonymous and file parts and the high-water mark in KiB', () => {
    expect(parseProcStatus(STATUS)).toEqual({ rssKb: 40380, rssAnonKb: 6328, rssFileKb: 34052, hwmKb: 40380 });
  });

  it('tolerates kernels without the RssAnon/RssFile split, and refuses a status without VmRSS', () => {
    expect(parseProcStatus('VmRSS:\t  1000 kB\n')).toEqual({ rssKb: 1000, rssAnonKb: null, rssFileKb: null, hwmKb: null });
    expect(() => parseProcStatus('Name:\tkthreadd\n')).toThrow(/VmRSS/);
  });

  it('adds utime and stime (fields 14 and 15), counting from the end of the command name', () => {
    expect(parseProcStatTicks(STAT.replace(' 7 0 0 0 20 ', ' 212 61 0 0 20 '))).toBe(212 + 61);
    expect(parseProcStatTicks(STAT)).toBe(7);
    // A command name may hold spaces and parentheses.
    expect(parseProcStatTicks(STAT.replace('(node)', '(my (odd) name)'))).toBe(7);
    expect(() => parseProcStatTicks('garbage')).toThrow(/malformed/);
  });

  it.runIf(process.platform === 'linux')('reads this very process', () => {
    const reading = readProcess(process.pid);
    expect(reading.rssKb).toBeGreaterThan(0);
    expect(reading.cpuTicks).toBeGreaterThanOrEqual(0);
  });
});
