/**
 * WebAssembly SIMD kernels of dense all-to-all weights, bit-identical to the JavaScript loops they
 * stand for (source scripts/weights-kernels.wat): the column normalisation (learning/homeostasis.ts)
 * and the propagation of spikes (core/synapses/projection.ts's propagateDense).
 *
 * Why: Diehl & Cook normalise all 784 × 400 weights after every sample. In JavaScript the two
 * passes over the weights (column sums, then the scaling or the pulse counts) take 1–2 ms per
 * sample; as SIMD over the store's own arrays — the stores keep their weights and accumulator in a
 * weight memory (core/wasm.ts's weightArrays) — they take a fraction of that (docs/benchmarks.md).
 * The propagation adds a spiking input's row of 400 weights to the targets' conductances, ≈ 1 400
 * times per sample; the target variable lives in its population's own memory, so it is copied into
 * the work area and back around the SIMD additions, in steps with spikes.
 *
 * The module imports the store's memory and keeps its constants, per-column sums and pulse entries
 * in the work area at the start of it. Where WebAssembly SIMD is unavailable, the arrays are plain
 * typed arrays, the columns are more than 4096 or odd in number, `denseWeightKernels` returns null
 * and the JavaScript loops run.
 */
import { WEIGHTS_WASM_BYTES } from './weights-wasm-bytes.js';
import { lazyModule, memoryOf, wasmApi, WEIGHT_WORK_BYTES } from '../wasm.js';

/** Work-area layout (scripts/weights-kernels.wat). */
const F64 = { belowUp: 0, belowDown: 8, invStepUp: 16, invStepDown: 24, stepUp: 32, stepDown: 40 } as const;
const I32 = { nPre: 64, nPost: 68, weights: 72, residual: 76, hits: 80, hitCapacity: 84 } as const;
const FACTOR_AT = 256;
const SKIP_AT = 33024;
const HITS_AT = 65792;
/** Columns the work area has room for: (SKIP_AT − FACTOR_AT)/8. */
const MAX_COLUMNS = 4096;
const HIT_CAPACITY = (WEIGHT_WORK_BYTES - HITS_AT) / 8;
/** Spiking rows $propagate takes at once: (WEIGHT_WORK_BYTES − HITS_AT)/4. */
const ROW_CAPACITY = (WEIGHT_WORK_BYTES - HITS_AT) / 4;

const weightsModule = lazyModule(WEIGHTS_WASM_BYTES);

/** The kernels bound to one projection's weights (and accumulator). */
export interface DenseWeightKernels {
  /** per column: the sum after colSums; the caller then writes its factor here */
  readonly factor: Float64Array;
  /** per column two words, both −1 when the column is left alone, else 0 (feedback) */
  readonly skip: Int32Array;
  /** (synapse, pulse count) pairs written by feedback; hitCount() of them */
  readonly hits: Int32Array;
  /** factor[i] ← Σ over rows of w (+ χ) */
  colSums(): void;
  /** w ← w·factor[i] rounded to a single, where factor[i] is a number */
  scale(): void;
  /**
   * The accumulator's pass from synapse k (even) on: χ ← χ + (w + χ)·factor[i], whole steps out as
   * pulse entries. Returns where to resume (nPre·nPost when done); the entries are valid until the
   * next call.
   */
  feedback(k: number): number;
  hitCount(): number;
  /**
   * the steps of the pulse rounding (learning/apply.ts's queue) and the quiet band: |χ| in
   * (belowDown, belowUp) gives no pulse (learning/homeostasis.ts defines it)
   */
  setSteps(stepUp: number, stepDown: number, invStepUp: number, invStepDown: number, belowUp: number, belowDown: number): void;
  /**
   * target[i] += w[rows[s], i] for s < count, in that order (propagateDense with offset 0); `target`
   * of length nPost, count ≤ nPre. Allocates nothing.
   */
  propagate(target: Float64Array, rows: Int32Array, count: number): void;
}

/**
 * Kernels for nPre × nPost row-major weights `w` and accumulator `residual` (or null) held in one
 * weight memory; null where they cannot run (see the header).
 */
export function denseWeightKernels(w: Float32Array, residual: Float32Array | null, nPre: number, nPost: number): DenseWeightKernels | null {
  const mod = weightsModule();
  const memory = memoryOf(w);
  if (mod === null || memory === null) return null;
  if (residual !== null && memoryOf(residual) !== memory) return null;
  if (nPost % 2 !== 0 || nPost > MAX_COLUMNS || nPre > ROW_CAPACITY || w.length !== nPre * nPost || w.byteOffset < WEIGHT_WORK_BYTES) return null;
  const buf = memory.buffer;
  const header = new DataView(buf, 0, FACTOR_AT);
  const instance = new (wasmApi()!.Instance)(mod, { env: { mem: memory } });
  const colSums = instance.exports['colSums'] as () => void;
  const scale = instance.exports['scale'] as () => void;
  const feedback = instance.exports['feedback'] as (k: number) => number;
  const propagate = instance.exports['propagate'] as (nSpikes: number, nPost: number) => void;
  // The work area is shared by every kernel set on this memory (a store's normaliser and its
  // projection's propagation): each call writes the header fields, sums or rows it reads before it
  // runs, and no call spans another's (they are synchronous and in different phases of a step).
  let belowUp = 0;
  let belowDown = 0;
  let invUp = 0;
  let invDown = 0;
  let up = 0;
  let down = 0;
  // The memory is one store's (core/wasm.ts's weightArrays): every kernel set on it has the same
  // weights, so their offset is written once.
  header.setInt32(I32.weights, w.byteOffset, true);
  const bind = (): void => {
    header.setInt32(I32.nPre, nPre, true);
    header.setInt32(I32.nPost, nPost, true);
    header.setInt32(I32.residual, residual === null ? 0 : residual.byteOffset, true);
    header.setInt32(I32.hitCapacity, HIT_CAPACITY, true);
    header.setFloat64(F64.belowUp, belowUp, true);
    header.setFloat64(F64.belowDown, belowDown, true);
    header.setFloat64(F64.invStepUp, invUp, true);
    header.setFloat64(F64.invStepDown, invDown, true);
    header.setFloat64(F64.stepUp, up, true);
    header.setFloat64(F64.stepDown, down, true);
  };
  const factor = new Float64Array(buf, FACTOR_AT, nPost);
  const rowList = new Int32Array(buf, HITS_AT, ROW_CAPACITY);
  return {
    factor,
    skip: new Int32Array(buf, SKIP_AT, 2 * nPost),
    hits: new Int32Array(buf, HITS_AT, 2 * HIT_CAPACITY),
    propagate(target: Float64Array, rows: Int32Array, count: number): void {
      for (let s = 0; s < count; s++) rowList[s] = rows[s];
      factor.set(target);
      propagate(count, nPost);
      target.set(factor);
    },
    colSums() {
      bind();
      colSums();
    },
    scale() {
      bind();
      scale();
    },
    feedback(k: number): number {
      bind();
      return feedback(k);
    },
    hitCount: () => header.getInt32(I32.hits, true),
    setSteps(stepUp, stepDown, invStepUp, invStepDown, quietUp, quietDown) {
      belowUp = quietUp;
      belowDown = quietDown;
      invUp = invStepUp;
      invDown = invStepDown;
      up = stepUp;
      down = stepDown;
    },
  };
}
