import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { labelsKey, type Sample } from '@vigil/shared';
import { parseTextfile } from './textfile-parser.js';
import type { CollectorOutput, MetricCollector } from './types.js';

/**
 * Custom metrics from `*.prom` files, as node_exporter's textfile collector: administrators' own
 * checks (a cron job, a backup script) write a file, and its samples ride on every frame as
 * `custom.<name>`. Rules alert on them like any metric, and a runbook's script can fix what they
 * measure. Bounded so a runaway writer cannot bloat frames: 64 files, 64 KiB each, 1,000 samples.
 */

export const TEXTFILE_LIMITS = { files: 64, bytesPerFile: 64 * 1024, samples: 1_000 } as const;
/** How many problems the source status names before it only counts the rest. */
const PROBLEMS_NAMED = 5;

type FileRead = { text: string } | { problem: string };

/** Reads at most `limit` bytes, so an oversized file costs a stat, not its whole content. */
async function readCapped(file: string, limit: number): Promise<FileRead> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    return { problem: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { problem: 'not a regular file' };
    if (stat.size > limit) return { problem: `larger than ${limit / 1024} KiB (${stat.size} bytes); skipped` };
    const buffer = Buffer.alloc(limit + 1);
    const { bytesRead } = await handle.read(buffer, 0, limit + 1, 0);
    // It grew between the stat and the read: still too big.
    if (bytesRead > limit) return { problem: `larger than ${limit / 1024} KiB; skipped` };
    return { text: buffer.subarray(0, bytesRead).toString('utf8') };
  } catch (error) {
    return { problem: `cannot read: ${(error as Error).message}` };
  } finally {
    await handle.close();
  }
}

export class TextfileCollector implements MetricCollector {
  readonly name = 'textfile';
  readonly timeoutMs = 5_000;

  /** `dir` null: no directory configured (one-off collection), so nothing to read. */
  constructor(private readonly dir: string | null) {}

  async collect(): Promise<CollectorOutput> {
    if (this.dir === null) return { samples: [] };
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.prom') && !n.startsWith('.')).sort();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No directory is no custom metrics, not a fault: most endpoints have none.
      if (code === 'ENOENT') return { samples: [] };
      return { samples: [], status: 'unknown', reason: `cannot list ${this.dir}: ${code ?? (error as Error).message}` };
    }
    const problems: string[] = [];
    if (names.length > TEXTFILE_LIMITS.files) {
      problems.push(`${names.length} .prom files, only the first ${TEXTFILE_LIMITS.files} (by name) are read`);
      names = names.slice(0, TEXTFILE_LIMITS.files);
    }
    const samples: Sample[] = [];
    const seen = new Set<string>();
    let dropped = 0;
    for (const name of names) {
      const read = await readCapped(join(this.dir, name), TEXTFILE_LIMITS.bytesPerFile);
      if ('problem' in read) {
        problems.push(`${name}: ${read.problem}`);
        continue;
      }
      const parsed = parseTextfile(read.text);
      problems.push(...parsed.problems.map((p) => `${name} ${p}`));
      for (const sample of parsed.samples) {
        const series = `${sample.metric}{${labelsKey(sample.labels)}}`;
        if (seen.has(series)) {
          problems.push(`${name}: ${series} was already given; the first value is kept`);
          continue;
        }
        if (samples.length >= TEXTFILE_LIMITS.samples) {
          dropped++;
          continue;
        }
        seen.add(series);
        samples.push(sample);
      }
    }
    if (dropped) problems.push(`${dropped} sample(s) beyond the first ${TEXTFILE_LIMITS.samples} dropped`);
    if (problems.length === 0) return { samples };
    const more = problems.length - PROBLEMS_NAMED;
    const reason = `skipped: ${problems.slice(0, PROBLEMS_NAMED).join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
    // Samples that were read are reported; with nothing readable the source says it could not answer.
    return { samples, status: samples.length ? 'ok' : 'unknown', reason };
  }
}
