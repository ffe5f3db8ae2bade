/**
 * Weights → conductances for a multilayer perceptron on crossbars: validation of the weights and of
 * the deployment options, the device's device-to-device level, the pulse-number grid of the
 * device's fit, and the split of a weight over several differential pairs.
 *
 * Mapping (Xhameni & Lombardo 2025, arXiv:2506.17174, §3; core/crossbar/crossbar.ts): a weight w of
 * a layer whose largest |w| is R (the layer's weight range) is held by a differential pair as
 *
 *   u = w/R ∈ [−1, 1],   G+ = gStart + max(u, 0)·ΔG,   G− = gStart + max(−u, 0)·ΔG,
 *
 * weight 0 at the start of the device's linear range (both devices at gStart), ΔG = gEnd − gStart.
 * "Weights mapped to pulse numbers by the device's fit" ({@link snapToPulses}): the controller
 * turns |u|·ΔG into the whole number of nominal pulses m = round(pulsesToReach(gStart → G)), so
 * the weight it can ask for is the conductance those m pulses reach on the nominal law — for hfs2
 * (16 levels per device) one of the paper's 31 differential bins. Open-loop programming rounds to
 * that grid anyway; write-verify then verifies to the grid instead of to an analog value that the
 * device can only reach by the luck of its write noise.
 *
 * Several pairs per weight (aihwkit's multi-pair conductance converters; Boybat et al., Nat.
 * Commun. 9:2514 (2018), multi-memristive synapse): N pairs whose outputs are summed, each pair's
 * full span encoding R/N, so each pair uses its whole conductance range. Analog targets: each pair
 * holds w/N ({@link splitOverPairs}) — the same conductances a single pair would get for w, on its
 * own devices, so the sum of N independent programming errors, each of size σ·R/N, has size
 * σ·R/√N. Pulse-grid targets ({@link splitOnPulseGrid}): the pairs' levels are chosen so that
 * their sum lands within half a level of R/N of w — N times one pair's resolution — and their
 * random errors average the same way.
 *
 * Device-to-device level ({@link deviceWithDtod}): `dtod` = v sets the device's d2d to
 * step σ = v (aihwkit dw_min_dtod: the spread of the conductance update) and bounds σ = v/2 of the
 * window (aihwkit w_max_dtod = w_min_dtod = v, which aihwkit takes relative to |w_max|, half the
 * range) — the paper's "30 % for conductance update and how reliably we can achieve the
 * minimum/maximum conductance states". The device's own nonlinearity and up/down spreads are kept
 * (0 for hfs2). v = 0.3 reproduces every preset's own d2d.
 */
import { format } from '../../core/units.js';
import { deviceParams, type DeviceParams } from '../../core/devices/params.js';
import { devicePreset, resolveDevice } from '../../core/devices/presets.js';
import { gAfterPulses, pulsesToReach } from '../../core/devices/models.js';
import type { MlpWeights } from './types.js';

/** How weight targets are formed: on the pulse-number grid of the device's fit, or analog. */
export type TargetMode = 'pulses' | 'analog';

/** Largest device-to-device level accepted (a σ of 100 % of the step). */
export const MAX_DTOD = 1;

/**
 * Checks an MlpWeights object: ≥ 2 sizes of whole numbers ≥ 1, one weight matrix of
 * sizes[l]·sizes[l + 1] finite numbers and one bias vector of sizes[l + 1] per layer.
 * @throws Error naming the field, what is wrong and the fix; nothing is changed.
 */
export function checkMlpWeights(w: unknown, name = 'weights'): asserts w is MlpWeights {
  if (w === null || typeof w !== 'object') throw new Error(`${name} = ${format(w)} is not an MlpWeights object; give { sizes, weights, biases } (networks/mlp/types.ts).`);
  const m = w as Partial<MlpWeights>;
  const sizes = m.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new Error(`${name}.sizes = ${format(sizes)} is not a list of ≥ 2 layer widths; give the widths input first, e.g. [784, 500, 10].`);
  }
  for (let l = 0; l < sizes.length; l++) {
    const s = sizes[l];
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 1) throw new Error(`${name}.sizes[${l}] = ${format(s)} is not a whole number ≥ 1; give each layer's width.`);
  }
  const L = sizes.length - 1;
  if (!Array.isArray(m.weights) || m.weights.length !== L) {
    throw new Error(`${name}.weights has ${Array.isArray(m.weights) ? m.weights.length : format(m.weights)} matrices; sizes [${sizes.join(', ')}] needs ${L} (one per layer).`);
  }
  if (!Array.isArray(m.biases) || m.biases.length !== L) {
    throw new Error(`${name}.biases has ${Array.isArray(m.biases) ? m.biases.length : format(m.biases)} vectors; sizes [${sizes.join(', ')}] needs ${L} (one per layer).`);
  }
  for (let l = 0; l < L; l++) {
    const W = m.weights[l], b = m.biases[l];
    const nIn = sizes[l], nOut = sizes[l + 1];
    if (!(W instanceof Float32Array)) throw new Error(`${name}.weights[${l}] is not a Float32Array; give a Float32Array of ${nIn} × ${nOut} = ${nIn * nOut} weights (row-major by input).`);
    if (W.length !== nIn * nOut) {
      throw new Error(`${name}.weights[${l}] has ${W.length} entries; layer ${l} maps ${nIn} inputs to ${nOut} outputs and needs ${nIn} × ${nOut} = ${nIn * nOut} (W[i·${nOut} + j] from input i to output j); check sizes or transpose.`);
    }
    if (!(b instanceof Float32Array) || b.length !== nOut) {
      throw new Error(`${name}.biases[${l}] ${b instanceof Float32Array ? `has ${b.length} entries` : 'is not a Float32Array'}; layer ${l} needs a Float32Array of ${nOut} biases.`);
    }
    for (let t = 0; t < W.length; t++) {
      if (!Number.isFinite(W[t])) throw new Error(`${name}.weights[${l}][${t}] = ${W[t]} is not finite; the weights are corrupt (retrain, or clip NaN/Infinity away).`);
    }
    for (let j = 0; j < nOut; j++) {
      if (!Number.isFinite(b[j])) throw new Error(`${name}.biases[${l}][${j}] = ${b[j]} is not finite; the biases are corrupt (retrain).`);
    }
  }
}

/**
 * The device at device-to-device level `dtod` (see the module header): d2d step σ = dtod, bounds
 * σ = dtod/2 of the window; the rest of the device unchanged. `undefined`: the device as given.
 * @throws Error when dtod is not a number in [0, MAX_DTOD].
 */
export function deviceWithDtod(device: DeviceParams | string, dtod?: number): DeviceParams {
  const base = typeof device === 'string' ? devicePreset(device) : resolveDevice(device);
  if (dtod === undefined) return base;
  checkDtod(dtod);
  return deviceParams(base, { d2d: { step: dtod, bounds: dtod / 2 } });
}

/** @throws Error unless dtod is a finite number in [0, MAX_DTOD]. */
export function checkDtod(dtod: unknown, name = 'dtod'): void {
  if (typeof dtod !== 'number' || !Number.isFinite(dtod) || dtod < 0 || dtod > MAX_DTOD) {
    throw new Error(`${name} = ${format(dtod)} is not a device-to-device level in [0, ${MAX_DTOD}]; give a fraction, e.g. 0.3 for the paper's 30 %.`);
  }
}

/** @throws Error unless n is a whole number ≥ 1. */
export function checkPairsPerWeight(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new Error(`pairsPerWeight = ${format(n)} is not a whole number ≥ 1; give how many differential pairs hold one weight (1 = one pair, the paper's mapping; 2 or 4 to average programming errors).`);
  }
  if (n > 64) throw new Error(`pairsPerWeight = ${n} is more than 64 pairs per weight; give 1–64 (the programming error falls as 1/√N, so 4 already halves it).`);
  return n;
}

/** The largest |w| of a matrix (1 for an all-zero matrix): the weight its full span encodes. */
export function weightRangeOf(w: Float32Array): number {
  let m = 0;
  for (let t = 0; t < w.length; t++) { const a = w[t] < 0 ? -w[t] : w[t]; if (a > m) m = a; }
  return m > 0 ? m : 1;
}

/** Standard deviation of a matrix's entries (about their mean). */
export function weightStd(w: Float32Array): number {
  let m = 0;
  for (let t = 0; t < w.length; t++) m += w[t];
  m /= w.length || 1;
  let s = 0;
  for (let t = 0; t < w.length; t++) s += (w[t] - m) * (w[t] - m);
  return Math.sqrt(s / (w.length || 1));
}

/**
 * The weight range R a layer is mapped with: max|w|, or, with clipping at k standard deviations
 * (aihwkit's layer-wise Gaussian weight clipping), min(max|w|, k·std(w)) — weights beyond ±R are
 * held at ±R (the full span), and the rest get the span's resolution.
 */
export function mappingRange(w: Float32Array, clipSigmas?: number): number {
  const r = weightRangeOf(w);
  if (clipSigmas === undefined) return r;
  const c = clipSigmas * weightStd(w);
  return c > 0 && c < r ? c : r;
}

/** Copies w into out clipped to ±range; returns out (may alias w). */
export function clipTo(out: Float32Array, w: Float32Array, range: number): Float32Array {
  for (let t = 0; t < w.length; t++) out[t] = w[t] > range ? range : w[t] < -range ? -range : w[t];
  return out;
}

/**
 * Snaps weights to the pulse-number grid of the device's nominal fit: for each weight,
 * u = clip(w/range, −1, 1), m = round(pulsesToReach(device, gStart, gStart + |u|·ΔG)),
 * out = sign(u)·(G(m) − gStart)/ΔG·range with G(m) the nominal law m pulses from gStart (clipped
 * to [gStart, gEnd]). Writes into out (may alias w); returns out. gStart/gEnd: the crossbar's
 * linear range (the device window).
 */
export function snapToPulses(out: Float32Array, w: Float32Array, device: DeviceParams, range: number, gStart: number, gEnd: number): Float32Array {
  const { level, threshold, lut } = pulseGrid(device, gStart, gEnd);
  const mMax = level.length - 1;
  const inv = 1 / range;
  for (let t = 0; t < w.length; t++) {
    let u = w[t] * inv;
    if (u > 1) u = 1; else if (u < -1) u = -1;
    const a = u < 0 ? -u : u;
    // m = round(pulsesToReach(gStart → gStart + a·ΔG)): the number of thresholds ≤ a, counted up
    // from the count at the start of a's bin of the lookup table
    let m = lut[(a * LUT_BINS) | 0];
    while (m < mMax && a >= threshold[m]) m++;
    out[t] = (u < 0 ? -level[m] : level[m]) * range;
  }
  return out;
}

/**
 * A weight on N pairs whose targets are each on the pulse grid (N ≥ 1): the pairs' values v_k —
 * each a grid level times R/N, the weight one pair's full span encodes — are chosen greedily,
 * v_k = snap(r_k/(N − k)) with r_k = w − Σ_{q<k} v_q, so that Σ v_k is within half a level of
 * R/N of w: N pairs give N times the resolution of one (aihwkit's multi-pair conductance
 * converters split a weight unevenly over pairs for the same reason), and their independent
 * programming errors average. Writes pair k of weight (i, j) to phys[i·cols·N + j·N + k] (when
 * phys is given) and Σ_k v_k to target[i·cols + j]. N = 1 is snapToPulses.
 */
export function splitOnPulseGrid(target: Float32Array, phys: Float32Array | null, w: Float32Array, rows: number, cols: number, n: number, device: DeviceParams, range: number, gStart: number, gEnd: number): Float32Array {
  const { level, threshold, lut } = pulseGrid(device, gStart, gEnd);
  const mMax = level.length - 1;
  const r1 = range / n;
  const inv = 1 / r1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const t = i * cols + j;
      let rest = w[t];
      let sum = 0;
      for (let k = 0; k < n; k++) {
        let u = (rest / (n - k)) * inv;
        if (u > 1) u = 1; else if (u < -1) u = -1;
        const a = u < 0 ? -u : u;
        let m = lut[(a * LUT_BINS) | 0];
        while (m < mMax && a >= threshold[m]) m++;
        const v = Math.fround((u < 0 ? -level[m] : level[m]) * r1);
        if (phys !== null) phys[t * n + k] = v;
        sum += v;
        rest -= v;
      }
      target[t] = sum;
    }
  }
  return target;
}

/** The pulse grid of a device's nominal fit on [gStart, gEnd], cached per (device, range). */
interface PulseGrid {
  /** level[m]: |u| reached by m nominal pulses from gStart, m = 0 … mMax (clipped to [0, 1]) */
  readonly level: Float64Array;
  /** threshold[m]: the smallest |u| with round(pulsesToReach(gStart → gStart + |u|·ΔG)) ≥ m + 1 */
  readonly threshold: Float64Array;
  /** lut[b]: the number of thresholds ≤ b/LUT_BINS (b = 0 … LUT_BINS) */
  readonly lut: Int32Array;
}

/** Bins of the lookup table that starts the count of thresholds below |u|. */
const LUT_BINS = 4096;

const grids = new WeakMap<DeviceParams, Map<string, PulseGrid>>();

/**
 * Levels and rounding thresholds of the pulse grid: m nominal pulses reach level[m]; a weight of
 * magnitude |u| is asked m = round(pulsesToReach(|u|)) pulses, i.e. m ≥ k + 1 exactly when
 * pulsesToReach(|u|) ≥ k + ½ — found once per threshold by bisection on the (monotone) fit.
 */
function pulseGrid(device: DeviceParams, gStart: number, gEnd: number): PulseGrid {
  const key = `${gStart}/${gEnd}`;
  let byRange = grids.get(device);
  const known = byRange?.get(key);
  if (known) return known;
  const dG = gEnd - gStart;
  const P = (a: number): number => pulsesToReach(device, gStart, gStart + a * dG);
  const mMax = Math.max(0, Math.round(P(1)));
  const level = new Float64Array(mMax + 1);
  for (let m = 0; m <= mMax; m++) {
    const g = gAfterPulses(device, gStart, m);
    level[m] = (g < gStart ? 0 : g > gEnd ? dG : g - gStart) / dG;
  }
  const threshold = new Float64Array(mMax);
  for (let k = 0; k < mMax; k++) {
    let lo = 0, hi = 1; // P(lo) < k + ½ ≤ P(hi)
    for (let it = 0; it < 60 && hi - lo > 0; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid === lo || mid === hi) break;
      if (Math.round(P(mid)) >= k + 1) hi = mid; else lo = mid;
    }
    threshold[k] = hi;
  }
  const lut = new Int32Array(LUT_BINS + 1);
  for (let b = 0, m = 0; b <= LUT_BINS; b++) {
    while (m < mMax && b / LUT_BINS >= threshold[m]) m++;
    lut[b] = m;
  }
  const grid = { level, threshold, lut };
  if (!byRange) { byRange = new Map(); grids.set(device, byRange); }
  byRange.set(key, grid);
  return grid;
}

/**
 * The physical matrix of a layer held by N pairs per weight: rows × (cols·N), pair k of weight
 * (i, j) in column j·N + k (the N pairs of a weight side by side, in one array), each w/N.
 * N = 1 returns w itself.
 */
export function splitOverPairs(w: Float32Array, rows: number, cols: number, n: number): Float32Array {
  if (n === 1) return w;
  const out = new Float32Array(rows * cols * n);
  const cn = cols * n;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = w[i * cols + j] / n;
      const b = i * cn + j * n;
      for (let k = 0; k < n; k++) out[b + k] = v;
    }
  }
  return out;
}
