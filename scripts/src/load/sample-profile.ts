import type { CatalogMetric, Labels, Sample } from '@vigil/shared';

/** A series the simulated host reports, with the bounds its values wander between. */
export interface Series {
  metric: CatalogMetric;
  labels?: Labels;
  min: number;
  max: number;
  integer: boolean;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** The breach metric, always the first sample so every frame carries it. */
export const BREACH_METRIC = 'cpu.usage_pct' satisfies CatalogMetric;
/** Normal CPU stays well below the load rule's clear threshold, so only deliberate breaches alert. */
const CPU_NORMAL_MAX = 60;

function series(metric: CatalogMetric, min: number, max: number, labels?: Labels, integer = false): Series {
  return labels ? { metric, labels, min, max, integer } : { metric, min, max, integer };
}

/**
 * The series of one host, in the order a real agent's collectors would list them: host-wide
 * gauges first, then per-mount, per-device, per-interface, per-log and per-service series. When
 * more samples are asked for than a typical host has, extra mounts, disks and interfaces are
 * added, as on a larger server.
 */
function hostSeries(count: number): Series[] {
  const base: Series[] = [
    series(BREACH_METRIC, 1, CPU_NORMAL_MAX),
    series('cpu.load1', 0, 4),
    series('mem.used_pct', 20, 85),
    series('mem.available_bytes', 512 * MiB, 12 * GiB, undefined, true),
    series('swap.used_pct', 0, 30),
    series('patch.pending', 0, 40, undefined, true),
    series('patch.security_pending', 0, 8, undefined, true),
    series('patch.reboot_required', 0, 1, undefined, true),
  ];
  const out = base.slice(0, count);
  for (let n = 0; out.length < count; n++) {
    const mount = n === 0 ? '/' : n === 1 ? '/var' : `/data${n - 1}`;
    const device = `sd${String.fromCharCode(97 + (n % 26))}${n >= 26 ? Math.floor(n / 26) : ''}`;
    const iface = `eth${n}`;
    const log = n === 0 ? 'syslog' : `app${n}`;
    const group: Series[] = [
      series('disk.used_pct', 10, 88, { mount }),
      series('disk.free_bytes', 2 * GiB, 400 * GiB, { mount }, true),
      series('net.rx_bps', 0, 50 * MiB, { iface }, true),
      series('net.tx_bps', 0, 20 * MiB, { iface }, true),
      series('disk.read_bps', 0, 200 * MiB, { device }, true),
      series('disk.write_bps', 0, 100 * MiB, { device }, true),
      series('disk.health_ok', 1, 1, { device }, true),
      series('disk.temperature_c', 28, 45, { device }),
      series('event.errors', 0, 3, { log }, true),
      series('event.warnings', 0, 10, { log }, true),
      series('service.up', 1, 1, { service: n === 0 ? 'sshd' : n === 1 ? 'nginx' : `worker${n}` }, true),
      series('service.up', 1, 1, { service: n === 0 ? 'cron' : n === 1 ? 'postgresql' : `job${n}` }, true),
    ];
    out.push(...group.slice(0, count - out.length));
  }
  return out;
}

/** The series a host with `samplesPerFrame` samples reports, and the bounds its values stay within. */
export function hostSeriesBounds(samplesPerFrame: number): ReadonlyArray<Readonly<Series>> {
  return hostSeries(samplesPerFrame);
}

/** Generates one simulated host's samples, frame after frame, with values that drift plausibly. */
export class SampleProfile {
  private readonly series: Series[];
  private readonly values: Float64Array;

  constructor(samplesPerFrame: number, private readonly random: () => number = Math.random) {
    if (samplesPerFrame < 1) throw new RangeError('a frame needs at least one sample (the breach metric)');
    this.series = hostSeries(samplesPerFrame);
    this.values = Float64Array.from(this.series, (s) => s.min + (s.max - s.min) * this.random());
  }

  /** The next frame's samples; with `breach`, CPU reads 99 % for this one frame. */
  next(breach: boolean): Sample[] {
    const samples: Sample[] = new Array<Sample>(this.series.length);
    for (let i = 0; i < this.series.length; i++) {
      const s = this.series[i]!;
      // A bounded random walk: each step moves at most 5 % of the range.
      const step = (this.random() - 0.5) * 0.1 * (s.max - s.min);
      const value = Math.min(s.max, Math.max(s.min, this.values[i]! + step));
      this.values[i] = value;
      let reported = s.integer ? Math.round(value) : Math.round(value * 10) / 10;
      if (breach && s.metric === BREACH_METRIC) reported = 99;
      samples[i] = s.labels ? { metric: s.metric, value: reported, labels: s.labels } : { metric: s.metric, value: reported };
    }
    return samples;
  }
}
