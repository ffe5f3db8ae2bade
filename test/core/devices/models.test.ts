import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyPulses,
  createDeviceArray,
  deviceParams,
  deviceWindow,
  gAfterPulses,
  IDEAL_DEVICE,
  nominalStep,
  pulsesToReach,
  type DeviceKind,
  type DeviceOverrides,
  type DeviceParams,
} from '../../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../../core/random.js';

const G_MIN = 10;
const G_MAX = 110;
const W = G_MAX - G_MIN;
const base = deviceParams(IDEAL_DEVICE, { gMin: G_MIN, gMax: G_MAX, levels: 41, name: 'test' });
const linear = deviceParams(base, { asymmetry: 0.1 });
const soft = deviceParams(base, { kind: 'softBounds', normAUp: 0.5, normADown: 0.2 });
const power = deviceParams(base, { kind: 'power', powUp: 2, powDown: 3 });

/** Runs `count` single pulses of one polarity on one nominal device and returns the trajectory (Float32 reads). */
function train(p: DeviceParams, g0: number, polarity: 1 | -1, count: number): number[] {
  const arr = createDeviceArray(p, 1, new RandomStreams(1), 't', { initial: new Float32Array([g0]) });
  const idx = new Int32Array([0]);
  const c = new Int32Array([polarity]);
  const out = [arr.g[0]];
  for (let k = 0; k < count; k++) {
    applyPulses(arr, idx, c, 1, 0);
    out.push(arr.g[0]);
  }
  return out;
}

function expectClose(actual: number[], expected: number[], rel = 2e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < actual.length; k++) expect(Math.abs(actual[k] - expected[k])).toBeLessThanOrEqual(rel * G_MAX + 1e-12);
}

describe('pulse response equals the closed form', () => {
  const P = 40;
  it('linear: g_k = gMin + k·(1 + β)·W/Pmax, clipped at gMax; down by (1 − β)', () => {
    const up = train(linear, G_MIN, 1, 50);
    expectClose(up, up.map((_, k) => Math.min(G_MAX, G_MIN + (k * 1.1 * W) / P)));
    const down = train(linear, G_MAX, -1, 50);
    expectClose(down, down.map((_, k) => Math.max(G_MIN, G_MAX - (k * 0.9 * W) / P)));
  });

  it("softBounds: NeuroSim G_LTP(P) = B(1 − e^(−P/A)) + gMin and G_LTD = gMax − B'(1 − e^(−P/A'))", () => {
    const A = 0.5 * P;
    const B = W / (1 - Math.exp(-P / A));
    expectClose(train(soft, G_MIN, 1, P), Array.from({ length: P + 1 }, (_, k) => B * (1 - Math.exp(-k / A)) + G_MIN));
    const A2 = 0.2 * P;
    const B2 = W / (1 - Math.exp(-P / A2));
    expectClose(train(soft, G_MAX, -1, P), Array.from({ length: P + 1 }, (_, k) => G_MAX - B2 * (1 - Math.exp(-k / A2))));
    // and it reaches exactly the bounds after Pmax pulses
    expect(train(soft, G_MIN, 1, P)[P]).toBeCloseTo(G_MAX, 4);
  });

  it('power: G_LTP(P) = gMax − W(1 − P/Pmax)^k_up, G_LTD(P) = gMin + W(1 − P/Pmax)^k_down', () => {
    expectClose(train(power, G_MIN, 1, P + 5), Array.from({ length: P + 6 }, (_, k) => G_MAX - W * Math.max(0, 1 - k / P) ** 2));
    expectClose(train(power, G_MAX, -1, P + 5), Array.from({ length: P + 6 }, (_, k) => G_MIN + W * Math.max(0, 1 - k / P) ** 3));
  });

  it('table: a table of Δg linear in g reproduces the soft-bounds law exactly (linear interpolation is exact)', () => {
    const A = 0.5 * P;
    const B = W / (1 - Math.exp(-P / A));
    const decay = Math.exp(-1 / A);
    const nodes = 9;
    const dgUp = Array.from({ length: nodes }, (_, j) => (G_MIN + B - (G_MIN + (W * j) / (nodes - 1))) * (1 - decay));
    const dgDown = Array.from({ length: nodes }, () => 1);
    const table = deviceParams(base, { kind: 'table', dgUp, dgDown });
    expectClose(train(table, G_MIN, 1, P), Array.from({ length: P + 1 }, (_, k) => B * (1 - Math.exp(-k / A)) + G_MIN), 1e-5);
    expectClose(train(table, G_MAX, -1, 30), Array.from({ length: 31 }, (_, k) => Math.max(G_MIN, G_MAX - k)), 1e-5);
  });

  it.each([['linear', linear], ['softBounds', soft], ['power', power]] as const)('%s: gAfterPulses matches the kernel and pulsesToReach inverts it', (_k, p) => {
    for (const [g0, pol] of [[G_MIN, 1], [G_MAX, -1], [50, 1], [50, -1]] as const) {
      const tr = train(p, g0, pol, 12);
      for (let n = 0; n <= 12; n++) {
        const g = gAfterPulses(p, g0, pol * n);
        expect(Math.abs(g - tr[n])).toBeLessThan(1e-4);
        if (g > G_MIN && g < G_MAX && n > 0) expect(pulsesToReach(p, g0, g)).toBeCloseTo(pol * n, 6);
      }
    }
  });

  it('nominalStep is the first step from the bound the polarity moves away from', () => {
    expect(nominalStep(linear, 1)).toBeCloseTo((1.1 * W) / P, 10);
    expect(nominalStep(linear, -1)).toBeCloseTo((0.9 * W) / P, 10);
    const A = 0.5 * P;
    expect(nominalStep(soft, 1)).toBeCloseTo((W / (1 - Math.exp(-P / A))) * (1 - Math.exp(-1 / A)), 10);
    expect(pulsesToReach(linear, G_MIN, G_MAX)).toBeCloseTo(P / 1.1, 10);
    expect(pulsesToReach(soft, G_MIN, G_MAX)).toBeCloseTo(P, 8);
    expect(pulsesToReach(soft, G_MAX, G_MIN)).toBeCloseTo(-P, 8);
    expect(pulsesToReach(power, G_MIN, 1e9)).toBeCloseTo(P, 8); // targets clamp to the window
  });
});

describe('applyPulses (kernel contract)', () => {
  it('leaves idx and counts untouched, ignores zero counts, and is deterministic by seed', () => {
    const p = deviceParams(linear, { c2c: 1, d2d: { step: 0.3, bounds: 0.1 } });
    const run = (seed: number): Float32Array => {
      const arr = createDeviceArray(p, 100, new RandomStreams(seed), 'k');
      const idx = Int32Array.from({ length: 100 }, (_, i) => 99 - i);
      const counts = Int32Array.from({ length: 100 }, (_, i) => (i % 5) - 2);
      const idx0 = idx.slice();
      const c0 = counts.slice();
      const before = arr.g.slice();
      applyPulses(arr, idx, counts, 100, 1);
      expect(idx).toEqual(idx0);
      expect(counts).toEqual(c0);
      for (let k = 0; k < 100; k++) if (counts[k] === 0) expect(arr.g[idx[k]]).toBe(before[idx[k]]);
      return arr.g.slice();
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});

const kinds: DeviceKind[] = ['linear', 'softBounds', 'power', 'table'];
describe('bounds under 10⁵ random pulses (property, every kind, every non-ideality)', () => {
  it('every device stays inside its own (d2d) window', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 1, max: 2000, noNaN: true }),
        fc.integer({ min: 2, max: 300 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        fc.constantFrom(0, 8),
        fc.constantFrom(Infinity, 5000),
        (kind, seed, gMin, w, levels, c2cRel, beta, quantLevels, endurance) => {
          const o: DeviceOverrides = {
            kind, gMin, gMax: gMin + w, levels, c2c: c2cRel * w, asymmetry: beta, quantLevels, endurance,
            d2d: { step: 0.3, bounds: 0.2, nonlinearity: 0.2 }, stuckAt: { fraction: 0.05 },
            drift: { nuMean: 0.05, nuStd: 0.02 },
            normAUp: 0.5, normADown: 1, powUp: 2, powDown: 0.7, dgUp: [3, 2, 1, 0.5].map((x) => (x * w) / levels), dgDown: [0.2, 1, 2].concat([3]).map((x) => (x * w) / levels),
          };
          const pick = Object.fromEntries(Object.entries(o).filter(([key]) => !['normAUp', 'normADown', 'powUp', 'powDown', 'dgUp', 'dgDown'].includes(key) ||
            (kind === 'softBounds' && key.startsWith('normA')) || (kind === 'power' && key.startsWith('pow')) || (kind === 'table' && key.startsWith('dg'))));
          const p = deviceParams(base, pick as DeviceOverrides);
          const n = 20;
          const arr = createDeviceArray(p, n, new RandomStreams(seed), 'b');
          const rs = new RandomStream(`${seed}/p`);
          const idx = new Int32Array(n);
          const counts = new Int32Array(n);
          const win = new Float64Array(2);
          let t = 0;
          for (let r = 0; r < 100_000 / (n * 2.5); r++) {
            for (let k = 0; k < n; k++) { idx[k] = rs.int(n); counts[k] = (rs.uniform() < 0.5 ? -1 : 1) * (1 + rs.int(4)); }
            t += rs.uniform() < 0.01 ? 1e5 : 0.1; // now and then a long pause: drift is folded in before programming
            applyPulses(arr, idx, counts, n, t);
            for (let i = 0; i < n; i++) {
              deviceWindow(win, arr, i);
              const tol = 1e-6 * (gMin + w);
              if (!(arr.g[i] >= win[0] - tol && arr.g[i] <= win[1] + tol)) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 12 },
    );
  });
});
