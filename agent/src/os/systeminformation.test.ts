import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { si } from './systeminformation.js';

const require = createRequire(import.meta.url);
const loaded = (file: string): boolean => Object.keys(require.cache).some((path) => path.replace(/\\/g, '/').endsWith(`/systeminformation/lib/${file}.js`));

describe('systeminformation, loaded module by module', () => {
  it('answers from the module a function lives in, without loading the package index', async () => {
    const memory = await si.mem();
    expect(memory.total).toBeGreaterThan(0);
    expect(loaded('memory')).toBe(true);
    // The index would pull in docker, wifi, bluetooth, printers ... none of which the agent uses.
    expect(loaded('index')).toBe(false);
    expect(loaded('docker')).toBe(false);
  });

  it('exposes each function the agent calls', () => {
    expect(Object.keys(si).sort()).toEqual(['blockDevices', 'cpu', 'currentLoad', 'diskLayout', 'fsSize', 'fsStats', 'mem', 'networkStats', 'osInfo', 'system']);
  });
});
