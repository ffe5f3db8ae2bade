/**
 * Parsers for CLI option values. Each throws an Error naming the flag, the value and the fix;
 * commander reports it as `memspike: …` with exit code 1.
 */
import { parseQuantity, type Dimension } from '../core/units.js';

/** A decimal number as people write it: 12, -0.5, .5, 1e-3 (not 0x10, 0b1, 0o7 or Infinity, which Number() also reads). */
export const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A whole number ≥ min, in any decimal form that is one (1000, 1e3, 1.5e3; not 0x10 or 1.5). */
export function intOption(flag: string, min = 1, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!DECIMAL.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new Error(`${flag} ${value}: expected a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}.`);
    }
    return n;
  };
}

/** The value of `flag` as typed on the command line (`--n 3e9` or `--n=3e9`), for messages; undefined if not given. */
export function rawOption(flag: string, argv: readonly string[] = process.argv): string | undefined {
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag && i + 1 < argv.length) raw = argv[i + 1];
    else if (argv[i].startsWith(`${flag}=`)) raw = argv[i].slice(flag.length + 1);
  }
  return raw;
}

export function numberOption(flag: string, min = -Infinity): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!DECIMAL.test(value.trim()) || !Number.isFinite(n) || n < min) throw new Error(`${flag} ${value}: expected a decimal number ≥ ${min}.`);
    return n;
  };
}

/** A physical quantity: a bare number in the internal unit or a string with a unit ('1 s', '1 day', '1d', '1y'). */
export function quantityOption(flag: string, dim: Dimension): (value: string) => number {
  return (value: string) => parseQuantity(value, dim, flag);
}

/** Port of `memspike view`. */
export const VIEW_DEFAULT_PORT = 8765;
/** Port of `memspike train --live` given without a value. */
export const LIVE_DEFAULT_PORT = 8766;

/** A TCP port on 127.0.0.1: a whole number in [0, 65535], 0 meaning any free port. */
export function portOption(flag: string, example: number): (value: string) => number {
  return (value: string) => {
    const t = value.trim();
    const n = Number(t);
    if (!/^\d+$/.test(t) || n > 65535) throw new Error(`${flag} ${value}: expected a port, a whole number in [0, 65535] (0: any free port); e.g. ${flag} ${example}.`);
    return n;
  };
}

/** A listen error in the CLI's words: the flag, the port and what to do instead. */
export function listenError(e: unknown, flag: string, port: number, what: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const other = port === 65535 ? port - 1 : port + 1;
  if (code === 'EADDRINUSE') return new Error(`${flag} ${port}: port ${port} on 127.0.0.1 is in use (another ${what}?); give another port (${flag} ${other}) or ${flag} 0 for any free port.`);
  if (code === 'EACCES') return new Error(`${flag} ${port}: not allowed to listen on port ${port} (ports below 1024 need privileges); give a port ≥ 1024 or ${flag} 0 for any free port.`);
  return new Error(`${flag} ${port}: cannot listen on 127.0.0.1:${port} (${(e as Error).message}); give another port or ${flag} 0 for any free port.`);
}
