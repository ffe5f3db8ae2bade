/**
 * Synapse stores: where a projection keeps its weights.
 *
 * Propagation kernels read one Float32Array of *effective* weights (`store.weights`, one entry per
 * synapse, in the projection's order: row-major pre × post for dense projections, CSR order for
 * sparse ones) and never know what is behind it. Units of an effective weight are those of the
 * target channel: mV for current-based channels (a jump of the synaptic current variable, like
 * Brian2's CUBA `ge += we`), and conductance relative to the leak (dimensionless) for
 * conductance-based channels (Diehl & Cook 2015's `ge += w`).
 *
 * - `float`: the ideal reference; plasticity writes `weights` directly.
 * - `memristive` (core/devices): per-synapse device state; `weights` is a cache of the mapped
 *   (drifted) conductance, and plasticity may change it only through `pulse(...)`.
 */
import type { MemristiveStore } from '../devices/store.js';
import type { StoreInit, StoreSnapshot, SynapseStoreBase } from './store-base.js';
import { weightArrays } from '../wasm.js';

export type { StoreInit, StoreSnapshot, SynapseStoreBase } from './store-base.js';

/** A synapse store: float weights or memristive devices (narrow on `kind`). */
export type SynapseStore = FloatStore | MemristiveStore;

/** A store factory: given the projection's size and initial weights, builds the store. */
export interface StoreFactory {
  readonly kind: 'float' | 'memristive';
  create(init: StoreInit): SynapseStore;
}

/** Plain float weights: the ideal reference store. */
export interface FloatStore extends SynapseStoreBase {
  readonly kind: 'float';
}

export interface FloatStoreOptions {
  /** Lower bound for plasticity [channel units]; default −Infinity. */
  readonly wMin?: number;
  /** Upper bound for plasticity [channel units]; default +Infinity. */
  readonly wMax?: number;
}

/** Factory for the float (ideal) store. */
export function floatStore(options: FloatStoreOptions = {}): StoreFactory {
  const wMin = options.wMin ?? -Infinity;
  const wMax = options.wMax ?? Infinity;
  if (typeof wMin !== 'number' || Number.isNaN(wMin)) throw new Error(`floatStore.wMin = ${String(wMin)} is not a number; give a lower weight bound.`);
  if (typeof wMax !== 'number' || Number.isNaN(wMax)) throw new Error(`floatStore.wMax = ${String(wMax)} is not a number; give an upper weight bound.`);
  if (!(wMax >= wMin)) throw new Error(`floatStore bounds are inverted (wMin = ${wMin} > wMax = ${wMax}); swap them.`);
  return Object.freeze({
    kind: 'float' as const,
    create(init: StoreInit): FloatStore {
      // in a weight memory (core/wasm.ts), so that the normalisation's SIMD kernel works in place
      const [weights] = weightArrays(init.size, 1);
      weights.set(init.initial);
      const check = (s: StoreSnapshot): void => {
        const w = s?.arrays?.['weights'];
        if (s?.kind !== 'float' || s.size !== init.size || !(w instanceof Float32Array) || w.length !== init.size) {
          throw new Error(`float store '${init.label}': snapshot of kind ${s?.kind} and size ${s?.size} does not match (float, ${init.size}).`);
        }
      };
      return {
        kind: 'float',
        size: init.size,
        weights,
        wMin,
        wMax,
        snapshot: () => ({ kind: 'float', size: init.size, arrays: { weights: weights.slice() }, scalars: {} }),
        check,
        restore(s: StoreSnapshot) {
          check(s);
          weights.set(s.arrays['weights'] as Float32Array);
        },
      };
    },
  });
}
