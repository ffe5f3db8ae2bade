/**
 * How much memory a Diehl & Cook network takes, estimated from its spec before anything is
 * allocated, so that a front end can refuse a size that cannot fit (with the figure and its limit)
 * instead of growing memory until the process dies or failing late with a RangeError.
 *
 * The network holds two all-to-all projections: input → excitatory (784·N synapses, plastic, in
 * the spec's store) and inhibitory → excitatory (N·(N − 1) synapses, float). Measured on Node 20
 * (the array-buffer memory after buildModel, N = 100…5000; file sizes of saved models):
 *
 *   in memory     ≈ 12 B per inhibitory synapse + 80 B (float) / 100 B (devices) per input synapse
 *                   (weights, CSR indices, traces, device state, the rule's and the store's scratch)
 *   model file    ≈ 4 B per inhibitory synapse + 4 B (float) / 32 B (single) / 56 B (pair) per
 *                   input synapse
 *   saving        the snapshot and the encoded file are both in memory at once: + 2 × file
 *
 * The estimate is within about 25 % of the peak resident size measured at N = 2000 and 5000
 * (above it for float weights), which is close enough to refuse what cannot fit.
 */
import type { ExperimentSpec } from './spec.js';

/** Inputs of the network (28 × 28 pixels). */
const INPUTS = 784;
/** Bytes in memory per synapse. */
const MEMORY_PER_INHIBITORY_SYNAPSE = 12;
const MEMORY_PER_INPUT_SYNAPSE = { float: 80, device: 100 } as const;
/** Bytes in a model file per synapse. */
const FILE_PER_INHIBITORY_SYNAPSE = 4;
const FILE_PER_INPUT_SYNAPSE = { float: 4, single: 32, pair: 56 } as const;

export interface ModelSize {
  /** the network in memory [bytes] */
  readonly memoryBytes: number;
  /** its model file (and checkpoint) [bytes] */
  readonly fileBytes: number;
  /** the longest typed array it allocates: the inhibitory → excitatory weights [elements] */
  readonly largestArray: number;
}

/**
 * A crossbar evaluation programs the input weights onto a simulated array (differential pairs of
 * devices, DAC/ADC, IR drop): about 300 B per cell (measured with `memspike bench vmm`: 1.18 GB
 * resident for three 2000 × 2000 arrays; one array at a time here, so this is on the safe side).
 */
const MEMORY_PER_CROSSBAR_CELL = 300;

/** The estimated size of the network a spec builds, and of its crossbar evaluations if its schedule has any (see the module doc). */
export function modelSize(spec: Pick<ExperimentSpec, 'neurons' | 'device' | 'cell'> & { readonly schedule?: ExperimentSpec['schedule'] }): ModelSize {
  const n = spec.neurons;
  const inhibitory = n * (n - 1);
  const input = INPUTS * n;
  const float = spec.device === 'float';
  const crossbar = (spec.schedule ?? []).some((p) => p.phase === 'evaluate' && p.mode === 'crossbar');
  const memoryBytes = MEMORY_PER_INHIBITORY_SYNAPSE * inhibitory + (float ? MEMORY_PER_INPUT_SYNAPSE.float : MEMORY_PER_INPUT_SYNAPSE.device) * input + (crossbar ? MEMORY_PER_CROSSBAR_CELL * input : 0);
  const fileBytes = FILE_PER_INHIBITORY_SYNAPSE * inhibitory + (float ? FILE_PER_INPUT_SYNAPSE.float : spec.cell === 'single' ? FILE_PER_INPUT_SYNAPSE.single : FILE_PER_INPUT_SYNAPSE.pair) * input;
  return { memoryBytes, fileBytes, largestArray: Math.max(inhibitory, input) };
}

/** The peak memory of a run that may save the model (a model file, a checkpoint) [bytes]. */
export function peakBytes(size: ModelSize, saves: boolean): number {
  return size.memoryBytes + (saves ? 2 * size.fileBytes : 0);
}
