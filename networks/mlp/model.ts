/**
 * A trained multilayer perceptron as a function: logits, probabilities, predictions and accuracy,
 * for input vectors (values in [0, 1]: MNIST pixels / 255) or for a whole image dataset — and the
 * initial parameters of a network to train.
 *
 *   z_l = b_l + x_l·W_l,   x_{l+1} = max(z_l, 0) for every layer but the last, logits = z_last,
 *   p = softmax(logits),   prediction = argmax (the first of equal logits).
 *
 * Arithmetic is Float32 with every product and sum rounded, inputs summed in increasing index order
 * and zero inputs skipped (networks/mlp/engine.ts). `createMlpModel` runs minibatches through the
 * engine (WebAssembly SIMD where available); `mlpForward` is a plain one-sample reference that gives
 * the same bits.
 *
 * Initialisation (He et al. 2015, uniform): W_l[i, j] ~ U(−√(6/n_l), √(6/n_l)), b_l = 0, drawn layer
 * by layer in row-major order from the seeded stream `mlp/init` (core/random.ts).
 */
import { RandomStreams } from '../../core/random.js';
import type { ImageDataset } from '../datasets/image-dataset.js';
import { argmaxOf, createEngine, fillFromDense, fillFromImages, forward, loadWeights, sparseImages, type Engine } from './engine.js';
import type { MlpKernelChoice } from './kernels.js';
import type { MlpWeights } from './types.js';
import { exp } from '../../core/math.js';

/** The seed paper's network: 784 inputs, 500 ReLU hidden units, 10 outputs. */
export const SEED_PAPER_SIZES: readonly number[] = Object.freeze([784, 500, 10]);

/**
 * Checks layer widths: at least two, each a whole number ≥ 1.
 *
 * @throws Error naming `field`, the value and the fix.
 */
export function checkSizes(sizes: unknown, field = 'sizes'): number[] {
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= 1 << 20)) {
    throw new Error(`${field} = ${JSON.stringify(sizes)}: give the layer widths, input first, at least two whole numbers in [1, 1048576] (e.g. [784, 500, 10]).`);
  }
  return sizes.slice() as number[];
}

/**
 * Checks that `w` is a complete network of its stated sizes with finite values.
 *
 * @throws Error naming `where`, the array, and what is wrong (wrong length, missing, not finite).
 */
export function validateMlpWeights(w: MlpWeights, where: string): void {
  const sizes = checkSizes(w?.sizes, `${where}: sizes`);
  const layers = sizes.length - 1;
  if (!Array.isArray(w.weights) || !Array.isArray(w.biases) || w.weights.length !== layers || w.biases.length !== layers) {
    throw new Error(`${where}: a network of sizes [${sizes.join(', ')}] has ${layers} weight matrices and ${layers} bias vectors, found ${w.weights?.length} and ${w.biases?.length}.`);
  }
  for (let l = 0; l < layers; l++) {
    for (const [name, a, n] of [
      [`weights[${l}]`, w.weights[l], sizes[l] * sizes[l + 1]],
      [`biases[${l}]`, w.biases[l], sizes[l + 1]],
    ] as const) {
      if (!(a instanceof Float32Array)) throw new Error(`${where}: ${name} must be a Float32Array, found ${a === undefined ? 'nothing' : (a as object).constructor?.name}.`);
      if (a.length !== n) throw new Error(`${where}: ${name} has ${a.length} values; sizes [${sizes.join(', ')}] need ${n}.`);
      for (let k = 0; k < n; k++) {
        if (!Number.isFinite(a[k])) throw new Error(`${where}: ${name}[${k}] = ${a[k]} is not finite.`);
      }
    }
  }
}

/** He-uniform weights and zero biases for a network of these sizes, from the seed's stream `mlp/init`. */
export function initMlpWeights(sizes: readonly number[], seed: number | string): MlpWeights {
  const sz = checkSizes(sizes);
  const rs = new RandomStreams(seed).stream('mlp/init');
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l + 1 < sz.length; l++) {
    const w = new Float32Array(sz[l] * sz[l + 1]);
    const bound = Math.sqrt(6 / sz[l]);
    for (let k = 0; k < w.length; k++) w[k] = bound * (2 * rs.uniform() - 1);
    weights.push(w);
    biases.push(new Float32Array(sz[l + 1]));
  }
  return { sizes: sz, weights, biases };
}

/** Options of createMlpModel. */
export interface MlpModelOptions {
  /** 'auto' (WebAssembly SIMD where available), 'wasm' or 'js': the same results */
  readonly kernel?: MlpKernelChoice;
  /** samples per pass through the engine (default 256) */
  readonly batch?: number;
}

/** A network ready to run (its own copy of the weights). */
export interface MlpModel {
  readonly sizes: readonly number[];
  /** the kernels in use */
  readonly kernel: 'wasm' | 'js';
  /** Logits of `count` input vectors (count × sizes[0] values, row after row) → count × nOut. */
  logits(x: Float32Array | Float64Array, count?: number, out?: Float32Array): Float32Array;
  /** Softmax probabilities of `count` input vectors → count × nOut. */
  probabilities(x: Float32Array | Float64Array, count?: number, out?: Float32Array): Float32Array;
  /** The predicted class of each of `count` input vectors. */
  predict(x: Float32Array | Float64Array, count?: number, out?: Uint8Array): Uint8Array;
  /** Logits of images [start, start + count) of a dataset (pixels / 255) → count × nOut. */
  datasetLogits(ds: ImageDataset, start?: number, count?: number, out?: Float32Array): Float32Array;
  /** The predicted class of every image of a dataset. */
  predictDataset(ds: ImageDataset, out?: Uint8Array): Uint8Array;
  /** The fraction of a dataset's images whose prediction is their label. */
  accuracy(ds: ImageDataset): number;
}

/** Runs a network through the MLP engine (weights checked, then copied in). */
export function createMlpModel(weights: MlpWeights, options: MlpModelOptions = {}): MlpModel {
  validateMlpWeights(weights, 'createMlpModel');
  const batch = options.batch ?? 256;
  if (!Number.isSafeInteger(batch) || batch < 1) throw new Error(`createMlpModel: batch = ${batch} must be a whole number ≥ 1.`);
  const e = createEngine({ sizes: weights.sizes, batch, optimizer: 'none', kernel: options.kernel });
  loadWeights(e, weights);
  const nIn = weights.sizes[0];
  const nOut = weights.sizes[weights.sizes.length - 1];
  const lastZ = e.layers[e.layers.length - 1].z;
  const countOf = (x: Float32Array | Float64Array, count: number | undefined): number => {
    const c = count ?? x.length / nIn;
    if (!Number.isSafeInteger(c) || c < 0 || c * nIn > x.length) {
      throw new Error(`MlpModel: ${count === undefined ? `${x.length} input values are not a whole number of ${nIn}-value vectors` : `count = ${count} vectors of ${nIn} values do not fit in ${x.length} input values`}.`);
    }
    return c;
  };
  const outOf = <T extends Float32Array | Uint8Array>(out: T | undefined, n: number, make: (n: number) => T): T => {
    if (out === undefined) return make(n);
    if (out.length < n) throw new Error(`MlpModel: the output array holds ${out.length} values, ${n} are needed.`);
    return out;
  };
  const model: MlpModel = {
    sizes: weights.sizes.slice(),
    kernel: e.kernels.kind,
    logits(x, count, out) {
      const c = countOf(x, count);
      const o = outOf(out, c * nOut, (n) => new Float32Array(n));
      for (let s = 0; s < c; s += batch) {
        const n = Math.min(batch, c - s);
        fillFromDense(e, x, s * nIn, n);
        forward(e, n);
        o.set(e.f32.subarray(lastZ, lastZ + n * nOut), s * nOut);
      }
      return o;
    },
    probabilities(x, count, out) {
      const o = model.logits(x, count, out);
      softmaxRows(o, countOf(x, count), nOut);
      return o;
    },
    predict(x, count, out) {
      const c = countOf(x, count);
      const o = outOf(out, c, (n) => new Uint8Array(n));
      for (let s = 0; s < c; s += batch) {
        const n = Math.min(batch, c - s);
        fillFromDense(e, x, s * nIn, n);
        forward(e, n);
        for (let b = 0; b < n; b++) o[s + b] = argmaxOf(e, b);
      }
      return o;
    },
    datasetLogits(ds, start = 0, count, out) {
      checkDataset(ds, nIn);
      const c = count ?? ds.count - start;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(c) || start < 0 || c < 0 || start + c > ds.count) {
        throw new Error(`MlpModel: images [${start}, ${start + c}) are outside ${ds.source} (${ds.count} images).`);
      }
      const o = outOf(out, c * nOut, (n) => new Float32Array(n));
      const images = sparseImages(ds);
      for (let s = 0; s < c; s += batch) {
        const n = Math.min(batch, c - s);
        fillFromImages(e, images, null, start + s, n);
        forward(e, n);
        o.set(e.f32.subarray(lastZ, lastZ + n * nOut), s * nOut);
      }
      return o;
    },
    predictDataset(ds, out) {
      checkDataset(ds, nIn);
      const o = outOf(out, ds.count, (n) => new Uint8Array(n));
      predictImages(e, sparseImages(ds), o);
      return o;
    },
    accuracy(ds) {
      const pred = model.predictDataset(ds);
      let correct = 0;
      for (let s = 0; s < ds.count; s++) if (pred[s] === ds.labels[s]) correct++;
      return ds.count === 0 ? NaN : correct / ds.count;
    },
  };
  return model;
}

/** Predictions for all images through an engine's current parameters (used by training too). */
export function predictImages(e: Engine, images: ReturnType<typeof sparseImages>, out: Uint8Array): void {
  for (let s = 0; s < images.count; s += e.batch) {
    const n = Math.min(e.batch, images.count - s);
    fillFromImages(e, images, null, s, n);
    forward(e, n);
    for (let b = 0; b < n; b++) out[s + b] = argmaxOf(e, b);
  }
}

/** Accuracy of a network on a dataset (a model built for the call). */
export function mlpAccuracy(weights: MlpWeights, ds: ImageDataset, options: MlpModelOptions = {}): number {
  return createMlpModel(weights, options).accuracy(ds);
}

/** Throws unless the dataset's images have as many pixels as the network has inputs. */
export function checkDataset(ds: ImageDataset, nIn: number): void {
  if (ds.rows * ds.cols !== nIn) {
    throw new Error(`${ds.source}: images of ${ds.rows} × ${ds.cols} = ${ds.rows * ds.cols} pixels do not fit a network with ${nIn} inputs.`);
  }
}

/**
 * One sample through the network in plain JavaScript, the reference for the engine (the same
 * Float32 bits): `x` holds sizes[0] inputs; returns the logits (in `out` if given). Allocates.
 */
export function mlpForward(weights: MlpWeights, x: Float32Array | Float64Array, out?: Float32Array): Float32Array {
  const { sizes } = weights;
  let input = Float32Array.from(x.subarray(0, sizes[0]));
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const W = weights.weights[l];
    const z = Float32Array.from(weights.biases[l]);
    for (let i = 0; i < nIn; i++) {
      const xi = input[i];
      if (xi === 0) continue;
      for (let j = 0; j < nOut; j++) z[j] = Math.fround(z[j] + Math.fround(xi * W[i * nOut + j]));
    }
    if (l + 2 < sizes.length) for (let j = 0; j < nOut; j++) if (!(z[j] > 0)) z[j] = 0;
    input = z;
  }
  if (out === undefined) return input;
  out.set(input);
  return out;
}

/** Softmax of each row of `rows` (count × n), in place (computed in double). */
export function softmaxRows(rows: Float32Array, count: number, n: number): void {
  for (let b = 0; b < count; b++) {
    const o = b * n;
    let max = -Infinity;
    for (let k = 0; k < n; k++) if (rows[o + k] > max) max = rows[o + k];
    let sum = 0;
    for (let k = 0; k < n; k++) sum += exp(rows[o + k] - max);
    for (let k = 0; k < n; k++) rows[o + k] = exp(rows[o + k] - max) / sum;
  }
}
