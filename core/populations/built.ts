/**
 * What every built population offers the network: its spike buffer, its per-step work, and its
 * state as plain data. Each kind (lif.ts, poisson.ts, generator.ts) builds, steps, snapshots and
 * restores itself; the network never switches on the kind.
 */
import { finiteNumber, format, toInternal, type Quantity } from '../units.js';
import type { SpikeBuffer } from '../neurons/spikes.js';
import type { FrozenBehaviour, QuietSteps } from '../schedule.js';

/** A population's state as plain data (typed arrays are copies). */
export type PopulationSnapshot = Readonly<Record<string, Float64Array | Int32Array | number>>;

export interface BuiltPopulationBase {
  readonly n: number;
  /** this step's spikes (live buffer) */
  readonly spikes: SpikeBuffer;
  /** the schedule slot of `step` */
  readonly phase: 'input' | 'integrate';
  /** One step (never validates or allocates). */
  step(step: number): void;
  /** How it passes over quiet steps (core/schedule.ts); absent: it cannot. */
  readonly quiet?: QuietSteps;
  /** What the population does while plasticity is off (LIF with an adaptive threshold: θ held). */
  readonly whenFrozen: FrozenBehaviour;
  /** State as plain data; `step` is the network's step counter (the next step to run). */
  snapshot(step: number): PopulationSnapshot;
  /** Throws (naming `where` and the field) unless `s` fits this population; changes nothing. */
  check(s: PopulationSnapshot, where: string): void;
  /** Restores a snapshot that passed `check`; `step` is the snapshot's step counter. Cannot fail. */
  restore(s: PopulationSnapshot, step: number): void;
}

/** Checks that s[key] is a typed array of the given type and length. */
export function checkArray(s: PopulationSnapshot, key: string, type: Float64ArrayConstructor | Int32ArrayConstructor, length: number, where: string): void {
  const a = s == null || typeof s !== 'object' ? undefined : s[key];
  if (!(a instanceof type) || a.length !== length) throw new Error(`${where}.${key} is missing or has the wrong type or length (expected ${type.name} of ${length}).`);
}

/** Fills `out` from one value (with units) or one number per neuron. */
export function perNeuron(value: Quantity | ArrayLike<number>, n: number, dim: 'voltage' | 'current' | 'frequency', name: string, out: Float64Array | Float32Array): void {
  if (typeof value === 'number' || typeof value === 'string') {
    out.fill(toInternal(value, dim, name));
    return;
  }
  if (value == null || typeof (value as ArrayLike<number>).length !== 'number') {
    throw new Error(`${name} = ${format(value)} is neither a value nor an array; give one value or ${n} numbers.`);
  }
  if (value.length !== n) throw new Error(`${name} has ${value.length} entries for ${n} neurons; give one value or exactly ${n} numbers.`);
  for (let i = 0; i < n; i++) out[i] = finiteNumber(value[i], `${name}[${i}]`);
}

