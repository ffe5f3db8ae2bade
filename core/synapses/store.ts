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
import type { RandomStreams } from '../random.js';

/** What every synapse store offers to propagation, plasticity and snapshots. */
export interface SynapseStore {
  readonly kind: 'float' | 'memristive';
  /** Number of synapses. */
  readonly size: number;
  /** Effective weights read by propagation [channel units]; length = size. */
  readonly weights: Float32Array;
  /** Lower and upper weight bounds plasticity should respect [channel units]. */
  readonly wMin: number;
  readonly wMax: number;
  /** Full state as plain data (typed arrays are copied). */
  snapshot(): StoreSnapshot;
  /** Restores a snapshot() of a store of the same kind and size; validates before changing anything. */
  restore(s: StoreSnapshot): void;
}

export interface StoreSnapshot {
  readonly kind: string;
  readonly size: number;
  readonly arrays: Record<string, Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array | Uint16Array>;
  readonly scalars: Record<string, number>;
}

/** What a projection hands a store factory at build time. */
export interface StoreInit {
  /** Number of synapses. */
  readonly size: number;
  /** Initial weights [channel units], length = size (already drawn by the connector). */
  readonly initial: Float32Array;
  /** The network's random streams; a store derives its own streams by `label`. */
  readonly random: RandomStreams;
  /** Unique label of the projection, e.g. 'input→exc'. */
  readonly label: string;
  /** Simulation time step [ms]. */
  readonly dt: number;
}

/** A store factory: given the projection's size and initial weights, builds the store. */
export interface StoreFactory {
  readonly kind: 'float' | 'memristive';
  create(init: StoreInit): SynapseStore;
}

/** Plain float weights: the ideal reference store. */
export interface FloatStore extends SynapseStore {
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
      const weights = new Float32Array(init.initial);
      return {
        kind: 'float',
        size: init.size,
        weights,
        wMin,
        wMax,
        snapshot: () => ({ kind: 'float', size: init.size, arrays: { weights: weights.slice() }, scalars: {} }),
        restore(s: StoreSnapshot) {
          const w = s.arrays['weights'];
          if (s.kind !== 'float' || s.size !== init.size || !(w instanceof Float32Array) || w.length !== init.size) {
            throw new Error(`float store '${init.label}': snapshot of kind ${s.kind} and size ${s.size} does not match (float, ${init.size}).`);
          }
          weights.set(w);
        },
      };
    },
  });
}
