/**
 * Poisson input populations (model: core/neurons/poisson.ts): rates validated at build, one random
 * stream per population, rates changeable between steps, snapshot/restore.
 */
import { positiveInteger, type Quantity } from '../units.js';
import type { RandomStream, RandomStreams } from '../random.js';
import { createSpikeBuffer } from '../neurons/spikes.js';
import { poissonStep, refreshPoissonActive, setPoissonRates, type PoissonState } from '../neurons/poisson.js';
import { checkArray, perNeuron, type BuiltPopulationBase } from './built.js';

export interface PoissonSpec {
  readonly kind: 'poisson';
  readonly n: number;
  readonly label: string;
  /** initial rates [Hz]: one value or one per neuron */
  readonly rates: Quantity | ArrayLike<number>;
}
/** Poisson input spec (rates in Hz). */
export function poissonInput(n: number, rates: Quantity | ArrayLike<number> = 0, label = 'poisson'): PoissonSpec {
  return { kind: 'poisson', n, label, rates };
}
export interface BuiltPoisson extends BuiltPopulationBase {
  readonly kind: 'poisson';
  readonly state: PoissonState;
  readonly rng: RandomStream;
  /** Sets every rate to rates[i]·scale [Hz] from tNow [ms] on (validated; pending events redrawn). */
  setRates(rates: ArrayLike<number>, scale: number, tNow: number): void;
}

export function buildPoisson(spec: PoissonSpec, dt: number, random: RandomStreams): BuiltPoisson {
  const n = positiveInteger(spec.n, `${spec.label}.n`, 'a population needs at least one neuron');
  const rates = new Float64Array(n);
  perNeuron(spec.rates, n, 'frequency', `${spec.label}.rates`, rates);
  for (let i = 0; i < n; i++) {
    if (!(rates[i] >= 0)) throw new Error(`${spec.label}.rates[${i}] = ${rates[i]} Hz is negative; rates must be ≥ 0 Hz.`);
  }
  const state: PoissonState = { n, rates: new Float64Array(n), nextEvent: new Float64Array(n), active: new Int32Array(n), activeCount: 0, spikes: createSpikeBuffer(n) };
  const rng = random.stream(`${spec.label}/poisson`);
  setPoissonRates(state, rng, rates, 1, 0);
  const label = spec.label;
  return {
    kind: 'poisson',
    n,
    spikes: state.spikes,
    phase: 'input',
    state,
    rng,
    step: (s) => void poissonStep(state, rng, s, dt),
    // every rate 0: no neuron is scanned, no number drawn, no spike
    quiet: {
      steps: (_s, max) => (state.activeCount === 0 ? max : 0),
      pass: () => void (state.spikes.count = 0),
    },
    whenFrozen: 'run',
    setRates(r, scale, tNow) {
      if (r == null || r.length !== n) throw new Error(`${label}.setRates: got ${r?.length} rates for ${n} neurons; give one rate [Hz] per neuron.`);
      if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`${label}.setRates: scale = ${scale} must be a finite number ≥ 0.`);
      for (let i = 0; i < r.length; i++) {
        if (!(r[i] >= 0) || !Number.isFinite(r[i])) throw new Error(`${label}.setRates: rates[${i}] = ${r[i]} must be a finite rate ≥ 0 Hz.`);
      }
      setPoissonRates(state, rng, r, scale, tNow);
    },
    snapshot: () => ({ rates: state.rates.slice(), nextEvent: state.nextEvent.slice() }),
    check(s, where) {
      checkArray(s, 'rates', Float64Array, n, where);
      checkArray(s, 'nextEvent', Float64Array, n, where);
    },
    restore(s) {
      state.rates.set(s['rates'] as Float64Array);
      state.nextEvent.set(s['nextEvent'] as Float64Array);
      refreshPoissonActive(state);
    },
  };
}

