/**
 * Poisson input neurons.
 *
 * Each neuron i fires as a Poisson process of rate r_i [Hz]. Instead of one uniform draw per
 * neuron per step (784 inputs × 1000 steps = 784 000 draws per Diehl & Cook sample), each neuron
 * keeps the time of its next event, drawn from exponential intervals (mean 1000/r_i ms). Step s
 * covers [s·dt, (s+1)·dt): the neuron spikes in step s when its next event falls inside, and —
 * because the process is memoryless — the next event is drawn afresh from the end of the step.
 * A neuron therefore spikes in each step independently with probability 1 − e^(−r·dt) (several
 * events in one step count as one spike), exactly as a per-step Bernoulli draw would, at the cost
 * of one draw per spike; neurons at rate 0 (most MNIST pixels) are not even scanned. Rates may change between steps (`setPoissonRates`): the pending events
 * are redrawn from the current time, which the memoryless property makes exact.
 */
import type { RandomStream } from '../random.js';
import type { SpikeBuffer } from './spikes.js';
import { log } from '../math.js';

export interface PoissonState {
  readonly n: number;
  /** rate of each neuron [Hz] */
  readonly rates: Float64Array;
  /** time of each neuron's next event [ms]; Infinity when its rate is 0 */
  readonly nextEvent: Float64Array;
  /** indices of the neurons with rate > 0, ascending (only these are scanned each step) */
  readonly active: Int32Array;
  activeCount: number;
  readonly spikes: SpikeBuffer;
}

/** One step: neurons whose next event falls before the end of step `step` spike. */
export function poissonStep(st: PoissonState, rng: RandomStream, step: number, dt: number): number {
  const { rates, nextEvent, active, activeCount } = st;
  const idx = st.spikes.idx;
  const tEnd = (step + 1) * dt;
  let count = 0;
  for (let a = 0; a < activeCount; a++) {
    const i = active[a];
    if (nextEvent[i] < tEnd) {
      idx[count++] = i;
      nextEvent[i] = tEnd - (1000 / rates[i]) * log(1 - rng.uniform());
    }
  }
  st.spikes.count = count;
  return count;
}

/** Sets all rates [Hz] and redraws pending events from time `tNow` [ms]. */
export function setPoissonRates(st: PoissonState, rng: RandomStream, rates: ArrayLike<number>, scale: number, tNow: number): void {
  const { n, nextEvent, active } = st;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const r = rates[i] * scale;
    st.rates[i] = r;
    if (r > 0) {
      nextEvent[i] = tNow - (1000 / r) * log(1 - rng.uniform());
      active[m++] = i;
    } else nextEvent[i] = Infinity;
  }
  st.activeCount = m;
}

/** Rebuilds the active list from the rates (after a restore). */
export function refreshPoissonActive(st: PoissonState): void {
  let m = 0;
  for (let i = 0; i < st.n; i++) if (st.rates[i] > 0) st.active[m++] = i;
  st.activeCount = m;
}
