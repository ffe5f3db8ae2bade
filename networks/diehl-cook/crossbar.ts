/**
 * Rate-coded crossbar inference of a trained Diehl & Cook network.
 *
 * The trained input → excitatory weights (784 × N, weight units) are programmed into a Crossbar
 * (core/crossbar) of a device preset — open-loop from the device's fit or by write-verify — and
 * each test image is presented as its expected input spike-count vector over the presentation
 * window (the rate code: x_i = r_i·T, r_i = pixel_i/8·2 Hz, T = 350 ms) through the DAC. The column
 * currents y_j = Σ_i x_i·w_ij are the excitatory neurons' integrated input drive. The winner is the
 * neuron whose drive, above its usual drive, is largest relative to its distance from rest to
 * threshold:
 *
 *   score_j = (y_j − α·ȳ_j) / (vThresh + θ_j − vRest)^p
 *
 * — the neuron that would reach threshold first and silence the others through lateral
 * inhibition. ȳ_j is column j's mean output over `calibrationSamples` *training* images, read
 * through this crossbar right after programming (a per-column digital offset; the threshold
 * distance is a per-column digital gain, both applied after the ADC); α ∈ {0, ¼, ½, ¾, 1} and
 * p ∈ {1, 1.5, 2} are chosen by accuracy on those same training images. The predicted class is
 * the winner's label (the same label assignment as the temporal evaluation; no test data is used).
 * Why not Diehl & Cook's class-mean vote on the raw drives: drives are graded, spike counts under
 * lateral inhibition are close to winner-take-all, so the plain vote mixes in neurons that would
 * have stayed silent (docs/code-history.md has the comparison).
 * Readout 'vote' (option; the default is the winner above): Diehl & Cook's own decision — the
 * class whose assigned neurons respond most on average — applied to the drives. Each neuron's
 * response is e^((score_j − max score)/(τ·|max score|)), a steep stand-in for its spike count under
 * lateral inhibition; the class score is the mean over the neurons assigned to that class;
 * τ ∈ {0.005, 0.01, 0.02, 0.05, 0.1} is chosen on the calibration images with α and p. As τ → 0
 * it is the winner's label.
 * Column correction: before the offsets, each column's ADC output gets a digital affine
 * correction y'_j = a_j·y_j + b_j, fitted by least squares on the same training images against
 * the products Σ_i x_i·w_ij of the weights the array was meant to hold (known digitally). It takes
 * out what acts on a column as a whole — IR drop attenuating the far columns and rows of a tile,
 * the ADC's clipping offset, pair offsets left by programming — as the per-column gain/offset
 * calibration of mixed-signal in-memory computing chips does (e.g. Acore-CIM, Numan et al. 2025,
 * arXiv:2506.15440, on-chip column self-calibration).
 * The array can be aged (drift) and read with or without global drift compensation
 * (aihwkit-style); the correction is fitted right after programming and kept at every age.
 */
import { createCrossbar, type ProgramReport } from '../../core/crossbar/crossbar.js';
import { IO_HFS2_PAPER, type IoParams } from '../../core/crossbar/params.js';
import type { DeviceParams } from '../../core/devices/params.js';
import { image, type ImageDataset } from '../datasets/image-dataset.js';
import { PIXEL_RATE_DIVISOR, START_INTENSITY, PRESENTATION_MS } from '../datasets/encoding.js';
import { classify } from './readout.js';
import type { DiehlCookModel } from './network.js';
import { exp, pow } from '../../core/math.js';

/**
 * ADC full scale for rate-coded MNIST inference [normalised output units]. aihwkit's default bound
 * (12) saturates here: a 784-row column sums many active inputs. 64 sits on the plateau between
 * saturation (smaller ranges) and lost resolution of the 8-bit ADC (larger ones), with a margin
 * against saturation (the sweep is in docs/code-history.md).
 */
export const INFERENCE_ADC_RANGE = 64;

export interface CrossbarInferenceOptions {
  readonly device: DeviceParams | string;
  readonly io?: Partial<IoParams>;
  readonly program?: 'open-loop' | 'write-verify';
  /** age of the array at read time [ms] (drift); default 0 */
  readonly ageMs?: number;
  /** global drift compensation; default true */
  readonly compensate?: boolean;
  /** test images, from `start` (default 0) */
  readonly samples: number;
  readonly start?: number;
  readonly seed?: number;
  /** weight encoded by the full conductance span of a cell (default: the trained memristive store's wMax; max|w| for float weights) */
  readonly weightRange?: number;
  /** training images whose mean column outputs calibrate the per-column offsets */
  readonly calibration?: ImageDataset;
  /** how many (from the start of `calibration`); default 2000 */
  readonly calibrationSamples?: number;
  /** per-column affine correction of the ADC outputs, fitted on `calibration`; default true */
  readonly columnCorrection?: boolean;
  /** 'winner' (default): the label of the highest-scoring neuron; 'vote': class-mean vote of all neurons */
  readonly readout?: Readout;
}

export type Readout = 'winner' | 'vote';
export const READOUTS: readonly Readout[] = Object.freeze(['winner', 'vote'] as Readout[]);

/** The outcome of a crossbar evaluation, with the raw per-image outputs. */
export interface CrossbarEvaluation {
  readonly samples: number;
  readonly correct: number;
  readonly accuracy: number;
  /** confusion[true][predicted]; predicted −1 (no labelled winner) in column 10 */
  readonly confusion: number[][];
  /** column outputs per test image after the correction (samples × neurons) */
  readonly responses: Float32Array;
  readonly predictions: Int8Array;
  readonly programming: ProgramReport;
  /** inference energy per image (one vmm) [nJ] */
  readonly inferenceEnergy_nJ: number;
  /** programming energy of the whole array [nJ] */
  readonly programmingEnergy_nJ: number;
  readonly latencyUs: number;
  readonly ageMs: number;
  readonly compensate: boolean;
  /** readout calibration chosen on training images */
  readonly readoutOffset: number;
  readonly readoutPower: number;
  readonly readout: Readout;
  /** vote temperature τ chosen on the calibration images (0 for the winner readout) */
  readonly readoutTemperature: number;
  /** whether the per-column affine correction was applied */
  readonly columnCorrection: boolean;
  /** wall time of the test images [s] (programming and calibration excluded) */
  readonly seconds: number;
}

/**
 * A crossbar evaluation that advances a bounded amount of work at a time: first the programming
 * (one unit), then one unit per calibration image, then one per test image.
 */
export interface CrossbarRun {
  /** test images in all, and done so far */
  readonly total: number;
  readonly done: number;
  readonly correct: number;
  readonly finished: boolean;
  /** Does at most `units` units of work; returns the test images completed. */
  advance(units: number): number;
  /** The outcome (once finished). */
  result(): CrossbarEvaluation;
}

/**
 * Starts a crossbar evaluation of `model` with the label assignment `labels`: nothing is done
 * until `advance`. The array is programmed from the model's weights as they are when it starts.
 */
export function crossbarEvaluation(model: DiehlCookModel, labels: Int8Array, test: ImageDataset, o: CrossbarInferenceOptions): CrossbarRun {
  const readout = o.readout ?? 'winner';
  if (!READOUTS.includes(readout)) throw new Error(`readout = ${JSON.stringify(readout)} is not a readout; give ${READOUTS.join(' or ')}.`);
  const start = o.start ?? 0;
  if (!Number.isInteger(o.samples) || o.samples < 1 || start + o.samples > test.count) throw new Error(`crossbar evaluation: ${o.samples} test images from ${start} do not fit ${test.source} (${test.count} images).`);
  const nIn = model.options.nInput;
  const nOut = model.options.nExc;
  const m = o.calibration ? Math.min(o.calibrationSamples ?? 2000, o.calibration.count) : 0;
  const columnCorrection = o.calibration !== undefined && o.columnCorrection !== false;
  const store = model.inputToExc.store;
  const x = new Float64Array(nIn);
  const y = new Float64Array(nOut);
  const outs = new Float64Array(m * nOut);
  const wanted = columnCorrection ? new Float64Array(m * nOut) : null;
  const offsets = new Float64Array(nOut);
  const colGain = new Float64Array(nOut).fill(1);
  const colOffset = new Float64Array(nOut);
  const response = new Float64Array(nOut);
  const confusion = Array.from({ length: 10 }, () => new Array<number>(11).fill(0));
  const responses = new Float32Array(o.samples * nOut);
  const predictions = new Int8Array(o.samples);
  let xbar: ReturnType<typeof createCrossbar> | null = null;
  let programming: ProgramReport | null = null;
  let calibrated = 0;
  let alpha = 1;
  let power = 1;
  let tau = 0;
  let gain: Float64Array = new Float64Array(0);
  let done = 0;
  let correct = 0;
  let energy = 0;
  let seconds = 0;
  const ageMs = o.ageMs ?? 0;

  // Programming: dense, row-major input × excitatory = the crossbar layout. Cells are differential
  // pairs (as in the seed paper): a trained memristive synapse can sit below zero weight (its
  // device's own gMin lies below the nominal one, d2d variation), and the pair keeps that sign.
  // Weight range: by default the trained store's own mapping (wMax per device window), so that the
  // trained weights land on the same level grid; float-trained weights use max|w|. Weights beyond
  // the range saturate at the window's end (a pair whose devices' windows were wider by d2d).
  const program = (): void => {
    xbar = createCrossbar({
      rows: nIn,
      cols: nOut,
      device: o.device,
      io: { ...IO_HFS2_PAPER, adcRange: INFERENCE_ADC_RANGE, ...o.io, driftCompensation: o.compensate === false ? 'none' : 'global' },
      cell: 'differential',
      seed: o.seed ?? 1,
      label: 'inference',
    });
    const weightRange = o.weightRange ?? (store.kind === 'memristive' ? store.wMax : undefined);
    programming = xbar.program(store.weights, { mode: o.program ?? 'open-loop', ...(weightRange !== undefined ? { weightRange } : {}) });
    xbar.setAge(0);
  };
  // Readout calibration on training images, read right after programming: per-column mean outputs
  // ȳ_j, then the offset weight α and the gain exponent p of score_j = (y_j − α·ȳ_j)/(threshold
  // distance_j)^p chosen from a small grid by accuracy on those same training images.
  const calibrateOne = (k: number): void => {
    rateCode(x, image(o.calibration!, k));
    xbar!.vmm(y, x);
    outs.set(y, k * nOut);
    if (wanted) exactProduct(wanted, k * nOut, x, store.weights, nOut);
  };
  const fit = (): void => {
    const distance = thresholdDistances(model);
    if (m > 0) {
      if (wanted) {
        fitColumns(colGain, colOffset, outs, wanted, m, nOut);
        for (let k = 0; k < m; k++) correctColumns(outs, k * nOut, nOut, colGain, colOffset);
      }
      for (let k = 0; k < m; k++) for (let j = 0; j < nOut; j++) offsets[j] += outs[k * nOut + j];
      for (let j = 0; j < nOut; j++) offsets[j] /= m;
      let best = -1;
      for (const p of READOUT_POWERS) {
        const g = distance.map((d) => 1 / pow(d, p));
        for (const a of READOUT_OFFSETS) {
          for (const t of readout === 'vote' ? READOUT_TEMPERATURES : [0]) {
            let right = 0;
            for (let k = 0; k < m; k++) if (classifyDrives(outs, k * nOut, offsets, a, g, t, labels, response) === o.calibration!.labels[k]) right++;
            if (right > best) {
              best = right;
              alpha = a;
              power = p;
              tau = t;
            }
          }
        }
      }
    }
    gain = distance.map((d) => 1 / pow(d, power));
    xbar!.setAge(ageMs);
  };
  const evaluateOne = (): void => {
    const k = done;
    const idx = start + k;
    rateCode(x, image(test, idx));
    xbar!.vmm(y, x);
    energy += xbar!.lastEnergy_nJ;
    if (columnCorrection) correctColumns(y, 0, nOut, colGain, colOffset);
    for (let j = 0; j < nOut; j++) responses[k * nOut + j] = y[j];
    const p = classifyDrives(y, 0, offsets, alpha, gain, tau, labels, response);
    predictions[k] = p;
    const cls = test.labels[idx];
    confusion[cls][p < 0 ? 10 : p]++;
    if (p === cls) correct++;
    done++;
  };
  const run: CrossbarRun = {
    total: o.samples,
    get done() {
      return done;
    },
    get correct() {
      return correct;
    },
    get finished() {
      return done === o.samples;
    },
    advance(units: number): number {
      const before = done;
      let left = units;
      while (left > 0 && done < o.samples) {
        if (xbar === null) program();
        else if (calibrated < m) calibrateOne(calibrated++);
        else {
          if (calibrated === m) {
            fit();
            calibrated++;
          }
          const t0 = performance.now();
          evaluateOne();
          seconds += (performance.now() - t0) / 1000;
        }
        left--;
      }
      return done - before;
    },
    result(): CrossbarEvaluation {
      if (done < o.samples) throw new Error(`crossbar evaluation: ${done} of ${o.samples} test images done; advance it to the end first.`);
      const xb = xbar!;
      const prog = programming!;
      return {
        samples: o.samples,
        correct,
        accuracy: correct / o.samples,
        confusion,
        responses,
        predictions,
        programming: prog,
        inferenceEnergy_nJ: energy / o.samples,
        programmingEnergy_nJ: prog.energy_nJ,
        latencyUs: xb.latency * 1000,
        ageMs,
        compensate: o.compensate !== false,
        readoutOffset: alpha,
        readoutPower: power,
        readout,
        readoutTemperature: tau,
        columnCorrection,
        seconds,
      };
    },
  };
  return run;
}

/** A whole crossbar evaluation in one call (crossbarEvaluation run to the end). */
export function crossbarEvaluate(model: DiehlCookModel, labels: Int8Array, test: ImageDataset, o: CrossbarInferenceOptions): CrossbarEvaluation {
  const r = crossbarEvaluation(model, labels, test, o);
  while (!r.finished) r.advance(Infinity);
  return r.result();
}

/** out[off + j] = Σ_i x_i·w_ij (row-major weights, input i): the product the array should compute. */
function exactProduct(out: Float64Array, off: number, x: Float64Array, w: ArrayLike<number>, nOut: number): void {
  for (let j = 0; j < nOut; j++) out[off + j] = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * nOut;
    for (let j = 0; j < nOut; j++) out[off + j] += xi * w[row + j];
  }
}

/**
 * Least-squares gain and offset per column, wanted ≈ a_j·measured + b_j over m samples. A column
 * whose output does not vary (a dead column) keeps a = 1 and gets only the mean difference.
 */
function fitColumns(a: Float64Array, b: Float64Array, measured: Float64Array, wanted: Float64Array, m: number, n: number): void {
  for (let j = 0; j < n; j++) {
    let su = 0, sv = 0;
    for (let k = 0; k < m; k++) { su += measured[k * n + j]; sv += wanted[k * n + j]; }
    const mu = su / m, mv = sv / m;
    let suu = 0, suv = 0;
    for (let k = 0; k < m; k++) {
      const du = measured[k * n + j] - mu;
      suu += du * du;
      suv += du * (wanted[k * n + j] - mv);
    }
    a[j] = suu > 1e-12 * m * (1 + mu * mu) ? suv / suu : 1;
    b[j] = mv - a[j] * mu;
  }
}

function correctColumns(y: Float64Array, off: number, n: number, a: Float64Array, b: Float64Array): void {
  for (let j = 0; j < n; j++) y[off + j] = a[j] * y[off + j] + b[j];
}

/** Grids of the readout calibration (see crossbarEvaluate). */
export const READOUT_POWERS = Object.freeze([1, 1.5, 2]);
export const READOUT_OFFSETS = Object.freeze([0, 0.25, 0.5, 0.75, 1]);
export const READOUT_TEMPERATURES = Object.freeze([0.005, 0.01, 0.02, 0.05, 0.1]);

/** Distance from rest to threshold of each excitatory neuron, vThresh + θ_j − vRest [mV]. */
function thresholdDistances(model: DiehlCookModel): Float64Array {
  const k = model.exc.spec.params;
  const theta = model.exc.state.theta;
  const out = new Float64Array(theta.length);
  for (let j = 0; j < out.length; j++) out[j] = Math.max(1e-9, (k.vThresh as number) + theta[j] - (k.vRest as number));
  return out;
}

/** argmax_j (y_j − α·ȳ_j)·gain_j over one output row. */
function winner(y: Float64Array, off: number, n: number, offsets: Float64Array, alpha: number, gain: Float64Array): number {
  let win = 0;
  let best = -Infinity;
  for (let j = 0; j < n; j++) {
    const s = (y[off + j] - alpha * offsets[j]) * gain[j];
    if (s > best) {
      best = s;
      win = j;
    }
  }
  return win;
}

/**
 * The predicted class of one output row (−1: no labelled winner). τ = 0: the label of argmax_j
 * score_j, score_j = (y_j − α·ȳ_j)·gain_j. τ > 0: each neuron's response e^((score_j − max)/(τ·|max|))
 * goes into `response` (scratch, one entry per neuron), and Diehl & Cook's class-mean vote
 * (diehl-cook.ts `classify`) decides.
 */
export function classifyDrives(y: Float64Array, off: number, offsets: Float64Array, alpha: number, gain: Float64Array, tau: number, labels: Int8Array, response: Float64Array): number {
  const n = response.length;
  if (tau === 0) return labels[winner(y, off, n, offsets, alpha, gain)];
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    response[j] = (y[off + j] - alpha * offsets[j]) * gain[j];
    if (response[j] > max) max = response[j];
  }
  const scale = 1 / (tau * Math.abs(max) + 1e-300);
  for (let j = 0; j < n; j++) response[j] = exp((response[j] - max) * scale);
  return classify(response, labels);
}

/** Expected input spike counts of an image over the presentation window at the starting intensity. */
function rateCode(x: Float64Array, px: Uint8Array): void {
  const countPerPixel = ((START_INTENSITY / PIXEL_RATE_DIVISOR) * PRESENTATION_MS) / 1000;
  for (let i = 0; i < x.length; i++) x[i] = px[i] * countPerPixel;
}

