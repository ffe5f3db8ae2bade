/**
 * The contract every synapse store meets (see store.ts for the stores and their union). Kept in its
 * own module so that core/devices can implement it without importing the union that names it.
 */
import type { RandomStreams } from '../random.js';

/** What every synapse store offers to propagation, plasticity and snapshots. */
export interface SynapseStoreBase {
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
  /** Throws (naming the store and what is wrong) unless restore(s) would succeed; changes nothing. */
  check(s: StoreSnapshot): void;
  /** Restores a snapshot() of a store of the same kind and size; validates (check) before changing anything. */
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

