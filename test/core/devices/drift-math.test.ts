/**
 * driftLog / driftExp (core/devices/drift-math.ts): accuracy against the host's Math.log/Math.exp
 * (which V8 computes to within 1 ulp), the exact cases the drift fold relies on, the tables, and the
 * drift factor itself against Math.pow. Bit identity of the WebAssembly kernel's inline copies with
 * these: kernel-identity.test.ts (drifting arrays through both kernels).
 */
import { describe, expect, it } from 'vitest';
import { driftExp, driftLog, EXP2_J, LN_C, LN_CJ, LN_INV_C } from '../../../core/devices/drift-math.js';
import { createDeviceArray, DEVICE_PRESETS } from '../../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../../core/random.js';

const pair = new Float64Array(2);
const bits = new BigInt64Array(pair.buffer);
/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  pair[0] = a;
  pair[1] = b;
  const d = bits[0] - bits[1];
  return Number(d < 0n ? -d : d);
}

describe('driftExp', () => {
  it('is within 2 ulp of Math.exp on [−708, 708] and densely on [−1, 1] (10⁶ inputs each)', () => {
    const rng = new RandomStream('drift-math-11');
    let wide = 0;
    let near = 0;
    for (let n = 0; n < 1_000_000; n++) {
      const y = (rng.uniform() - 0.5) * 1416;
      wide = Math.max(wide, ulps(driftExp(y), Math.exp(y)));
      const z = (rng.uniform() - 0.5) * 2;
      near = Math.max(near, ulps(driftExp(z), Math.exp(z)));
    }
    expect(wide).toBeLessThanOrEqual(2);
    expect(near).toBeLessThanOrEqual(2);
  });

  it('gives exactly 1 at ±0 (ν = 0 leaves a conductance untouched), exact powers of two at multiples of ln 2', () => {
    expect(driftExp(0)).toBe(1);
    expect(driftExp(-0)).toBe(1);
    for (const k of [-20, -3, -1, 1, 5]) expect(ulps(driftExp(k * Math.LN2), 2 ** k)).toBeLessThanOrEqual(1);
  });

  it('clamps y to [−708, 708] (positive and finite there) and passes NaN through', () => {
    expect(driftExp(-1000)).toBe(driftExp(-708));
    expect(driftExp(-708)).toBeGreaterThan(0);
    expect(driftExp(1000)).toBe(driftExp(708));
    expect(Number.isFinite(driftExp(708))).toBe(true);
    expect(driftExp(Number.NaN)).toBeNaN();
  });
});

describe('driftLog', () => {
  it('is within 3 ulp of Math.log where |ln x| ≥ 2⁻⁸, within 4·10⁻¹⁸ absolute nearer 1 (10⁶ inputs each)', () => {
    const rng = new RandomStream('drift-math-12');
    let rel = 0;
    let abs = 0;
    const check = (x: number): void => {
      const a = driftLog(x);
      const b = Math.log(x);
      if (Math.abs(b) >= 1 / 256) rel = Math.max(rel, ulps(a, b));
      else abs = Math.max(abs, Math.abs(a - b));
    };
    for (let n = 0; n < 1_000_000; n++) {
      check(Math.exp((rng.uniform() - 0.5) * 100)); // e^±50: dt/t0 of 10⁻²² … 10²¹
      check(1 + (rng.uniform() - 0.5) * 0.02); // around 1, from both sides
    }
    expect(rel).toBeLessThanOrEqual(3);
    expect(abs).toBeLessThanOrEqual(4e-18);
  });

  it('is exact enough at powers of two and 1 to keep ln(2^k) = k·ln 2', () => {
    expect(Math.abs(driftLog(1))).toBeLessThanOrEqual(4e-18);
    for (const k of [-40, -1, 1, 10, 40]) expect(ulps(driftLog(2 ** k), k * Math.LN2)).toBeLessThanOrEqual(1);
  });

  it('inverts driftExp: driftLog(driftExp(y)) = y to 1.2·10⁻¹⁵·max(1, |y|) (exp\'s 2 ulp plus ln\'s 3)', () => {
    const rng = new RandomStream('drift-math-13');
    for (let n = 0; n < 100_000; n++) {
      const y = (rng.uniform() - 0.5) * 200;
      expect(Math.abs(driftLog(driftExp(y)) - y)).toBeLessThanOrEqual(1.2e-15 * Math.max(1, Math.abs(y)));
    }
  });
});

describe('drift-math tables (exact BigInt arithmetic, not the host Math)', () => {
  it('c_j are the centres of the 1/128 intervals of [0.75, 1.5); 1/c_j, ln c_j and 2^(j/128) to within 1 ulp', () => {
    for (let j = 0; j < 128; j++) {
      const c = j < 64 ? 1 + (j + 0.5) / 128 : (1 + (j + 0.5) / 128) / 2;
      expect(LN_CJ[j]).toBe(c);
      expect(LN_INV_C[j]).toBe(1 / c);
      expect(ulps(LN_C[j], Math.log(c))).toBeLessThanOrEqual(1);
      expect(ulps(EXP2_J[j], 2 ** (j / 128))).toBeLessThanOrEqual(1);
    }
    expect(EXP2_J[0]).toBe(1);
  });
});

describe('the drift factor e^(−ν·ln(dt/t0)) = (dt/t0)^(−ν)', () => {
  it('is within 4 units of (1 + |y|)·2⁻⁵³ of Math.pow, as the host formula it replaced, Math.exp(−ν·Math.log(x)), is within 2 (dt/t0 ∈ [1, 10¹²], ν ∈ [−0.2, 1])', () => {
    // Both round y = −ν·ln x before the exponential, so both carry a relative error of about
    // |y|·2⁻⁵³ that Math.pow (extra precision inside) does not: compare in units of (1 + |y|)·2⁻⁵³.
    const rng = new RandomStream('drift-math-14');
    let ours = 0;
    let host = 0;
    for (let n = 0; n < 200_000; n++) {
      const x = 10 ** (12 * rng.uniform());
      const nu = -0.2 + 1.2 * rng.uniform();
      const ref = Math.pow(x, -nu);
      const unit = (1 + Math.abs(nu * Math.log(x))) * 2 ** -53 * ref;
      ours = Math.max(ours, Math.abs(driftExp(-nu * driftLog(x)) - ref) / unit);
      host = Math.max(host, Math.abs(Math.exp(-nu * Math.log(x)) - ref) / unit);
    }
    expect(ours).toBeLessThan(4);
    expect(host).toBeLessThan(2.5);
  });
});

describe('the WebAssembly device kernel\'s driftLog / driftExp', () => {
  it('give the very bits of drift-math.ts on 10⁶ arguments each (dt/t0 over 10⁻¹²…10¹², pcm\'s g/gMax, y over [−708, 708]), edge cases included', () => {
    const arr = createDeviceArray(DEVICE_PRESETS['hfs2'], 256, new RandomStreams(1), 'drift-math', { wasm: true });
    const w = arr.wasm;
    expect(w).not.toBeNull();
    const rng = new RandomStream('drift-math-wasm');
    const logArgs = [1, 2, 0.5, 0.75, 1.5, 1 - 2 ** -53, 1 + 2 ** -52, 1e-12, Number.MIN_VALUE * 2 ** 52, 1e300];
    const expArgs = [0, -0, 1e-300, -1e-300, 708, -708, 709, -1000, 1000, Math.LN2, -Math.LN2 / 256];
    for (let n = 0; n < 1_000_000; n++) {
      logArgs.push(10 ** (24 * rng.uniform() - 12), 1 + (rng.uniform() - 0.5) * 0.02);
      expArgs.push((rng.uniform() - 0.5) * 1416, (rng.uniform() - 0.5) * 2);
    }
    let logDiff = 0;
    let expDiff = 0;
    for (const x of logArgs) if (!Object.is(w!.driftLog(x), driftLog(x))) logDiff++;
    for (const y of expArgs) if (!Object.is(w!.driftExp(y), driftExp(y))) expDiff++;
    expect(w!.driftExp(Number.NaN)).toBeNaN();
    expect(logDiff).toBe(0);
    expect(expDiff).toBe(0);
  });
});
