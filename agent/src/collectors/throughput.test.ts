import { describe, expect, it } from 'vitest';
import { ThroughputRates } from './throughput.js';

describe('ThroughputRates', () => {
  const rates = () => new ThroughputRates({ first: 'net.rx_bps', second: 'net.tx_bps', label: 'iface' });

  it('says unknown on the first reading, then reports both directions per device', () => {
    const r = rates();
    expect(r.output(0, [{ label: 'eth0', first: 1000, second: 500 }])).toEqual({
      samples: [], status: 'unknown', reason: 'first reading: throughput needs a previous reading',
    });
    expect(r.output(2000, [{ label: 'eth0', first: 5000, second: 700 }, { label: 'eth1', first: 1, second: 1 }]).samples).toEqual([
      { metric: 'net.rx_bps', value: 2000, labels: { iface: 'eth0' } },
      { metric: 'net.tx_bps', value: 100, labels: { iface: 'eth0' } },
    ]);
  });

  it('reports nothing, with the reason, when every counter went backwards', () => {
    const r = rates();
    r.output(0, [{ label: 'eth0', first: 5000, second: 5000 }]);
    expect(r.output(1000, [{ label: 'eth0', first: 10, second: 10 }])).toEqual({
      samples: [], status: 'unknown', reason: 'counters reset since the previous reading',
    });
  });
});
