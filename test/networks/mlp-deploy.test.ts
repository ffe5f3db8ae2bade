/**
 * Deployment of an MLP onto crossbars (networks/mlp/deploy.ts, mapping.ts, deploy-instances.ts)
 * and hardware-aware training (networks/mlp/hwat.ts): the ideal crossbar against the digital
 * logits within a bound of float rounding; DAC/ADC quantisation, ADC clipping and the pulse grid
 * within their closed-form bounds; global compensation under uniform drift; the programming error
 * of N pairs per weight against 1/√N; the measured programming noise against the device's c2c law;
 * determinism; bad input refused before any work.
 */
import { describe, expect, it } from 'vitest';
import { IO_IDEAL } from '../../core/crossbar/params.js';
import { deviceParams } from '../../core/devices/params.js';
import { HFS2, IDEAL_DEVICE } from '../../core/devices/presets.js';
import { RandomStream } from '../../core/random.js';
import { loadMnist } from '../../networks/datasets/idx-node.js';
import { sliceDataset } from '../../networks/datasets/image-dataset.js';
import { deployMlp, type DeployOptions } from '../../networks/mlp/deploy.js';
import { driftCurve, dtodSweep, evaluateDeployment, instanceStats } from '../../networks/mlp/deploy-instances.js';
import { hwatTrain, measureProgrammingNoise, programmingSigma, HWAT_NONE } from '../../networks/mlp/hwat.js';
import { deviceWithDtod, snapToPulses, splitOnPulseGrid } from '../../networks/mlp/mapping.js';
import { createMlpTrainer } from '../../networks/mlp/train.js';
import type { MlpWeights } from '../../networks/mlp/types.js';

const trainAll = loadMnist({ split: 'train' });
const testAll = loadMnist({ split: 'test' });
const train5k = sliceDataset(trainAll, 0, 5000);
const test500 = sliceDataset(testAll, 0, 500);

/** A small network trained briefly with the digital trainer (784-64-10, 3 epochs on 5 000 images). */
const net: MlpWeights = (() => {
  const t = createMlpTrainer({ train: train5k, hyper: { sizes: [784, 64, 10], epochs: 3, seed: 1 } });
  t.advance(Infinity);
  return t.weights();
})();

/** IO with every non-ideality off (no DAC/ADC, noise, IR drop, drift). */
const PERFECT_IO = { ...IO_IDEAL };
const U8 = 2 ** -24;

/** Float64 digital logits and, per layer, the |activations| (for the bounds). */
function digital(w: MlpWeights, x: Float64Array): { logits: Float64Array; inputs: Float64Array[] } {
  let a = x;
  const inputs: Float64Array[] = [];
  for (let l = 0; l + 1 < w.sizes.length; l++) {
    inputs.push(a);
    const nIn = w.sizes[l], nOut = w.sizes[l + 1], W = w.weights[l];
    const z = Float64Array.from(w.biases[l]);
    for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) z[j] += a[i] * W[i * nOut + j];
    if (l + 2 < w.sizes.length) for (let j = 0; j < nOut; j++) z[j] = Math.max(0, z[j]);
    a = z;
  }
  return { logits: a, inputs };
}

function imageOf(ds: typeof test500, s: number): Float64Array {
  const x = new Float64Array(784);
  for (let i = 0; i < 784; i++) x[i] = ds.pixels[s * 784 + i] / 255;
  return x;
}

function maxAbs(w: Float32Array): number {
  let m = 0;
  for (const v of w) m = Math.max(m, Math.abs(v));
  return m;
}

describe('deployMlp: the ideal crossbar', () => {
  it('gives the digital logits within the bound of Float32 conductances', () => {
    // ideal device, IO ideal, exact programming: every weight is held as u = w/R in Float32
    // conductances (G = u·ΔG, then (G+ − G−)/ΔG stored as Float32): |ŵ − u| ≤ 2·2⁻²⁴ per weight.
    // Layer bound: |δz_j| ≤ Σ_i |δx_i|·|W_ij| + ε·R·Σ_i |x̃_i| with ε = 2·2⁻²⁴ (+ 1e-12 for the double sums).
    const d = deployMlp(net, { device: 'ideal', program: 'exact', io: PERFECT_IO, seed: 1 });
    const out = new Float64Array(10);
    let worst = 0, worstBound = 0;
    for (let s = 0; s < 100; s++) {
      const x = imageOf(test500, s);
      const ref = digital(net, x);
      d.forward(out, x);
      let dx = new Float64Array(784);
      let bound = new Float64Array(0);
      for (let l = 0; l < 2; l++) {
        const nIn = net.sizes[l], nOut = net.sizes[l + 1], W = net.weights[l], R = maxAbs(W);
        const a = ref.inputs[l];
        bound = new Float64Array(nOut);
        for (let j = 0; j < nOut; j++) {
          let b = 1e-12;
          for (let i = 0; i < nIn; i++) b += dx[i] * Math.abs(W[i * nOut + j]) + 2 * U8 * R * (Math.abs(a[i]) + dx[i]);
          bound[j] = b;
        }
        dx = bound;
      }
      for (let k = 0; k < 10; k++) {
        const e = Math.abs(out[k] - ref.logits[k]);
        expect(e).toBeLessThanOrEqual(bound[k]);
        worst = Math.max(worst, e);
        worstBound = Math.max(worstBound, bound[k]);
      }
    }
    expect(worstBound).toBeLessThan(1e-4); // the bound is float rounding, not a tolerance
    expect(worst).toBeGreaterThan(0);
  });

  it('classifies like the digital network and costs energy and time per inference', () => {
    const d = deployMlp(net, { device: 'ideal', program: 'exact', io: PERFECT_IO, seed: 1 });
    const ev = d.evaluate(test500.pixels, test500.labels);
    let right = 0;
    for (let s = 0; s < 500; s++) {
      const z = digital(net, imageOf(test500, s)).logits;
      let best = 0;
      for (let k = 1; k < 10; k++) if (z[k] > z[best]) best = k;
      if (best === test500.labels[s]) right++;
    }
    expect(ev.correct).toBe(right);
    expect(ev.accuracy).toBeGreaterThan(0.85);
    expect(ev.energyPerInference_nJ).toBeGreaterThan(0);
    // layers in sequence, each t_read + ⌈columns/8⌉·t_ADC (64 and 10 columns, 8 per ADC)
    expect(ev.latencyPerInference_ms).toBeCloseTo((1e-4 + 8 * 1e-5) + (1e-4 + 2 * 1e-5), 12);
  });
});

describe('deployMlp: quantisation and clipping within their closed forms', () => {
  // One layer, 300 inputs (two row tiles of 256 and 44), 20 outputs; ideal device, exact programming.
  const rs = new RandomStream('deploy-test/one-layer');
  const nIn = 300, nOut = 20;
  const W = new Float32Array(nIn * nOut);
  for (let t = 0; t < W.length; t++) W[t] = 2 * rs.uniform() - 1;
  const one: MlpWeights = { sizes: [nIn, nOut], weights: [W], biases: [new Float32Array(nOut)] };
  const R = maxAbs(W);
  const L = 127; // 8-bit signed converters
  const x = new Float64Array(nIn);
  for (let i = 0; i < nIn; i++) x[i] = rs.uniform() < 0.5 ? 0 : rs.uniform();
  const exact = new Float64Array(nOut);
  for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) exact[j] += x[i] * W[i * nOut + j];
  const tiles = [[0, 256], [256, 300]];
  const alpha = tiles.map(([a, b]) => { let m = 0; for (let i = a; i < b; i++) m = Math.max(m, Math.abs(x[i])); return m; });

  it('8-bit DAC: |error_j| ≤ Σ_tiles α_t·R·Σ_i |ŵ_ij|/(2L)', () => {
    const d = deployMlp(one, { device: 'ideal', program: 'exact', io: { ...PERFECT_IO, dacBits: 8 }, seed: 1 });
    const out = d.forward(new Float64Array(nOut), x);
    let worstRatio = 0;
    for (let j = 0; j < nOut; j++) {
      let bound = 1e-9;
      tiles.forEach(([a, b], t) => { let s = 0; for (let i = a; i < b; i++) s += Math.abs(W[i * nOut + j]) / R; bound += alpha[t] * R * s / (2 * L); });
      const e = Math.abs(out[j] - exact[j]);
      expect(e).toBeLessThanOrEqual(bound);
      worstRatio = Math.max(worstRatio, e / bound);
    }
    expect(worstRatio).toBeGreaterThan(0.01); // it does quantise
  });

  it('8-bit ADC: |error_j| ≤ Σ_tiles α_t·R·B/(2L) while no tile saturates', () => {
    const B = 100; // large enough that no tile's normalised sum reaches it
    const d = deployMlp(one, { device: 'ideal', program: 'exact', io: { ...PERFECT_IO, adcBits: 8, adcRange: B }, seed: 1 });
    const out = d.forward(new Float64Array(nOut), x);
    const bound = (alpha[0] + alpha[1]) * R * B / (2 * L) + 1e-9;
    let worst = 0;
    for (let j = 0; j < nOut; j++) {
      const e = Math.abs(out[j] - exact[j]);
      expect(e).toBeLessThanOrEqual(bound);
      worst = Math.max(worst, e);
    }
    expect(worst).toBeGreaterThan(0.05 * bound);
  });

  it('ADC saturation clips each tile at ±B: all-ones weights and inputs give n_tiles·B·R exactly', () => {
    const ones: MlpWeights = { sizes: [nIn, 3], weights: [new Float32Array(nIn * 3).fill(0.5)], biases: [new Float32Array(3)] };
    const B = 12;
    const d = deployMlp(ones, { device: 'ideal', program: 'exact', io: { ...PERFECT_IO, adcBits: 8, adcRange: B }, seed: 1 });
    const out = d.forward(new Float64Array(3), new Float64Array(nIn).fill(1));
    for (let j = 0; j < 3; j++) expect(out[j]).toBeCloseTo(2 * B * 0.5, 9); // tiles sum 256 and 44 > B, each clipped to B
  });

  it('the pulse grid: |snap(w) − w| ≤ half a level of the device fit (hfs2: (1 + β)/15/2 of R)', () => {
    const w = new Float32Array(20000);
    for (let t = 0; t < w.length; t++) w[t] = 2 * rs.uniform() - 1;
    const snapped = snapToPulses(new Float32Array(w.length), w, HFS2, 1, HFS2.gMin, HFS2.gMax);
    const half = (1 + HFS2.asymmetry) / 15 / 2;
    let worst = 0;
    const levels = new Set<number>();
    for (let t = 0; t < w.length; t++) {
      worst = Math.max(worst, Math.abs(snapped[t] - w[t]));
      levels.add(snapped[t]);
    }
    expect(worst).toBeLessThanOrEqual(half + 1e-6);
    expect(worst).toBeGreaterThan(0.95 * half);
    expect(levels.size).toBe(31); // the paper's 31 differential bins
  });

  it('N pairs on the pulse grid: the sum is within half a level of R/N, each pair on the grid', () => {
    const w = new Float32Array(20000);
    for (let t = 0; t < w.length; t++) w[t] = 2 * rs.uniform() - 1;
    const grid = new Set(Array.from(snapToPulses(new Float32Array(w.length), w, HFS2, 1, HFS2.gMin, HFS2.gMax)));
    for (const N of [2, 4]) {
      const phys = new Float32Array(w.length * N), sum = new Float32Array(w.length);
      splitOnPulseGrid(sum, phys, w, 100, 200, N, HFS2, 1, HFS2.gMin, HFS2.gMax);
      const half = (1 + HFS2.asymmetry) / 15 / 2 / N;
      let worst = 0, offGrid = 0;
      for (let t = 0; t < w.length; t++) {
        if (Math.abs(w[t]) < 0.9) worst = Math.max(worst, Math.abs(sum[t] - w[t]));
        for (let k = 0; k < N; k++) if (!grid.has(Math.fround(phys[t * N + k] * N))) offGrid++;
      }
      expect(offGrid).toBe(0);
      expect(worst).toBeLessThanOrEqual(half * (1 + 1e-5));
      expect(worst).toBeGreaterThan(0.9 * half);
    }
  });

  it('clipSigmas clips at ±k standard deviations: R = k·std, targets = clip(w, ±R)', () => {
    const d = deployMlp(one, { device: 'ideal', program: 'exact', io: PERFECT_IO, clipSigmas: 1, seed: 1 });
    const Rk = d.weightRanges[0];
    expect(Rk).toBeLessThan(R);
    const t = d.targets[0];
    for (let k = 0; k < W.length; k++) expect(t[k]).toBe(Math.abs(W[k]) > Rk ? Math.fround(Math.sign(W[k]) * Rk) : W[k]);
    const held = d.effectiveWeights(0);
    for (let k = 0; k < W.length; k++) expect(Math.abs(held[k] - t[k])).toBeLessThanOrEqual(4 * U8 * Rk);
  });
});

describe('deployMlp: drift and global compensation', () => {
  it('restores the fresh logits and accuracy when every device drifts by the same factor', () => {
    // ideal device (gMin = 0) with drift ν = 0.1 for every device (σ_ν = 0): at t every G is
    // G0·(t/t0)^(−ν), so every weight shrinks by f = (t/t0)^(−ν), and γ = 1/f exactly.
    const device = deviceParams(IDEAL_DEVICE, { drift: { nuMean: 0.1, nuStd: 0, t0: 1000 } });
    const io = { ...PERFECT_IO, drift: true, driftCompensation: 'global' as const };
    const d = deployMlp(net, { device, program: 'exact', io, seed: 3 });
    const fresh = d.evaluate(test500.pixels, test500.labels);
    const tenYears = 3.15576e11;
    const f = (tenYears / 1000) ** -0.1;
    const comp = d.evaluate(test500.pixels, test500.labels, { ageMs: tenYears, compensate: true });
    const unc = d.evaluate(test500.pixels, test500.labels, { ageMs: tenYears, compensate: false });
    expect(comp.compensation[0]).toBeCloseTo(1 / f, 6);
    expect(comp.compensation[1]).toBeCloseTo(1 / f, 6);
    expect(comp.accuracy).toBe(fresh.accuracy);
    expect(unc.accuracy).toBeLessThan(fresh.accuracy - 0.02); // the biases now outweigh the shrunken products
    // the compensated logits are the fresh ones; the uncompensated ones are the network with W·f
    const x = imageOf(test500, 0);
    const a = d.setAge(0).forward(new Float64Array(10), x);
    const b = d.setAge(tenYears).forward(new Float64Array(10), x, true);
    for (let k = 0; k < 10; k++) expect(b[k]).toBeCloseTo(a[k], 5);
    const shrunk: MlpWeights = { sizes: net.sizes, weights: net.weights.map((W) => W.map((v) => v * f)), biases: net.biases };
    const c = d.forward(new Float64Array(10), x, false);
    const ref = digital(shrunk, x).logits;
    for (let k = 0; k < 10; k++) expect(c[k]).toBeCloseTo(ref[k], 4);
  });

  it('driftCurve reports both readings per time, mean ± std over instances', () => {
    const pts = driftCurve(net, { images: test500.pixels, labels: test500.labels }, {
      device: 'hfs2', program: 'open-loop', dtod: 0, seed: 1, instances: 2, count: 200, times: [{ label: '1 s', ms: 1e3 }, { label: '1 year', ms: 3.15576e10 }],
    });
    expect(pts.map((p) => p.label)).toEqual(['1 s', '1 year']);
    for (const p of pts) {
      expect(p.compensated.values).toHaveLength(2);
      expect(p.uncompensated.values).toHaveLength(2);
    }
    expect(pts[1].gamma.mean).toBeGreaterThan(1.02); // hfs2 loses ≈ 5 % in a year; γ makes it up
  });
});

describe('pairsPerWeight: N pairs per weight', () => {
  it('reduce the programming error ≈ 1/√N (independent devices, 24 576 weights)', () => {
    // targets on hfs2's pulse grid within |u| ≤ 0.6 (away from the devices' varied tops), random signs;
    // open loop at 30 % d2d; IO perfect: what is read is what was programmed (pairs summed). The
    // error's random part (about its mean for each target) is what N independent pairs average;
    // its mean — the same for every pair of a target (open loop cannot see a device floor below
    // the nominal start) — stays.
    const rs = new RandomStream('deploy-test/pairs');
    const nIn = 256, nOut = 96;
    const W = new Float32Array(nIn * nOut);
    for (let t = 0; t < W.length; t++) W[t] = (rs.uniform() < 0.5 ? -1 : 1) * Math.round(rs.uniform() * 9) / 15;
    W[0] = 1; // R = 1
    const one: MlpWeights = { sizes: [nIn, nOut], weights: [W], biases: [new Float32Array(nOut)] };
    const rms = [1, 2, 4].map((N) => {
      const d = deployMlp(one, { device: 'hfs2', dtod: 0.3, program: 'open-loop', io: PERFECT_IO, pairsPerWeight: N, tile: 256, seed: 5 });
      const got = d.effectiveWeights(0), want = d.targets[0];
      const sum = new Map<number, [number, number, number]>();
      for (let t = 1; t < W.length; t++) {
        const e = got[t] - want[t];
        const g = sum.get(want[t]) ?? [0, 0, 0];
        sum.set(want[t], [g[0] + 1, g[1] + e, g[2] + e * e]);
      }
      let s = 0, n = 0;
      for (const [c, m, q] of sum.values()) { s += q - m * m / c; n += c; }
      return Math.sqrt(s / n);
    });
    expect(rms[0]).toBeGreaterThan(0.05); // 30 % d2d: a large error to average
    expect(rms[1] / rms[0]).toBeGreaterThan(0.9 / Math.SQRT2);
    expect(rms[1] / rms[0]).toBeLessThan(1.1 / Math.SQRT2);
    expect(rms[2] / rms[0]).toBeGreaterThan(0.9 / 2);
    expect(rms[2] / rms[0]).toBeLessThan(1.1 / 2);
  });

  it('cost N× the array energy and ADC conversions per inference', () => {
    const e = [1, 2].map((N) => deployMlp(net, { device: 'hfs2', pairsPerWeight: N, seed: 1 }).evaluate(test500.pixels, test500.labels, { count: 20 }).energyPerInference_nJ);
    expect(e[1] / e[0]).toBeGreaterThan(1.9);
    expect(e[1] / e[0]).toBeLessThan(2.1);
  });
});

describe('measureProgrammingNoise', () => {
  it('finds the c2c law of open-loop programming: σ²(u) = (σ_c2c/ΔG)²·m(u), m = 15|u|/(1 + β)', () => {
    // hfs2 without d2d: a weight u is m pulses on one device (σ_c2c·√m), the other stays at gStart.
    // Weights spread evenly over the levels m = 0 … 14 (one at R = 1, the top, which clips).
    const rs = new RandomStream('deploy-test/c2c');
    const W = new Float32Array(256 * 200);
    for (let t = 0; t < W.length; t++) W[t] = (rs.uniform() < 0.5 ? -1 : 1) * Math.floor(rs.uniform() * 15) * (1 + HFS2.asymmetry) / 15;
    W[0] = 1;
    const one: MlpWeights = { sizes: [256, 200], weights: [W], biases: [new Float32Array(200)] };
    const [L] = measureProgrammingNoise(one, { device: 'hfs2', dtod: 0, program: 'open-loop', seed: 1 }).layers;
    const dG = HFS2.gMax - HFS2.gMin;
    const b = (HFS2.c2c / dG) ** 2 * 15 / (1 + HFS2.asymmetry);
    for (const m of [1, 4, 8, 14]) {
      const u = m * (1 + HFS2.asymmetry) / 15;
      expect(programmingSigma(L, u) ** 2 / (b * u)).toBeGreaterThan(0.93);
      expect(programmingSigma(L, u) ** 2 / (b * u)).toBeLessThan(1.07);
    }
    expect(Math.abs(L.a)).toBeLessThan(0.02 * b); // no pulse, no error
    expect(Math.abs(L.mean)).toBeLessThan(0.01 * Math.sqrt(b)); // write noise is unbiased
  });

  it('is larger with device-to-device variation and smaller with write-verify', () => {
    const ol = measureProgrammingNoise(net, { device: 'hfs2', dtod: 0.3, program: 'open-loop', seed: 1 });
    const wv = measureProgrammingNoise(net, { device: 'hfs2', dtod: 0.3, program: 'write-verify', seed: 1 });
    expect(ol.layers[0].rms).toBeGreaterThan(0.1); // the devices' floors differ: σ 0.15 ΔG each
    expect(wv.layers[0].rms).toBeLessThan(0.03); // verified within 0.02 ΔG
  });
});

describe('hwatTrain', () => {
  const deploy: DeployOptions = { device: 'hfs2', dtod: 0.3, program: 'write-verify', seed: 1 };
  const small = sliceDataset(trainAll, 0, 1000);

  it('is deterministic, keeps the weights inside the clip bound and records each epoch', () => {
    const a = hwatTrain(net, small, { deploy, epochs: 1, seed: 2 });
    const b = hwatTrain(net, small, { deploy, epochs: 1, seed: 2, noise: a.noise });
    expect(a.history).toHaveLength(1);
    for (let l = 0; l < 2; l++) {
      expect(Array.from(a.weights.weights[l])).toEqual(Array.from(b.weights.weights[l]));
      expect(maxAbs(a.weights.weights[l])).toBeLessThanOrEqual(a.clip[l]);
      expect(a.clip[l]).toBeLessThanOrEqual(maxAbs(net.weights[l]));
    }
    expect(a.clip[0]).toBeLessThan(maxAbs(net.weights[0])); // 2.5 σ: the 784 × 64 layer's largest weights are clipped
  });

  it('with every ingredient off is plain fine-tuning: the weights move, no clipping', () => {
    const r = hwatTrain(net, small, { deploy, epochs: 1, seed: 2, ingredients: HWAT_NONE });
    expect(r.clip).toEqual([Infinity, Infinity]);
    let moved = 0;
    for (let t = 0; t < net.weights[0].length; t++) if (r.weights.weights[0][t] !== net.weights[0][t]) moved++;
    expect(moved).toBeGreaterThan(0.1 * net.weights[0].length);
  });
});

describe('device instances', () => {
  const data = { images: test500.pixels, labels: test500.labels };

  it('the same seed gives the same accuracy and logits bit for bit; another seed other devices', () => {
    const o: DeployOptions = { device: 'hfs2', dtod: 0.3, program: 'open-loop', seed: 7 };
    const a = deployMlp(net, o), b = deployMlp(net, o), c = deployMlp(net, { ...o, seed: 8 });
    const x = imageOf(test500, 1);
    const za = a.forward(new Float64Array(10), x), zb = b.forward(new Float64Array(10), x), zc = c.forward(new Float64Array(10), x);
    expect(Array.from(zb)).toEqual(Array.from(za));
    expect(Array.from(zc)).not.toEqual(Array.from(za));
    const r1 = evaluateDeployment(net, data, { ...o, instances: 2, count: 100 });
    const r2 = evaluateDeployment(net, data, { ...o, instances: 2, count: 100 });
    expect(r2.accuracy.values).toEqual(r1.accuracy.values);
    expect(r1.accuracy.mean).toBe(instanceStats(r1.accuracy.values).mean);
  });

  it('dtodSweep gives one row per level; 0 % is no worse than 50 %', () => {
    const rows = dtodSweep(net, data, { device: 'hfs2', program: 'open-loop', seed: 1, instances: 2, count: 200, levels: [0, 0.5] });
    expect(rows.map((r) => r.dtod)).toEqual([0, 0.5]);
    expect(rows[0].accuracy.mean).toBeGreaterThanOrEqual(rows[1].accuracy.mean);
    expect(rows[1].settings.device.d2d.step).toBe(0.5);
    expect(rows[1].settings.device.d2d.bounds).toBe(0.25);
  });

  it('dtod 0.3 is the preset\'s own d2d (aihwkit dw_min_dtod 0.3, w_min/max_dtod 0.3 of half the range)', () => {
    expect(deviceWithDtod('hfs2', 0.3).d2d).toEqual(HFS2.d2d);
  });
});

describe('bad input is refused before any work, naming what and how to fix it', () => {
  const data = { images: test500.pixels, labels: test500.labels };

  it('weights of the wrong shape', () => {
    const bad = { ...net, weights: [net.weights[0].subarray(0, 1000), net.weights[1]] };
    expect(() => deployMlp(bad, { device: 'hfs2', seed: 1 })).toThrow(/weights\[0\] has 1000 entries; layer 0 maps 784 inputs to 64 outputs and needs 784 × 64 = 50176/);
    expect(() => deployMlp({ ...net, biases: [net.biases[0]] }, { device: 'hfs2', seed: 1 })).toThrow(/biases has 1 vectors; sizes \[784, 64, 10\] needs 2/);
    const nan = { ...net, weights: [Float32Array.from(net.weights[0]), net.weights[1]] };
    nan.weights[0][5] = NaN;
    expect(() => deployMlp(nan, { device: 'hfs2', seed: 1 })).toThrow(/weights\[0\]\[5\] = NaN is not finite/);
  });

  it('an array size that does not fit', () => {
    expect(() => deployMlp(net, { device: 'hfs2', seed: 1, tile: 0 })).toThrow(/tile = 0 is not a whole number ≥ 1; give the array side/);
    expect(() => deployMlp(net, { device: 'hfs2', seed: 1, tile: 100000 })).toThrow(/larger than 8192 cells/);
    expect(() => deployMlp(net, { device: 'hfs2', seed: 1, pairsPerWeight: 3 })).toThrow(/tile.cols = 256 pairs does not fit pairsPerWeight = 3.*give tile.cols = 255/);
  });

  it('pairsPerWeight 0, an unknown preset, a d2d level out of range, a wrong mode', () => {
    expect(() => deployMlp(net, { device: 'hfs2', seed: 1, pairsPerWeight: 0 })).toThrow(/pairsPerWeight = 0 is not a whole number ≥ 1/);
    expect(() => deployMlp(net, { device: 'hfs3', seed: 1 })).toThrow(/unknown device preset 'hfs3'; known presets: hfs2/);
    expect(() => deployMlp(net, { device: 'hfs2', seed: 1, dtod: -0.1 })).toThrow(/dtod = -0.1 is not a device-to-device level in \[0, 1\]; give a fraction, e.g. 0.3/);
    expect(() => deployMlp(net, { device: 'hfs2', seed: 1, program: 'verify' as 'open-loop' })).toThrow(/program = 'verify' is not a programming mode/);
  });

  it('images and labels that do not fit the network', () => {
    const d = deployMlp(net, { device: 'ideal', program: 'exact', io: PERFECT_IO, seed: 1 });
    expect(() => d.evaluate(test500.pixels.subarray(0, 1000), test500.labels)).toThrow(/images has 1000 values for 500 labels; this network takes 784 inputs per image/);
    const labels = Uint8Array.from(test500.labels);
    labels[3] = 12;
    expect(() => d.evaluate(test500.pixels, labels)).toThrow(/labels\[3\] = 12 is not a class of this network; labels run 0 … 9/);
  });

  it('a sweep checks every row before the first instance', () => {
    let instances = 0;
    expect(() => dtodSweep(net, data, { device: 'hfs2', seed: 1, instances: 1, levels: [0, 0.3, 2], onInstance: () => { instances++; } })).toThrow(/dtod = 2 is not a device-to-device level/);
    expect(instances).toBe(0);
    expect(() => evaluateDeployment(net, data, { device: 'hfs2', seed: 1, instances: 0 })).toThrow(/instances = 0 is not a whole number ≥ 1/);
  });
});
