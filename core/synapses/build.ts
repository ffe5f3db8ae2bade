/**
 * Building projections: a projection spec (connector, initial weights, channel, storage, delays,
 * store) is validated and turned into its connectivity (CSR, and a dense layout where asked),
 * its synapse store, its delays in whole steps, and a propagate-phase updater. Delay rings are
 * shared per target channel (one ring of max delay + 1 slots for all projections into it).
 *
 * The target may be any population. A LIF target receives the spikes in its channel; a spike
 * generator or Poisson population has no synaptic input — its spikes are given — so a projection
 * onto it delivers nothing: its synapses exist for plasticity only (an STDP window driven by
 * chosen post spike times), their weights are plain numbers, and a delay would have nothing to
 * delay (refused).
 *
 * Two passes, so that nothing is attached to the network until everything is valid:
 * `planProjection` for every projection (validates and allocates; collects ring sizes), then
 * `allocateRings` and `commitProjection`.
 */
import type { StateArray } from '../neurons/lif.js';
import { format, toInternal, type Quantity } from '../units.js';
import type { RandomStreams } from '../random.js';
import type { SpikeBuffer } from '../neurons/spikes.js';
import type { BuiltPopulation } from '../populations/index.js';
import { QUIET_WITHOUT_SPIKES, type Updater } from '../schedule.js';
import { connect, initialWeights, type Connectivity, type Connector, type WeightInit } from './connectors.js';
import { floatStore, type StoreFactory, type SynapseStore } from './store.js';
import { deliverRing, denseLayout, propagateCsr, propagateCsrDelayed, propagateDense, type ProjectionStructure } from './projection.js';
import { denseWeightKernels } from './weights-wasm.js';

/** How to connect two populations. */
export interface ProjectionSpec {
  readonly connector: Connector;
  /** initial weights [mV for current-based targets; relative conductance for conductance-based; plain numbers onto a generator or Poisson population] */
  readonly weight: WeightInit;
  /** target channel; default 'exc' */
  readonly channel?: 'exc' | 'inh';
  /** weight storage; default 'dense' for allToAll, 'csr' otherwise */
  readonly storage?: 'dense' | 'csr';
  /** delay: 0 (default, Brian2's "no delay": acts from the next step), or ≥ dt; a value or one per synapse */
  readonly delay?: Quantity | ArrayLike<number>;
  /** synapse store; default floatStore() */
  readonly store?: StoreFactory;
  readonly label?: string;
}

/** A built projection: its structure plus where its spikes go. */
export interface BuiltProjection extends ProjectionStructure {
  /** target variable (gE or gI of post); null onto a population without synaptic input (generator, Poisson) */
  readonly target: StateArray | null;
  /** delay ring of the target channel (null when no projection into it has a delay) */
  readonly ring: Float64Array | null;
  readonly slots: number;
}

/** The delay ring of one target channel: `slots` rows of target.length entries. */
export interface DelayRing {
  readonly target: StateArray;
  readonly ring: Float64Array;
  readonly slots: number;
}

/** A validated, allocated projection not yet attached to the network. */
export interface ProjectionPlan {
  readonly label: string;
  readonly conn: Connectivity;
  readonly storage: 'dense' | 'csr';
  readonly layout: { synapseOf: Int32Array; mask: Uint8Array } | null;
  readonly store: SynapseStore;
  readonly target: StateArray | null;
  readonly delaySteps: number;
  readonly synapseDelays: Int32Array | null;
  /** ring slots this projection needs on its target (0: none) */
  readonly ringSlots: number;
  readonly preSpikes: SpikeBuffer;
  readonly postSpikes: SpikeBuffer;
}

/** Validates `spec` and builds the connectivity, initial weights, store and delays of one projection. */
export function planProjection(label: string, spec: ProjectionSpec, pre: { readonly n: number; readonly spikes: SpikeBuffer }, post: BuiltPopulation, random: RandomStreams, dt: number, postLabel = 'post'): ProjectionPlan {
  const channel = spec.channel ?? 'exc';
  if (channel !== 'exc' && channel !== 'inh') throw new Error(`${label}.channel = ${format(channel)} is unknown; use 'exc' or 'inh'.`);
  const lif = post.kind === 'lif' ? post : null;
  if (lif === null && spec.delay !== undefined && !(typeof spec.delay === 'number' && spec.delay === 0)) {
    throw new Error(`${label}.delay = ${format(spec.delay)}: '${postLabel}' is a ${post.kind} population, which has no synaptic input to deliver to; its synapses only learn from its spikes — remove the delay.`);
  }
  const conn = connect(spec.connector, pre.n, post.n, random.stream(`${label}/connect`), label);
  const size = conn.post.length;
  const storage = spec.storage ?? (spec.connector?.kind === 'allToAll' ? 'dense' : 'csr');
  if (storage !== 'dense' && storage !== 'csr') throw new Error(`${label}.storage = ${format(storage)} is unknown; use 'dense' or 'csr'.`);
  const dim = lif === null ? { plain: `'${postLabel}' is a ${post.kind} population, which nothing is injected into: its synapses only learn, so their weights carry no unit` } : lif.conductance ? 'dimensionless' : 'voltage';
  const csrWeights = initialWeights(spec.weight, size, dim, random.stream(`${label}/weights`), label, conn.userOrder);
  let delaySteps = 0;
  let synapseDelays: Int32Array | null = null;
  if (spec.delay === undefined || typeof spec.delay === 'number' || typeof spec.delay === 'string') {
    delaySteps = spec.delay === undefined ? 0 : delayInSteps(spec.delay, `${label}.delay`, dt);
  } else {
    if (storage !== 'csr') throw new Error(`${label}: per-synapse delays need storage 'csr'.`);
    const d = spec.delay;
    if (d.length !== size) throw new Error(`${label}.delay has ${d.length} values for ${size} synapses; give one per synapse or a single value.`);
    synapseDelays = new Int32Array(size);
    for (let k = 0; k < size; k++) {
      const u = conn.userOrder ? conn.userOrder[k] : k;
      synapseDelays[k] = delayInSteps(d[u], `${label}.delay[${u}]`, dt);
    }
    delaySteps = -1;
  }
  const maxDelay = synapseDelays ? synapseDelays.reduce((a, b) => Math.max(a, b), 0) : delaySteps;
  let weights = csrWeights;
  let layout: { synapseOf: Int32Array; mask: Uint8Array } | null = null;
  if (storage === 'dense') {
    layout = denseLayout(conn);
    weights = new Float32Array(pre.n * post.n);
    for (let k = 0; k < size; k++) weights[layout.synapseOf[k]] = csrWeights[k];
  }
  const factory = spec.store ?? floatStore();
  if (factory == null || typeof factory.create !== 'function') throw new Error(`${label}.store is not a store factory; use floatStore() or memristiveStore({ device }).`);
  const store = factory.create({ size: weights.length, initial: weights, random, label, dt });
  return {
    label,
    conn,
    storage,
    layout,
    store,
    target: lif === null ? null : channel === 'exc' ? lif.state.gE : lif.state.gI,
    delaySteps,
    synapseDelays,
    ringSlots: maxDelay > 0 || synapseDelays ? maxDelay + 1 : 0,
    preSpikes: pre.spikes,
    postSpikes: post.spikes,
  };
}

/** A delay in whole steps of dt, or an error saying how to round it. */
function delayInSteps(d: Quantity, name: string, dt: number): number {
  const ms = toInternal(d, 'time', name);
  if (ms < 0) throw new Error(`${name} = ${format(d)} is negative; delays are ≥ 0.`);
  if (ms > 0 && ms < dt * (1 - 1e-9)) throw new Error(`${name} = ${format(d)} is shorter than dt = ${dt} ms; use 0 (act from the next step) or a delay ≥ dt.`);
  const steps = Math.round(ms / dt);
  if (Math.abs(steps * dt - ms) > 1e-9 * Math.max(1, ms)) {
    throw new Error(`${name} = ${format(d)} is not a whole number of steps of dt = ${dt} ms (${(ms / dt).toFixed(3)} steps); use ${+(steps * dt).toPrecision(12)} ms.`);
  }
  return steps;
}

/** One ring per target channel that any plan delays into, sized for the longest delay. */
export function allocateRings(plans: readonly ProjectionPlan[]): DelayRing[] {
  const slots = new Map<StateArray, number>();
  for (const p of plans) if (p.ringSlots > 0 && p.target !== null) slots.set(p.target, Math.max(slots.get(p.target) ?? 1, p.ringSlots));
  return [...slots].map(([target, n]) => ({ target, ring: new Float64Array(n * target.length), slots: n }));
}

/** The built projection of a plan, wired to its target's ring. */
export function commitProjection(p: ProjectionPlan, rings: readonly DelayRing[]): BuiltProjection {
  const r = p.target === null ? null : rings.find((x) => x.target === p.target) ?? null;
  return {
    label: p.label,
    storage: p.storage,
    nPre: p.conn.nPre,
    nPost: p.conn.nPost,
    rowPtr: p.conn.rowPtr,
    post: p.conn.post,
    synapseOf: p.layout ? p.layout.synapseOf : null,
    mask: p.layout ? p.layout.mask : null,
    store: p.store,
    preSpikes: p.preSpikes,
    postSpikes: p.postSpikes,
    delaySteps: p.delaySteps,
    synapseDelays: p.synapseDelays,
    target: p.target,
    ring: r ? r.ring : null,
    slots: r ? r.slots : 1,
  };
}

/**
 * The propagate-phase updater of a projection: its kernel (dense, CSR or per-synapse delays) bound
 * once; null for a projection onto a population without synaptic input (nothing to propagate).
 */
export function projectionUpdater(p: BuiltProjection, order: number): Updater | null {
  if (p.target === null) return null;
  const w = p.store.weights;
  let run: (step: number) => void;
  if (p.synapseDelays) {
    const ring = p.ring!;
    const slots = p.slots;
    const delays = p.synapseDelays;
    run = (step) => propagateCsrDelayed(ring, p.nPost, slots, step, p.preSpikes, p.rowPtr, p.post, w, delays);
  } else {
    const D = p.delaySteps;
    const slots = p.slots;
    const nPost = p.nPost;
    const target = D === 0 ? p.target : p.ring!;
    // Dense rows into a double-precision target without delay: WebAssembly SIMD where the weights
    // live in a weight memory (core/synapses/weights-wasm.ts), the same sums as propagateDense
    const simd = p.storage === 'dense' && D === 0 && target instanceof Float64Array && target.length === nPost ? denseWeightKernels(w, null, p.nPre, nPost) : null;
    if (simd !== null) {
      const spikes = p.preSpikes;
      const t = target as Float64Array;
      run = () => {
        if (spikes.count > 0) simd.propagate(t, spikes.idx, spikes.count);
      };
    } else if (p.storage === 'dense') run = (step) => propagateDense(target, D === 0 ? 0 : ((step + D) % slots) * nPost, p.preSpikes, nPost, w);
    else run = (step) => propagateCsr(target, D === 0 ? 0 : ((step + D) % slots) * nPost, p.preSpikes, p.rowPtr, p.post, w);
  }
  // without presynaptic spikes nothing is propagated
  return { phase: 'propagate', order, name: `proj:${p.label}`, run, quiet: QUIET_WITHOUT_SPIKES };
}

function allZero(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

/** The updater that delivers a ring's due slot, after every projection has propagated. */
export function ringUpdater(r: DelayRing, index: number): Updater {
  return {
    phase: 'propagate',
    order: 1e9 + index,
    name: `deliver:${index}`,
    run: (step) => deliverRing(r.target, r.ring, r.slots, step),
    // quiet while nothing is in flight: every slot empty
    quiet: { steps: (_step, max) => (allZero(r.ring) ? max : 0), pass: () => {} },
  };
}
