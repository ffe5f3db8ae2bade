import { describe, expect, it } from 'vitest';
import { deviceParams, DEVICE_PRESETS, memristiveStore, nominalStep, type MemristiveStore } from '../../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../../core/random.js';
import { floatStore, type StoreInit } from '../../../core/synapses/store.js';

function init(initial: number[] | Float32Array, seed = 1, label = 'proj'): StoreInit {
  const w = initial instanceof Float32Array ? initial : Float32Array.from(initial);
  return { size: w.length, initial: w, random: new RandomStreams(seed), label, dt: 0.5 };
}
const make = (o: Parameters<typeof memristiveStore>[0], i: StoreInit): MemristiveStore => memristiveStore(o).create(i) as MemristiveStore;

describe('memristiveStore', () => {
  it('single mode maps w = wMax·(G − gMin)/(gMax − gMin) and programs the initial weights open-loop', () => {
    const s = make({ device: 'ideal', mode: 'single', wMax: 2 }, init([0, 0.5, 1.25, 2]));
    expect(s.kind).toBe('memristive');
    expect(s.wMin).toBe(0);
    expect(s.wMax).toBe(2);
    const half = (0.5 * 2) / 65536;
    [0, 0.5, 1.25, 2].forEach((w, k) => expect(Math.abs(s.weights[k] - w)).toBeLessThanOrEqual(half + 1e-6));
    expect(s.devices.length).toBe(1);
    expect(s.devices[0].g[3]).toBeCloseTo(100, 3);
    expect(s.energyPulse_nJ).toBe(0);
    expect(s.pulses).toBe(0);
  });

  it('pair mode stores signed weights as G⁺ − G⁻ and set-only pulses SET one side', () => {
    const s = make({ device: 'ideal', wMax: 1 }, init([0.3, -0.6, 0]));
    expect(s.wMin).toBe(-1);
    expect(s.weights[1]).toBeCloseTo(-0.6, 4);
    const [gp, gm] = s.devices;
    const before = [gp.g[2], gm.g[2]];
    s.pulse(Int32Array.from([2, 0]), Int32Array.from([100, -100]), 2, 1);
    expect(gp.g[2] - before[0]).toBeCloseTo(100 * nominalStep(DEVICE_PRESETS['ideal'], 1), 5);
    expect(gm.g[2]).toBe(before[1]);
    expect(s.weights[2]).toBeCloseTo(100 * s.wStepUp, 5);
    expect(s.weights[0]).toBeCloseTo(0.3 - 100 * s.wStepDown, 4);
    expect(s.weights[1]).toBeCloseTo(-0.6, 4); // untouched
    expect(s.pulses).toBe(200);
  });

  it('set-only refresh: a saturating pair is reset and the weight rewritten onto one device', () => {
    const p = deviceParams(DEVICE_PRESETS['ideal'], { levels: 101 }); // step 1 µS = 0.01 wMax
    const s = make({ device: p, wMax: 1, refreshAt: 0.5 }, init([0.2]));
    const one = Int32Array.from([0]);
    for (let k = 0; k < 20; k++) { s.pulse(one, Int32Array.from([2]), 1, k); s.pulse(one, Int32Array.from([-1]), 1, k); }
    expect(s.refreshes).toBeGreaterThan(0);
    expect(s.weights[0]).toBeCloseTo(0.2 + 20 * 0.02 - 20 * 0.01, 5);
    const [gp, gm] = s.devices;
    expect(Math.max(gp.g[0], gm.g[0])).toBeLessThanOrEqual(50 + 1e-3 + 2);
  });

  it("push-pull moves both devices: + SETs G⁺ and RESETs G⁻", () => {
    const p = deviceParams(DEVICE_PRESETS['ideal'], { levels: 101 });
    const s = make({ device: p, wMax: 1, pairPolicy: 'push-pull' }, init([0]));
    s.devices[1].g[0] = 50; // put G⁻ mid-window so it can be RESET
    s.pulse(Int32Array.from([0]), Int32Array.from([3]), 1, 0);
    expect(s.devices[0].g[0]).toBeCloseTo(3, 5);
    expect(s.devices[1].g[0]).toBeCloseTo(47, 5);
    expect(s.weights[0]).toBeCloseTo(-0.44, 5);
    expect(s.wStepUp).toBeCloseTo(0.02, 9);
  });

  it('age(t) refreshes the weights from drifted conductances', () => {
    const p = deviceParams(DEVICE_PRESETS['ideal'], { drift: { nuMean: 0.05, nuStd: 0, t0: 1000 } });
    const s = make({ device: p, mode: 'single', wMax: 1 }, init([0.5, 1]));
    s.age(1000 * 1e4);
    expect(s.weights[0]).toBeCloseTo(0.5 * 1e4 ** -0.05, 4);
    expect(s.weights[1]).toBeCloseTo(1e4 ** -0.05, 4);
  });

  /**
   * Current-based LIF neurons driven by Poisson inputs with pair-based STDP whose Δw is rounded to
   * whole device steps (deterministically); `apply` is the store-specific weight change.
   */
  function stdpRun(weights: Float32Array, nPre: number, nPost: number, dw: number, eta: number, apply: (syn: Int32Array, cnt: Int32Array, n: number, t: number) => void): number[] {
    const size = nPre * nPost;
    const spikesIn = new RandomStream('input');
    const v = new Float64Array(nPost).fill(-65);
    const xPre = new Float64Array(nPre);
    const xPost = new Float64Array(nPost);
    const syn = new Int32Array(2 * size);
    const cnt = new Int32Array(2 * size);
    const out: number[] = [];
    for (let step = 0; step < 4000; step++) {
      let m = 0;
      for (let j = 0; j < nPost; j++) v[j] = -65 + (v[j] + 65) * Math.exp(-0.5 / 20);
      for (let i = 0; i < nPre; i++) {
        xPre[i] *= Math.exp(-0.5 / 20);
        if (spikesIn.uniform() < 0.02) {
          xPre[i] += 1;
          for (let j = 0; j < nPost; j++) {
            v[j] += 4 * weights[i * nPost + j];
            const c = -Math.round((1.1 * xPost[j] * eta) / dw); // depression on a pre spike (slightly dominant)
            if (c !== 0) { syn[m] = i * nPost + j; cnt[m++] = c; }
          }
        }
      }
      for (let j = 0; j < nPost; j++) {
        xPost[j] *= Math.exp(-0.5 / 20);
        if (v[j] >= -55) {
          v[j] = -65;
          xPost[j] += 1;
          out.push(step * 100 + j);
          for (let i = 0; i < nPre; i++) {
            const c = Math.round((xPre[i] * eta) / dw); // potentiation on a post spike
            if (c !== 0) { syn[m] = i * nPost + j; cnt[m++] = c; }
          }
        }
      }
      if (m > 0) apply(syn, cnt, m, step * 0.5);
    }
    return out;
  }

  it('with an ideal device and a fine step it reproduces float-weight spike trains bit-identically (weights on the step grid)', () => {
    // Ideal device with a power-of-two window (64 µS, 2¹⁶ steps of 2⁻¹⁰ µS): every conductance and
    // weight (multiples of 2⁻¹⁶ wMax) is exact in Float32, so float and device weights are identical.
    const ideal64 = deviceParams(DEVICE_PRESETS['ideal'], { gMax: 64 });
    const nPre = 60;
    const nPost = 6;
    const rs = new RandomStream('w0');
    // wMax = 4 keeps the weights away from the window's ends (no clipping: set-only pairs apply a
    // batch's SETs of G⁺ before those of G⁻, which differs from float only when a bound clips).
    const w0 = Float32Array.from({ length: nPre * nPost }, () => Math.round((0.5 * rs.uniform() - 0.1) * 16384) / 16384);
    const mem = make({ device: ideal64, wMax: 4, refreshAt: 0.1 }, init(w0, 3));
    const flt = floatStore({ wMin: -4, wMax: 4 }).create(init(w0, 3));
    expect(mem.weights).toEqual(flt.weights);
    const dw = mem.wStepUp;
    expect(dw).toBe(2 ** -14);
    const spikesMem = stdpRun(mem.weights, nPre, nPost, dw, 0.005, (syn, cnt, n, t) => mem.pulse(syn, cnt, n, t));
    const spikesFlt = stdpRun(flt.weights, nPre, nPost, dw, 0.005, (syn, cnt, n) => {
      for (let k = 0; k < n; k++) flt.weights[syn[k]] = Math.min(4, Math.max(-4, flt.weights[syn[k]] + cnt[k] * dw));
    });
    expect(spikesMem.length).toBeGreaterThan(100);
    expect(mem.refreshes).toBeGreaterThan(0);
    expect(Math.max(...Array.from(flt.weights, Math.abs))).toBeLessThan(4);
    expect(spikesMem).toEqual(spikesFlt);
    expect(mem.weights).toEqual(flt.weights);
  });

  it("with the 'ideal' preset (100 µS window) the weights track float weights to Float32 precision and spike trains agree", () => {
    const nPre = 60;
    const nPost = 6;
    const rs = new RandomStream('w0');
    const w0 = Float32Array.from({ length: nPre * nPost }, () => 0.5 * rs.uniform() - 0.1);
    const mem = make({ device: 'ideal', wMax: 4 }, init(w0, 3));
    const flt = floatStore({ wMin: -4, wMax: 4 }).create(init(w0, 3));
    const dw = mem.wStepUp;
    // initial open-loop programming: within half a step (4/65536/2) plus Float32 rounding
    for (let k = 0; k < w0.length; k++) expect(Math.abs(mem.weights[k] - w0[k])).toBeLessThanOrEqual(0.5 * dw + 1e-6);
    const spikesMem = stdpRun(mem.weights, nPre, nPost, dw, 0.005, (syn, cnt, n, t) => mem.pulse(syn, cnt, n, t));
    const spikesFlt = stdpRun(flt.weights, nPre, nPost, dw, 0.005, (syn, cnt, n) => {
      for (let k = 0; k < n; k++) flt.weights[syn[k]] = Math.min(4, Math.max(-4, flt.weights[syn[k]] + cnt[k] * dw));
    });
    let maxErr = 0;
    for (let k = 0; k < w0.length; k++) maxErr = Math.max(maxErr, Math.abs(mem.weights[k] - flt.weights[k]));
    // stated tolerance: |w_device − w_float| ≤ 1e-4·wMax after 2 s of STDP; spike trains identical
    expect(maxErr).toBeLessThanOrEqual(4e-4);
    expect(spikesMem.length).toBeGreaterThan(100);
    expect(spikesMem).toEqual(spikesFlt);
  });

  it('snapshot/restore round-trips device state bit-identically; a bad snapshot changes nothing', () => {
    const s = make({ device: 'reram-drift', wMax: 1 }, init(Float32Array.from({ length: 50 }, (_, k) => (k % 10) / 10 - 0.45), 7));
    const idx = Int32Array.from({ length: 50 }, (_, k) => k);
    const cnt = Int32Array.from({ length: 50 }, (_, k) => (k % 5) - 2);
    s.pulse(idx, cnt, 50, 10);
    const snap = s.snapshot();
    const g = s.devices[0].g.slice();
    s.pulse(idx, cnt, 50, 5e6);
    expect(s.devices[0].g).not.toEqual(g);
    const bad = { ...snap, size: 49 };
    const now = s.devices[0].g.slice();
    expect(() => s.restore(bad)).toThrow(/size 49 does not match 50/);
    expect(s.devices[0].g).toEqual(now);
    const noArr = { ...snap, arrays: { ...snap.arrays, 'g-.driftZ': new Int16Array(50) } } as never;
    expect(() => s.restore(noArr)).toThrow(/g-\.driftZ missing or of the wrong type/);
    s.restore(snap);
    expect(s.devices[0].g).toEqual(g);
    expect(s.devices[1].driftZ).toEqual(make({ device: 'reram-drift', wMax: 1 }, init(new Float32Array(50), 7)).devices[1].driftZ);
    expect(s.weights).toEqual(snap.arrays['weights']);
  });

  it.each([
    [{ device: 'nope', wMax: 1 }, /unknown device preset 'nope'; known presets: hfs2/],
    [{ device: 'hfs2', wMax: 0 }, /wMax = 0 must be a finite number > 0/],
    [{ device: 'hfs2', wMax: 1, mode: 'triple' }, /mode = 'triple' is not 'single' or 'pair'/],
    [{ device: 'hfs2', wMax: 1, refreshAt: 0 }, /refreshAt = 0 must be in \(0, 1\]/],
  ])('rejects options %j', (o, re) => {
    expect(() => memristiveStore(o as never)).toThrow(re);
  });

  it('rejects initial weights outside the mapped range', () => {
    expect(() => make({ device: 'hfs2', mode: 'single', wMax: 1 }, init([0.5, -0.1]))).toThrow(/initial weight \[1\] = -0\.1.* is outside \[0, 1\].*mode: 'pair'/);
  });
});
