/**
 * Parsers for CLI option values. Each throws an Error naming the flag, the value and the fix;
 * commander reports it as `memspike: …` with exit code 1.
 */
import { parseQuantity, type Dimension } from '../core/units.js';

export function intOption(flag: string, min = 1): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^[-+]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new Error(`${flag} ${value}: expected a whole number ≥ ${min}.`);
    }
    return n;
  };
}

export function numberOption(flag: string, min = -Infinity): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new Error(`${flag} ${value}: expected a number ≥ ${min}.`);
    return n;
  };
}

/** A physical quantity: a bare number in the internal unit or a string with a unit ('1 s', '1 day', '1d', '1y'). */
export function quantityOption(flag: string, dim: Dimension): (value: string) => number {
  return (value: string) => parseQuantity(value, dim, flag);
}
