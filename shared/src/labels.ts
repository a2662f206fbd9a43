import { z } from 'zod';

/** Label sets narrow a metric (mount, device, iface, log, service). Small and string-valued by design. */
export const LabelsSchema = z
  .record(z.string().min(1).max(64).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'label names are letters, digits, _ . -'), z.string().max(256))
  .refine((labels) => Object.keys(labels).length <= 16, 'at most 16 labels');
export type Labels = z.infer<typeof LabelsSchema>;

/** One canonical string per label set, so {a,b} and {b,a} identify the same series and alert. */
export function labelsKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',');
}

/** True when every label the selector names is present with the same value. */
export function labelsMatch(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector) return true;
  // Runs for every (rule, sample) pair a frame meets: no array per call, as Object.entries makes.
  for (const key in selector) {
    if (!Object.hasOwn(selector, key)) continue;
    if (labels?.[key] !== selector[key]) return false;
  }
  return true;
}
