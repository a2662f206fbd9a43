/**
 * A SHA-256 certificate fingerprint typed by a person: `openssl x509 -fingerprint -sha256` output
 * (with or without its `sha256 Fingerprint=` label), bare hex, colons or not, any case. Returns the
 * form Node reports for a peer certificate (uppercase hex pairs joined by colons), or undefined
 * when the input is not 32 bytes of hex.
 */
export function canonicalFingerprint256(input: string): string | undefined {
  const hex = input
    .trim()
    .replace(/^sha-?256(\s+fingerprint)?\s*[=:]?\s*/i, '')
    .replace(/[:\s]/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  return hex.toUpperCase().match(/../g)!.join(':');
}
