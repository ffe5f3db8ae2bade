import { describe, expect, it } from 'vitest';
import {
  ageTo,
  applyPulses,
  BYTES_PER_DEVICE,
  createDeviceArray,
  deviceArrayBytes,
  deviceParams,
  DEVICE_PRESETS,
  deviceWindow,
  DRIFT_Z_SCALE,
  FACTOR_ONE,
  FAULT_COUNT,
  gaussian,
  IDEAL_DEVICE,
  readConductances,
} from '../../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../../core/random.js';

const base = deviceParams(IDEAL_DEVICE, { gMin: 0, gMax: 1000, levels: 101, name: 'nonideal' }); // step 10 µS
const idxOf = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

function meanStd(x: ArrayLike<number>): [number, number] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const m = s / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  return [m, Math.sqrt(v / (x.length - 1))];
}

/** Sampling tolerance for a standard deviation estimated from n samples: 4 standard errors. */
const sdTol = (sigma: number, n: number): number => (4 * sigma) / Math.sqrt(2 * (n - 1));

describe('gaussian (ziggurat)', () => {
  it('has mean 0, σ 1, kurtosis 3 and the right tail mass', () => {
    const s = new RandomStream('zig');
    const n = 400_000;
    let m1 = 0, m2 = 0, m4 = 0, tail = 0;
    for (let i = 0; i < n; i++) {
      const x = gaussian(s);
      m1 += x; m2 += x * x; m4 += x ** 4;
      if (Math.abs(x) > 3.5) tail++;
    }
    expect(Math.abs(m1 / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(m2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(m4 / n - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
    const pTail = 4.6525e-4; // P(|x| > 3.5)
    expect(Math.abs(tail / n - pTail)).toBeLessThan(4 * Math.sqrt(pTail / n));
  });
});

describe('cycle-to-cycle noise', () => {
  it('one pulse adds Gaussian noise of the configured σ (measured over 20k devices)', () => {
    const sigma = 2.5;
    const p = deviceParams(base, { c2c: sigma });
    const n = 20_000;
    const arr = createDeviceArray(p, n, new RandomStreams(11), 'c2c', { initial: new Float32Array(n).fill(500) });
    applyPulses(arr, idxOf(n), new Int32Array(n).fill(1), n, 0);
    const [m, s] = meanStd(Array.from(arr.g, (g) => g - 510));
    expect(Math.abs(m)).toBeLessThan((4 * sigma) / Math.sqrt(n));
    expect(Math.abs(s - sigma)).toBeLessThan(sdTol(sigma, n));
  });

  it('k pulses spread as σ·√k (random walk), both polarities', () => {
    const sigma = 2;
    const p = deviceParams(base, { c2c: sigma });
    const n = 20_000;
    for (const pol of [1, -1]) {
      const arr = createDeviceArray(p, n, new RandomStreams(12), 'walk', { initial: new Float32Array(n).fill(500) });
      applyPulses(arr, idxOf(n), new Int32Array(n).fill(9 * pol), n, 0);
      const [m, s] = meanStd(arr.g);
      expect(Math.abs(m - (500 + pol * 90))).toBeLessThan((4 * 3 * sigma) / Math.sqrt(n));
      expect(Math.abs(s - 3 * sigma)).toBeLessThan(sdTol(3 * sigma, n));
    }
  });
});

describe('device-to-device variation (drawn at construction)', () => {
  const n = 20_000;
  it('step-size factors have the configured relative σ', () => {
    const p = deviceParams(base, { d2d: { step: 0.3 } });
    const arr = createDeviceArray(p, n, new RandomStreams(13), 'd2d');
    const [m, s] = meanStd(Array.from(arr.stepUp, (q) => q / FACTOR_ONE));
    expect(Math.abs(m - 1)).toBeLessThan((4 * 0.3) / Math.sqrt(n));
    expect(Math.abs(s - 0.3)).toBeLessThan(sdTol(0.3, n));
    // and the measured first steps follow them
    applyPulses(arr, idxOf(n), new Int32Array(n).fill(1), n, 0);
    const [ms, ss] = meanStd(arr.g);
    expect(Math.abs(ms - 10)).toBeLessThan((4 * 3) / Math.sqrt(n));
    expect(Math.abs(ss - 3)).toBeLessThan(sdTol(3, n) + 0.01);
  });

  it('the per-device up/down asymmetry δ has the configured σ: SET × (1 + δ), RESET × (1 − δ)', () => {
    const p = deviceParams(base, { d2d: { upDown: 0.1 } });
    const arr = createDeviceArray(p, n, new RandomStreams(21), 'ud');
    const deltas = Array.from(arr.stepUp, (q, i) => (q - arr.stepDown[i]) / (2 * FACTOR_ONE));
    const [m, s] = meanStd(deltas);
    expect(Math.abs(m)).toBeLessThan((4 * 0.1) / Math.sqrt(n));
    expect(Math.abs(s - 0.1)).toBeLessThan(sdTol(0.1, n));
  });

  it('gMin and gMax vary by σ·W independently', () => {
    const p = deviceParams(base, { gMin: 1000, gMax: 2000, d2d: { bounds: 0.1 } });
    const arr = createDeviceArray(p, n, new RandomStreams(14), 'bounds');
    const win = new Float64Array(2);
    const lo: number[] = [];
    const hi: number[] = [];
    for (let i = 0; i < n; i++) { deviceWindow(win, arr, i); lo.push(win[0]); hi.push(win[1]); }
    for (const [x, nominal] of [[lo, 1000], [hi, 2000]] as const) {
      const [m, s] = meanStd(x);
      expect(Math.abs(m - nominal)).toBeLessThan((4 * 100) / Math.sqrt(n));
      expect(Math.abs(s - 100)).toBeLessThan(sdTol(100, n));
    }
    // initial state is each device's own gMin
    for (let i = 0; i < 100; i++) expect(arr.g[i]).toBeCloseTo(lo[i], 2);
  });

  it('same seed and label → bit-identical devices; another label → different devices', () => {
    const p = DEVICE_PRESETS['reram-drift'];
    const a = createDeviceArray(p, 1000, new RandomStreams(42), 'x');
    const b = createDeviceArray(p, 1000, new RandomStreams(42), 'x');
    const c = createDeviceArray(p, 1000, new RandomStreams(42), 'y');
    for (const k of ['g', 'pulseCount', 'tProg', 'stepUp', 'boundLo', 'boundHi', 'nonlin', 'driftZ'] as const) expect(b[k]).toEqual(a[k]);
    expect(c.stepUp).not.toEqual(a.stepUp);
    const counts = Int32Array.from({ length: 1000 }, (_, i) => (i % 7) - 3);
    applyPulses(a, idxOf(1000), counts, 1000, 5e6);
    applyPulses(b, idxOf(1000), counts, 1000, 5e6);
    expect(b.g).toEqual(a.g);
    expect(b.energyPulse_nJ).toBe(a.energyPulse_nJ);
  });

  it(`stores ${BYTES_PER_DEVICE} bytes per device with every non-ideality enabled`, () => {
    const p = deviceParams(DEVICE_PRESETS['reram-drift'], { quantLevels: 32, asymmetry: 0.1 });
    const arr = createDeviceArray(p, 1000, new RandomStreams(1), 'mem');
    expect(deviceArrayBytes(arr)).toBe(24 * 1000);
  });
});

describe('stuck-at faults', () => {
  it('a fraction of devices is stuck from construction, at gMax with probability `high`, and never changes', () => {
    const n = 20_000;
    const p = deviceParams(base, { stuckAt: { fraction: 0.1, high: 0.25 }, drift: { nuMean: 0.1 } });
    const arr = createDeviceArray(p, n, new RandomStreams(15), 'sa');
    const faults: number[] = [];
    for (let i = 0; i < n; i++) if (arr.pulseCount[i] === FAULT_COUNT) faults.push(i);
    expect(Math.abs(faults.length / n - 0.1)).toBeLessThan(4 * Math.sqrt((0.1 * 0.9) / n));
    const high = faults.filter((i) => arr.g[i] === 1000).length;
    expect(Math.abs(high / faults.length - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / faults.length));
    const before = arr.g.slice();
    applyPulses(arr, idxOf(n), new Int32Array(n).fill(3), n, 1e7);
    const out = new Float32Array(n);
    readConductances(out, arr, 1e9, false);
    for (const i of faults) { expect(arr.g[i]).toBe(before[i]); expect(out[i]).toBe(before[i]); }
  });
});

describe('endurance', () => {
  it('the window shrinks as (p/E)² towards the stuck state, then the device changes no more', () => {
    const E = 400;
    for (const stuckState of ['gMin', 'gMax', 'last'] as const) {
      const p = deviceParams(base, { endurance: E, stuckState, c2c: 3 });
      const arr = createDeviceArray(p, 1, new RandomStreams(16), `e-${stuckState}`, { initial: new Float32Array([500]) });
      const idx = new Int32Array([0]);
      const c = new Int32Array(1);
      const rs = new RandomStream('e');
      let stuckAt = -1;
      for (let k = 0; k < 2 * E; k++) {
        c[0] = rs.uniform() < 0.5 ? 2 : -2;
        const before = arr.g[0];
        applyPulses(arr, idx, c, 1, k);
        const pc = arr.pulseCount[0];
        if (pc < E) {
          const r2 = (pc / E) ** 2;
          const gs = stuckState === 'gMin' ? 0 : stuckState === 'gMax' ? 1000 : 500;
          expect(arr.g[0]).toBeGreaterThanOrEqual(gs * r2 - 1e-3);
          expect(arr.g[0]).toBeLessThanOrEqual(1000 - (1000 - gs) * r2 + 1e-3);
        } else if (stuckAt < 0) {
          stuckAt = k;
          if (stuckState === 'gMin') expect(arr.g[0]).toBe(0);
          if (stuckState === 'gMax') expect(arr.g[0]).toBe(1000);
        } else {
          expect(arr.g[0]).toBe(before);
          expect(arr.pulseCount[0]).toBe(E);
        }
      }
      expect(stuckAt).toBe(E / 2 - 1);
    }
  });
});

describe('drift', () => {
  it('g(t) = g0·((t − t_prog)/t0)^(−ν): a log–log fit per device recovers ν, and ν ~ N(μ, σ)', () => {
    const n = 5000;
    const mu = 0.06;
    const sd = 0.02;
    const p = deviceParams(base, { drift: { nuMean: mu, nuStd: sd, t0: 1000 } });
    const arr = createDeviceArray(p, n, new RandomStreams(17), 'drift', { initial: new Float32Array(n).fill(800) });
    applyPulses(arr, idxOf(n), new Int32Array(n).fill(1), n, 100); // programmed at t = 100 ms → g0 = 810
    const times = [1e3, 1e4, 1e5, 1e6, 1e7];
    const logs = times.map(() => new Float32Array(n));
    times.forEach((dt, j) => ageTo(logs[j], arr, 100 + dt));
    const nus: number[] = [];
    for (let i = 0; i < n; i++) {
      const xs = times.map((dt) => Math.log(dt / 1000));
      const ys = logs.map((l) => Math.log(l[i] / 810));
      const mx = xs.reduce((a, b) => a + b) / xs.length;
      const my = ys.reduce((a, b) => a + b) / ys.length;
      let sxy = 0, sxx = 0;
      for (let j = 0; j < xs.length; j++) { sxy += (xs[j] - mx) * (ys[j] - my); sxx += (xs[j] - mx) ** 2; }
      const nu = -sxy / sxx;
      expect(nu).toBeCloseTo(mu + (sd * arr.driftZ[i]) / DRIFT_Z_SCALE, 4);
      nus.push(nu);
    }
    const [m, s] = meanStd(nus);
    expect(Math.abs(m - mu)).toBeLessThan((4 * sd) / Math.sqrt(n));
    expect(Math.abs(s - sd)).toBeLessThan(sdTol(sd, n));
    // no drift before t0; programming restarts it
    const out = new Float32Array(n);
    ageTo(out, arr, 100 + 999);
    expect(out[0]).toBe(arr.g[0]);
    applyPulses(arr, new Int32Array([0]), new Int32Array([-1]), 1, 2e7);
    ageTo(out, arr, 2e7 + 500);
    expect(out[0]).toBe(arr.g[0]);
    expect(arr.g[0]).toBeLessThan(800); // the pulse acted on the drifted value (810·(2e4)^−ν − 10)
  });

  it("'pcm' drift uses aihwkit's g-dependent ν statistics", () => {
    const p = DEVICE_PRESETS['pcm-gst'];
    const n = 4000;
    const arr = createDeviceArray(deviceParams(p, { d2d: { step: 0, bounds: 0, nonlinearity: 0 } }), n, new RandomStreams(18), 'pcm', { initial: new Float32Array(n).fill(p.gMax * 0.1) });
    const out = new Float32Array(n);
    ageTo(out, arr, p.drift.t0 * 1000);
    const nus = Array.from(out, (g) => -Math.log(g / arr.g[0]) / Math.log(1000));
    const [m, s] = meanStd(nus);
    const lx = Math.log(0.1);
    expect(m).toBeCloseTo(-0.0155 * lx + 0.0244, 3);
    expect(Math.abs(s - (-0.0125 * lx - 0.0059))).toBeLessThan(sdTol(0.0229, n));
  });
});

describe('read noise and energy', () => {
  it('each read adds N(0, abs + rel·g) and costs V²·G·t', () => {
    const n = 20_000;
    const p = deviceParams(base, { readNoise: { abs: 1, rel: 0.01 }, read: { v: 100, width: 0.001 }, pulse: { vUp: 1000, widthUp: 1e-4, vDown: 500, widthDown: 2e-4 } });
    const arr = createDeviceArray(p, n, new RandomStreams(19), 'read', { initial: new Float32Array(n).fill(400) });
    const out = new Float32Array(n);
    readConductances(out, arr, 0, true);
    const [m, s] = meanStd(out);
    expect(Math.abs(m - 400)).toBeLessThan((4 * 5) / Math.sqrt(n));
    expect(Math.abs(s - 5)).toBeLessThan(sdTol(5, n));
    expect(arr.energyRead_nJ).toBeCloseTo(n * 100 ** 2 * 400 * 0.001 * 1e-6, 6);
    readConductances(out, arr, 0, false);
    expect(out[0]).toBe(400);
    // pulse energy: V²·G_before·t per pulse
    const one = createDeviceArray(p, 1, new RandomStreams(1), 'e', { initial: new Float32Array([400]) });
    applyPulses(one, new Int32Array([0]), new Int32Array([2]), 1, 0);
    expect(one.energyPulse_nJ).toBeCloseTo(1000 ** 2 * 1e-4 * 1e-6 * (400 + 410), 9);
    applyPulses(one, new Int32Array([0]), new Int32Array([-1]), 1, 0);
    expect(one.energyPulse_nJ).toBeCloseTo(1000 ** 2 * 1e-4 * 1e-6 * 810 + 500 ** 2 * 2e-4 * 1e-6 * 420, 9);
    expect(one.pulses).toBe(3);
  });
});

describe('finite levels', () => {
  it('quantises the conductance to quantLevels evenly spaced values', () => {
    const p = deviceParams(base, { quantLevels: 11, c2c: 60 });
    const arr = createDeviceArray(p, 1000, new RandomStreams(20), 'q', { initial: new Float32Array(1000).fill(500) });
    applyPulses(arr, idxOf(1000), new Int32Array(1000).fill(1), 1000, 0);
    for (const g of arr.g) expect(Math.abs(g / 100 - Math.round(g / 100))).toBeLessThan(1e-5);
    expect(new Set(arr.g).size).toBeGreaterThan(2);
  });
});
