/**
 * core/math.ts: each function against BigInt references to 2⁻²⁰⁰ (test/core/math-reference.ts) on
 * random arguments over its whole range and near its hard spots, within the bound its header states;
 * against the host's Math (V8: within 1 ulp of the exact value) on 10⁶ arguments each; the special
 * values; and that the results do not depend on anything but IEEE double arithmetic (pinned bits).
 */
import { describe, expect, it } from 'vitest';
import { cosTwoPi, exp, expm1, log, log1p, pow, sinTwoPi } from '../../core/math.js';
import { RandomStream } from '../../core/random.js';
import { exact, expRef, fixedExact, lnFixed, lnRef, P, sinCosRef, toFixed, TWO_PI, ulpError, type Exact } from './math-reference.js';

const ONE = 1n << P;
const pair = new Float64Array(2);
const bits = new BigInt64Array(pair.buffer);
/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  pair[0] = a;
  pair[1] = b;
  const d = bits[0] - bits[1];
  return Number(d < 0n ? -d : d);
}

/** Largest error in ulps of f against ref over n arguments drawn by gen. */
function maxError(n: number, gen: () => number, f: (x: number) => number, ref: (x: number) => Exact): { max: number; at: number } {
  let max = 0;
  let at = NaN;
  for (let i = 0; i < n; i++) {
    const x = gen();
    const e = ulpError(f(x), ref(x));
    if (e > max) {
      max = e;
      at = x;
    }
  }
  return { max, at };
}

/** Largest distance in ulps between f and the host's g over 10⁶ arguments drawn by gen. */
function maxVsHost(gen: () => number, f: (x: number) => number, g: (x: number) => number): number {
  let max = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const x = gen();
    max = Math.max(max, ulps(f(x), g(x)));
  }
  return max;
}

const expExact = (x: number): Exact => expRef(toFixed(exact(x)));
const lnExact = (x: number): Exact => fixedExact(lnRef(x));
const log1pExact = (x: number): Exact => fixedExact(lnFixed(ONE + toFixed(exact(x))));
const expm1Exact = (x: number): Exact => {
  const v = expRef(toFixed(exact(x)));
  // v − 1 at v's exponent (v.e ≤ 0 for the arguments used: |x| < 710 keeps 2^−200 resolution)
  return { m: v.m - (1n << BigInt(-v.e)), e: v.e };
};
const powExact = (x: number, y: number): Exact => {
  const ye = exact(y);
  const l = lnRef(x) * ye.m;
  return expRef(ye.e >= 0 ? l << BigInt(ye.e) : l >> BigInt(-ye.e));
};

describe('exp', () => {
  const rng = new RandomStream('math-exp');
  it('is within 0.52 ulp of e^x on [−708, 709.78], densely on [−1, 1] and near its table points; < 1 ulp (of the spacing) in the subnormal range', () => {
    expect(maxError(20_000, () => (rng.uniform() - 0.5) * 1416, exp, expExact).max).toBeLessThan(0.52);
    expect(maxError(20_000, () => (rng.uniform() - 0.5) * 2, exp, expExact).max).toBeLessThan(0.52);
    expect(maxError(5_000, () => (rng.int(2001) - 1000) * (Math.LN2 / 128) + (rng.uniform() - 0.5) * 1e-12, exp, expExact).max).toBeLessThan(0.52);
    expect(maxError(2_000, () => 709 + rng.uniform() * 0.78, exp, expExact).max).toBeLessThan(0.52);
    expect(maxError(5_000, () => -708.4 - rng.uniform() * 36.7, exp, expExact).max).toBeLessThan(1);
  });
  it('is within 1 ulp of Math.exp on 10⁶ arguments over [−708, 708]', () => {
    expect(maxVsHost(() => (rng.uniform() - 0.5) * 1416, exp, Math.exp)).toBeLessThanOrEqual(1);
  });
  it('gives the special values: e^0 = 1, exact powers of two at multiples of ln 2/128·128, 0 and Infinity beyond the range, NaN', () => {
    expect(exp(0)).toBe(1);
    expect(exp(-0)).toBe(1);
    expect(exp(1)).toBe(Math.E);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(-746)).toBe(0);
    expect(exp(-745)).toBe(5e-324);
    expect(exp(709.78)).toBeCloseTo(1.7928227943945155e308, -300);
    expect(exp(709.79)).toBe(Infinity);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(Number.NaN)).toBeNaN();
  });
});

describe('log', () => {
  const rng = new RandomStream('math-log');
  it('is within 0.55 ulp of ln x over all positive doubles, near 1 (both paths and their border) and among subnormals', () => {
    expect(maxError(20_000, () => exp((rng.uniform() - 0.5) * 1400), log, lnExact).max).toBeLessThan(0.55);
    expect(maxError(20_000, () => 0.75 + rng.uniform() * 0.75, log, lnExact).max).toBeLessThan(0.55);
    expect(maxError(5_000, () => 1 + (rng.uniform() - 0.5) * 0.126, log, lnExact).max).toBeLessThan(0.55);
    expect(maxError(5_000, () => 1 + (rng.uniform() - 0.5) * 2 ** -30, log, lnExact).max).toBeLessThan(0.55);
    expect(maxError(2_000, () => rng.uniform() * 2.2e-308, log, lnExact).max).toBeLessThan(0.55);
    expect(maxError(2_000, () => 1.7e308 * (1 - rng.uniform() * 0.5), log, lnExact).max).toBeLessThan(0.55);
  });
  it('is within 1 ulp of Math.log on 10⁶ arguments over 10⁻³⁰⁴…10³⁰⁴ and near 1', () => {
    expect(maxVsHost(() => exp((rng.uniform() - 0.5) * 1400), log, Math.log)).toBeLessThanOrEqual(1);
    expect(maxVsHost(() => 1 + (rng.uniform() - 0.5) * 0.25, log, Math.log)).toBeLessThanOrEqual(1);
  });
  it('gives the special values', () => {
    expect(log(1)).toBe(0);
    expect(Object.is(log(1), 0)).toBe(true);
    expect(log(2)).toBe(Math.LN2);
    expect(log(0)).toBe(-Infinity);
    expect(log(-0)).toBe(-Infinity);
    expect(log(-1)).toBeNaN();
    expect(log(Infinity)).toBe(Infinity);
    expect(log(Number.NaN)).toBeNaN();
    expect(log(5e-324)).toBe(-744.4400719213812);
    expect(log(Number.MAX_VALUE)).toBe(709.782712893384);
  });
});

describe('log1p', () => {
  const rng = new RandomStream('math-log1p');
  it('is within 0.8 ulp of ln(1 + x) on (−1, 10³⁰⁰), near 0 and near −1', () => {
    expect(maxError(20_000, () => (rng.uniform() - 0.5) * 0.25, log1p, log1pExact).max).toBeLessThan(0.8);
    expect(maxError(20_000, () => -1 + exp((rng.uniform() - 0.5) * 60) , log1p, log1pExact).max).toBeLessThan(0.8);
    expect(maxError(5_000, () => exp(rng.uniform() * 690), log1p, log1pExact).max).toBeLessThan(0.8);
    expect(maxError(5_000, () => (rng.uniform() - 0.5) * 2 ** -40, log1p, log1pExact).max).toBeLessThan(0.8);
  });
  it('is within 1 ulp of Math.log1p on 10⁶ arguments', () => {
    expect(maxVsHost(() => -1 + exp((rng.uniform() - 0.5) * 60), log1p, Math.log1p)).toBeLessThanOrEqual(1);
  });
  it('gives the special values', () => {
    expect(Object.is(log1p(-0), -0)).toBe(true);
    expect(log1p(0)).toBe(0);
    expect(log1p(-1)).toBe(-Infinity);
    expect(log1p(-2)).toBeNaN();
    expect(log1p(Infinity)).toBe(Infinity);
    expect(log1p(Number.NaN)).toBeNaN();
  });
});

describe('expm1', () => {
  const rng = new RandomStream('math-expm1');
  it('is within 0.65 ulp of e^x − 1 on [−40, 709], near 0 and across the ±1/8 border', () => {
    expect(maxError(20_000, () => (rng.uniform() - 0.5) * 80, expm1, expm1Exact).max).toBeLessThan(0.65);
    expect(maxError(20_000, () => (rng.uniform() - 0.5) * 0.5, expm1, expm1Exact).max).toBeLessThan(0.65);
    expect(maxError(5_000, () => (rng.uniform() - 0.5) * 2 ** -30, expm1, expm1Exact).max).toBeLessThan(0.65);
    expect(maxError(5_000, () => 40 + rng.uniform() * 669, expm1, expm1Exact).max).toBeLessThan(0.65);
  });
  it('is within 1 ulp of Math.expm1 on 10⁶ arguments', () => {
    expect(maxVsHost(() => (rng.uniform() - 0.5) * 80, expm1, Math.expm1)).toBeLessThanOrEqual(1);
  });
  it('gives the special values', () => {
    expect(Object.is(expm1(-0), -0)).toBe(true);
    expect(expm1(1e-300)).toBe(1e-300);
    expect(expm1(-50)).toBe(-1);
    expect(expm1(-Infinity)).toBe(-1);
    expect(expm1(710)).toBe(Infinity);
    expect(expm1(Number.NaN)).toBeNaN();
  });
});

describe('pow', () => {
  const rng = new RandomStream('math-pow');
  it('is within 0.55 ulp of x^y where |y·ln x| ≤ 100, 1 ulp up to 745: bases over 10⁻³⁰⁰…10³⁰⁰, near 1 with large exponents, the device laws u^(1/k)', () => {
    const check = (gx: () => number, gy: (x: number) => number): void => {
      for (let i = 0; i < 5_000; i++) {
        const x = gx();
        const y = gy(x);
        const z = Math.abs(y * Math.log(x));
        const e = ulpError(pow(x, y), powExact(x, y));
        expect(e, `pow(${x}, ${y})`).toBeLessThan(z <= 100 ? 0.55 : 1);
      }
    };
    check(() => exp((rng.uniform() - 0.5) * 1380), (x) => ((rng.uniform() - 0.5) * 1400) / Math.abs(Math.log(x)));
    check(() => rng.uniform() * 10, () => (rng.uniform() - 0.5) * 20);
    check(() => 1 + (rng.uniform() - 0.5) * 0.25, (x) => ((rng.uniform() - 0.5) * 1400) / Math.abs(Math.log(x)));
    check(() => 1 + (rng.uniform() - 0.5) * 0.25, (x) => ((rng.uniform() - 0.5) * 200) / Math.abs(Math.log(x)));
    check(() => rng.uniform(), () => 1 / (1 + rng.uniform() * 9));
  });
  it('is within 1 ulp of Math.pow on 10⁶ arguments with |y·ln x| ≤ 20', () => {
    let max = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const x = rng.uniform() * 20;
      const y = (rng.uniform() - 0.5) * 12;
      max = Math.max(max, ulps(pow(x, y), Math.pow(x, y)));
    }
    expect(max).toBeLessThanOrEqual(1);
  });
  it('is exact where x^y is a double (integer powers of small integers, square roots of squares)', () => {
    for (let b = 2; b <= 10; b++) for (let k = 0; k <= 15; k++) expect(pow(b, k), `${b}^${k}`).toBe(b ** k);
    for (let k = -1074; k <= 1023; k++) expect(pow(2, k), `2^${k}`).toBe(2 ** k);
    for (let b = 1; b <= 1000; b++) expect(pow(b * b, 0.5)).toBe(b);
    for (const x of [Number.MAX_VALUE, 1.5 * 2 ** 1023, 2 ** 1023, 5e-324, 2 ** -1022]) expect(pow(x, 1), `${x}^1`).toBe(x);
  });
  it('follows ECMAScript on the special cases (Number::exponentiate)', () => {
    const xs = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 4, -4, Infinity, -Infinity, Number.NaN];
    const ys = [0, -0, 1, -1, 2, -2, 3, -3, 0.5, -0.5, Infinity, -Infinity, Number.NaN];
    // every pair whose exact result is a double (or a special value): 2^±0.5 and the like are not
    const exactPair = (x: number, y: number): boolean => !Number.isFinite(x) || !Number.isFinite(y) || x === 0 || Number.isInteger(y) || Math.abs(x) === 4 || Math.abs(x) === 1;
    for (const x of xs) for (const y of ys) if (exactPair(x, y)) expect(Object.is(pow(x, y), Math.pow(x, y)), `pow(${x}, ${y}) = ${pow(x, y)}`).toBe(true);
  });
});

describe('sinTwoPi, cosTwoPi', () => {
  const rng = new RandomStream('math-sincos');
  const ref = (u: number): [bigint, bigint] => sinCosRef((TWO_PI * toFixed(exact(u))) >> P);
  it('are within 0.9 ulp of sin(2πu), cos(2πu) where |result| ≥ 2⁻⁵, and within 2⁻⁵⁸ absolute elsewhere, on [0, 1) and near the quadrant borders', () => {
    let rel = 0;
    let abs = 0;
    for (let i = 0; i < 30_000; i++) {
      const u = i % 3 === 0 ? rng.int(5) / 4 + (rng.uniform() - 0.5) / 64 : rng.uniform();
      const [s, c] = ref(u);
      for (const [v, r] of [[sinTwoPi(u), s], [cosTwoPi(u), c]] as const) {
        if (Math.abs(v) >= 2 ** -5) rel = Math.max(rel, ulpError(v, fixedExact(r)));
        else abs = Math.max(abs, Math.abs(Number(toFixed(exact(v)) - r)) * 2 ** -200);
      }
    }
    expect(rel).toBeLessThan(0.9);
    expect(abs).toBeLessThan(2 ** -58);
  });
  it('agree with Math.sin/Math.cos of 2π·u to 10⁻¹⁵ on 10⁶ draws, and are exact at the quarter turns', () => {
    let max = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const u = rng.uniform();
      max = Math.max(max, Math.abs(sinTwoPi(u) - Math.sin(2 * Math.PI * u)), Math.abs(cosTwoPi(u) - Math.cos(2 * Math.PI * u)));
    }
    expect(max).toBeLessThan(1e-15);
    expect([0, 0.25, 0.5, 0.75].map((u) => sinTwoPi(u) + 0)).toEqual([0, 1, 0, -1]);
    expect([0, 0.25, 0.5, 0.75].map((u) => cosTwoPi(u) + 0)).toEqual([1, 0, -1, 0]);
  });
});

describe('the same bits everywhere', () => {
  it('pins the bits of a few values (any engine must give exactly these)', () => {
    const u64 = new BigUint64Array(pair.buffer);
    const h = (x: number): string => {
      pair[0] = x;
      return u64[0].toString(16);
    };
    expect([exp(-0.05), exp(1 / 3), log(10), log(0.1), expm1(1e-3), log1p(-0.3), pow(0.95, 1 / 3), sinTwoPi(0.1), cosTwoPi(0.3)].map(h)).toMatchInlineSnapshot(`
      [
        "3fee7078b0a726a6",
        "3ff6546db1ba2d13",
        "40026bb1bbb55516",
        "c0026bb1bbb55515",
        "3f506466dfb8cf3a",
        "bfd6d3c324e13f4f",
        "3fef75202ec86e0b",
        "3fe2cf2304755a5e",
        "bfd3c6ef372fe94e",
      ]
    `);
  });
});
