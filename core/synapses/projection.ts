/**
 * Projections: synapses from one population to a synaptic channel of another, with event-driven
 * propagation (cost ∝ spikes × fan-out) and integer-step delays through a ring buffer.
 *
 * Storage:
 *  - `dense`: weights row-major, pre × post (synapse (j, i) at j·nPost + i) — for dense
 *    connectivity such as input → excitatory; absent synapses (sparse connector) have weight 0
 *    and `mask[k] = 0` so plasticity leaves them alone;
 *  - `csr`: compressed sparse rows (rowPtr, post, weights) — 8 bytes per synapse plus 4 per
 *    presynaptic neuron.
 *
 * Timing (Brian2 semantics): a spike in step t with delay D steps is added to the target's
 * synaptic variable at the end of step t + D, and so acts on v from step t + D + 1 on. D = 0
 * (the default) adds directly; D > 0 goes through a ring buffer of L = max D + 1 slots per target
 * channel, delivered by the network at the end of each step's propagate phase.
 */
import type { StateArray } from '../neurons/lif.js';
import type { SpikeBuffer } from '../neurons/spikes.js';
import type { SynapseStore } from './store.js';
import type { Connectivity } from './connectors.js';

/** The synapse structure of a built projection (what propagation and plasticity read). */
export interface ProjectionStructure {
  readonly label: string;
  readonly storage: 'dense' | 'csr';
  readonly nPre: number;
  readonly nPost: number;
  /** CSR view of the synapses (also kept for dense storage, for plasticity) */
  readonly rowPtr: Int32Array;
  readonly post: Int32Array;
  /** synapse index in `store.weights` of each CSR entry (identity for csr; j·nPost + i for dense) */
  readonly synapseOf: Int32Array | null;
  /** dense only: 1 where a synapse exists */
  readonly mask: Uint8Array | null;
  readonly store: SynapseStore;
  readonly preSpikes: SpikeBuffer;
  readonly postSpikes: SpikeBuffer | null;
  /** scalar delay [steps] (−1 when per-synapse delays are used) */
  readonly delaySteps: number;
  /** per-synapse delays [steps] (CSR order) or null */
  readonly synapseDelays: Int32Array | null;
}

/** Column (postsynaptic) index of a projection, for rules that act on a post spike. */
export interface ColumnIndex {
  /** colPtr[i] … colPtr[i+1]: the synapses onto post neuron i */
  readonly colPtr: Int32Array;
  /** presynaptic neuron of each entry */
  readonly pre: Int32Array;
  /** synapse index (into store.weights) of each entry */
  readonly synapse: Int32Array;
}

/** Builds the column index (transpose) of a projection's synapses. O(synapses), once. */
export function columnIndex(p: ProjectionStructure): ColumnIndex {
  const { nPre, nPost, rowPtr, post, synapseOf } = p;
  const m = post.length;
  const colPtr = new Int32Array(nPost + 1);
  for (let k = 0; k < m; k++) colPtr[post[k] + 1]++;
  for (let i = 0; i < nPost; i++) colPtr[i + 1] += colPtr[i];
  const fill = colPtr.slice(0, nPost);
  const pre = new Int32Array(m);
  const synapse = new Int32Array(m);
  for (let j = 0; j < nPre; j++) {
    for (let k = rowPtr[j]; k < rowPtr[j + 1]; k++) {
      const c = fill[post[k]]++;
      pre[c] = j;
      synapse[c] = synapseOf ? synapseOf[k] : k;
    }
  }
  return { colPtr, pre, synapse };
}

/** Dense layout of a connectivity: synapse index of each CSR entry, and the existence mask. */
export function denseLayout(c: Connectivity): { synapseOf: Int32Array; mask: Uint8Array } {
  const synapseOf = new Int32Array(c.post.length);
  const mask = new Uint8Array(c.nPre * c.nPost);
  for (let j = 0; j < c.nPre; j++) {
    for (let k = c.rowPtr[j]; k < c.rowPtr[j + 1]; k++) {
      const s = j * c.nPost + c.post[k];
      synapseOf[k] = s;
      mask[s] = 1;
    }
  }
  return { synapseOf, mask };
}

/** Adds, for each spiking presynaptic neuron, its dense row of weights into target[off + i]. */
export function propagateDense(target: StateArray, off: number, spikes: SpikeBuffer, nPost: number, w: Float32Array): void {
  const idx = spikes.idx;
  for (let s = 0, c = spikes.count; s < c; s++) {
    const base = idx[s] * nPost;
    for (let i = 0; i < nPost; i++) target[off + i] += w[base + i];
  }
}

/** Adds, for each spiking presynaptic neuron, its CSR row of weights into target[off + post]. */
export function propagateCsr(target: StateArray, off: number, spikes: SpikeBuffer, rowPtr: Int32Array, post: Int32Array, w: Float32Array): void {
  const idx = spikes.idx;
  for (let s = 0, c = spikes.count; s < c; s++) {
    const j = idx[s];
    for (let k = rowPtr[j], end = rowPtr[j + 1]; k < end; k++) target[off + post[k]] += w[k];
  }
}

/** CSR propagation with one delay per synapse into a ring of L slots of nPost entries. */
export function propagateCsrDelayed(ring: Float64Array, nPost: number, slots: number, step: number, spikes: SpikeBuffer, rowPtr: Int32Array, post: Int32Array, w: Float32Array, delays: Int32Array): void {
  const idx = spikes.idx;
  for (let s = 0, c = spikes.count; s < c; s++) {
    const j = idx[s];
    for (let k = rowPtr[j], end = rowPtr[j + 1]; k < end; k++) ring[((step + delays[k]) % slots) * nPost + post[k]] += w[k];
  }
}

/** Adds ring slot `step mod L` into the target variable and clears it. */
export function deliverRing(target: StateArray, ring: Float64Array, slots: number, step: number): void {
  const n = target.length;
  const off = (step % slots) * n;
  for (let i = 0; i < n; i++) {
    const x = ring[off + i];
    if (x !== 0) {
      target[i] += x;
      ring[off + i] = 0;
    }
  }
}
