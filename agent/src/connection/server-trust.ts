import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { checkServerIdentity, connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { AgentEnrollmentFile } from '@vigil/shared';
import { readCaBundle } from './ca-bundle.js';

/**
 * How the agent decides it is talking to its own collector, as fixed at enrollment: a CA bundle,
 * a pinned certificate fingerprint, or (loopback demos and tests only) explicitly allowed plain
 * http/ws.
 */
export interface ServerTrust {
  /** PEM CA bundle the collector's certificate must chain to (instead of the system CAs). */
  caPem?: string;
  /** SHA-256 fingerprint of the collector's certificate, colon-separated uppercase hex. */
  fingerprint256?: string;
  allowPlaintext?: boolean;
}

/** The collector's certificate failed the trust check; nothing was sent on that connection. */
export class UntrustedCollectorError extends Error {}

/**
 * The trust recorded in agent.json. A CA file it names must still hold at least one parsable
 * certificate: an empty or damaged file would otherwise leave no CA to pass to TLS, and the system
 * CAs would quietly trust more than the enrollment did.
 */
export function loadServerTrust(stateDir: string, enrollment: AgentEnrollmentFile): ServerTrust {
  const trust: ServerTrust = {};
  if (enrollment.tls?.caFile) {
    const file = resolve(stateDir, enrollment.tls.caFile);
    trust.caPem = readCaBundle(file, `the collector's CA certificate ${file} named in agent.json`);
  }
  if (enrollment.tls?.fingerprint256) trust.fingerprint256 = enrollment.tls.fingerprint256;
  if (enrollment.allowPlaintext) trust.allowPlaintext = true;
  return trust;
}

/**
 * Opens a TLS connection and settles `trusted` once the collector's certificate has been judged.
 * Node's own verification is switched off so that every decision (chain, host name, pin) is taken
 * here, in one place, after the handshake and before the caller writes anything: a pinned
 * self-signed certificate fails the chain check, and Node skips checkServerIdentity then, so a pin
 * checked there would never be consulted. Callers must not write until `trusted` resolves. On
 * failure the socket is destroyed with an UntrustedCollectorError; a trust with a blank CA throws
 * one before any connection is opened.
 */
export function connectTrusted(options: ConnectionOptions & { host: string; port: number }, trust: ServerTrust): { socket: TLSSocket; trusted: Promise<void> } {
  // An empty CA option means Node's default store, so a CA that is there but blank must stop the
  // connection rather than widen it to every publicly trusted certificate.
  if (trust.caPem !== undefined && trust.caPem.trim() === '') {
    throw new UntrustedCollectorError('the CA given at enrollment holds no certificate; refusing to fall back to the system CAs');
  }
  let hostProblem: Error | undefined;
  const socket = connect({
    ...options,
    ...(isIP(options.host) ? {} : { servername: options.host }),
    ...(trust.caPem !== undefined ? { ca: trust.caPem } : {}),
    rejectUnauthorized: false,
    checkServerIdentity: (host, cert) => {
      hostProblem = checkServerIdentity(host, cert);
      return hostProblem;
    },
  });
  const trusted = new Promise<void>((resolveTrusted, reject) => {
    const onEarlyError = (error: Error): void => reject(error);
    socket.once('error', onEarlyError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onEarlyError);
      const problem = trustProblem(socket, trust, hostProblem);
      if (!problem) return resolveTrusted();
      const error = new UntrustedCollectorError(problem);
      reject(error);
      socket.destroy(error);
    });
  });
  trusted.catch(() => {}); // the socket's own 'error' reaches its user; this copy may go unobserved
  return { socket, trusted };
}

/** Why the certificate on this freshly secured socket is not the collector's, or undefined. */
function trustProblem(socket: TLSSocket, trust: ServerTrust, hostProblem: Error | undefined): string | undefined {
  const actual = socket.getPeerCertificate().fingerprint256;
  if (!actual) return 'the collector presented no certificate';
  // A pin alone identifies the certificate exactly; a CA (or the system CAs) needs chain and name.
  const pinOnly = trust.fingerprint256 !== undefined && trust.caPem === undefined;
  if (!pinOnly && !socket.authorized) {
    const reason = hostProblem?.message ?? String(socket.authorizationError);
    const against = trust.caPem !== undefined ? 'the CA given at enrollment' : "the system's trusted CAs";
    return `the collector's certificate (SHA-256 ${actual}) is not trusted by ${against}: ${reason}`;
  }
  if (trust.fingerprint256 !== undefined && actual !== trust.fingerprint256) {
    return `the collector's certificate fingerprint is SHA-256 ${actual}, but this agent pinned ${trust.fingerprint256}`;
  }
  return undefined;
}
