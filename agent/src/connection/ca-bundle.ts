import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A CA file that cannot serve as the trust anchor for the collector's certificate. */
export class CaBundleError extends Error {}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The PEM certificates in `file`, each checked to parse; other content (comments, keys) is
 * dropped. A file with no certificate is an error, never an empty bundle: TLS given no CA falls
 * back to the system's trusted CAs, which would trust far more than the operator chose.
 * `label` names the file in error messages (`--ca ca.pem`, or where agent.json points).
 */
export function readCaBundle(file: string, label: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CaBundleError(`cannot read ${label}: ${(error as Error).message}`);
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) throw new CaBundleError(`${label} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  for (const pem of certificates) {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw new CaBundleError(`${label} holds a certificate that cannot be parsed: ${(error as Error).message}`);
    }
  }
  return `${certificates.join('\n')}\n`;
}
