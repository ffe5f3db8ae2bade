/**
 * Hardware-aware training (HWAT): a few epochs of fine-tuning of digitally trained weights with
 * the deployment's non-idealities in the forward pass, as the seed paper's 5 HWAT epochs
 * (Xhameni & Lombardo 2025, §3) and aihwkit's hardware-aware training (Rasch et al., Nat. Commun.
 * 14:5282 (2023): weight-noise injection, clipping, output noise; gradients straight through).
 *
 * Per minibatch, for every layer l with master weights W_l (kept digital, updated by Adam):
 *
 *   R_l   = the mapping range (max|W_l|; with `clip` the weights are held in ±k·std(W_l⁰), the
 *           standard deviation of the starting weights, after every update)
 *   W̃_l   = q(W_l)                        the device's pulse grid (`quantise`; mapping.ts
 *                                          splitOnPulseGrid: N pairs' levels summed)
 *         + R_l·σ_l(|W̃_l|/R_l)·ξ          programming noise of the measured size (`programmingNoise`
 *                                          × scale), ξ ~ N(0, 1) per weight, fresh per minibatch
 *   z_l   = b_l + x_l·W̃_l + (σ_out·R_l/√N)·√(Σ_t α_t²)·ξ'    output noise (`outputNoise` × scale):
 *           the crossbar's normalised output noise σ_out (IO outNoise) in weight units, one draw per
 *           sample and column, α_t = max|x| over the rows of array t (the DAC's ABS_MAX scale), N
 *           pairs per weight summed
 *   ∂loss/∂W_l = ∂loss/∂W̃_l               (straight-through: the noisy, quantised forward pass's
 *                                          gradient updates the master weights)
 *
 * The programming noise is measured, not assumed ({@link measureProgrammingNoise}): the network
 * is deployed on the very device, programming mode, d2d level and pairs per weight it will be
 * deployed with, with every IO non-ideality off, and the programmed weights (G+ − G−, pairs summed)
 * are compared with their pulse-grid targets; the squared error of each layer is fitted as
 * σ²(u) = a + b·|u| + c·u² of the target's |u| = |w|/R (a: the devices' floors, b: write noise
 * growing with the number of pulses, c: the spread of the step size).
 *
 * Training runs on the digital trainer's engine and kernels (networks/mlp/engine.ts, WebAssembly
 * SIMD): the noisy weights are written into the engine's parameters for the forward and backward
 * passes, the master weights restored before Adam's update. Output noise on hidden layers is added
 * where the engine's forward pass applies the ReLU (its `reluList` kernel is wrapped: the
 * pre-activations of the sample are in the heap when it is called) — the engine has no hook for
 * it. Deterministic: the same weights, data, options and seed give the same weights bit for bit.
 */
import { RandomStreams, type RandomStream } from '../../core/random.js';
import { gaussian } from '../../core/devices/normal.js';
import { format } from '../../core/units.js';
import type { ImageDataset } from '../datasets/image-dataset.js';
import { deploySettings, DeployedMlp, type DeployOptions } from './deploy.js';
import { backward, createEngine, fillFromImages, forward, loadWeights, readWeights, softmaxCrossEntropy, sparseImages, type Engine } from './engine.js';
import type { MlpKernelChoice } from './kernels.js';
import { checkMlpWeights, clipTo, mappingRange, splitOnPulseGrid, weightRangeOf, weightStd } from './mapping.js';
import { checkDataset } from './model.js';
import type { MlpWeights } from './types.js';
import { pow } from '../../core/math.js';

/** The measured programming error of one layer, in units of its weight range R. */
export interface LayerNoise {
  /** σ²(u) = a + b·|u| + c·u² (u = target/R) */
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** rms error / R over all the layer's weights, and the mean error / R (bias) */
  readonly rms: number;
  readonly mean: number;
  /** weights measured */
  readonly samples: number;
}

/** The measured programming error of a deployment, per layer. */
export interface ProgrammingNoise {
  readonly layers: readonly LayerNoise[];
  /** the linear range the weights were mapped onto [µS] (the crossbar's gStart, gEnd) */
  readonly gStart: number;
  readonly gEnd: number;
  /** the deployment measured (its device resolved at its d2d level) */
  readonly settings: DeployedMlp['settings'];
}

/** σ(u) of a layer's measured noise (0 where the fit goes negative). */
export function programmingSigma(n: LayerNoise, u: number): number {
  const a = u < 0 ? -u : u;
  const v = n.a + n.b * a + n.c * a * a;
  return v > 0 ? Math.sqrt(v) : 0;
}

/** IO with every non-ideality off: what is read is what was programmed. */
const IO_PROGRAMMED_ONLY = Object.freeze({
  dacBits: null, adcBits: null, adcRange: Infinity, outNoise: 0, readNoise: false, drift: false, rowWireResistance: 0, colWireResistance: 0,
});

/**
 * Measures the programming error of a deployment (see the module header) over `instances` device
 * instances (default 1; seeds `${seed}/noise/${k}`): deploys the weights with the options' device,
 * program mode, d2d level, pairs per weight, targets and clipping, every IO non-ideality off, and
 * fits each layer's squared errors against |target|/R.
 */
export function measureProgrammingNoise(weights: MlpWeights, opts: DeployOptions & { readonly instances?: number }): ProgrammingNoise {
  checkMlpWeights(weights);
  const instances = opts.instances ?? 1;
  if (!Number.isInteger(instances) || instances < 1) throw new Error(`instances = ${format(instances)} is not a whole number ≥ 1; give how many device instances to measure.`);
  const base = deploySettings(weights.sizes, { ...opts, io: IO_PROGRAMMED_ONLY });
  const L = weights.sizes.length - 1;
  // normal equations of e² ≈ a + b|u| + c u², per layer: Σ φφᵀ and Σ φ e²
  const A = Array.from({ length: L }, () => new Float64Array(9));
  const y = Array.from({ length: L }, () => new Float64Array(3));
  const sum = new Float64Array(L), sum2 = new Float64Array(L), cnt = new Float64Array(L);
  let gStart = 0, gEnd = 1;
  let first: DeployedMlp | null = null;
  for (let k = 0; k < instances; k++) {
    const d = new DeployedMlp(weights, { ...base, seed: `${opts.seed}/noise/${k}` });
    first ??= d;
    gStart = d.crossbars[0].gStart;
    gEnd = d.crossbars[0].gEnd;
    for (let l = 0; l < L; l++) {
      const R = d.weightRanges[l];
      const got = d.effectiveWeights(l, false);
      const want = d.targets[l];
      const M = A[l], v = y[l];
      for (let t = 0; t < want.length; t++) {
        const u = Math.abs(want[t]) / R;
        const e = (got[t] - want[t]) / R;
        const e2 = e * e;
        const phi0 = 1, phi1 = u, phi2 = u * u;
        M[0] += phi0 * phi0; M[1] += phi0 * phi1; M[2] += phi0 * phi2;
        M[4] += phi1 * phi1; M[5] += phi1 * phi2; M[8] += phi2 * phi2;
        v[0] += e2; v[1] += phi1 * e2; v[2] += phi2 * e2;
        sum[l] += e; sum2[l] += e2; cnt[l]++;
      }
    }
  }
  const layers: LayerNoise[] = [];
  for (let l = 0; l < L; l++) {
    const M = A[l];
    M[3] = M[1]; M[6] = M[2]; M[7] = M[5];
    const [a, b, c] = solve3(M, y[l]);
    layers.push(Object.freeze({ a, b, c, rms: Math.sqrt(sum2[l] / cnt[l]), mean: sum[l] / cnt[l], samples: cnt[l] }));
  }
  return Object.freeze({ layers: Object.freeze(layers), gStart, gEnd, settings: first!.settings });
}

/** Solves the 3 × 3 system M·x = v (Gaussian elimination with partial pivoting; a singular system, e.g. all |u| equal, falls back to the mean). */
function solve3(M: Float64Array, v: Float64Array): [number, number, number] {
  const m = [[M[0], M[1], M[2], v[0]], [M[3], M[4], M[5], v[1]], [M[6], M[7], M[8], v[2]]];
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    if (Math.abs(m[c][c]) < 1e-12 * Math.max(1, Math.abs(M[0]))) return [v[0] / M[0], 0, 0];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let q = c; q < 4; q++) m[r][q] -= f * m[c][q];
    }
  }
  return [m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]];
}

/** Which non-idealities the forward pass carries (0 / false: off). */
export interface HwatIngredients {
  /** programming noise of the measured size, × this factor */
  readonly programmingNoise: number;
  /** weights on the device's pulse grid (straight-through gradient); only for deployments with targets 'pulses' */
  readonly quantise: boolean;
  /** clip at ±k standard deviations of the starting weights (and deploy with R = that clip) */
  readonly clip: number;
  /** the crossbar's output noise (IO outNoise), × this factor */
  readonly outputNoise: number;
}

/** Every ingredient on; clipping at 2.5 σ (aihwkit's layer-wise Gaussian clipping examples). */
export const HWAT_ALL: HwatIngredients = Object.freeze({ programmingNoise: 1, quantise: true, clip: 2.5, outputNoise: 1 });
/** Nothing on: plain digital fine-tuning for the same epochs (the control). */
export const HWAT_NONE: HwatIngredients = Object.freeze({ programmingNoise: 0, quantise: false, clip: 0, outputNoise: 0 });

/** Options of {@link hwatTrain}. */
export interface HwatOptions {
  /** the deployment the network is prepared for (device, program, dtod, pairsPerWeight, tile, io, targets); its seed seeds the noise measurement */
  readonly deploy: DeployOptions;
  /** default HWAT_ALL; fields left out are taken from HWAT_ALL */
  readonly ingredients?: Partial<HwatIngredients>;
  /** epochs (default 5, the paper's) */
  readonly epochs?: number;
  /** samples per minibatch (default 128) */
  readonly batchSize?: number;
  /** Adam's learning rate (default 1e-4, a tenth of digital training's) */
  readonly learningRate?: number;
  /** seed of the minibatch order and of the injected noise (default 1) */
  readonly seed?: number | string;
  readonly kernel?: MlpKernelChoice;
  /** a measured noise to use instead of measuring it */
  readonly noise?: ProgrammingNoise;
  /** called after each epoch */
  readonly onEpoch?: (e: HwatEpoch) => void;
}

/** One HWAT epoch. */
export interface HwatEpoch {
  readonly epoch: number;
  /** mean cross-entropy of the noisy forward passes [nats] */
  readonly loss: number;
  /** fraction of training samples right in their (noisy) forward pass */
  readonly trainAccuracy: number;
  readonly ms: number;
}

/** What hwatTrain returns. */
export interface HwatResult {
  readonly weights: MlpWeights;
  readonly ingredients: HwatIngredients;
  /** the programming noise injected (measured on the starting weights) */
  readonly noise: ProgrammingNoise;
  /** per layer, the clip bound (Infinity without clipping) */
  readonly clip: readonly number[];
  readonly history: readonly HwatEpoch[];
  /**
   * Deployment options to use with the result: the given ones (without `clipSigmas` when the
   * training clipped: the trained weights' max|w| is then the clip bound, which maps to the span).
   */
  readonly deploy: DeployOptions;
}

function checkIngredients(p: Partial<HwatIngredients> | undefined): HwatIngredients {
  if (p !== undefined && (p === null || typeof p !== 'object')) throw new Error(`ingredients = ${format(p)} is not an object; give e.g. { programmingNoise: 1, quantise: true, clip: 2.5, outputNoise: 1 }.`);
  const known = Object.keys(HWAT_ALL);
  for (const k of Object.keys(p ?? {})) if (!known.includes(k)) throw new Error(`ingredients.${k} is not an HWAT ingredient; known: ${known.join(', ')}.`);
  const r = { ...HWAT_ALL, ...(p ?? {}) };
  for (const f of ['programmingNoise', 'clip', 'outputNoise'] as const) {
    if (typeof r[f] !== 'number' || !Number.isFinite(r[f]) || r[f] < 0) throw new Error(`ingredients.${f} = ${format(r[f])} is not a number ≥ 0; give 0 to switch it off${f === 'clip' ? ', or k for ±k standard deviations (e.g. 2.5)' : ', 1 for the measured size'}.`);
  }
  if (typeof r.quantise !== 'boolean') throw new Error(`ingredients.quantise = ${format(r.quantise)} is not a boolean; give true or false.`);
  return Object.freeze(r);
}

function positiveInt(v: unknown, name: string, fix: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${name} = ${format(v)} is not a whole number ≥ 1; ${fix}.`);
  return v;
}

/**
 * Fine-tunes `weights` on `train` with the deployment's non-idealities in the forward pass (see
 * the module header). Everything is validated, and the programming noise measured, before the
 * first minibatch.
 */
export function hwatTrain(weights: MlpWeights, train: ImageDataset, o: HwatOptions): HwatResult {
  checkMlpWeights(weights);
  if (o === null || typeof o !== 'object') throw new Error(`HWAT options = ${format(o)} is not an object; pass { deploy, ingredients, epochs, … }.`);
  const ing = checkIngredients(o.ingredients);
  const epochs = o.epochs ?? 5;
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 0) throw new Error(`epochs = ${format(epochs)} is not a whole number ≥ 0; give the HWAT epochs, e.g. 5 (the paper's).`);
  const batch = positiveInt(o.batchSize ?? 128, 'batchSize', 'give the samples per minibatch, e.g. 128');
  const lr = o.learningRate ?? 1e-4;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || !(lr > 0)) throw new Error(`learningRate = ${format(lr)} is not a positive number; give e.g. 1e-4.`);
  const { sizes } = weights;
  const nOut = sizes[sizes.length - 1];
  checkDataset(train, sizes[0]);
  if (train.count === 0) throw new Error(`${train.source}: no training images.`);
  for (let s = 0; s < train.count; s++) {
    if (train.labels[s] >= nOut) throw new Error(`${train.source}: image ${s} has label ${train.labels[s]}, but the network has ${nOut} outputs; give a network with as many outputs as classes.`);
  }
  const settings = deploySettings(sizes, o.deploy);
  const L = sizes.length - 1;
  // Clip bounds from the starting weights; the noise is measured on the clipped weights, mapped as they will be.
  const clip = weights.weights.map((W) => (ing.clip > 0 ? Math.min(weightRangeOf(W), ing.clip * weightStd(W)) : Infinity));
  const start: MlpWeights = {
    sizes,
    weights: weights.weights.map((W, l) => (clip[l] < Infinity ? clipTo(new Float32Array(W.length), W, clip[l]) : Float32Array.from(W))),
    biases: weights.biases.map((b) => Float32Array.from(b)),
  };
  // Trained with clipping, the weights' max|w| is the clip bound: deploy them with R = max|w|.
  const deploy: DeployOptions = ing.clip > 0 ? withoutClip(o.deploy) : o.deploy;
  const noise = o.noise ?? measureProgrammingNoise(start, deploy);
  if (noise.layers.length !== L) throw new Error(`noise has ${noise.layers.length} layers; the network has ${L}: measure it on this network (measureProgrammingNoise).`);

  // The engine (the digital trainer's), with output noise where its forward pass applies the ReLU.
  // The grid exists only where the deployment maps to it (targets 'pulses'); analog targets are not quantised.
  const quantise = ing.quantise && settings.targets === 'pulses';
  const seed = o.seed ?? 1;
  const streams = new RandomStreams(seed);
  const wNoise = streams.stream('hwat/weights');
  const oNoise = streams.stream('hwat/output');
  const shuffle = streams.stream('hwat/shuffle');
  const base = createEngine({ sizes, batch, optimizer: 'adam', kernel: o.kernel });
  const outSigma = ing.outputNoise * settings.io.outNoise / Math.sqrt(settings.pairsPerWeight);
  const ranges = new Float64Array(L);
  const e: Engine = ing.outputNoise > 0 && outSigma > 0 ? withHiddenOutputNoise(base, settings.tile.rows, outSigma, ranges, oNoise) : base;
  loadWeights(e, start);
  const F = e.f32;
  const images = sparseImages(train);
  const order = new Int32Array(train.count);
  for (let s = 0; s < order.length; s++) order[s] = s;
  const master = start.weights.map((W) => new Float32Array(W.length));
  const noisy = start.weights.map((W) => new Float32Array(W.length));
  const lossOut = { loss: 0, correct: 0 };
  const history: HwatEpoch[] = [];
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  let steps = 0;
  const batches = Math.ceil(train.count / batch);
  const lastLayer = e.layers[L - 1];
  for (let ep = 0; ep < epochs; ep++) {
    const t0 = performance.now();
    for (let i = order.length - 1; i > 0; i--) { const j = shuffle.int(i + 1); const t = order[i]; order[i] = order[j]; order[j] = t; }
    let loss = 0, correct = 0;
    for (let bi = 0; bi < batches; bi++) {
      const s0 = bi * batch;
      const count = Math.min(batch, order.length - s0);
      // 1. the weights the forward pass sees
      for (let l = 0; l < L; l++) {
        const Ly = e.layers[l];
        const W = F.subarray(Ly.w, Ly.w + Ly.nIn * Ly.nOut);
        master[l].set(W);
        const R = clip[l] < Infinity ? clip[l] : mappingRange(W, settings.clipSigmas);
        ranges[l] = R;
        const q = noisy[l];
        if (quantise) splitOnPulseGrid(q, null, W, Ly.nIn, Ly.nOut, settings.pairsPerWeight, settings.device, R, noise.gStart, noise.gEnd);
        else q.set(W);
        if (ing.programmingNoise > 0) addProgrammingNoise(q, noise.layers[l], R, ing.programmingNoise, wNoise);
        W.set(q);
      }
      // 2. forward (hidden output noise inside), output noise on the logits, loss, backward
      fillFromImages(e, images, order, s0, count);
      forward(e, count);
      if (outSigma > 0) addOutputNoise(e, lastLayer, count, settings.tile.rows, outSigma * ranges[L - 1], oNoise);
      softmaxCrossEntropy(e, count, train.labels, order, s0, lossOut);
      backward(e, count);
      // 3. the master weights back, Adam's update, clipping
      for (let l = 0; l < L; l++) F.set(master[l], e.layers[l].w);
      steps++;
      const bc1 = 1 - pow(b1, steps), sqrtBc2 = Math.sqrt(1 - pow(b2, steps));
      e.kernels.adam(e.params, e.grads, e.m, e.v, e.paramCount, b1, 1 - b1, b2, 1 - b2, (lr * sqrtBc2) / bc1, eps * sqrtBc2);
      for (let l = 0; l < L; l++) {
        if (clip[l] === Infinity) continue;
        const Ly = e.layers[l];
        const W = F.subarray(Ly.w, Ly.w + Ly.nIn * Ly.nOut);
        clipTo(W, W, clip[l]);
      }
      loss += lossOut.loss;
      correct += lossOut.correct;
    }
    const h = Object.freeze({ epoch: ep + 1, loss: loss / train.count, trainAccuracy: correct / train.count, ms: performance.now() - t0 });
    history.push(h);
    o.onEpoch?.(h);
  }
  const out = readWeights(e);
  return Object.freeze({
    weights: out,
    ingredients: ing,
    noise,
    clip: Object.freeze(clip),
    history: Object.freeze(history),
    deploy,
  });
}

/** The options without clipSigmas. */
function withoutClip(o: DeployOptions): DeployOptions {
  const { clipSigmas: _drop, ...rest } = o;
  return rest;
}

/** q[t] += R·σ(|q[t]|/R)·scale·ξ, one normal per weight. */
function addProgrammingNoise(q: Float32Array, n: LayerNoise, R: number, scale: number, rs: RandomStream): void {
  const inv = 1 / R;
  const { a, b, c } = n;
  for (let t = 0; t < q.length; t++) {
    const u = (q[t] < 0 ? -q[t] : q[t]) * inv;
    const v = a + b * u + c * u * u;
    if (v > 0) q[t] += R * scale * Math.sqrt(v) * gaussian(rs);
  }
}

/**
 * Adds output noise to `count` samples' pre-activations of layer Ly (at z): per sample, σ·√(Σ_t α_t²)
 * with α_t the largest |input| among the rows of array t (tiles of `tileRows` rows), one normal per
 * column. The inputs are read from the layer's list (the engine's non-zero inputs of the sample).
 */
function addOutputNoise(e: Engine, Ly: Engine['layers'][number], count: number, tileRows: number, sigma: number, rs: RandomStream): void {
  for (let b = 0; b < count; b++) noiseForSample(e, Ly, b, tileRows, sigma, rs);
}

function noiseForSample(e: Engine, Ly: Engine['layers'][number], b: number, tileRows: number, sigma: number, rs: RandomStream): void {
  const F = e.f32, I = e.i32;
  let s2 = 0, tile = -1, amax = 0;
  for (let q = Ly.rowPtr[b], end = Ly.rowPtr[b + 1]; q < end; q++) {
    const t = Math.floor(I[Ly.unit + q] / tileRows);
    if (t !== tile) { s2 += amax * amax; amax = 0; tile = t; }
    const x = F[Ly.csrXs + q];
    const a = x < 0 ? -x : x;
    if (a > amax) amax = a;
  }
  s2 += amax * amax;
  if (s2 === 0) return;
  const sd = sigma * Math.sqrt(s2);
  const z = Ly.z + b * Ly.nOut;
  for (let j = 0; j < Ly.nOut; j++) F[z + j] += sd * gaussian(rs);
}

/**
 * The engine with its ReLU kernel wrapped so that each hidden layer's pre-activations get output
 * noise (σ_out·R_l from `ranges`, filled per minibatch) just before the ReLU. The engine has no
 * hook between a layer's product and its ReLU; the kernel table is the one seam.
 */
function withHiddenOutputNoise(e: Engine, tileRows: number, sigmaOut: number, ranges: Float64Array, rs: RandomStream): Engine {
  const relu = e.kernels.reluList;
  const hidden = e.layers.slice(0, -1);
  const kernels = {
    ...e.kernels,
    reluList(z: number, n: number, offs: number, xs: number, units: number, stride: number): number {
      for (let l = 0; l < hidden.length; l++) {
        const Ly = hidden[l];
        if (z >= Ly.z && z < Ly.z + e.batch * Ly.nOut) {
          noiseForSample(e, Ly, (z - Ly.z) / Ly.nOut, tileRows, sigmaOut * ranges[l], rs);
          break;
        }
      }
      return relu(z, n, offs, xs, units, stride);
    },
  };
  return { ...e, kernels };
}
