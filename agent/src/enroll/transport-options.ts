import type { AgentEnrollmentFile } from '@vigil/shared';
import { CaBundleError, readCaBundle } from '../connection/ca-bundle.js';
import type { ServerTrust } from '../connection/server-trust.js';
import { EnrollError } from './enroll-error.js';
import { canonicalFingerprint256 } from './fingerprint.js';

export interface EnrollTransportOptions {
  /** The collector's base URL, already checked to be http:// or https://. */
  server: string;
  /** --ca: a PEM file with the CA certificate(s) the collector's certificate must chain to. */
  caFile?: string;
  /** --fingerprint: the collector certificate's SHA-256 fingerprint, as typed. */
  fingerprint?: string;
  /** --allow-plaintext */
  allowPlaintext?: boolean;
}

export interface EnrollTransport {
  trust: ServerTrust;
  /** Printed before enrolling: the operator chose something insecure and should see it said. */
  warning?: string;
}

/**
 * Turns enroll's --ca, --fingerprint and --allow-plaintext into the trust every later connection
 * uses. Plain http must be asked for, and trust options that could not apply are refused rather
 * than ignored, so nobody believes a pin protects a plaintext link.
 */
export function resolveEnrollTransport(options: EnrollTransportOptions): EnrollTransport {
  const plain = new URL(options.server).protocol === 'http:';
  if (plain) {
    if (options.caFile !== undefined || options.fingerprint !== undefined) {
      throw new EnrollError(`--ca and --fingerprint verify an https:// collector, but ${options.server} is plain http://`);
    }
    if (!options.allowPlaintext) {
      throw new EnrollError(
        `refusing plain http:// (${options.server}): the enrollment token, telemetry and scripts would travel unencrypted. ` +
          'Use the collector\'s https:// URL (`vigil-collector serve --tls-cert FILE --tls-key FILE`), or add --allow-plaintext for a loopback demo or test',
      );
    }
    return {
      trust: { allowPlaintext: true },
      warning: `warning: enrolling with plain http:// (--allow-plaintext): the enrollment token, telemetry and scripts travel unencrypted to ${options.server}; use this only on loopback or a network you trust`,
    };
  }
  if (options.allowPlaintext) throw new EnrollError(`--allow-plaintext is only for an http:// collector; ${options.server} is https://`);

  const trust: ServerTrust = {};
  if (options.fingerprint !== undefined) {
    const canonical = canonicalFingerprint256(options.fingerprint);
    if (!canonical) {
      throw new EnrollError(`--fingerprint must be a SHA-256 certificate fingerprint (64 hex digits, colons optional, as \`vigil-collector serve\` prints it), got "${options.fingerprint}"`);
    }
    trust.fingerprint256 = canonical;
  }
  if (options.caFile !== undefined) trust.caPem = readCaFile(options.caFile);
  return { trust };
}

/** --ca through the same check every later connection applies to the stored copy. */
function readCaFile(file: string): string {
  try {
    return readCaBundle(file, `--ca ${file}`);
  } catch (error) {
    if (error instanceof CaBundleError) throw new EnrollError(error.message);
    throw error;
  }
}

/** How agent.json records the trust (loadServerTrust reads it back); the CA itself lives in `caFileName`. */
export function enrollmentTrustFields(trust: ServerTrust, caFileName: string): Pick<AgentEnrollmentFile, 'tls' | 'allowPlaintext'> {
  const tls = {
    ...(trust.caPem !== undefined ? { caFile: caFileName } : {}),
    ...(trust.fingerprint256 !== undefined ? { fingerprint256: trust.fingerprint256 } : {}),
  };
  return { ...(Object.keys(tls).length > 0 ? { tls } : {}), ...(trust.allowPlaintext ? { allowPlaintext: true } : {}) };
}
