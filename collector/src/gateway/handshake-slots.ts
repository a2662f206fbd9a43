import { addressKey } from './address-key.js';

export interface HandshakeLimits {
  /** Connections between accept and welcome (or refusal), in all. */
  total: number;
  /** The same, per client address (IPv6 per /64). */
  perAddress: number;
}

export const DEFAULT_HANDSHAKE_LIMITS: HandshakeLimits = { total: 256, perAddress: 64 };

/**
 * Admission for reconnect storms. A slot is held from accept until the agent is welcomed or
 * refused, so the bound is on work in progress, not on connections. The per-address share keeps
 * one host from holding every slot with connections that never speak (the handshake timeout
 * frees them, but meanwhile every real agent would be told to retry); a site behind one NAT
 * address still gets through, only more slowly, since each handshake takes one round trip.
 */
export class HandshakeSlots {
  private inUse = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly limits: HandshakeLimits) {}

  get size(): number {
    return this.inUse;
  }

  /** A release function, or why no slot was given. Releasing twice is harmless. */
  acquire(ip: string): { ok: true; release: () => void } | { ok: false; why: 'total' | 'address' } {
    if (this.inUse >= this.limits.total) return { ok: false, why: 'total' };
    const key = addressKey(ip);
    const held = this.byAddress.get(key) ?? 0;
    if (held >= this.limits.perAddress) return { ok: false, why: 'address' };
    this.inUse++;
    this.byAddress.set(key, held + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inUse--;
        const left = (this.byAddress.get(key) ?? 1) - 1;
        if (left > 0) this.byAddress.set(key, left);
        else this.byAddress.delete(key);
      },
    };
  }
}
