/**
 * LIF populations: parameters (numbers in internal units or strings with units), validation and
 * unit conversion at build, per-dt constants, state in struct-of-arrays typed arrays (in
 * WebAssembly memory where SIMD exists), the step kernel chosen once, the input current (constant,
 * set with `setCurrent`, or a `timedArray` schedule: core/populations/current.ts), and
 * snapshot/restore. The model and its integration are in core/neurons/lif.ts.
 *
 * The refractory clock. The kernels (JavaScript and WebAssembly, bit-identical) keep refractoriness
 * as `refUntil`, an int32 step, and compare it with the step they are given. So that this never
 * overflows however long a run is, a population hands its kernel not the network's step s but
 * s − epoch, epoch a multiple of 2³⁰: when s − epoch reaches 2³⁰ the epoch moves on by 2³⁰ and
 * every refUntil is shifted down by as much (n subtractions once every 2³⁰ steps; nothing in the
 * step loop but one comparison per step). refUntil therefore never exceeds 2³⁰ + refSteps ≤ 2³¹ − 1
 * (tRef is limited to 2³⁰ steps). Snapshots hold the epoch-free `refLeft`: how many of the steps
 * from the snapshot's step on the neuron is still held, so a snapshot restores at any step.
 */
import { positive, toInternal, nonNegative, positiveInteger, format, type Quantity } from '../units.js';
import type { RandomStreams } from '../random.js';
import { createSpikeBuffer } from '../neurons/spikes.js';
import { currentCoupling, lifCannotFire, lifConductanceStep, lifCurrentStep, lifCurrentStep32, lifQuietSteps, THETA_MODE, type LifConstants, type LifState, type ThetaMode } from '../neurons/lif.js';
import { createLifWasm } from '../neurons/lif-wasm.js';
import { checkArray, perNeuron, type BuiltPopulationBase, type PopulationSnapshot } from './built.js';
import type { QuietSteps } from '../schedule.js';
import { applyCurrentSchedule, buildCurrentSchedule, isTimedArray, type CurrentSchedule } from './current.js';
import { exp } from '../math.js';

/** Steps between two moves of a population's refractory clock (see the header). */
export const REFRACTORY_EPOCH = 2 ** 30;
/** refUntil of a neuron that is not refractory (the initial value). */
const NOT_HELD = -0x7fffffff;

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
  /** membrane resistance R [MΩ] (a number is read in MΩ, the internal resistance unit — MΩ · nA = mV —
   *  or a string with units: '100 Mohm', '0.1 Gohm'); R·I_bias is the bias's voltage drive. Default 1 MΩ,
   *  so that 1 nA of bias drives 1 mV. */
  readonly rMem?: Quantity;
  /**
   * bias current [nA]: constant (one value for all, or one per neuron; default 0; change it between
   * or during runs with `pop.setCurrent(values)`), or a schedule that changes it with time,
   * `timedArray(rows, interval)` (Brian2's TimedArray; core/populations/current.ts)
   */
  readonly iBias?:
    | Quantity
    | ArrayLike<number>
    | {
        readonly kind: 'timedArray';
        /** the rows: one current for all neurons ([nA] or a string with units) or one number [nA] per neuron */
        readonly values: ArrayLike<Quantity | ArrayLike<number>>;
        /** how long each row holds [ms] (or '50 ms'); a whole number of steps; row k holds during [k·interval, (k + 1)·interval) */
        readonly interval: Quantity;
        /** after the last row: 'hold' it (default) or 'repeat' from row 0 */
        readonly after?: 'hold' | 'repeat';
      };
  /** initial v [mV]: a value, one per neuron, or { uniform: [lo, hi] }; default vRest */
  readonly vInit?: Quantity | ArrayLike<number> | { readonly uniform: readonly [Quantity, Quantity] };
  /**
   * numeric precision of the state (v, gE, gI, θ, iBias): 'float64' (default; Brian2's double
   * precision, spike times equal to its) or 'float32' — half the memory and four neurons per SIMD
   * instruction, each operation rounded to a single (core/neurons/lif.ts); current-based synapses
   * only. The state arrays are then Float32Array.
   */
  readonly precision?: 'float64' | 'float32';
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
  /** the state's precision (LifParams.precision): Float64Array or Float32Array arrays */
  readonly precision: 'float64' | 'float32';
  /**
   * Sets every neuron's bias current to values·scale [nA] from the next step on: one value (a
   * number in nA or a string with units) or one number per neuron. Validated before anything is
   * written; no allocation for numbers and typed arrays, so it may also be called inside a run
   * (e.g. from a step$ subscriber). Refused while a timedArray schedule owns the current.
   */
  setCurrent(values: Quantity | ArrayLike<number>, scale: number): void;
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
  const refSteps = Math.round(tRef / dt);
  if (refSteps > REFRACTORY_EPOCH) throw new Error(`${L}.tRef = ${format(p.tRef)} is ${refSteps} steps of dt = ${dt} ms; the refractory period is at most 2³⁰ steps (${REFRACTORY_EPOCH * dt} ms) — give a shorter one.`);
  const rMem = p.rMem === undefined ? 1 : positive(p.rMem, 'resistance', `${L}.rMem`, "give the membrane resistance in MΩ, e.g. 100 or '100 Mohm'");
  const syn: SynapseModel = p.synapse ?? { type: 'current', tauExc: 5, tauInh: 10 };
  if (syn.type !== 'current' && syn.type !== 'conductance') {
    throw new Error(`${L}.synapse.type = ${format((syn as { type: unknown }).type)} is unknown; use 'current' or 'conductance'.`);
  }
  const tauE = positive(syn.tauExc, 'time', `${L}.synapse.tauExc`, "give a synaptic time constant, e.g. '5 ms'");
  const tauI = positive(syn.tauInh, 'time', `${L}.synapse.tauInh`, "give a synaptic time constant, e.g. '10 ms'");
  const conductance = syn.type === 'conductance';
  const precision = p.precision ?? 'float64';
  if (precision !== 'float64' && precision !== 'float32') throw new Error(`${L}.precision = ${format(p.precision)} is unknown; use 'float64' (the default) or 'float32'.`);
  const single = precision === 'float32';
  if (single && conductance) throw new Error(`${L}.precision = 'float32' is implemented for current-based synapses only; use precision 'float64' with synapse.type 'conductance'.`);
  const eExc = conductance ? toInternal(syn.eExc, 'voltage', `${L}.synapse.eExc`) : 0;
  const eInh = conductance ? toInternal(syn.eInh, 'voltage', `${L}.synapse.eInh`) : 0;
  let thetaPlus = 0;
  let decayTheta = 1;
  const adaptive = p.adaptation !== undefined;
  if (adaptive) {
    const a = p.adaptation!;
    thetaPlus = nonNegative(a.thetaPlus, 'voltage', `${L}.adaptation.thetaPlus`);
    const tauTheta = a.tauTheta === Infinity ? Infinity : positive(a.tauTheta, 'time', `${L}.adaptation.tauTheta`, 'give a positive time constant or Infinity');
    decayTheta = tauTheta === Infinity ? 1 : exp(-dt / tauTheta);
  }
  // The state lives in a fixed WebAssembly memory stepped by the SIMD kernels (bit-identical to
  // lifCurrentStep / lifConductanceStep; core/neurons/lif-wasm.ts) where WebAssembly SIMD exists.
  const wasm = createLifWasm(n, precision);
  const Arr = single ? Float32Array : Float64Array;
  const state: LifState = wasm
    ? wasm.state
    : {
        n,
        v: new Arr(n),
        gE: new Arr(n),
        gI: new Arr(n),
        theta: new Arr(n),
        iBias: new Arr(n),
        refUntil: new Int32Array(n).fill(NOT_HELD),
        spikes: createSpikeBuffer(n),
      };
  let schedule: CurrentSchedule | null = null;
  if (isTimedArray(p.iBias)) {
    schedule = buildCurrentSchedule(p.iBias, n, dt, `${L}.iBias`);
    applyCurrentSchedule(schedule, state.iBias, 0); // row 0 from the start
  } else if (p.iBias !== undefined) perNeuron(p.iBias, n, 'current', `${L}.iBias`, state.iBias);
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
    decayMem: exp(-dt / tauMem),
    dtOverTau: dt / tauMem,
    decayE: exp(-dt / tauE),
    decayI: exp(-dt / tauI),
    couplingE: conductance ? 0 : currentCoupling(dt, tauMem, tauE),
    couplingI: conductance ? 0 : currentCoupling(dt, tauMem, tauI),
    eExc,
    eInh,
    rMem,
    refSteps,
    thetaPlus,
    decayTheta,
  });
  const kernel = wasm ? wasm.kernel(constants, conductance) : conductance ? lifConductanceStep : single ? lifCurrentStep32 : lifCurrentStep;
  // θ's behaviour is fixed here: learning mode adapts (decays only when τθ is finite), frozen mode holds it
  const learningMode: ThetaMode = adaptive ? (decayTheta !== 1 ? THETA_MODE.ADAPTS : THETA_MODE.GROWS) : THETA_MODE.NONE;
  const frozenMode: ThetaMode = adaptive ? THETA_MODE.HELD : THETA_MODE.NONE;
  // The refractory clock (header): the kernel sees step − epoch < 2³⁰.
  const refUntil = state.refUntil;
  let epoch = 0;
  const moveEpoch = (s: number): number => {
    const next = s - (s % REFRACTORY_EPOCH);
    const shift = next - epoch;
    for (let i = 0; i < n; i++) {
      const r = refUntil[i] - shift;
      refUntil[i] = r < NOT_HELD ? NOT_HELD : r;
    }
    epoch = next;
    return s - next;
  };
  const stepIn = (mode: ThetaMode) =>
    schedule === null
      ? (s: number): void => {
          let local = s - epoch;
          if (local >= REFRACTORY_EPOCH) local = moveEpoch(s);
          kernel(state, constants, local, mode);
        }
      : (s: number): void => {
          applyCurrentSchedule(schedule, state.iBias, s);
          let local = s - epoch;
          if (local >= REFRACTORY_EPOCH) local = moveEpoch(s);
          kernel(state, constants, local, mode);
        };
  const scratch = new Float64Array(n);
  // Quiet steps (core/schedule.ts): integrated ahead into these by lifQuietSteps, then committed
  const vAhead = new Float64Array(n);
  const thetaAhead = new Float64Array(n);
  let ahead = 0;
  let aheadFrom = -1;
  const quietIn = (mode: ThetaMode): QuietSteps => {
    // the last bound given (the network asks for it just before the answer: not checked twice)
    let boundFrom = -1;
    let boundCount = 0;
    // at once: every synaptic variable 0, no neuron held, none able to reach its threshold
    const bound = (s: number, max: number): number => {
      // a current schedule changes iBias; single precision has no quiet integration (yet)
      if (schedule !== null || single) return 0;
      const local = s - epoch;
      if (local >= REFRACTORY_EPOCH) return 0; // the clock moves on in the next step
      const count = Math.min(max, REFRACTORY_EPOCH - local);
      const { gE, gI } = state;
      for (let i = 0; i < n; i++) if (gE[i] !== 0 || gI[i] !== 0 || refUntil[i] > local) return 0;
      if (!lifCannotFire(state, constants, mode, count)) return 0;
      boundFrom = s;
      boundCount = count;
      return count;
    };
    return {
      bound,
      // then integrated ahead (the bound held: no threshold test fails but in a rounding corner)
      steps(s, max) {
        const count = s === boundFrom && max <= boundCount ? max : bound(s, max);
        boundFrom = -1;
        if (count === 0 || !lifQuietSteps(state, constants, mode, conductance, count, vAhead, thetaAhead)) return 0;
        ahead = count;
        aheadFrom = s;
        return count;
      },
      pass(s, count) {
        if (s !== aheadFrom || !(count <= ahead)) throw new Error(`${L}: quiet steps ${s}…${s + count - 1} were not certified by this population.`);
        if (count < ahead) lifQuietSteps(state, constants, mode, conductance, count, vAhead, thetaAhead); // a shorter stretch
        state.v.set(vAhead);
        if (mode === THETA_MODE.ADAPTS) state.theta.set(thetaAhead);
        if (conductance) {
          // the conductance kernel writes +0 over ±0 (its flush)
          state.gE.fill(0);
          state.gI.fill(0);
        }
        state.spikes.count = 0;
        aheadFrom = -1;
      },
    };
  };
  return {
    kind: 'lif',
    n,
    spikes: state.spikes,
    phase: 'integrate',
    state,
    constants,
    conductance,
    adaptive,
    precision,
    step: stepIn(learningMode),
    quiet: quietIn(learningMode),
    whenFrozen: adaptive ? { run: stepIn(frozenMode), quiet: quietIn(frozenMode) } : 'run',
    setCurrent(values, scale) {
      if (schedule !== null) throw new Error(`${L}.setCurrent: '${L}' takes its current from a timedArray schedule (iBias: timedArray(…)); change the schedule, or give the population a constant iBias to set it by hand.`);
      if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`${L}.setCurrent: scale = ${format(scale)} must be a finite number; give the factor for every value, e.g. 1.`);
      if (typeof values === 'object' && values !== null && typeof (values as ArrayLike<number>).length === 'number' && values.length !== n) {
        throw new Error(`${L}.setCurrent: ${values.length} values for ${n} neurons; give one value or exactly ${n} numbers [nA].`);
      }
      perNeuron(values, n, 'current', `${L}.setCurrent`, scratch); // validated into a scratch, then written
      for (let i = 0; i < n; i++) state.iBias[i] = scratch[i] * scale;
    },
    snapshot(step) {
      const local = step - epoch;
      const refLeft = new Int32Array(n);
      for (let i = 0; i < n; i++) refLeft[i] = refUntil[i] > local ? refUntil[i] - local : 0;
      // Float64Array whatever the precision (a single converts exactly), so snapshots have one format
      return { v: Float64Array.from(state.v), gE: Float64Array.from(state.gE), gI: Float64Array.from(state.gI), theta: Float64Array.from(state.theta), iBias: Float64Array.from(state.iBias), refLeft };
    },
    check(s, where) {
      for (const key of ['v', 'gE', 'gI', 'theta', 'iBias'] as const) checkArray(s, key, Float64Array, n, where);
      // refLeft: steps still held from the snapshot's step on; refUntil: an absolute step (snapshots of memspike ≤ 0.2.0)
      const key = s['refLeft'] === undefined && s['refUntil'] !== undefined ? 'refUntil' : 'refLeft';
      checkArray(s, key, Int32Array, n, where);
      if (key === 'refLeft') {
        const a = s['refLeft'] as Int32Array;
        for (let i = 0; i < n; i++) {
          if (a[i] < 0 || a[i] > REFRACTORY_EPOCH) throw new Error(`${where}.refLeft[${i}] = ${a[i]} is not a number of refractory steps in [0, 2³⁰].`);
        }
      }
    },
    restore(s, step) {
      state.v.set(s['v'] as Float64Array);
      state.gE.set(s['gE'] as Float64Array);
      state.gI.set(s['gI'] as Float64Array);
      state.theta.set(s['theta'] as Float64Array);
      state.iBias.set(s['iBias'] as Float64Array);
      epoch = step - (step % REFRACTORY_EPOCH);
      const local = step - epoch;
      const left = refractoryLeft(s, step);
      for (let i = 0; i < n; i++) refUntil[i] = left[i] > 0 ? local + left[i] : NOT_HELD;
      if (schedule !== null) schedule.row = -1; // the next step writes its row (iBias may have been changed by hand)
    },
  };
}

/** Steps each neuron is still held from `step` on, from a snapshot (refLeft, or an older absolute refUntil). */
function refractoryLeft(s: PopulationSnapshot, step: number): ArrayLike<number> {
  if (s['refLeft'] !== undefined) return s['refLeft'] as Int32Array;
  const abs = s['refUntil'] as Int32Array;
  return Array.from(abs, (r) => Math.min(REFRACTORY_EPOCH, Math.max(0, r - step)));
}

