import type { ComparisonOp } from '@vigil/shared';

/** `value op threshold`, e.g. compare('>', 91, 90) is true. Used both for breach and for hysteresis. */
export function compare(op: ComparisonOp, value: number, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
    default: {
      // Rules are validated against the schema before they get here; fail loudly if a new
      // operator is added to the schema without teaching the engine about it.
      const unknownOp: never = op;
      throw new Error(`unknown comparison operator: ${String(unknownOp)}`);
    }
  }
}
