/**
 * The MLP engine: every array of a fully connected ReLU network — parameters, their gradients and
 * optimiser state, a minibatch's activations and errors, and the lists of non-zero inputs the
 * kernels walk — laid out once in one heap (networks/mlp/kernels.ts), and the passes over a
 * minibatch as module-level functions. Nothing here allocates after `createEngine`.
 *
 * Layer l maps n_l inputs to n_{l+1} outputs: z = b + x·W (W row-major by input, as MlpWeights),
 * a = max(z, 0) for every layer but the last, whose z are the logits.
 *
 * Forward, per sample b and layer l: z_b starts as the bias and receives x_bi·W[i, :] for each
 * non-zero input i in increasing order (axpyRows over the sample's list). Zero inputs are skipped:
 * adding 0·w would change nothing (but the sign of a −0), and most inputs are zero (MNIST: 150 of 784
 * pixels; ReLU: about half the hidden units). The ReLU of layer l writes layer l+1's list.
 *
 * Backward, from the last layer's errors dz = ∂loss/∂z (written by the caller):
 *   ∂W_l[i, :] = Σ_b x_bi·dz_b   over the samples whose input i is non-zero, in sample order —
 *                                 for a wide layer through the list grouped by input (each row of
 *                                 ∂W summed in registers), for a narrow one (< SCATTER_BELOW
 *                                 outputs) by adding each sample's outer product in turn: the same
 *                                 sums in the same order;
 *   ∂b_l       = Σ_b dz_b         in sample order;
 *   dz_{l−1,b} = (dz_b·W_lᵀ) ⊙ [a_{l−1,b} > 0]   through a transposed copy of W_l, k in order.
 * Every sum has a fixed order that does not depend on the kernel, so the WebAssembly and the
 * JavaScript kernels give the same bits. The pixels get no error (nothing to learn there).
 *
 * Parameters live in one block [W_0, b_0, W_1, b_1, …] (each padded to 4 elements); gradients and
 * the optimiser's state in blocks of the same layout, so one optimiser call updates everything.
 */
import type { ImageDataset } from '../datasets/image-dataset.js';
import type { MlpWeights } from './types.js';
import { createMlpKernels, type MlpKernelChoice, type MlpKernels } from './kernels.js';
import { exp, log } from '../../core/math.js';

/** One layer's arrays: element offsets into the heap (Int32 for *Offs, Float32 otherwise), and its JavaScript-side index arrays. */
export interface EngineLayer {
  readonly nIn: number;
  readonly nOut: number;
  /** W (nIn × nOut) and b (nOut) in the parameter block */
  readonly w: number;
  readonly b: number;
  /** batch × nOut: z, then a = ReLU(z) in place (hidden layers) */
  readonly z: number;
  /** batch × nOut: ∂loss/∂z (training only) */
  readonly dz: number;
  /** nOut × nIn: Wᵀ (training, l ≥ 1) */
  readonly wt: number;
  /** this layer's input non-zeros, sample after sample: row offsets into W (i·nOut) and values */
  readonly csrOffs: number;
  readonly csrXs: number;
  /** the same entries grouped by input, samples in order: row offsets into dz (b·nOut) and values (training layers of ≥ SCATTER_BELOW outputs; −1 otherwise) */
  readonly cscOffs: number;
  readonly cscXs: number;
  /** b·nOut for b < batch (the bias gradient's list) */
  readonly batchOffs: number;
  /** k·nIn for k < nOut (back-propagation through Wᵀ) */
  readonly transOffs: number;
  /** list start of sample b; rowPtr[count] = entries */
  readonly rowPtr: Int32Array;
  /** the input index of each list entry (Int32) */
  readonly unit: number;
  /** start of input i in the transposed list; and a fill cursor per input */
  readonly colPtr: Int32Array;
  readonly colFill: Int32Array;
}

/** Which optimiser state the engine holds. */
export type EngineOptimizer = 'adam' | 'sgd' | 'none';

/** An engine: the heap, its kernels and its layout. */
export interface Engine {
  readonly sizes: readonly number[];
  /** largest minibatch */
  readonly batch: number;
  readonly kernels: MlpKernels;
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  readonly layers: readonly EngineLayer[];
  /** the parameter block [start, start + paramCount) and its twins (training only; −1 otherwise) */
  readonly params: number;
  readonly paramCount: number;
  readonly grads: number;
  /** Adam's m and v, or SGD's velocity in `m` (v = −1) */
  readonly m: number;
  readonly v: number;
  /** batch ones (the bias gradient's values) */
  readonly ones: number;
}

/** Options of createEngine. */
export interface EngineOptions {
  readonly sizes: readonly number[];
  readonly batch: number;
  /** allocate gradients and optimiser state for training ('none': inference only) */
  readonly optimizer: EngineOptimizer;
  readonly kernel?: MlpKernelChoice;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/**
 * Layers with fewer outputs than this add each sample's outer product into ∂W (scatterRows);
 * wider ones group the list by input first and sum each row of ∂W in registers (axpyRows). The
 * same sums in the same order either way; measured: 784 × 500 is faster grouped, 500 × 10 scattered.
 */
export const SCATTER_BELOW = 64;

/** Lays out and allocates an engine (all parameters zero). */
export function createEngine(o: EngineOptions): Engine {
  const { sizes, batch, optimizer } = o;
  const training = optimizer !== 'none';
  let top = 0;
  const take = (n: number): number => {
    const at = top;
    top += pad4(n);
    return at;
  };
  // the parameter block first, then its twins (same relative layout)
  const params = 0;
  const pw: number[] = [];
  const pb: number[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    pw.push(take(sizes[l] * sizes[l + 1]));
    pb.push(take(sizes[l + 1]));
  }
  const paramCount = top;
  const grads = training ? take(paramCount) : -1;
  const m = training ? take(paramCount) : -1;
  const v = optimizer === 'adam' ? take(paramCount) : -1;
  const ones = take(batch);
  const specs = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    specs.push({
      nIn,
      nOut,
      w: pw[l],
      b: pb[l],
      z: take(batch * nOut),
      dz: training ? take(batch * nOut) : -1,
      wt: training && l > 0 ? take(nOut * nIn) : -1,
      csrOffs: take(batch * nIn),
      csrXs: take(batch * nIn),
      unit: take(batch * nIn),
      cscOffs: training && nOut >= SCATTER_BELOW ? take(batch * nIn) : -1,
      cscXs: training && nOut >= SCATTER_BELOW ? take(batch * nIn) : -1,
      batchOffs: take(batch),
      transOffs: take(nOut),
    });
  }
  const kernels = createMlpKernels(top, o.kernel ?? 'auto');
  const F = kernels.f32;
  const I = kernels.i32;
  F.fill(1, ones, ones + batch);
  const layers: EngineLayer[] = specs.map((s) => {
    for (let b = 0; b < batch; b++) I[s.batchOffs + b] = b * s.nOut;
    for (let k = 0; k < s.nOut; k++) I[s.transOffs + k] = k * s.nIn;
    return {
      ...s,
      rowPtr: new Int32Array(batch + 1),
      colPtr: new Int32Array(s.nIn + 1),
      colFill: new Int32Array(s.nIn),
    };
  });
  return { sizes: sizes.slice(), batch, kernels, f32: F, i32: I, layers, params, paramCount, grads, m, v, ones };
}

/** Copies weights into the engine's parameter block. */
export function loadWeights(e: Engine, w: MlpWeights): void {
  for (let l = 0; l < e.layers.length; l++) {
    e.f32.set(w.weights[l], e.layers[l].w);
    e.f32.set(w.biases[l], e.layers[l].b);
  }
}

/** The engine's parameters as fresh arrays. */
export function readWeights(e: Engine): MlpWeights {
  const F = e.f32;
  return {
    sizes: e.sizes.slice(),
    weights: e.layers.map((L) => F.slice(L.w, L.w + L.nIn * L.nOut)),
    biases: e.layers.map((L) => F.slice(L.b, L.b + L.nOut)),
  };
}

/** Input pixel value p (0…255) → x = p/255 as Float32. */
export const PIXEL_SCALE: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let p = 0; p < 256; p++) t[p] = p / 255;
  return t;
})();

/** A dataset's images as lists of non-zero pixels (sparseImages: built once per dataset). */
export interface SparseImages {
  readonly count: number;
  /** pixels per image */
  readonly size: number;
  /** entries of image s: [ptr[s], ptr[s + 1]) */
  readonly ptr: Int32Array;
  /** pixel index and value (0…255) of each entry, in increasing pixel order */
  readonly unit: Uint16Array | Int32Array;
  readonly pix: Uint8Array;
}

const sparseCache = new WeakMap<ImageDataset, SparseImages>();

/** A dataset's images as lists of non-zero pixels (computed once per dataset object and kept). */
export function sparseImages(ds: ImageDataset): SparseImages {
  const known = sparseCache.get(ds);
  if (known) return known;
  const size = ds.rows * ds.cols;
  const px = ds.pixels;
  let nnz = 0;
  for (let q = 0; q < px.length; q++) if (px[q] !== 0) nnz++;
  const ptr = new Int32Array(ds.count + 1);
  const unit = size <= 65536 ? new Uint16Array(nnz) : new Int32Array(nnz);
  const pix = new Uint8Array(nnz);
  let n = 0;
  for (let s = 0; s < ds.count; s++) {
    ptr[s] = n;
    const o = s * size;
    for (let i = 0; i < size; i++) {
      const p = px[o + i];
      if (p !== 0) {
        unit[n] = i;
        pix[n] = p;
        n++;
      }
    }
  }
  ptr[ds.count] = n;
  const out: SparseImages = { count: ds.count, size, ptr, unit, pix };
  sparseCache.set(ds, out);
  return out;
}

/**
 * Writes the first layer's list for `count` images: image order[start + b] (or start + b when
 * order is null) as sample b.
 */
export function fillFromImages(e: Engine, images: SparseImages, order: Int32Array | null, start: number, count: number): void {
  const L = e.layers[0];
  const F = e.f32;
  const I = e.i32;
  const { ptr, unit, pix } = images;
  const nOut = L.nOut;
  const rowPtr = L.rowPtr;
  const units = L.unit;
  let n = 0;
  for (let b = 0; b < count; b++) {
    const s = order === null ? start + b : order[start + b];
    rowPtr[b] = n;
    for (let q = ptr[s], end = ptr[s + 1]; q < end; q++) {
      const i = unit[q];
      I[L.csrOffs + n] = i * nOut;
      F[L.csrXs + n] = PIXEL_SCALE[pix[q]];
      I[units + n] = i;
      n++;
    }
  }
  rowPtr[count] = n;
}

/** Writes the first layer's list for `count` dense input vectors (count × n_0 values, from offset `at`), skipping zeros. */
export function fillFromDense(e: Engine, x: Float32Array | Float64Array, at: number, count: number): void {
  const L = e.layers[0];
  const F = e.f32;
  const I = e.i32;
  const { nIn, nOut, rowPtr, unit } = L;
  let n = 0;
  for (let b = 0; b < count; b++) {
    rowPtr[b] = n;
    const o = at + b * nIn;
    for (let i = 0; i < nIn; i++) {
      const xi = Math.fround(x[o + i]);
      if (xi === 0) continue;
      I[L.csrOffs + n] = i * nOut;
      F[L.csrXs + n] = xi;
      I[unit + n] = i;
      n++;
    }
  }
  rowPtr[count] = n;
}

/** The forward pass of `count` samples whose first-layer list is filled: every layer's z (hidden ones ReLU'd), the last layer's are the logits. */
export function forward(e: Engine, count: number): void {
  const F = e.f32;
  const I = e.i32;
  const k = e.kernels;
  const last = e.layers.length - 1;
  for (let l = 0; l <= last; l++) {
    const L = e.layers[l];
    const { nOut, rowPtr } = L;
    const next = l < last ? e.layers[l + 1] : null;
    let n = 0;
    for (let b = 0; b < count; b++) {
      const zo = L.z + b * nOut;
      F.copyWithin(zo, L.b, L.b + nOut);
      k.axpyRows(zo, nOut, L.w, L.csrOffs + rowPtr[b], L.csrXs + rowPtr[b], rowPtr[b + 1] - rowPtr[b]);
      if (next === null) continue;
      // ReLU in place, and the next layer's list of this sample's non-zero activations
      next.rowPtr[b] = n;
      n += k.reluList(zo, nOut, next.csrOffs + n, next.csrXs + n, next.unit + n, next.nOut);
    }
    if (next !== null) next.rowPtr[count] = n;
  }
}

/**
 * The backward pass of the last forward pass (`count` samples), given the last layer's dz:
 * overwrites the gradient block with ∂loss/∂W and ∂loss/∂b (see the module header).
 */
export function backward(e: Engine, count: number): void {
  const F = e.f32;
  const I = e.i32;
  const k = e.kernels;
  const offset = e.grads - e.params;
  F.fill(0, e.grads, e.grads + e.paramCount);
  for (let l = e.layers.length - 1; l >= 0; l--) {
    const L = e.layers[l];
    const { nIn, nOut, rowPtr, unit, colPtr, colFill } = L;
    const gw = L.w + offset;
    if (L.cscOffs < 0) {
      // a narrow layer: each sample's outer product x_b ⊗ dz_b added into ∂W, samples in order
      for (let b = 0; b < count; b++) k.scatterRows(gw, nOut, L.csrOffs + rowPtr[b], L.csrXs + rowPtr[b], rowPtr[b + 1] - rowPtr[b], L.dz + b * nOut);
    } else {
      // the list grouped by input (a counting sort: samples stay in order within an input), then
      // ∂W[i, :] = Σ_b x_bi·dz_b with the row of ∂W held in registers
      const entries = rowPtr[count];
      colFill.fill(0);
      for (let q = 0; q < entries; q++) colFill[I[unit + q]]++;
      colPtr[0] = 0;
      for (let i = 0; i < nIn; i++) {
        colPtr[i + 1] = colPtr[i] + colFill[i];
        colFill[i] = colPtr[i];
      }
      for (let b = 0; b < count; b++) {
        const row = b * nOut;
        for (let q = rowPtr[b], end = rowPtr[b + 1]; q < end; q++) {
          const c = colFill[I[unit + q]]++;
          I[L.cscOffs + c] = row;
          F[L.cscXs + c] = F[L.csrXs + q];
        }
      }
      for (let i = 0; i < nIn; i++) {
        const m = colPtr[i + 1] - colPtr[i];
        if (m > 0) k.axpyRows(gw + i * nOut, nOut, L.dz, L.cscOffs + colPtr[i], L.cscXs + colPtr[i], m);
      }
    }
    // ∂b = Σ_b dz_b
    k.axpyRows(L.b + offset, nOut, L.dz, L.batchOffs, e.ones, count);
    if (l === 0) break;
    // dz of the layer below: (dz·Wᵀ) where its ReLU was active
    for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) F[L.wt + j * nIn + i] = F[L.w + i * nOut + j];
    const P = e.layers[l - 1];
    for (let b = 0; b < count; b++) {
      const d = P.dz + b * nIn;
      const a = P.z + b * nIn;
      F.fill(0, d, d + nIn);
      k.axpyRows(d, nIn, L.wt, L.transOffs, L.dz + b * nOut, nOut);
      k.reluMask(d, a, nIn);
    }
  }
}

/**
 * Softmax cross-entropy of the last forward pass: writes dz = (p − onehot(label))/count for the
 * last layer and writes into `out` the summed loss (nats) and the number of correct argmax
 * predictions. Sample b's class is labels[order[start + b]] (labels[start + b] when order is null).
 * Computed in double; the same code for both kernels.
 */
export function softmaxCrossEntropy(e: Engine, count: number, labels: Uint8Array, order: Int32Array | null, start: number, out: { loss: number; correct: number }): void {
  const F = e.f32;
  const L = e.layers[e.layers.length - 1];
  const n = L.nOut;
  const inv = 1 / count;
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < count; b++) {
    const y = labels[order === null ? start + b : order[start + b]];
    const z = L.z + b * n;
    let max = F[z];
    let arg = 0;
    for (let k = 1; k < n; k++) {
      if (F[z + k] > max) {
        max = F[z + k];
        arg = k;
      }
    }
    if (arg === y) correct++;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += exp(F[z + k] - max);
    loss += log(sum) + max - F[z + y];
    const d = L.dz + b * n;
    for (let k = 0; k < n; k++) F[d + k] = (exp(F[z + k] - max) / sum - (k === y ? 1 : 0)) * inv;
  }
  out.loss = loss;
  out.correct = correct;
}

/** Index of the largest logit of sample b of the last forward pass (the first of equal ones). */
export function argmaxOf(e: Engine, b: number): number {
  const F = e.f32;
  const L = e.layers[e.layers.length - 1];
  const z = L.z + b * L.nOut;
  let arg = 0;
  let max = F[z];
  for (let k = 1; k < L.nOut; k++) {
    if (F[z + k] > max) {
      max = F[z + k];
      arg = k;
    }
  }
  return arg;
}
