/**
 * Spike buffers: Brian2's "spikespace" — a preallocated index list plus a count, rewritten every
 * step by the population that owns it. Downstream kernels loop `for (s < count) idx[s]`, never over
 * a boolean mask of all neurons.
 */
export interface SpikeBuffer {
  /** Indices of the neurons that spiked this step, in increasing order; valid up to `count`. */
  readonly idx: Int32Array;
  /** Number of valid entries in `idx`. */
  count: number;
}

export function createSpikeBuffer(n: number): SpikeBuffer {
  return { idx: new Int32Array(n), count: 0 };
}
