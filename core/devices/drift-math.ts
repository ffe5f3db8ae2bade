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
 */

/** Table index bits of both reductions. */
const N = 128;

/**
 * c_j = 1 + (j + ½)/128 for j < 64, half that for j ≥ 64 (mantissas m ≥ 1.5 are taken as m/2 with
 * the exponent one up, so that x near 1 meets c near 1 from both sides: no cancellation of e·ln 2
 * against ln c).
 */
export const LN_CJ = new Float64Array(N);
/** 1/c_j (IEEE division: correctly rounded in every engine). */
export const LN_INV_C = new Float64Array(N);
/** ln c_j, the double nearest the exact value. */
export const LN_C = new Float64Array(N);
/** 2^(j/128), the double nearest the exact value. */
export const EXP2_J = new Float64Array(N);

/** 1.5·2⁵²: y + SHIFT − SHIFT rounds y to the nearest integer, ties to even, for |y| < 2⁵¹. */
const SHIFT = 6755399441055744;

/** 2^m for m ∈ [−1022, 1023] at index m + 1022 (exact powers of two). */
const POW2 = new Float64Array(2046);

// ——— tables in exact arithmetic: fixed point with FRAC fraction bits ———
const FRAC = 120n;
const ONE = 1n << FRAC;

/** atanh(u/ONE)·ONE for |u| < ONE/2, by its series u + u³/3 + u⁵/5 + … */
function atanhFixed(u: bigint): bigint {
  const u2 = (u * u) >> FRAC;
  let term = u;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * u2) >> FRAC;
  }
  return sum;
}

/** ln(p/q)·ONE for p, q > 0 with p/q ∈ [1, 2]: 2·atanh((p − q)/(p + q)). */
function lnRatioFixed(p: bigint, q: bigint): bigint {
  return 2n * atanhFixed(((p - q) << FRAC) / (p + q));
}

/** e^(v/ONE)·ONE for 0 ≤ v < ONE, by its Taylor series. */
function expFixed(v: bigint): bigint {
  let term = ONE;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k++) {
    sum += term;
    term = (term * v) / (k << FRAC);
  }
  return sum;
}

/** 2^−120, exactly (`**` is only approximated by the standard; repeated halving is exact). */
const INV_ONE = ((): number => {
  let x = 1;
  for (let k = 0n; k < FRAC; k++) x /= 2;
  return x;
})();

/** The double nearest v/ONE (Number(bigint) rounds to nearest; scaling by 2^−120 is exact). */
function toDouble(v: bigint): number {
  return Number(v) * INV_ONE;
}

const LN2_FIXED = lnRatioFixed(2n, 1n);
/** ln 2, the nearest double. */
const LN2 = toDouble(LN2_FIXED);
/** ln2/128 to 2⁻⁴⁰ (≈ 33 significant bits: k·LN2_N_HI is exact for |k| < 2¹⁹) and the rest. */
const LN2_N_HI = toDouble(((LN2_FIXED / 128n) >> (FRAC - 40n)) << (FRAC - 40n));
const LN2_N_LO = toDouble(LN2_FIXED / 128n - (((LN2_FIXED / 128n) >> (FRAC - 40n)) << (FRAC - 40n)));
/** 128/ln 2 (any double near it would do: it only picks k; r absorbs the rest). */
const INV_LN2_N = 128 / LN2;

{
  const ln2 = LN2_FIXED;
  for (let j = 0; j < N; j++) {
    // c_j = (256 + 2j + 1)/256
    const num = BigInt(256 + 2 * j + 1);
    const c = (1 + (2 * j + 1) * 0.00390625) * (j < 64 ? 1 : 0.5);
    LN_CJ[j] = c;
    LN_INV_C[j] = 1 / c;
    LN_C[j] = j < 64 ? toDouble(lnRatioFixed(num, 256n)) : -toDouble(lnRatioFixed(512n, num));
    EXP2_J[j] = toDouble(expFixed((ln2 * BigInt(j)) / 128n));
  }
  let p = 1;
  for (let m = 0; m <= 1023; m++, p *= 2) POW2[m + 1022] = p;
  p = 1;
  for (let m = 0; m >= -1022; m--, p /= 2) POW2[m + 1022] = p;
}

/** The constants the WebAssembly kernel needs (written into its header by device-wasm.ts). */
export const DRIFT_MATH_CONSTANTS = { LN2, LN2_N_HI, LN2_N_LO, INV_LN2_N, SHIFT } as const;

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
/** Index of the high (sign/exponent) word of a double in WORDS: 1 on little-endian hosts. */
const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

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
