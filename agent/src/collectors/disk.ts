import { si } from '../os/systeminformation.js';
import type { Sample } from '@vigil/shared';
import { filesystemUsage } from './filesystems.js';
import type { CollectorOutput, MetricCollector } from './types.js';

/** Space per mounted filesystem. `df` can block on a dead network mount, hence the longer timeout. */
export class DiskCollector implements MetricCollector {
  readonly name = 'disk';
  readonly timeoutMs = 15_000;

  async collect(): Promise<CollectorOutput> {
    const usage = filesystemUsage(await si.fsSize());
    if (usage.length === 0) return { samples: [], status: 'unknown', reason: 'no local filesystems found' };
    const samples: Sample[] = [];
    for (const fs of usage) {
      samples.push({ metric: 'disk.used_pct', value: fs.usedPct, labels: { mount: fs.mount } });
      samples.push({ metric: 'disk.free_bytes', value: fs.freeBytes, labels: { mount: fs.mount } });
    }
    return { samples };
  }
}
