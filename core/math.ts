/**
 * Elementary functions with the same bits in every JavaScript engine: exp, log, expm1, log1p, pow,
 * and sin/cos of 2π·u — for every transcendental value a kernel or a build-time constant needs.
 *
 * Why not Math.*: ECMAScript specifies +, −, ×, / and sqrt as correctly rounded IEEE-754 double
 * operations, but leaves the rounding of Math.exp, log, pow, expm1, log1p, sin, cos… (and of `**`)
 * to each engine ("implementation-approximated"). V8, SpiderMonkey and JavaScriptCore use different
 * libraries (fdlibm ports, LLVM's libc, the platform's libm), so e^(−dt/τ) may differ in its last bit
 * between Node and a browser — and one bit of a decay factor moves a spike by a step sooner or later.
 * These functions use only IEEE +, −, ×, /, bit moves and tables computed here in exact BigInt
 * arithmetic, so they give the same double wherever they run.
 *
 * Method (the table-driven reductions of Tang, ACM TOMS 15 (1989) 144 and 16 (1990) 378):
 *   exp x:   k = nearest(x·128/ln 2), r = (x − k·HI) − k·LO (Cody–Waite, HI + LO = ln2/128, k·HI
 *            exact, the first difference exact by Sterbenz), |r| ≤ ln2/256; e^x = 2^⌊k/128⌋ ·
 *            (T_j + (T'_j + T_j·p)), T_j + T'_j = 2^(j/128) to 2⁻¹⁰⁵, p = e^r − 1 by Taylor to r⁵.
 *   log x:   |x − 1| < 1/16: log1p of f = x − 1 (exact) as below. Else x = 2^e·m, m ∈ [0.75, 1.5),
 *            c_j the centre of m's 1/128-wide cell, r = (m − c_j)·(1/c_j), |r| < 0.0053;
 *            ln x = (e·L2 + L_j) + (r + ((e·L2' + L'_j) + (log1p(r) − r))) with e·L2 + L_j exact
 *            (L2, L_j on a 2⁻⁴² grid) and L2', L'_j the rest of ln 2 and ln c_j; log1p(r) to r⁷.
 *   log1p f: |f| < 1/16: s = f/(2 + f), ln(1+f) = 2·atanh(s) = f − (f²/2 − s·(f²/2 + R)), R =
 *            Σ 2s^(2k)/(2k+1), k = 1…6 (fdlibm's arrangement with the Taylor coefficients). Else
 *            u = 1 + f with its rounding error c (exact), ln u + c/u.
 *   expm1 x: |x| < 1/8: x + x²·(1/2 + x/6 + … + x¹¹/13!) (the sum's leading term exact). Else
 *            e^x = h + l as in exp with h = 2^⌊k/128⌋·T_j exact, then (h − 1) by an exact TwoSum, + l.
 *   pow x^y: e^(y·ln x) with ln x as a double-double (r split into a 44-bit part whose product
 *            with c_j is exact, and the rest; for |x − 1| < 1/32 the series of ln(1+f) with f² exact), y·ln x
 *            by Dekker's exact product, and exp taking the low part into its reduced argument.
 *   sin, cos of 2π·u: u = q/4 + t with q = nearest(4u), t exact, |t| ≤ 1/8 (no rounding in the
 *            reduction at all); θ = 2π·t as a double-double (Dekker's exact product with 2π to
 *            2⁻¹⁰⁶); sin θ = θ + (θ' + θ³·P(θ²)) to θ¹⁷, cos θ in fdlibm's arrangement to θ¹⁸; the
 *            quadrant q mod 4 swaps and negates them.
 *
 * Accuracy (maximum error in units in the last place of the result, measured against BigInt
 * references to 2⁻²⁰⁰ in test/core/math.test.ts, and within 1 ulp of V8's Math on 10⁶ inputs each):
 *   exp     < 0.52 ulp on [−708, 709.78] (results in the subnormal range: < 1 ulp of the subnormal
 *           spacing); exactly 1 at 0; 0 below −745.2, Infinity above 709.79.
 *   log     < 0.55 ulp for all positive doubles (subnormals included); log(1) = 0 exactly.
 *   log1p   < 0.8 ulp on (−1, ∞);        expm1 < 0.65 ulp on the doubles (−1 below −38).
 *   pow     < 0.55 ulp where |y·ln x| ≤ 100 (x > 0), < 1 ulp up to overflow and underflow;
 *           ±|x|^y for x < 0 and integer y; the special cases of ECMAScript's Number::exponentiate.
 *   sinTwoPi, cosTwoPi   < 0.9 ulp where the result is ≥ 2⁻⁵ in magnitude, < 2⁻⁵⁸ absolute
 *           elsewhere, for |u| < 2²⁹ (a uniform draw in [0, 1) is the use).
 * None is correctly rounded in every case (no double function cheap enough is), but each is
 * within one ulp, and — the point — each gives the same double on every engine.
 *
 * Speed against Math.*: `memspike bench math`; figures in docs/design.md ("Determinism").
 *
 * All functions are module-level, allocation-free and validate nothing (hot-loop use).
 */

/** Veltkamp's splitting constant 2²⁷ + 1 (Dekker's exact product). */
const SPLIT = 134217729;

/** Table index bits of the exp and log reductions. */
const N = 128;

// ——— exact arithmetic for the tables: fixed point with FRAC fraction bits ———
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

/** 2^−120 and 2^120, exactly (repeated halving and doubling are exact; `**` is only approximated). */
const INV_ONE = ((): number => {
  let x = 1;
  for (let k = 0n; k < FRAC; k++) x /= 2;
  return x;
})();
const ONE_D = 1 / INV_ONE;

/** The double nearest v/ONE (Number(bigint) rounds to nearest; scaling by 2^−120 is exact). */
function toDouble(v: bigint): number {
  return Number(v) * INV_ONE;
}

/** d·ONE exactly, for a double d whose last bit is ≥ 2^−120. */
function fromDouble(d: number): bigint {
  return BigInt(d * ONE_D);
}

/** The double nearest v/ONE rounded to a multiple of 2^−bits (toward zero), and the double nearest the rest. */
function splitFixed(v: bigint, bits: bigint): [number, number] {
  const sh = FRAC - bits;
  const hi = v < 0n ? -((-v >> sh) << sh) : (v >> sh) << sh;
  return [toDouble(hi), toDouble(v - hi)];
}

const LN2_FIXED = lnRatioFixed(2n, 1n);
/** ln 2, the nearest double. */
export const LN2 = toDouble(LN2_FIXED);

/**
 * c_j = 1 + (j + ½)/128 for j < 64, half that for j ≥ 64 (mantissas m ≥ 1.5 are taken as m/2 with
 * the exponent one up, so that x near 1 meets c near 1 from both sides).
 */
export const LN_CJ = new Float64Array(N);
/** 1/c_j (IEEE division: correctly rounded in every engine). */
export const LN_INV_C = new Float64Array(N);
/** ln c_j, the double nearest the exact value. */
export const LN_C = new Float64Array(N);
/** ln c_j on a 2⁻⁴² grid (so that e·LN2_HI + LN_C_HI is exact) and the double nearest the rest. */
const LN_C_HI = new Float64Array(N);
const LN_C_LO = new Float64Array(N);
/** 2^(j/128), the double nearest the exact value, and the double nearest the rest. */
export const EXP2_J = new Float64Array(N);
export const EXP2_J_LO = new Float64Array(N);

/** 2^m for m ∈ [−1022, 1023] at index m + 1022 (exact powers of two). */
export const POW2 = new Float64Array(2046);

/** 1.5·2⁵²: y + SHIFT − SHIFT rounds y to the nearest integer, ties to even, for |y| < 2⁵¹. */
export const SHIFT = 6755399441055744;

/** ln 2/128 on a 2⁻⁴⁰ grid (≈ 33 significant bits: k·LN2_N_HI is exact for |k| < 2¹⁹) and the rest. */
export const LN2_N_HI = toDouble(((LN2_FIXED / 128n) >> (FRAC - 40n)) << (FRAC - 40n));
export const LN2_N_LO = toDouble(LN2_FIXED / 128n - (((LN2_FIXED / 128n) >> (FRAC - 40n)) << (FRAC - 40n)));
/** 128/ln 2 (any double near it would do: it only picks k; r absorbs the rest). */
export const INV_LN2_N = 128 / LN2;
/** ln 2 on a 2⁻⁴² grid (42 bits: e·LN2_HI is exact for |e| < 2¹¹) and the rest. */
const [LN2_HI, LN2_LO] = splitFixed(LN2_FIXED, 42n);

/** Taylor coefficients of sin θ (θ³, …, θ¹⁷) and cos θ (θ⁴, …, θ¹⁸): ±1/n!, nearest doubles. */
const SIN_C = new Float64Array(8);
const COS_C = new Float64Array(8);
/** 2π, the nearest double and the double nearest the rest (set with the tables below). */
let TWO_PI_D = 0;
let TWO_PI_REST_D = 0;

{
  for (let j = 0; j < N; j++) {
    // c_j = (256 + 2j + 1)/256
    const num = BigInt(256 + 2 * j + 1);
    const c = (1 + (2 * j + 1) * 0.00390625) * (j < 64 ? 1 : 0.5);
    LN_CJ[j] = c;
    LN_INV_C[j] = 1 / c;
    const lnc = j < 64 ? lnRatioFixed(num, 256n) : -lnRatioFixed(512n, num);
    LN_C[j] = toDouble(lnc);
    [LN_C_HI[j], LN_C_LO[j]] = splitFixed(lnc, 42n);
    const t = expFixed((LN2_FIXED * BigInt(j)) / 128n);
    EXP2_J[j] = toDouble(t);
    EXP2_J_LO[j] = toDouble(t - fromDouble(EXP2_J[j]));
  }
  let p = 1;
  for (let m = 0; m <= 1023; m++, p *= 2) POW2[m + 1022] = p;
  p = 1;
  for (let m = 0; m >= -1022; m--, p /= 2) POW2[m + 1022] = p;

  // π by Machin's formula, π = 16·atan(1/5) − 4·atan(1/239), in fixed point.
  const atanInv = (n: bigint): bigint => {
    let term = ONE / n;
    let sum = 0n;
    const n2 = n * n;
    for (let k = 1n, sign = 1n; term !== 0n; k += 2n, sign = -sign) {
      sum += (sign * term) / k;
      term /= n2;
    }
    return sum;
  };
  const twoPi = 2n * (16n * atanInv(5n) - 4n * atanInv(239n));
  TWO_PI_D = toDouble(twoPi);
  TWO_PI_REST_D = toDouble(twoPi - fromDouble(TWO_PI_D));
  // ±1/n! (each n! < 2⁵³ is an exact double, so the division is correctly rounded): sin from θ³, cos from θ⁴
  let fact = 1;
  for (let n = 1; n <= 18; n++) {
    fact *= n;
    const v = ((n >> 1) & 1 ? -1 : 1) / fact;
    if (n >= 3 && n % 2 === 1) SIN_C[(n - 3) >> 1] = v;
    else if (n >= 4 && n % 2 === 0) COS_C[(n - 4) >> 1] = v;
  }
}

const TWO_P54 = POW2[54 + 1022];
const TWO_M54 = POW2[-54 + 1022];

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
/** Index of the high (sign/exponent) word of a double in WORDS: 1 on little-endian hosts. */
export const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Low part of the last double-double result (logDD, written before it returns the high part). */
let ddLo = 0;

/**
 * e^x, < 0.52 ulp (see the header). `lo` is added to the reduced argument: e^(x + lo) for a
 * double-double exponent (pow), 0 otherwise.
 */
function expCore(x: number, lo: number): number {
  const kf = x * INV_LN2_N + SHIFT - SHIFT;
  const k = kf | 0;
  const r = x - kf * LN2_N_HI - kf * LN2_N_LO + lo;
  const p = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120))));
  const j = k & 127;
  const t = EXP2_J[j];
  const y = t + (EXP2_J_LO[j] + t * p);
  const m = k >> 7;
  if (m >= -1022) return m <= 1023 ? y * POW2[m + 1022] : y * 2 * POW2[2045];
  return y * POW2[m + 1076] * TWO_M54;
}

/** e^x, within 0.52 ulp; 0 below −745.2, Infinity above 709.79, NaN for NaN. */
export function exp(x: number): number {
  if (x > 709.79) return Infinity;
  if (x < -745.2) return 0;
  return expCore(x, 0);
}

/** ln(1 + f) for |f| < 1/16 (f exact), fdlibm's arrangement with Taylor coefficients. */
function log1pSmall(f: number): number {
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (2 / 3 + z * (2 / 5 + z * (2 / 7 + z * (2 / 9 + z * (2 / 11 + z * (2 / 13))))));
  const hfsq = 0.5 * f * f;
  return f - (hfsq - s * (hfsq + R));
}

/** ln x, within 0.55 ulp, for any double (−Infinity at 0, NaN below 0, Infinity at Infinity). */
export function log(x: number): number {
  const f = x - 1;
  if (Math.abs(f) < 0.0625) return log1pSmall(f); // one compare: x < 1 and x > 1 come in any order
  if (!(x > 0 && x < Infinity)) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= TWO_P54;
    e = -54;
  }
  BITS[0] = x;
  const hi = WORDS[HI_WORD];
  const j = (hi >>> 13) & 127;
  const ex = (hi >>> 20) - 1023 + (j >>> 6);
  e += ex;
  // m = x·2^−ex ∈ [0.75, 1.5), exactly (a power-of-two scaling; 2^−1023 is not normal, hence two steps at the top)
  const m = ex < 1023 ? x * POW2[1022 - ex] : x * 0.25 * POW2[1024 - ex];
  const r = (m - LN_CJ[j]) * LN_INV_C[j];
  const q = -r * r * (0.5 - r * (1 / 3 - r * (0.25 - r * (0.2 - r * (1 / 6 - r * (1 / 7))))));
  return (e * LN2_HI + LN_C_HI[j]) + (r + ((e * LN2_LO + LN_C_LO[j]) + q));
}

/** ln(1 + x), within 0.8 ulp (−Infinity at −1, NaN below). */
export function log1p(x: number): number {
  if (Math.abs(x) < 0.0625) return log1pSmall(x);
  if (!(x > -1 && x < Infinity)) return x === -1 ? -Infinity : x === Infinity ? Infinity : NaN;
  const u = 1 + x;
  // the rounding error of 1 + x, exactly (Fast2Sum with the larger operand first)
  const c = x > 1 ? (x - u) + 1 : (1 - u) + x;
  return log(u) + c / u;
}

/** e^x − 1, within 0.65 ulp. */
export function expm1(x: number): number {
  if (Math.abs(x) < 0.125) {
    if (Math.abs(x) < 1.3877787807814457e-17) return x; // |x| < 2⁻⁵⁶ (keeps −0)
    return x + x * x * (0.5 + x * (1 / 6 + x * (1 / 24 + x * (1 / 120 + x * (1 / 720 + x * (1 / 5040 + x * (1 / 40320 + x * (1 / 362880 + x * (1 / 3628800 + x * (1 / 39916800 + x * (1 / 479001600 + x * (1 / 6227020800))))))))))));
  }
  if (x > 40) return exp(x);
  if (x < -38) return -1;
  if (x !== x) return x;
  const kf = x * INV_LN2_N + SHIFT - SHIFT;
  const k = kf | 0;
  const r = x - kf * LN2_N_HI - kf * LN2_N_LO;
  const p = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120))));
  const j = k & 127;
  const s = POW2[(k >> 7) + 1022];
  const t = EXP2_J[j];
  const h = t * s;
  const l = (EXP2_J_LO[j] + t * p) * s;
  // h − 1 as an exact sum a + b (Knuth's TwoSum), then + l
  const a = h - 1;
  const bb = a - h;
  const b = (h - (a - bb)) + (-1 - bb);
  return a + (b + l);
}

/** ln x as a double-double: returns the high part, leaves the low part in ddLo. x positive and finite. */
function logDD(x: number): number {
  const f = x - 1;
  if (Math.abs(f) < 0.03125) {
    // ln(1+f) = f − f²/2 + f³·(1/3 − f/4 + … − f¹²/15), f² = q + qq exactly (Dekker)
    const q = f * f;
    const c = SPLIT * f;
    const fh = c - (c - f);
    const fl = f - fh;
    const qq = ((fh * fh - q) + 2 * fh * fl) + fl * fl;
    const tail = f * q * (1 / 3 - f * (0.25 - f * (0.2 - f * (1 / 6 - f * (1 / 7 - f * (0.125 - f * (1 / 9 - f * (0.1 - f * (1 / 11 - f * (1 / 12 - f * (1 / 13 - f * (1 / 14 - f * (1 / 15)))))))))))));
    const h = f - 0.5 * q;
    const rest = (f - h) - 0.5 * q; // the rounding error of f − q/2, exactly (Fast2Sum, |f| > |q/2|)
    const lo = rest + (tail - 0.5 * qq);
    const hi = h + lo;
    ddLo = (h - hi) + lo;
    return hi;
  }
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= TWO_P54;
    e = -54;
  }
  BITS[0] = x;
  const w = WORDS[HI_WORD];
  const j = (w >>> 13) & 127;
  const ex = (w >>> 20) - 1023 + (j >>> 6);
  e += ex;
  const F = (ex < 1023 ? x * POW2[1022 - ex] : x * 0.25 * POW2[1024 - ex]) - LN_CJ[j];
  // r = F/c as rh + rl: rh on a 2⁻⁵¹ grid (≤ 44 bits, so rh·c is exact), rl the rest
  const rh = F * LN_INV_C[j] + 3 - 3;
  const rl = (F - rh * LN_CJ[j]) * LN_INV_C[j];
  const r = rh + rl;
  const q = -r * r * (0.5 - r * (1 / 3 - r * (0.25 - r * (0.2 - r * (1 / 6 - r * (1 / 7))))));
  const T = e * LN2_HI + LN_C_HI[j];
  // T + rh exactly (TwoSum), then the small terms
  const s = T + rh;
  const bb = s - T;
  const err = (T - (s - bb)) + (rh - bb);
  const lo = err + (rl + ((e * LN2_LO + LN_C_LO[j]) + q));
  const hi = s + lo;
  ddLo = (s - hi) + lo;
  return hi;
}

/** true when y is an odd integer (|y| < 2⁵³; larger doubles are all even). */
function isOdd(y: number): boolean {
  return Math.floor(y) === y && Math.abs(y) < 9007199254740992 && Math.abs(y % 2) === 1;
}

/**
 * x^y with ECMAScript's special cases (Number::exponentiate); for x > 0 within 0.55 ulp where
 * |y·ln x| ≤ 100 and within 1 ulp beyond (see the header).
 */
export function pow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x !== x || y !== y) return NaN;
  if (!(x > 0 && x < Infinity && y > -Infinity && y < Infinity)) return powSpecial(x, y);
  if (x === 1) return 1;
  const lh = logDD(x);
  const ll = ddLo;
  const zh = y * lh;
  if (zh > 709.79) return Infinity;
  if (zh < -745.2) return 0;
  // y·lh exactly as zh + err (Dekker), then + y·ll
  let c = SPLIT * y;
  const yh = c - (c - y);
  const yl = y - yh;
  c = SPLIT * lh;
  const lhh = c - (c - lh);
  const lhl = lh - lhh;
  const zl = (((yh * lhh - zh) + yh * lhl + yl * lhh) + yl * lhl) + y * ll;
  const z = zh + zl;
  if (z > 709.79) return Infinity;
  if (z < -745.2) return 0;
  return expCore(z, (zh - z) + zl);
}

/** pow for x ≤ 0, x = ±Infinity or y = ±Infinity (x, y not NaN, y ≠ 0). */
function powSpecial(x: number, y: number): number {
  if (y === Infinity || y === -Infinity) {
    const ax = Math.abs(x);
    if (ax === 1) return NaN;
    return (ax > 1) === (y > 0) ? Infinity : 0;
  }
  if (x === Infinity) return y > 0 ? Infinity : 0;
  if (x === -Infinity) return y > 0 ? (isOdd(y) ? -Infinity : Infinity) : isOdd(y) ? -0 : 0;
  if (x === 0) {
    const neg = 1 / x < 0 && isOdd(y);
    return y > 0 ? (neg ? -0 : 0) : neg ? -Infinity : Infinity;
  }
  // x < 0: integer y only
  if (Math.floor(y) !== y) return NaN;
  const r = pow(-x, y);
  return isOdd(y) ? -r : r;
}

/** 2π: the nearest double, its two 26-bit halves (Veltkamp) and the double nearest the rest. */
const [TWO_PI, TWO_PI_HI, TWO_PI_LO, TWO_PI_REST] = ((): [number, number, number, number] => {
  const c = SPLIT * TWO_PI_D;
  const hi = c - (c - TWO_PI_D);
  return [TWO_PI_D, hi, TWO_PI_D - hi, TWO_PI_REST_D];
})();
/** θ = 2πt as a double-double: returns the high part, leaves the low part in ddLo (Dekker's exact product). */
function turnToRadians(t: number): number {
  const h = t * TWO_PI;
  const c = SPLIT * t;
  const th = c - (c - t);
  const tl = t - th;
  ddLo = (((th * TWO_PI_HI - h) + th * TWO_PI_LO + tl * TWO_PI_HI) + tl * TWO_PI_LO) + t * TWO_PI_REST;
  return h;
}
/** sin(2πt) for |t| ≤ 1/8: θ + (θ' + θ³·P(θ²)), Taylor to θ¹⁷. */
function sinSmall(t: number): number {
  const h = turnToRadians(t);
  const l = ddLo;
  const z = h * h;
  const c = SIN_C;
  return h + (l + h * z * (c[0] + z * (c[1] + z * (c[2] + z * (c[3] + z * (c[4] + z * (c[5] + z * (c[6] + z * c[7]))))))));
}
/** cos(2πt) for |t| ≤ 1/8: fdlibm's arrangement w = 1 − θ²/2 with its rounding error carried, Taylor to θ¹⁸. */
function cosSmall(t: number): number {
  const h = turnToRadians(t);
  const l = ddLo;
  const z = h * h;
  const c = COS_C;
  const r = z * z * (c[0] + z * (c[1] + z * (c[2] + z * (c[3] + z * (c[4] + z * (c[5] + z * (c[6] + z * c[7])))))));
  const hz = 0.5 * z;
  const w = 1 - hz;
  return w + (((1 - w) - hz) + (r - h * l));
}

/** sin(2π·u) for |u| < 2²⁹ (see the header for the accuracy). */
export function sinTwoPi(u: number): number {
  const qf = 4 * u + SHIFT - SHIFT;
  const t = u - qf * 0.25;
  switch ((qf | 0) & 3) {
    case 0: return sinSmall(t);
    case 1: return cosSmall(t);
    case 2: return -sinSmall(t);
    default: return -cosSmall(t);
  }
}

/** cos(2π·u) for |u| < 2²⁹ (see the header for the accuracy). */
export function cosTwoPi(u: number): number {
  const qf = 4 * u + SHIFT - SHIFT;
  const t = u - qf * 0.25;
  switch ((qf | 0) & 3) {
    case 0: return cosSmall(t);
    case 1: return -sinSmall(t);
    case 2: return -cosSmall(t);
    default: return sinSmall(t);
  }
}
