import { describe, expect, it } from 'vitest';
import { HandshakeSlots } from './handshake-slots.js';

describe('HandshakeSlots', () => {
  it('bounds handshakes in all and per address, and gives slots back once', () => {
    const slots = new HandshakeSlots({ total: 3, perAddress: 2 });
    const a1 = slots.acquire('192.0.2.1');
    const a2 = slots.acquire('192.0.2.1');
    expect(slots.acquire('192.0.2.1')).toEqual({ ok: false, why: 'address' });
    const b1 = slots.acquire('198.51.100.1');
    expect(slots.acquire('203.0.113.1')).toEqual({ ok: false, why: 'total' });
    expect(slots.size).toBe(3);
    if (!a1.ok || !a2.ok || !b1.ok) throw new Error('expected slots');
    a1.release();
    a1.release();
    expect(slots.size).toBe(2);
    expect(slots.acquire('192.0.2.1').ok).toBe(true);
    expect(slots.acquire('192.0.2.1')).toEqual({ ok: false, why: 'total' });
  });

  it('counts an IPv6 /64 as one address', () => {
    const slots = new HandshakeSlots({ total: 10, perAddress: 1 });
    expect(slots.acquire('2001:db8::1').ok).toBe(true);
    expect(slots.acquire('2001:db8::2')).toEqual({ ok: false, why: 'address' });
    expect(slots.acquire('2001:db8:0:1::2').ok).toBe(true);
  });
});
