/**
 * Homeostasis besides the adaptive threshold (which lives in the LIF kernel, core/neurons/lif.ts,
 * and obeys the same plasticity switch).
 *
 * Weight normalisation (Diehl & Cook 2015, after each presentation: the incoming weights of every
 * excitatory neuron are scaled to sum to 78). This is an *off-chip* step: a real crossbar cannot
 * rescale a column of conductances in place. On a float store it is exact. On a memristive store
 * it is done — if asked — by pulses: each synapse gets the pulse count that the device's nominal
 * step says would move it to its normalised value (rounded like the learning rule), so its cost in
 * pulses and energy is counted and the device decides the outcome. `mode: 'off'` skips it.
 */
import type { Population, Projection } from '../core/network.js';
import type { BuildContext, Updater } from '../core/schedule.js';
import { finiteNumber, format } from '../core/units.js';
import { createPulseQueue, enqueuePulses, flushPulses, isPulsed, pulseCount, queueChange, type PulseQueue, type Rounding } from './apply.js';
import { denseWeightKernels } from '../core/synapses/weights-wasm.js';

/**
 * The quiet band of the normalisation by pulses: |χ| below QUIET of a step rounds to 0 pulses
 * whatever the rounding of χ/step, so most synapses take that predictable test (JavaScript and
 * SIMD paths alike) instead of the sign test.
 */
const QUIET = 1 - 1e-9;

/**
 * Weight normalisation as a plug-in: `request()` asks for one normalisation, which runs first in
 * the next learning step (input phase, before any spike of that step propagates — Diehl & Cook
 * normalise between presentations). It is part of learning: skipped while plasticity is off.
 */
export interface Normaliser extends Updater {
  /** 'exact' (float store), 'pulses' (memristive store, by device pulses) or 'off' (memristive, skipped); set at build */
  readonly mode: 'exact' | 'pulses' | 'off';
  /** Asks for a normalisation at the start of the next learning step. */
  request(): void;
  /** Normalises now, at time tNow [ms] (device pulses are stamped with it). Returns the pulses issued (0 on float). */
  apply(tNow: number): number;
}

export interface NormaliserOptions {
  /** on a memristive store: normalise by pulses or not at all; default 'off' */
  readonly deviceMode?: 'pulses' | 'off';
  /** rounding of the normaliser's pulse counts; default 'stochastic' */
  readonly rounding?: Rounding;
  /** label of the random stream of the rounding; default 'normalisation/rounding' */
  readonly stream?: string;
}

/**
 * Column normaliser for `projection` (add it with net.addUpdater before build): Σ_j w_ji = target
 * for every post neuron i. Float stores: exact scaling. Memristive stores: `deviceMode` 'pulses'
 * (each synapse gets the pulse count that the nominal step says moves it to its normalised value,
 * rounded like the learning rule) or 'off'.
 */
export function columnNormaliser(projection: Projection<Population>, target: number, options: NormaliserOptions = {}): Normaliser {
  finiteNumber(target, 'normalisation target');
  if (!(target > 0)) throw new Error(`normalisation target = ${target} must be > 0 (Diehl & Cook use 78).`);
  const deviceMode = options.deviceMode ?? 'off';
  if (deviceMode !== 'pulses' && deviceMode !== 'off') throw new Error(`normalisation deviceMode = '${String(deviceMode)}' is unknown; use 'pulses' or 'off'.`);
  let due = false;
  let dt = 0;
  let apply: (tNow: number) => number = () => 0;
  const normaliser: Normaliser = {
    phase: 'input',
    order: -1,
    name: `normalise:${projection.label}`,
    whenFrozen: 'skip',
    mode: 'off',
    build(ctx: BuildContext) {
      dt = ctx.dt;
      const s = ctx.projection(projection);
      const cols = projection.columns();
      const store = s.store;
      const w = store.weights;
      const nPost = s.nPost;
      if (!isPulsed(store)) {
        (normaliser as { mode: Normaliser['mode'] }).mode = 'exact';
        // all-to-all dense weights: the same sums and products row by row (contiguous memory, the
        // same order of additions per column, so the same bits as the column-wise loop)
        const full = s.storage === 'dense' && s.mask !== null && s.mask.every((m) => m === 1);
        const sums = new Float64Array(nPost);
        const nPre = s.nPre;
        const simd = full ? denseWeightKernels(w, null, nPre, nPost) : null;
        apply = simd
          ? () => {
              // the same sums and products as normaliseDenseColumns, two columns per instruction
              simd.colSums();
              const f = simd.factor;
              for (let i = 0; i < nPost; i++) f[i] = f[i] > 0 ? target / f[i] : Number.NaN;
              simd.scale();
              return 0;
            }
          : full
          ? () => {
              normaliseDenseColumns(w, nPre, nPost, target, sums);
              return 0;
            }
          : () => {
              normaliseColumns(w, cols.colPtr, cols.synapse, nPost, target);
              return 0;
            };
        return;
      }
      if (deviceMode === 'off') return;
      (normaliser as { mode: Normaliser['mode'] }).mode = 'pulses';
      const rounding = options.rounding ?? 'stochastic';
      const queue: PulseQueue = createPulseQueue(store, 65536, rounding, ctx.random.stream(options.stream ?? 'normalisation/rounding'));
      if (rounding !== 'stochastic' && s.storage === 'dense' && s.mask !== null && s.mask.every((m) => m === 1)) {
        // All-to-all dense weights (row-major nPre × nPost) under a rounding that draws no random
        // numbers: the same pulses as the column-wise loop below, queued in the same order (column
        // by column, rows in increasing order), so the queue flushes at the same entries and the
        // devices see the same sequence. The column sums accumulate row by row (the same additions
        // in the same order per column); a synapse's count depends only on its own weight, χ and
        // its column's factor, so the counts are computed row by row over contiguous memory; the
        // few synapses that get pulses are then put in column order by a counting sort and queued.
        const nPre = s.nPre;
        const start = new Int32Array(nPost + 1); // per column: entries with pulses, then the next slot
        const hitSynapse = new Int32Array(nPre * nPost);
        const hitCount = new Int32Array(nPre * nPost);
        const order = new Int32Array(nPre * nPost);
        // The `hits` entries with pulses, put in column order by a counting sort (start[i + 1] holds
        // column i's count) and queued: the order of the column-wise loop; then applied.
        const queueInColumnOrder = (hits: number, tNow: number): void => {
          for (let i = 0; i < nPost; i++) start[i + 1] += start[i];
          for (let e = 0; e < hits; e++) order[start[hitSynapse[e] % nPost]++] = e;
          for (let o = 0; o < hits; o++) enqueuePulses(queue, hitSynapse[order[o]], hitCount[order[o]], store, tNow);
          flushPulses(queue, store, tNow);
        };
        const simd = queue.residual === null ? null : denseWeightKernels(w, queue.residual, nPre, nPost);
        if (simd !== null) {
          // With an accumulator, as SIMD over the store's arrays (core/synapses/weights-wasm.ts): the
          // same sums, counts and accumulator values, and the same entries in the same order.
          const total = nPre * nPost;
          apply = (tNow) => {
            const before = queue.requested;
            simd.setSteps(queue.stepUp, queue.stepDown, queue.invStepUp, queue.invStepDown, queue.stepUp * QUIET, -queue.stepDown * QUIET);
            simd.colSums();
            const f = simd.factor;
            const skipWords = simd.skip;
            for (let i = 0; i < nPost; i++) {
              const sum = f[i];
              const left = sum <= 0;
              skipWords[2 * i] = skipWords[2 * i + 1] = left ? -1 : 0;
              f[i] = left ? 0 : target / sum - 1;
            }
            start.fill(0);
            let hits = 0;
            for (let k = 0; k < total; ) {
              k = simd.feedback(k);
              const n = simd.hitCount();
              const entries = simd.hits;
              for (let e = 0; e < n; e++) {
                const synapse = entries[2 * e];
                hitSynapse[hits] = synapse;
                hitCount[hits++] = entries[2 * e + 1];
                start[(synapse % nPost) + 1]++;
              }
            }
            queueInColumnOrder(hits, tNow);
            return queue.requested - before;
          };
          return;
        }
        const factor = new Float64Array(nPost); // per column: target/sum − 1
        const skip = new Uint8Array(nPost); // 1: the column sums to ≤ 0 and is left alone
        apply = (tNow) => {
          const before = queue.requested;
          const res = queue.residual;
          factor.fill(0);
          for (let j = 0; j < nPre; j++) {
            const row = j * nPost;
            if (res === null) for (let i = 0; i < nPost; i++) factor[i] += w[row + i];
            else for (let i = 0; i < nPost; i++) factor[i] += w[row + i] + res[row + i];
          }
          for (let i = 0; i < nPost; i++) {
            const sum = factor[i];
            skip[i] = sum <= 0 ? 1 : 0;
            factor[i] = sum <= 0 ? 0 : target / sum - 1;
          }
          start.fill(0);
          let hits = 0;
          const { invStepUp, invStepDown, stepUp, stepDown } = queue;
          const belowUp = stepUp * QUIET;
          const belowDown = -stepDown * QUIET;
          for (let j = 0; j < nPre; j++) {
            const row = j * nPost;
            for (let i = 0; i < nPost; i++) {
              if (skip[i] === 1) continue;
              const k = row + i;
              let count: number;
              if (res !== null) {
                // pulseCount's accumulator branch, written out here over local constants (the same
                // operations: the test against the column-wise path compares the bits)
                const x = w[k] + res[k];
                const r = res[k] + x * factor[i];
                if (r < belowUp && r > belowDown) {
                  res[k] = r;
                  continue;
                }
                count = Math.trunc(r > 0 ? r * invStepUp : r * invStepDown);
                if (count === 0) {
                  res[k] = r;
                  continue;
                }
                res[k] = r - (count > 0 ? count * stepUp : count * stepDown);
              } else {
                count = pulseCount(queue, k, w[k] * factor[i]);
                if (count === 0) continue;
              }
              hitSynapse[hits] = k;
              hitCount[hits++] = count;
              start[i + 1]++;
            }
          }
          queueInColumnOrder(hits, tNow);
          return queue.requested - before;
        };
        return;
      }
      // The loops stand in this closure, over its own constants, rather than in a module-level
      // function taking them as arguments: called once per presentation, that function ran ≈ 3×
      // slower in V8 (docs/code-history.md). With an accumulator ('accumulate'/'feedback') the
      // intended weight is w + χ (χ: the change decided, not yet pulsed); normalising w alone would
      // add the same correction again at every presentation.
      apply = (tNow) => {
        const before = queue.requested;
        const { colPtr, synapse } = cols;
        const res = queue.residual;
        for (let i = 0; i < nPost; i++) {
          let sum = 0;
          if (res === null) for (let c = colPtr[i]; c < colPtr[i + 1]; c++) sum += w[synapse[c]];
          else for (let c = colPtr[i]; c < colPtr[i + 1]; c++) sum += w[synapse[c]] + res[synapse[c]];
          if (sum <= 0) continue;
          const f = target / sum;
          for (let c = colPtr[i]; c < colPtr[i + 1]; c++) {
            const k = synapse[c];
            queueChange(queue, k, (res === null ? w[k] : w[k] + res[k]) * (f - 1), store, tNow);
          }
        }
        flushPulses(queue, store, tNow);
        return queue.requested - before;
      };
    },
    request() {
      due = true;
    },
    apply: (tNow) => apply(tNow),
    run(step: number) {
      if (!due) return;
      due = false;
      apply(step * dt);
    },
    quiet: {
      steps: (_step: number, max: number) => (due ? 0 : max),
      pass: () => {},
    },
    snapshot: () => ({ due: due ? 1 : 0 }),
    check(s: unknown) {
      const d = (s as { due?: unknown } | null)?.due;
      if (d !== 0 && d !== 1) throw new Error(`${normaliser.name}: snapshot does not match this normaliser (due = ${format(d)}, expected 0 or 1).`);
    },
    restore(s: unknown) {
      normaliser.check!(s);
      due = (s as { due: number }).due === 1;
    },
  };
  return normaliser;
}

/** Scales each column (post neuron) of weights to sum to `target`. */
export function normaliseColumns(w: Float32Array, colPtr: Int32Array, synapse: Int32Array, nPost: number, target: number): void {
  for (let i = 0; i < nPost; i++) {
    let sum = 0;
    for (let c = colPtr[i]; c < colPtr[i + 1]; c++) sum += w[synapse[c]];
    if (sum <= 0) continue;
    const f = target / sum;
    for (let c = colPtr[i]; c < colPtr[i + 1]; c++) w[synapse[c]] *= f;
  }
}

/**
 * normaliseColumns for dense all-to-all weights (row-major nPre × nPost): the column sums are
 * accumulated row by row in `sums` (scratch, length nPost), then every weight is scaled by its
 * column's target/sum (columns summing to ≤ 0 are left alone). Bit-identical to normaliseColumns:
 * the same additions in the same order per column, over contiguous memory.
 */
export function normaliseDenseColumns(w: Float32Array, nPre: number, nPost: number, target: number, sums: Float64Array): void {
  sums.fill(0);
  for (let j = 0; j < nPre; j++) {
    const row = j * nPost;
    for (let i = 0; i < nPost; i++) sums[i] += w[row + i];
  }
  for (let i = 0; i < nPost; i++) sums[i] = sums[i] > 0 ? target / sums[i] : Number.NaN; // NaN: leave the column
  for (let j = 0; j < nPre; j++) {
    const row = j * nPost;
    for (let i = 0; i < nPost; i++) {
      const f = sums[i];
      if (f === f) w[row + i] *= f;
    }
  }
}
