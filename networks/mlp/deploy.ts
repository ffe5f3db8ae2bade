/**
 * Deployment of a digitally trained multilayer perceptron onto simulated memristive crossbars,
 * following aihwkit's inference workflow (IBM aihwkit `tiles/inference.py`,
 * `inference/compensation/drift.py`) step by step, on core's Crossbar (core/crossbar/crossbar.ts):
 *
 *   1. map     each layer's weights to differential pairs in the device's linear range, weight 0 at
 *              the start of the range, |w|/R → pulse numbers by the device's fit (mapping.ts;
 *              R = the layer's largest |w|, or k standard deviations with `clipSigmas`); N pairs
 *              per weight, each pair's span encoding R/N, outputs summed: with pulse-grid targets
 *              the pairs' levels are chosen so that their sum has N times one pair's resolution
 *              (mapping.ts splitOnPulseGrid), with analog targets each holds w/N;
 *   2. tile    each layer into arrays of at most tile.rows × tile.cols pairs (default 256 × 256
 *              pairs = 256 × 512 devices), each with its own DACs and ADCs; the partial sums of
 *              the row tiles are added digitally after their ADCs;
 *   3. program open-loop (pulse counts from the fit, each device answers with its own d2d law and
 *              c2c noise) or by write-verify (pairs verified on G+ − G−); 'exact' is the ideal
 *              reference (aihwkit's perfect programming);
 *   4. baseline the drift-compensation probe is read through the whole non-ideal path right after
 *              programming (Crossbar.program; the crossbars are always built with global
 *              compensation so that the baseline exists — whether it is applied is chosen per
 *              evaluation, `compensate`);
 *   5. drift   to time t after programming (power law per device from the device's t0; setAge);
 *   6. read    every layer through its crossbar: 8-bit DAC (ABS_MAX input scaling per tile and per
 *              vector), drifted conductances with read noise, IR drop, output noise, 8-bit ADC with
 *              saturation (IO_HFS2_PAPER unless `io` overrides it); outputs scaled by γ = baseline ÷
 *              the probe read at t (global drift compensation) when `compensate`;
 *   7. digital biases added after the crossbar (aihwkit's digital_bias), ReLU between layers,
 *              argmax of the last layer's logits (softmax is monotone).
 *
 * The input of the first layer is the image as the digital network saw it in training: pixel/255
 * for byte images (Uint8Array), the values themselves for float images.
 *
 * Device instances: accuracy is reported as mean ± sample std over instances k = 0 … n − 1, each
 * deployed with seed `${seed}/instance/${k}` (its own device-to-device draws, programming noise and
 * read noise), as aihwkit users repeat inference over noise instances. The same seed gives the same
 * instances in every row of a table (common random numbers across a sweep) and the same accuracy
 * bit for bit.
 *
 * Energy per inference: the crossbars' read energy (V²·G·t_read per driven row) plus DAC and ADC
 * conversions, summed over layers (core/crossbar/kernel.ts); latency per inference: the layers one
 * after the other, the tiles of a layer in parallel (Crossbar.latency). Programming energy is
 * reported apart (once per deployment, not per inference).
 */
import { createCrossbar, type Crossbar, type ProgramReport } from '../../core/crossbar/crossbar.js';
import { ioParams, IO_HFS2_PAPER, type IoParams } from '../../core/crossbar/params.js';
import type { DeviceParams } from '../../core/devices/params.js';
import { devicePreset, resolveDevice } from '../../core/devices/presets.js';
import { RandomStreams } from '../../core/random.js';
import { format } from '../../core/units.js';
import {
  checkDtod, checkMlpWeights, checkPairsPerWeight, clipTo, deviceWithDtod, mappingRange, splitOnPulseGrid, splitOverPairs,
  type TargetMode,
} from './mapping.js';
import type { MlpWeights } from './types.js';

/** How the arrays are programmed. */
export type ProgramMode = 'open-loop' | 'write-verify' | 'exact';

/** Size of one array [pairs]: rows (inputs) × columns (differential pairs). */
export interface TileSize {
  readonly rows: number;
  readonly cols: number;
}

/** The default array: 256 × 256 differential pairs (256 rows × 512 device columns). */
export const DEFAULT_TILE: TileSize = Object.freeze({ rows: 256, cols: 256 });

/** Largest array side accepted [rows or pair columns]. */
export const MAX_TILE_SIDE = 8192;

/** Options of {@link deployMlp}. */
export interface DeployOptions {
  /** a device preset name ('hfs2', …) or DeviceParams (e.g. fitted from your pulse trains) */
  readonly device: DeviceParams | string;
  /** 'open-loop' (default), 'write-verify', or 'exact' (the ideal reference: no pulses) */
  readonly program?: ProgramMode;
  /** device-to-device level, e.g. 0.3 = 30 % (mapping.ts deviceWithDtod); default: the device's own d2d */
  readonly dtod?: number;
  /** differential pairs per weight, outputs summed (default 1) */
  readonly pairsPerWeight?: number;
  /** array size [pairs]: a side for square arrays or { rows, cols }; default 256 × 256 */
  readonly tile?: number | TileSize;
  /** peripheral parameters: overrides of IO_HFS2_PAPER (8-bit DAC/ADC, IR drop, noise, drift) */
  readonly io?: Partial<IoParams>;
  /** 'pulses' (default unless program is 'exact'): targets on the fit's pulse grid; 'analog': as they are */
  readonly targets?: TargetMode;
  /** clip each layer's weights at ±k standard deviations before mapping (R = min(max|w|, k·std)); default: no clipping (R = max|w|) */
  readonly clipSigmas?: number;
  /** write-verify tolerance relative to ΔG (default 0.02) */
  readonly tolerance?: number;
  /** write-verify pulse budget per device (default max(200, 4 × levels)) */
  readonly maxPulses?: number;
  /** seed of this device instance: d2d draws, programming and read noise */
  readonly seed: number | string;
}

/** A labelled image set: count × inputs pixels back to back (bytes → /255; floats as they are). */
export interface MlpData {
  readonly images: Uint8Array | Float32Array | Float64Array;
  readonly labels: ArrayLike<number>;
}

/** Options of {@link DeployedMlp.evaluate} and {@link DeployedMlp.accuracy}. */
export interface ReadOptions {
  /** time since programming [ms] (default: the deployment's current age, 0 after deployMlp) */
  readonly ageMs?: number;
  /** apply global drift compensation (default true unless io.driftCompensation is 'none') */
  readonly compensate?: boolean;
  /** evaluate only the first `count` images (default all) */
  readonly count?: number;
}

/** What one evaluation measured. */
export interface Evaluation {
  /** fraction of images classified correctly */
  readonly accuracy: number;
  readonly correct: number;
  readonly count: number;
  /** mean energy of one inference through all layers [nJ] (array reads + DAC + ADC) */
  readonly energyPerInference_nJ: number;
  /** latency of one inference [ms] (layers in sequence, tiles in parallel) */
  readonly latencyPerInference_ms: number;
  /** the age read at [ms] and whether compensation was applied */
  readonly ageMs: number;
  readonly compensate: boolean;
  /** per layer, γ in effect (1 when not compensating) */
  readonly compensation: readonly number[];
}

/** The validated, resolved options of a deployment (what was deployed). */
export interface DeploySettings {
  readonly device: DeviceParams;
  readonly program: ProgramMode;
  readonly dtod: number | null;
  readonly pairsPerWeight: number;
  readonly tile: TileSize;
  readonly io: IoParams;
  readonly targets: TargetMode;
  readonly clipSigmas: number | undefined;
  readonly tolerance: number;
  readonly maxPulses: number | undefined;
  readonly seed: number | string;
}

const MODES: readonly ProgramMode[] = ['open-loop', 'write-verify', 'exact'];

function checkTileSide(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${name} = ${format(v)} is not a whole number ≥ 1; give the array side in cells, e.g. 256.`);
  if (v > MAX_TILE_SIDE) throw new Error(`${name} = ${v} is larger than ${MAX_TILE_SIDE} cells; real arrays are 64–1024 a side — give e.g. 256 (IR drop grows with the square of the side).`);
  return v;
}

/**
 * Validates and resolves deployment options against the network's sizes. Everything that can be
 * wrong is checked here, before any device is created.
 * @throws Error naming the option, the value and the fix.
 */
export function deploySettings(sizes: readonly number[], o: DeployOptions): DeploySettings {
  if (o === null || typeof o !== 'object') throw new Error(`deploy options = ${format(o)} is not an object; pass { device, program, seed, … }.`);
  const program = o.program ?? 'open-loop';
  if (!MODES.includes(program)) throw new Error(`program = ${format(program)} is not a programming mode; give 'open-loop', 'write-verify' or 'exact'.`);
  if (o.device === undefined) throw new Error(`device is missing; give a preset name (e.g. 'hfs2') or DeviceParams.`);
  if (o.dtod !== undefined) checkDtod(o.dtod);
  const base = typeof o.device === 'string' ? devicePreset(o.device) : resolveDevice(o.device);
  const device = deviceWithDtod(base, o.dtod);
  const pairsPerWeight = checkPairsPerWeight(o.pairsPerWeight ?? 1);
  let tile: TileSize;
  if (o.tile === undefined) tile = DEFAULT_TILE;
  else if (typeof o.tile === 'number') tile = { rows: checkTileSide(o.tile, 'tile'), cols: checkTileSide(o.tile, 'tile') };
  else if (o.tile !== null && typeof o.tile === 'object') tile = { rows: checkTileSide(o.tile.rows, 'tile.rows'), cols: checkTileSide(o.tile.cols, 'tile.cols') };
  else throw new Error(`tile = ${format(o.tile)} is not an array size; give a side (256) or { rows: 256, cols: 256 } in differential pairs.`);
  if (tile.cols < pairsPerWeight || tile.cols % pairsPerWeight !== 0) {
    const fit = Math.max(pairsPerWeight, Math.floor(tile.cols / pairsPerWeight) * pairsPerWeight);
    throw new Error(`tile.cols = ${tile.cols} pairs does not fit pairsPerWeight = ${pairsPerWeight}: the ${pairsPerWeight} pairs of a weight sit side by side in one array, so an array's width must be a multiple of ${pairsPerWeight}; give tile.cols = ${fit}.`);
  }
  // The largest layer's devices must fit in memory (≈ 300 bytes per pair: two devices, the caches).
  for (let l = 0; l + 1 < sizes.length; l++) {
    const pairs = sizes[l] * sizes[l + 1] * pairsPerWeight;
    if (pairs > 2 ** 27) throw new Error(`layer ${l} (${sizes[l]} × ${sizes[l + 1]}) needs ${pairs} pairs with pairsPerWeight = ${pairsPerWeight} (≈ ${Math.round(pairs * 300 / 2 ** 30)} GB); give fewer pairs per weight or a smaller layer.`);
  }
  if (o.io !== undefined && (o.io === null || typeof o.io !== 'object')) throw new Error(`io = ${format(o.io)} is not an object; give overrides of IO_HFS2_PAPER, e.g. { adcBits: 8 }.`);
  const io = ioParams(o.io ?? {}, IO_HFS2_PAPER);
  const targets = o.targets ?? (program === 'exact' ? 'analog' : 'pulses');
  if (targets !== 'pulses' && targets !== 'analog') throw new Error(`targets = ${format(targets)} is not a target mode; give 'pulses' (the fit's pulse grid) or 'analog'.`);
  if (o.clipSigmas !== undefined && (typeof o.clipSigmas !== 'number' || !Number.isFinite(o.clipSigmas) || !(o.clipSigmas > 0))) {
    throw new Error(`clipSigmas = ${format(o.clipSigmas)} is not a positive number; give k for clipping at ±k standard deviations (e.g. 2.5), or leave it out to map max|w| to the full span.`);
  }
  const tolerance = o.tolerance ?? 0.02;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || !(tolerance > 0)) throw new Error(`tolerance = ${format(tolerance)} must be a positive number (relative to the conductance span ΔG); e.g. 0.02.`);
  if (o.maxPulses !== undefined && (typeof o.maxPulses !== 'number' || !Number.isInteger(o.maxPulses) || o.maxPulses < 1)) {
    throw new Error(`maxPulses = ${format(o.maxPulses)} is not a whole number ≥ 1; give the write-verify pulse budget per device, e.g. 200.`);
  }
  const seed = o.seed;
  if ((typeof seed !== 'number' || !Number.isFinite(seed)) && typeof seed !== 'string') {
    throw new Error(`seed = ${format(seed)} is not a number or a string; give the seed of this device instance, e.g. 1.`);
  }
  return Object.freeze({
    device, program, dtod: o.dtod ?? null, pairsPerWeight, tile: Object.freeze(tile), io, targets, clipSigmas: o.clipSigmas, tolerance, maxPulses: o.maxPulses, seed,
  });
}

/** A network deployed on crossbars, one per layer. Build with {@link deployMlp}. */
export class DeployedMlp {
  readonly sizes: readonly number[];
  readonly settings: DeploySettings;
  /** one crossbar per layer: sizes[l] rows × sizes[l + 1]·pairsPerWeight pair columns */
  readonly crossbars: readonly Crossbar[];
  /** what programming each layer cost and achieved */
  readonly programming: readonly ProgramReport[];
  /** the weight targets given to the crossbars (after the pulse grid; pairs summed), weight units, sizes[l] × sizes[l + 1] */
  readonly targets: readonly Float32Array[];
  /** per layer, the weight its full conductance span encodes (R = max|w|) */
  readonly weightRanges: readonly number[];
  private readonly biases: readonly Float32Array[];
  private readonly acts: Float64Array[];
  private readonly phys: Float64Array[];
  private energy = 0;

  constructor(weights: MlpWeights, settings: DeploySettings) {
    const { sizes } = weights;
    this.sizes = Object.freeze([...sizes]);
    this.settings = settings;
    const { device, program, pairsPerWeight: N, tile, targets: targetMode, tolerance, maxPulses } = settings;
    // Build with global compensation so that the baseline is read right after programming (step 4).
    const io = { ...settings.io, driftCompensation: 'global' as const };
    const random = new RandomStreams(settings.seed);
    const crossbars: Crossbar[] = [], reports: ProgramReport[] = [], targets: Float32Array[] = [], ranges: number[] = [];
    this.acts = [];
    this.phys = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const rows = sizes[l], cols = sizes[l + 1];
      const xb = createCrossbar({
        rows, cols: cols * N, device, io, cell: 'differential', tileRows: tile.rows, tileCols: tile.cols, random, label: `layer${l}`,
      });
      const W = weights.weights[l];
      const R = mappingRange(W, settings.clipSigmas);
      const target = new Float32Array(W.length);
      let phys: Float32Array;
      if (targetMode === 'pulses') {
        phys = new Float32Array(W.length * N);
        splitOnPulseGrid(target, phys, W, rows, cols, N, device, R, xb.gStart, xb.gEnd);
      } else {
        phys = splitOverPairs(clipTo(target, W, R), rows, cols, N);
      }
      const report = xb.program(phys, {
        mode: program, tolerance, weightRange: R / N, ...(maxPulses !== undefined ? { maxPulses } : {}),
      });
      crossbars.push(xb);
      reports.push(report);
      targets.push(target);
      ranges.push(R);
      this.acts.push(new Float64Array(rows));
      this.phys.push(new Float64Array(cols * N));
    }
    this.acts.push(new Float64Array(sizes[sizes.length - 1]));
    this.crossbars = Object.freeze(crossbars);
    this.programming = Object.freeze(reports);
    this.targets = Object.freeze(targets);
    this.weightRanges = Object.freeze(ranges);
    this.biases = weights.biases.map((b) => Float32Array.from(b));
  }

  /** Time since programming [ms] (all layers were programmed together). */
  get ageMs(): number { return this.crossbars[0].ageMs; }

  /** Whether evaluations compensate drift by default. */
  get compensateByDefault(): boolean { return this.settings.io.driftCompensation === 'global'; }

  /** Latency of one inference [ms]: the layers in sequence, each layer's tiles in parallel. */
  get latencyPerInference_ms(): number {
    let t = 0;
    for (const xb of this.crossbars) t += xb.latency;
    return t;
  }

  /** Energy spent programming all layers [nJ] (pulses and verify reads). */
  get programmingEnergy_nJ(): number {
    let e = 0;
    for (const r of this.programming) e += r.energy_nJ;
    return e;
  }

  /** Moves every layer to `ms` after programming (drift; the caches are rebuilt once). Returns this. */
  setAge(ms: number): this {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error(`ageMs = ${format(ms)} must be a finite time ≥ 0 in ms since programming (e.g. 3.15576e10 for one year).`);
    if (ms !== this.ageMs) for (const xb of this.crossbars) xb.setAge(ms);
    return this;
  }

  /**
   * out = logits of input x (sizes[0] numbers, already scaled as in training) through every layer's
   * crossbar; biases and ReLU digital. `compensate` as in ReadOptions. Returns out (length
   * sizes[last]). Energy of this inference: {@link lastEnergy_nJ}.
   */
  forward(out: Float64Array, x: ArrayLike<number>, compensate = this.compensateByDefault): Float64Array {
    const a0 = this.acts[0], y = this.acts[this.acts.length - 1];
    if (!x || x.length !== a0.length) throw new Error(`forward: x has ${x?.length} inputs; this network takes sizes[0] = ${a0.length}.`);
    if (!(out instanceof Float64Array) || out.length !== y.length) throw new Error(`forward: out is not a Float64Array of ${y.length} logits; give new Float64Array(${y.length}).`);
    for (let i = 0; i < a0.length; i++) a0[i] = x[i];
    this.run(compensate);
    out.set(y);
    return out;
  }

  /** Energy of the last inference (forward or one image of evaluate) [nJ]. */
  get lastEnergy_nJ(): number { return this.energy; }

  /** Runs acts[0] through every layer into the last acts; allocation-free. */
  private run(compensate: boolean): void {
    const N = this.settings.pairsPerWeight;
    const L = this.crossbars.length;
    let energy = 0;
    for (let l = 0; l < L; l++) {
      const xb = this.crossbars[l];
      const x = this.acts[l], y = this.acts[l + 1], p = this.phys[l], b = this.biases[l];
      xb.vmm(p, x);
      energy += xb.lastEnergy_nJ;
      // γ was applied inside the crossbar (a digital scale after the ADCs); take it out if not wanted.
      const g = compensate ? 1 : 1 / xb.compensation;
      const relu = l + 1 < L;
      for (let j = 0; j < y.length; j++) {
        let s = 0;
        for (let k = 0, q = j * N; k < N; k++, q++) s += p[q];
        let v = (compensate ? s : s * g) + b[j];
        if (relu && v < 0) v = 0;
        y[j] = v;
      }
    }
    this.energy = energy;
  }

  /**
   * Classifies the images through the arrays at `ageMs` (default: the current age) and returns
   * what was measured. Inputs are validated first (shape, labels), before any read.
   */
  evaluate(images: MlpData['images'], labels: ArrayLike<number>, opts: ReadOptions = {}): Evaluation {
    const nIn = this.sizes[0], nOut = this.sizes[this.sizes.length - 1];
    const count = checkData(images, labels, nIn, nOut, opts.count);
    const compensate = opts.compensate ?? this.compensateByDefault;
    if (typeof compensate !== 'boolean') throw new Error(`compensate = ${format(compensate)} is not a boolean; give true (global drift compensation) or false.`);
    if (opts.ageMs !== undefined) this.setAge(opts.ageMs);
    const scale = images instanceof Uint8Array ? 1 / 255 : 1;
    const a0 = this.acts[0], y = this.acts[this.acts.length - 1];
    let correct = 0, energy = 0;
    for (let s = 0; s < count; s++) {
      const base = s * nIn;
      for (let i = 0; i < nIn; i++) a0[i] = images[base + i] * scale;
      this.run(compensate);
      energy += this.energy;
      let best = 0;
      for (let j = 1; j < nOut; j++) if (y[j] > y[best]) best = j;
      if (best === labels[s]) correct++;
    }
    return Object.freeze({
      accuracy: count > 0 ? correct / count : 0,
      correct,
      count,
      energyPerInference_nJ: count > 0 ? energy / count : 0,
      latencyPerInference_ms: this.latencyPerInference_ms,
      ageMs: this.ageMs,
      compensate,
      compensation: Object.freeze(this.crossbars.map((xb) => (compensate ? xb.compensation : 1))),
    });
  }

  /** The fraction of images classified correctly (see {@link evaluate}). */
  accuracy(images: MlpData['images'], labels: ArrayLike<number>, opts: ReadOptions = {}): number {
    return this.evaluate(images, labels, opts).accuracy;
  }

  /**
   * The weights layer l holds now, in weight units (sizes[l] × sizes[l + 1], pairs summed): drifted,
   * IR-drop effective, noise-free, before DAC/ADC; with γ when `compensate`.
   */
  effectiveWeights(l: number, compensate = this.compensateByDefault): Float32Array {
    const xb = this.crossbars[l];
    if (!xb) throw new Error(`layer ${format(l)} does not exist; give 0 … ${this.crossbars.length - 1}.`);
    const N = this.settings.pairsPerWeight;
    const w = xb.effectiveWeights();
    const g = compensate ? 1 : 1 / xb.compensation;
    const rows = this.sizes[l], cols = this.sizes[l + 1];
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += w[i * cols * N + j * N + k];
        out[i * cols + j] = s * g;
      }
    }
    return out;
  }
}

/** Checks images/labels against the network; returns the number of images to use. */
export function checkData(images: unknown, labels: unknown, nIn: number, nOut: number, count?: number): number {
  if (!(images instanceof Uint8Array || images instanceof Float32Array || images instanceof Float64Array)) {
    throw new Error(`images is ${images === null ? 'null' : typeof images === 'object' ? (images as object).constructor?.name ?? 'an object' : format(images)}; give a Uint8Array of pixels 0–255 (e.g. MNIST's dataset.pixels) or a Float32Array/Float64Array of inputs, ${nIn} per image, image after image.`);
  }
  if (labels === null || typeof labels !== 'object' || typeof (labels as ArrayLike<number>).length !== 'number') {
    throw new Error(`labels = ${format(labels)} is not an array; give one class label (0 … ${nOut - 1}) per image.`);
  }
  const lab = labels as ArrayLike<number>;
  if (images.length !== lab.length * nIn) {
    throw new Error(`images has ${images.length} values for ${lab.length} labels; this network takes ${nIn} inputs per image, so give ${lab.length * nIn} values (or the labels of ${Math.floor(images.length / nIn)} images).`);
  }
  let n = lab.length;
  if (count !== undefined) {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new Error(`count = ${format(count)} is not a whole number ≥ 0; give how many images to evaluate.`);
    n = Math.min(n, count);
  }
  for (let s = 0; s < n; s++) {
    const c = lab[s];
    if (!Number.isInteger(c) || c < 0 || c >= nOut) throw new Error(`labels[${s}] = ${format(c)} is not a class of this network; labels run 0 … ${nOut - 1}.`);
  }
  return n;
}

/**
 * Deploys the network onto crossbars of a device (steps 1–4 of the module header): validates
 * the weights and every option first, then creates, tiles and programs one crossbar per layer and
 * reads the compensation baseline. The result is read at any age with evaluate/accuracy.
 * @throws Error naming what is wrong and how to fix it, before any device is created.
 */
export function deployMlp(weights: MlpWeights, opts: DeployOptions): DeployedMlp {
  checkMlpWeights(weights);
  const settings = deploySettings(weights.sizes, opts);
  return new DeployedMlp(weights, settings);
}
