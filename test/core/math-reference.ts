/**
 * High-precision references for test/core/math.test.ts: ln, exp, sin and cos in BigInt fixed point
 * with 2⁻²⁰⁰ resolution (the series run until their terms vanish at that resolution), and the error
 * of a double against such a value in units in the last place of the double — computed exactly.
 */

/** Fraction bits of the fixed-point values. */
export const P = 200n;
const ONE = 1n << P;

/** A real number M·2^E (M a BigInt, E an integer). */
export interface Exact {
  readonly m: bigint;
  readonly e: number;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** A finite double exactly as M·2^E. */
export function exact(x: number): Exact {
  f64[0] = x;
  const b = u64[0];
  const neg = b >> 63n === 1n;
  const be = Number((b >> 52n) & 0x7ffn);
  const frac = b & 0xfffffffffffffn;
  const m = be === 0 ? frac : frac | (1n << 52n);
  const e = be === 0 ? -1074 : be - 1075;
  return { m: neg ? -m : m, e };
}

/** M·2^E as a fixed-point value with P fraction bits (exact when E ≥ −P). */
export function toFixed(v: Exact): bigint {
  const s = BigInt(v.e) + P;
  return s >= 0n ? v.m << s : v.m / (1n << -s);
}

function atanhFixed(u: bigint): bigint {
  const u2 = (u * u) >> P;
  let term = u;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * u2) >> P;
  }
  return sum;
}

/** ln 2 and 2π in fixed point. */
export const LN2 = 2n * atanhFixed(ONE / 3n);
const atanInv = (n: bigint): bigint => {
  let term = ONE / n;
  let sum = 0n;
  for (let k = 1n, sign = 1n; term !== 0n; k += 2n, sign = -sign) {
    sum += (sign * term) / k;
    term /= n * n;
  }
  return sum;
};
export const TWO_PI = 2n * (16n * atanInv(5n) - 4n * atanInv(239n));

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/** ln v for a positive fixed-point v, in fixed point (absolute error ≈ 2⁻¹⁹⁸). */
export function lnFixed(v: bigint): bigint {
  // v = m·2^k with m ∈ [1, 2) in fixed point
  const k = bitLength(v) - 1 - Number(P);
  const m = k >= 0 ? v >> BigInt(k) : v << BigInt(-k);
  return BigInt(k) * LN2 + 2n * atanhFixed(((m - ONE) << P) / (m + ONE));
}

/** ln x of a positive double, in fixed point. */
export function lnRef(x: number): bigint {
  const { m, e } = exact(x);
  const k = bitLength(m) - 1;
  // x = (m/2^k)·2^(e+k)
  const mf = k <= Number(P) ? m << (P - BigInt(k)) : m >> (BigInt(k) - P);
  return BigInt(e + k) * LN2 + 2n * atanhFixed(((mf - ONE) << P) / (mf + ONE));
}

/** e^z for a fixed-point z, as an exact value. */
export function expRef(z: bigint): Exact {
  // z = n·ln2 + r, |r| ≤ ln2/2
  let n = z / LN2;
  let r = z - n * LN2;
  if (2n * r > LN2) {
    n += 1n;
    r -= LN2;
  } else if (2n * r < -LN2) {
    n -= 1n;
    r += LN2;
  }
  let term = ONE;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k++) {
    sum += term;
    term = (term * r) / (k << P);
  }
  return { m: sum, e: Number(n) - Number(P) };
}

/** sin(z), cos(z) of a fixed-point z, |z| ≤ 8, in fixed point. */
export function sinCosRef(z: bigint): [bigint, bigint] {
  let s = 0n;
  let c = 0n;
  let term = ONE;
  for (let k = 0n; term !== 0n; k++) {
    const sign = (k / 2n) % 2n === 0n ? 1n : -1n;
    if (k % 2n === 0n) c += sign * term;
    else s += sign * term;
    term = (term * z) / ((k + 1n) << P);
  }
  return [s, c];
}

/** |x − v| in units in the last place of x (x finite; ulp of the subnormal spacing below 2⁻¹⁰²²). */
export function ulpError(x: number, v: Exact): number {
  const ex = exact(x);
  // x = M·2^E with a 53-bit M (normal) or E = −1074 (subnormal): ulp(x) = 2^E either way
  const ulpExp = ex.e;
  const base = Math.min(ex.e, v.e);
  const a = ex.m << BigInt(ex.e - base);
  const b = v.e >= base ? v.m << BigInt(v.e - base) : v.m >> BigInt(base - v.e);
  const d = a - b;
  const shift = ulpExp - base;
  // d / 2^shift as a double, keeping 60 significant bits
  const extra = Math.max(0, bitLength(d < 0n ? -d : d) - 60);
  return Math.abs(Number(d >> BigInt(extra)) * 2 ** (extra - shift));
}

/** A fixed-point value as an Exact. */
export function fixedExact(v: bigint): Exact {
  return { m: v, e: -Number(P) };
}
