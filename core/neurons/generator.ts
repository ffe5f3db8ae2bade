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

/**
 * How many of the `max` steps from `step` on emit no spike and leave the cursor as it is: up to the
 * next spike (and, for a periodic pattern, up to the next period start, where the cursor rewinds);
 * 0 where the next step has work to do.
 */
export function generatorQuietSteps(st: GeneratorState, step: number, max: number): number {
  const { steps } = st;
  const c = st.cursor;
  const periodic = st.periodSteps > 0;
  const local = periodic ? step % st.periodSteps : step;
  if (periodic && local === 0) return 0;
  if (c < steps.length && steps[c] <= local) return 0;
  const next = c < steps.length ? steps[c] : periodic ? st.periodSteps : Infinity;
  const end = periodic ? Math.min(next, st.periodSteps) : next;
  return Math.max(0, Math.min(max, end - local));
}
