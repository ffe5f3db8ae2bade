/**
 * LIF populations: parameters (numbers in internal units or strings with units), validation and
 * unit conversion at build, per-dt constants, state in struct-of-arrays typed arrays (in
 * WebAssembly memory where SIMD exists), the step kernel chosen once, and snapshot/restore.
 * The model and its integration are in core/neurons/lif.ts.
 */
import { positive, toInternal, nonNegative, positiveInteger, format, type Quantity } from '../units.js';
import type { RandomStreams } from '../random.js';
import { createSpikeBuffer } from '../neurons/spikes.js';
import { currentCoupling, lifConductanceStep, lifCurrentStep, THETA_MODE, type LifConstants, type LifState, type ThetaMode } from '../neurons/lif.js';
import { createLifWasm } from '../neurons/lif-wasm.js';
import { checkArray, perNeuron, type BuiltPopulationBase } from './built.js';

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
/** LIF population spec: `net.add(lif(400, { tauMem: '100 ms', … }, 'exc'))`. */
export function lif(n: number, params: LifParams, label = 'lif'): LifSpec {
  return { kind: 'lif', n, label, params };
}
/** Built LIF population. */
export interface BuiltLif extends BuiltPopulationBase {
  readonly kind: 'lif';
  readonly state: LifState;
  readonly constants: LifConstants;
  readonly conductance: boolean;
  readonly adaptive: boolean;
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
  const kernel = wasm ? wasm.kernel(constants, conductance) : conductance ? lifConductanceStep : lifCurrentStep;
  // θ's behaviour is fixed here: learning mode adapts (decays only when τθ is finite), frozen mode holds it
  const learningMode: ThetaMode = adaptive ? (decayTheta !== 1 ? THETA_MODE.ADAPTS : THETA_MODE.GROWS) : THETA_MODE.NONE;
  const frozenMode: ThetaMode = adaptive ? THETA_MODE.HELD : THETA_MODE.NONE;
  return {
    kind: 'lif',
    n,
    spikes: state.spikes,
    phase: 'integrate',
    state,
    constants,
    conductance,
    adaptive,
    step: (s) => void kernel(state, constants, s, learningMode),
    whenFrozen: adaptive ? (s) => void kernel(state, constants, s, frozenMode) : 'run',
    snapshot: () => ({ v: state.v.slice(), gE: state.gE.slice(), gI: state.gI.slice(), theta: state.theta.slice(), iBias: state.iBias.slice(), refUntil: state.refUntil.slice() }),
    check(s, where) {
      for (const key of ['v', 'gE', 'gI', 'theta', 'iBias'] as const) checkArray(s, key, Float64Array, n, where);
      checkArray(s, 'refUntil', Int32Array, n, where);
    },
    restore(s) {
      state.v.set(s['v'] as Float64Array);
      state.gE.set(s['gE'] as Float64Array);
      state.gI.set(s['gI'] as Float64Array);
      state.theta.set(s['theta'] as Float64Array);
      state.iBias.set(s['iBias'] as Float64Array);
      state.refUntil.set(s['refUntil'] as Int32Array);
    },
  };
}

