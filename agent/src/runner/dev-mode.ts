import { isIP } from 'node:net';

/**
 * Development mode (`run --allow-unsigned`) runs scripts nobody signed. It exists for a developer's
 * own machine, so it is allowed only when the collector is on this machine too: an agent talking
 * to a real collector can never be talked into it by configuration alone.
 */

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  // WHATWG URLs write IPv6 addresses in their shortest form, so ::1 has one spelling here.
  return host === '::1';
}

export class DevModeRefusedError extends Error {}

/** Throws unless `server` (the enrolled collector URL) is on a loopback address. */
export function assertDevModeAllowed(server: string): void {
  let hostname: string;
  try {
    hostname = new URL(server).hostname;
  } catch {
    throw new DevModeRefusedError(`--allow-unsigned: the enrolled server ${server} is not a URL`);
  }
  if (!isLoopbackHost(hostname)) {
    throw new DevModeRefusedError(
      `--allow-unsigned runs scripts nobody signed and is only for development with a collector on this machine; the enrolled collector ${server} is not on a loopback address (127.0.0.0/8, ::1, localhost)`,
    );
  }
}

export const DEV_MODE_WARNING =
  'DEVELOPMENT MODE (--allow-unsigned): this agent runs UNSIGNED scripts from its collector; never use this outside a development machine';
