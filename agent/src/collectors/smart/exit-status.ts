/**
 * smartctl's exit status is a bit mask (smartctl(8), "RETURN VALUES"), not a success/failure code:
 * a healthy disk with an old entry in its error log exits 64, a dying one 8 or more. Decisions are
 * made on the individual bits together with the JSON, never on "non-zero means broken".
 */
const BITS = [
  'command-line-error', // 0: the command line did not parse, or the device type could not be detected
  'device-open-failed', // 1: open failed, no IDENTIFY answer, or the device is in a low-power mode
  'smart-command-failed', // 2: a SMART or other ATA command failed, or a SMART structure had a bad checksum
  'disk-failing', // 3: the SMART health check said DISK FAILING
  'prefail-attribute-at-threshold', // 4: a pre-failure attribute is at or below its threshold now
  'attribute-past-threshold', // 5: health passed, but an attribute was at or below its threshold in the past
  'error-log-has-errors', // 6: the device error log has entries
  'self-test-log-has-errors', // 7: the self-test log records failures
] as const;

export type SmartctlExitBit = (typeof BITS)[number];

export interface SmartctlExit {
  code: number;
  flags: SmartctlExitBit[];
  has(bit: SmartctlExitBit): boolean;
}

export function decodeSmartctlExit(code: number): SmartctlExit {
  const flags = BITS.filter((_, index) => (code & (1 << index)) !== 0);
  return { code, flags, has: (bit) => flags.includes(bit) };
}

/** An exit status smartctl cannot produce (negative, or above the eight defined bits). */
export function isValidSmartctlExit(code: number): boolean {
  return Number.isInteger(code) && code >= 0 && code <= 0xff;
}
