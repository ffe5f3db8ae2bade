/**
 * Spike generator: neurons that fire at explicit times (Brian2's SpikeGeneratorGroup). Times are
 * converted to integer steps once (round(t/dt)) and sorted; each step emits the spikes due.
 * Optionally periodic: the whole pattern repeats every `periodSteps` steps.
 */
import type { SpikeBuffer } from './spikes.js';

export interface GeneratorState {
  readonly n: number;
  /** spike steps (sorted ascending; whole numbers, Float64 so that times past 2³¹ steps are kept) and neuron indices, one entry per spike */
  readonly steps: Float64Array;
  readonly indices: Int32Array;
  /** next entry to emit */
  cursor: number;
  /** pattern period in steps (0 = not periodic) */
  readonly periodSteps: number;
  readonly spikes: SpikeBuffer;
}

export function generatorStep(st: GeneratorState, step: number): number {
  const { steps, indices } = st;
  const idx = st.spikes.idx;
  const m = steps.length;
  const local = st.periodSteps > 0 ? step % st.periodSteps : step;
  if (st.periodSteps > 0 && local === 0) st.cursor = 0;
  let c = st.cursor;
  while (c < m && steps[c] < local) c++; // (only after a restore into the middle of a pattern)
  let count = 0;
  while (c < m && steps[c] === local) idx[count++] = indices[c++];
  st.cursor = c;
  st.spikes.count = count;
  return count;
}
