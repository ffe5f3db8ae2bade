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
import type { Projection } from '../core/network.js';
import { finiteNumber } from '../core/units.js';
import type { RandomStream } from '../core/random.js';
import { createPulseQueue, flushPulses, isPulsed, queueChange, type PulseQueue, type Rounding } from './apply.js';

export interface Normaliser {
  /** Applies the normalisation now (time tNow [ms] for device pulses). Returns pulses issued (0 on float). */
  apply(tNow: number): number;
  readonly mode: 'exact' | 'pulses' | 'off';
}

/**
 * Column normaliser for `projection` (after build): Σ_j w_ji = target for every post neuron i.
 * Float stores: exact scaling. Memristive stores: `deviceMode` 'pulses' or 'off' (default 'off').
 */
export function columnNormaliser(projection: Projection, target: number, options: { deviceMode?: 'pulses' | 'off'; rounding?: Rounding; rng?: RandomStream } = {}): Normaliser {
  finiteNumber(target, 'normalisation target');
  if (!(target > 0)) throw new Error(`normalisation target = ${target} must be > 0 (Diehl & Cook use 78).`);
  const s = projection.structure;
  const cols = projection.columns();
  const store = s.store;
  const w = store.weights;
  const nPost = s.nPost;
  if (!isPulsed(store)) {
    return {
      mode: 'exact',
      apply() {
        normaliseColumns(w, cols.colPtr, cols.synapse, nPost, target);
        return 0;
      },
    };
  }
  const deviceMode = options.deviceMode ?? 'off';
  if (deviceMode === 'off') return { mode: 'off', apply: () => 0 };
  if (!options.rng) throw new Error('columnNormaliser: pulse mode needs a random stream for rounding (options.rng).');
  const queue: PulseQueue = createPulseQueue(store, 65536, options.rounding ?? 'stochastic', options.rng);
  return {
    mode: 'pulses',
    apply(tNow: number) {
      const before = queue.requested;
      const { colPtr, synapse } = cols;
      // With 'accumulate' rounding the intended weight is w + χ (χ: change decided, not yet pulsed);
      // normalising w alone would add the same correction again at every presentation.
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
    },
  };
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
