/**
 * Parsers for CLI option values. Each throws an Error naming the flag, the value and the fix;
 * commander reports it as `memspike: …` with exit code 1.
 */
import { toInternal, type Dimension } from '../core/units.js';

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

/** Short time units people type on a command line that mathjs does not know. */
const TIME_ALIASES: Record<string, string> = { d: 'day', y: 'year', yr: 'year', w: 'week', wk: 'week' };

/** A physical quantity: a bare number in the internal unit or a string with a unit ('1 s', '1 day', '1d', '1y'). */
export function quantityOption(flag: string, dim: Dimension): (value: string) => number {
  return (value: string) => {
    const v = value.trim();
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) return toInternal(Number(v), dim, flag);
    const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.+)$/.exec(v);
    if (!m) return toInternal(v, dim, flag);
    const u = dim === 'time' && TIME_ALIASES[m[2]] ? TIME_ALIASES[m[2]] : m[2];
    return toInternal(`${m[1]} ${u}`, dim, flag);
  };
}
