/**
 * Population specifications (what the user asks for) and their built form (typed-array state plus
 * per-dt constants). Specs hold user values (numbers in internal units or strings with units);
 * `buildPopulation` validates and converts them once. See core/neurons/* for the models.
 */
import { positive, toInternal, nonNegative, positiveInteger, format, finiteNumber, type Quantity } from './units.js';
import type { RandomStream, RandomStreams } from './random.js';
import { createSpikeBuffer, type SpikeBuffer } from './neurons/spikes.js';
import { currentCoupling, lifConductanceStep, lifCurrentStep, type LifConstants, type LifState } from './neurons/lif.js';
import { createLifWasm } from './neurons/lif-wasm.js';
import { poissonStep, setPoissonRates, type PoissonState } from './neurons/poisson.js';
import { generatorStep, type GeneratorState } from './neurons/generator.js';

/** Synaptic input model of a LIF population. */
export type SynapseModel =
  | {
      /** exponentially decaying voltage-equivalent currents [mV] (Brian2 CUBA) */
      readonly type: 'current';
      /** decay time constants of the excitatory / inhibitory currents [ms] */
      readonly tauExc: Quantity;
      readonly tauInh: Quantity;
    }
  | {
      /** conductances relative to the leak with reversal potentials (Diehl & Cook 2015) */
      readonly type: 'conductance';
      readonly tauExc: Quantity;
      readonly tauInh: Quantity;
      /** reversal potentials [mV] */
      readonly eExc: Quantity;
      readonly eInh: Quantity;
    };

/** Parameters of a LIF population. Every physical field: number in internal units or string with units. */
export interface LifParams {
  /** membrane time constant τm [ms] */
  readonly tauMem: Quantity;
  /** resting (leak reversal) potential [mV] */
  readonly vRest: Quantity;
  /** reset potential [mV] */
  readonly vReset: Quantity;
  /** threshold [mV]; a spike when v > vThresh + θ */
  readonly vThresh: Quantity;
  /** refractory period [ms] (rounded to whole steps, Brian2 semantics) */
  readonly tRef: Quantity;
  /** synaptic input model; default current-based with τ = 5 ms / 10 ms */
  readonly synapse?: SynapseModel;
  /** membrane resistance R (a number is read in Ω, the internal resistance unit; e.g. '1 Mohm'); R·I_bias is the
   *  bias's voltage drive. Default 1 MΩ, so that 1 nA of bias drives 1 mV. */
  readonly rMem?: Quantity;
  /** constant bias current per neuron [nA] (number for all, or one per neuron); default 0 */
  readonly iBias?: Quantity | ArrayLike<number>;
  /** initial v [mV]: a value, one per neuron, or { uniform: [lo, hi] }; default vRest */
  readonly vInit?: Quantity | ArrayLike<number> | { readonly uniform: readonly [Quantity, Quantity] };
  /** adaptive threshold (Diehl & Cook 2015): θ += thetaPlus per spike, decays with tauTheta */
  readonly adaptation?: {
    readonly thetaPlus: Quantity;
    /** decay time constant [ms]; Infinity for none */
    readonly tauTheta: Quantity;
    /** initial θ [mV]: a value or one per neuron; default 0 */
    readonly thetaInit?: Quantity | ArrayLike<number>;
  };
}

export interface LifSpec {
  readonly kind: 'lif';
  readonly n: number;
  readonly label: string;
  readonly params: LifParams;
}
export interface PoissonSpec {
  readonly kind: 'poisson';
  readonly n: number;
  readonly label: string;
  /** initial rates [Hz]: one value or one per neuron */
  readonly rates: Quantity | ArrayLike<number>;
}
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
export type PopulationSpec = LifSpec | PoissonSpec | GeneratorSpec;

/** LIF population spec: `net.add(lif(400, { tauMem: '100 ms', … }, 'exc'))`. */
export function lif(n: number, params: LifParams, label = 'lif'): LifSpec {
  return { kind: 'lif', n, label, params };
}
/** Poisson input spec (rates in Hz). */
export function poissonInput(n: number, rates: Quantity | ArrayLike<number> = 0, label = 'poisson'): PoissonSpec {
  return { kind: 'poisson', n, label, rates };
}
/** Spike generator spec: spike k is neuron indices[k] at times[k]. */
export function spikeGenerator(n: number, indices: ArrayLike<number>, times: ArrayLike<number> | readonly Quantity[], options: { period?: Quantity; label?: string } = {}): GeneratorSpec {
  return { kind: 'generator', n, label: options.label ?? 'generator', indices, times, ...(options.period !== undefined ? { period: options.period } : {}) };
}

/** Built LIF population. */
export interface BuiltLif {
  readonly kind: 'lif';
  readonly state: LifState;
  readonly constants: LifConstants;
  readonly conductance: boolean;
  readonly adaptive: boolean;
  readonly step: (st: LifState, k: LifConstants, step: number, adapt: boolean, plastic: boolean) => number;
}
export interface BuiltPoisson {
  readonly kind: 'poisson';
  readonly state: PoissonState;
  readonly rng: RandomStream;
}
export interface BuiltGenerator {
  readonly kind: 'generator';
  readonly state: GeneratorState;
}
export type BuiltPopulation = BuiltLif | BuiltPoisson | BuiltGenerator;

function perNeuron(value: Quantity | ArrayLike<number>, n: number, dim: 'voltage' | 'current' | 'frequency', name: string, out: Float64Array): void {
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

/** Validates a LIF spec and returns its built form (state allocated, constants computed). */
export function buildLif(spec: LifSpec, dt: number, random: RandomStreams): BuiltLif {
  const p = spec.params;
  const L = spec.label;
  if (p == null || typeof p !== 'object') throw new Error(`${L}: LIF parameters are missing; pass { tauMem, vRest, vReset, vThresh, tRef }.`);
  const n = positiveInteger(spec.n, `${L}.n`, 'a population needs at least one neuron');
  const tauMem = positive(p.tauMem, 'time', `${L}.tauMem`, "give the membrane time constant, e.g. '20 ms'");
  const vRest = toInternal(p.vRest, 'voltage', `${L}.vRest`);
  const vReset = toInternal(p.vReset, 'voltage', `${L}.vReset`);
  const vThresh = toInternal(p.vThresh, 'voltage', `${L}.vThresh`);
  const tRef = nonNegative(p.tRef, 'time', `${L}.tRef`, "give a refractory period ≥ 0, e.g. '5 ms'");
  const rMem = p.rMem === undefined ? 1 : positive(p.rMem, 'resistance', `${L}.rMem`) / 1e6; // Ω → MΩ
  const syn: SynapseModel = p.synapse ?? { type: 'current', tauExc: 5, tauInh: 10 };
  if (syn.type !== 'current' && syn.type !== 'conductance') {
    throw new Error(`${L}.synapse.type = ${format((syn as { type: unknown }).type)} is unknown; use 'current' or 'conductance'.`);
  }
  const tauE = positive(syn.tauExc, 'time', `${L}.synapse.tauExc`, "give a synaptic time constant, e.g. '5 ms'");
  const tauI = positive(syn.tauInh, 'time', `${L}.synapse.tauInh`, "give a synaptic time constant, e.g. '10 ms'");
  const conductance = syn.type === 'conductance';
  const eExc = conductance ? toInternal(syn.eExc, 'voltage', `${L}.synapse.eExc`) : 0;
  const eInh = conductance ? toInternal(syn.eInh, 'voltage', `${L}.synapse.eInh`) : 0;
  let thetaPlus = 0;
  let decayTheta = 1;
  const adaptive = p.adaptation !== undefined;
  if (adaptive) {
    const a = p.adaptation!;
    thetaPlus = nonNegative(a.thetaPlus, 'voltage', `${L}.adaptation.thetaPlus`);
    const tauTheta = a.tauTheta === Infinity ? Infinity : positive(a.tauTheta, 'time', `${L}.adaptation.tauTheta`, 'give a positive time constant or Infinity');
    decayTheta = tauTheta === Infinity ? 1 : Math.exp(-dt / tauTheta);
  }
  // The state lives in a fixed WebAssembly memory stepped by the SIMD kernels (bit-identical to
  // lifCurrentStep / lifConductanceStep; core/neurons/lif-wasm.ts) where WebAssembly SIMD exists.
  const wasm = createLifWasm(n);
  const state: LifState = wasm
    ? wasm.state
    : {
        n,
        v: new Float64Array(n),
        gE: new Float64Array(n),
        gI: new Float64Array(n),
        theta: new Float64Array(n),
        iBias: new Float64Array(n),
        refUntil: new Int32Array(n).fill(-0x7fffffff),
        spikes: createSpikeBuffer(n),
      };
  if (p.iBias !== undefined) perNeuron(p.iBias, n, 'current', `${L}.iBias`, state.iBias);
  const vInit = p.vInit ?? p.vRest;
  if (typeof vInit === 'object' && vInit !== null && 'uniform' in vInit) {
    const lo = toInternal(vInit.uniform[0], 'voltage', `${L}.vInit.uniform[0]`);
    const hi = toInternal(vInit.uniform[1], 'voltage', `${L}.vInit.uniform[1]`);
    if (!(hi >= lo)) throw new Error(`${L}.vInit.uniform = [${lo}, ${hi}] is inverted; give [low, high].`);
    const rng = random.stream(`${L}/vInit`);
    for (let i = 0; i < n; i++) state.v[i] = lo + (hi - lo) * rng.uniform();
  } else {
    perNeuron(vInit as Quantity | ArrayLike<number>, n, 'voltage', `${L}.vInit`, state.v);
  }
  if (adaptive && p.adaptation!.thetaInit !== undefined) perNeuron(p.adaptation!.thetaInit, n, 'voltage', `${L}.adaptation.thetaInit`, state.theta);
  // The effective threshold is vThresh + θ (θ ≥ θ_init while the neuron adapts).
  let minTheta = Infinity;
  for (let i = 0; i < n; i++) minTheta = Math.min(minTheta, state.theta[i]);
  if (!(vThresh + minTheta > vReset)) {
    const extra = adaptive ? ` + min θ_init (${minTheta})` : '';
    throw new Error(`${L}.vThresh = ${format(p.vThresh)}${extra} is not above vReset = ${format(p.vReset)}; the threshold must exceed the reset potential or the neuron fires every step.`);
  }
  const constants: LifConstants = Object.freeze({
    vRest,
    vReset,
    vThresh,
    decayMem: Math.exp(-dt / tauMem),
    dtOverTau: dt / tauMem,
    decayE: Math.exp(-dt / tauE),
    decayI: Math.exp(-dt / tauI),
    couplingE: conductance ? 0 : currentCoupling(dt, tauMem, tauE),
    couplingI: conductance ? 0 : currentCoupling(dt, tauMem, tauI),
    eExc,
    eInh,
    rMem,
    refSteps: Math.round(tRef / dt),
    thetaPlus,
    decayTheta,
  });
  const step = wasm ? wasm.kernel(constants, conductance) : conductance ? lifConductanceStep : lifCurrentStep;
  return { kind: 'lif', state, constants, conductance, adaptive, step };
}

export function buildPoisson(spec: PoissonSpec, random: RandomStreams): BuiltPoisson {
  const n = positiveInteger(spec.n, `${spec.label}.n`, 'a population needs at least one neuron');
  const rates = new Float64Array(n);
  perNeuron(spec.rates, n, 'frequency', `${spec.label}.rates`, rates);
  for (let i = 0; i < n; i++) {
    if (!(rates[i] >= 0)) throw new Error(`${spec.label}.rates[${i}] = ${rates[i]} Hz is negative; rates must be ≥ 0 Hz.`);
  }
  const state: PoissonState = { n, rates: new Float64Array(n), nextEvent: new Float64Array(n), active: new Int32Array(n), activeCount: 0, spikes: createSpikeBuffer(n) };
  const rng = random.stream(`${spec.label}/poisson`);
  setPoissonRates(state, rng, rates, 1, 0);
  return { kind: 'poisson', state, rng };
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
  const steps = new Int32Array(m);
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
  const st = new Int32Array(m);
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
  return { kind: 'generator', state: { n, steps: st, indices: ix, cursor: 0, periodSteps, spikes: createSpikeBuffer(n) } };
}

/** Runs one built population's step. */
export function stepPopulation(p: BuiltPopulation, step: number, dt: number, plastic: boolean): number {
  switch (p.kind) {
    case 'lif':
      return p.step(p.state, p.constants, step, p.adaptive, plastic);
    case 'poisson':
      return poissonStep(p.state, p.rng, step, dt);
    case 'generator':
      return generatorStep(p.state, step);
  }
}

export type { SpikeBuffer };
