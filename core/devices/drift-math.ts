/**
 * ln and exp for the drift law g(t) = g0·((t − t_prog)/t0)^(−ν) = g0·exp(−ν·ln((t − t_prog)/t0)),
 * the same bits in every JavaScript engine and in the WebAssembly device kernel
 * (scripts/device-kernels.wat, which runs these very operations inline).
 *
 * Why not Math.log / Math.exp: ECMAScript leaves their rounding to the engine (V8 has used fdlibm
 * and now LLVM's libc; SpiderMonkey and JavaScriptCore use their own), so a drifted array would not
 * be bit-identical between Node and a browser, nor between the JavaScript and WebAssembly kernels
 * once V8 changes its library; and the WebAssembly kernel would have to call out to the host for
 * them at every folded pulse, where these run inline. These use only IEEE-754 double +, −, ×
 * (each correctly rounded everywhere), bit moves and tables computed here in exact BigInt arithmetic.
 *
 * Method (the table-driven reductions of Tang, ACM TOMS 15 (1989) 144 and 16 (1990) 378):
 *   ln x:  x = 2^e·m with m ∈ [0.75, 1.5); j = the top 7 bits of x's mantissa; c_j the centre of
 *          m's 1/128-wide interval; ln x = (e·ln 2 + ln c_j) + log1p(r), r = (m − c_j)·(1/c_j),
 *          |r| ≤ 2⁻⁸ (m = x·2^−e and m − c_j are exact); log1p by its Taylor series to r⁶
 *          (truncation < r⁷/7 < 2·10⁻¹⁸).
 *   exp y: k = nearest(y·128/ln 2); r = (y − k·HI) − k·LO with HI + LO = ln2/128 (Cody–Waite),
 *          |r| ≤ ln2/256; e^y = (2^((k mod 128)/128)·e^r)·2^⌊k/128⌋, e^r by Taylor to r⁵
 *          (truncation < r⁶/720 < 6·10⁻¹⁹).
 * Accuracy (test/core/devices/drift-math.test.ts, against Math on 10⁶ inputs each): exp within
 * 2 ulp on [−708, 708]; ln within 3 ulp where |ln x| ≥ 2⁻⁸ and within 4·10⁻¹⁸ absolute elsewhere
 * (ln near 1 loses relative but not absolute accuracy — the drift factor needs absolute accuracy
 * of ν·ln, since e^(−ν·ln) is then accurate to ν times that). Domain: ln takes positive normal
 * doubles (the fold's dt/t0 > 1, pcm's g/gMax ≥ 10⁻¹²); exp clamps y to [−708, 708] (results below
 * e^(−708) would underflow a Float32 conductance anyway). Not correctly rounded, and not meant to be.
 *
 * The tables are core/math.ts's (exp, log, pow… for everything else, to within 0.52 ulp); these two
 * stay as they are because the WebAssembly kernel runs exactly these operations.
 */

import { EXP2_J, HI_WORD, INV_LN2_N, LN2, LN2_N_HI, LN2_N_LO, LN_C, LN_CJ, LN_INV_C, POW2, SHIFT } from '../math.js';

/** The tables of core/math.ts the WebAssembly kernel copies into its header (f64[128] each). */
export { EXP2_J, LN_C, LN_CJ, LN_INV_C };

/** The constants the WebAssembly kernel needs (written into its header by device-wasm.ts). */
export const DRIFT_MATH_CONSTANTS = { LN2, LN2_N_HI, LN2_N_LO, INV_LN2_N, SHIFT } as const;

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);

/**
 * ln x for a positive normal double x (see the header for method and accuracy). In the order of
 * the WebAssembly kernel's operations: (e·ln2 + ln c) + log1p(r).
 */
export function driftLog(x: number): number {
  BITS[0] = x;
  const hi = WORDS[HI_WORD];
  const j = (hi >>> 13) & 127;
  const e = (hi >>> 20) - 1023 + (j >>> 6);
  const r = (x * POW2[1022 - e] - LN_CJ[j]) * LN_INV_C[j];
  const p = r - r * r * (0.5 - r * (1 / 3 - r * (0.25 - r * (0.2 - r * (1 / 6)))));
  return (e * LN2 + LN_C[j]) + p;
}

/** e^y (see the header for method and accuracy; y is clamped to [−708, 708], NaN stays NaN). */
export function driftExp(y: number): number {
  if (y < -708) y = -708;
  if (y > 708) y = 708;
  const kf = y * INV_LN2_N + SHIFT - SHIFT;
  const k = kf | 0;
  const r = y - kf * LN2_N_HI - kf * LN2_N_LO;
  const p = 1 + (r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return EXP2_J[k & 127] * p * POW2[(k >> 7) + 1022];
}
