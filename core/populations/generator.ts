/**
 * Spike generator populations (model: core/neurons/generator.ts): spike times converted to whole
 * steps and sorted at build; the cursor is the whole state.
 */
import { positive, nonNegative, positiveInteger, format, type Quantity } from '../units.js';
import { createSpikeBuffer } from '../neurons/spikes.js';
import { generatorQuietSteps, generatorStep, type GeneratorState } from '../neurons/generator.js';
import type { BuiltPopulationBase } from './built.js';

export interface GeneratorSpec {
  readonly kind: 'generator';
  readonly n: number;
  readonly label: string;
  /** neuron index of each spike */
  readonly indices: ArrayLike<number>;
  /** time of each spike [ms] (or strings with units) */
  readonly times: ArrayLike<number> | readonly Quantity[];
  /** repeat the pattern with this period [ms]; default none */
  readonly period?: Quantity;
}
/** Spike generator spec: spike k is neuron indices[k] at times[k]. */
export function spikeGenerator(n: number, indices: ArrayLike<number>, times: ArrayLike<number> | readonly Quantity[], options: { period?: Quantity; label?: string } = {}): GeneratorSpec {
  return { kind: 'generator', n, label: options.label ?? 'generator', indices, times, ...(options.period !== undefined ? { period: options.period } : {}) };
}

export interface BuiltGenerator extends BuiltPopulationBase {
  readonly kind: 'generator';
  readonly state: GeneratorState;
}

export function buildGenerator(spec: GeneratorSpec, dt: number): BuiltGenerator {
  const L = spec.label;
  const n = positiveInteger(spec.n, `${L}.n`, 'a population needs at least one neuron');
  const { indices, times } = spec;
  if (indices == null || times == null || indices.length !== times.length) {
    throw new Error(`${L}: indices (${indices?.length}) and times (${times?.length}) must have the same length; give one time per spike.`);
  }
  const m = indices.length;
  const order = new Array<number>(m);
  const steps = new Float64Array(m);
  const ids = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`${L}.indices[${k}] = ${format(i)} is not a neuron index in [0, ${n - 1}].`);
    const t = nonNegative(times[k] as Quantity, 'time', `${L}.times[${k}]`, 'spike times must be ≥ 0 ms');
    steps[k] = Math.round(t / dt);
    ids[k] = i;
    order[k] = k;
  }
  order.sort((a, b) => steps[a] - steps[b] || ids[a] - ids[b]);
  const st = new Float64Array(m);
  const ix = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    st[k] = steps[order[k]];
    ix[k] = ids[order[k]];
    if (k > 0 && st[k] === st[k - 1] && ix[k] === ix[k - 1]) {
      throw new Error(`${L}: neuron ${ix[k]} has two spikes in step ${st[k]} (t ≈ ${(st[k] * dt).toFixed(4)} ms); a neuron spikes at most once per step — separate them by at least dt = ${dt} ms.`);
    }
  }
  let periodSteps = 0;
  if (spec.period !== undefined) {
    const period = positive(spec.period, 'time', `${L}.period`);
    periodSteps = Math.round(period / dt);
    if (m > 0 && st[m - 1] >= periodSteps) {
      throw new Error(`${L}.period = ${format(spec.period)} is not longer than the last spike time (${st[m - 1] * dt} ms); make the period longer.`);
    }
  }
  const state: GeneratorState = { n, steps: st, indices: ix, cursor: 0, periodSteps, spikes: createSpikeBuffer(n) };
  return {
    kind: 'generator',
    n,
    spikes: state.spikes,
    phase: 'input',
    state,
    step: (s) => void generatorStep(state, s),
    quiet: {
      steps: (s, max) => generatorQuietSteps(state, s, max),
      pass: () => void (state.spikes.count = 0),
    },
    whenFrozen: 'run',
    snapshot: () => ({ cursor: state.cursor }),
    check(s, where) {
      const c = s['cursor'];
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > m) throw new Error(`${where}.cursor is missing or not a spike index in [0, ${m}].`);
    },
    restore(s) {
      state.cursor = s['cursor'] as number;
    },
  };
}

