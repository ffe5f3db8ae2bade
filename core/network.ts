/**
 * Network: membership, build, the fixed step schedule, streams and snapshots.
 *
 * Lifecycle: `add`/`connect`/monitors/`addUpdater` while unbuilt → `build()` validates every
 * spec, converts units, precomputes per-dt constants, allocates state and sorts all work into the
 * schedule once → `step()` / `run(duration)`.
 *
 * One step (DESIGN.md), each phase a sorted list of updaters:
 *
 *   input       Poisson and generator populations sample this step's spikes
 *   integrate   LIF kernels advance v exactly, decay synaptic variables, test threshold, reset
 *               (threshold is fused into the integrate kernel: one pass over the neurons)
 *   propagate   each projection adds the rows of its spiking presynaptic neurons into targets
 *               (directly, or into a delay ring); then due ring slots are delivered
 *   plasticity  rules (skipped as a whole when `plasticity.enabled` is false, which also freezes
 *               adaptive thresholds)
 *   record      monitors copy into their rings; `step$` emits once if observed
 *
 * Time is the integer `stepIndex`; t = stepIndex·dt [ms]. Randomness: one seed, streams by label.
 */
import { Observable, Subject, filter, map, type OperatorFunction } from 'rxjs';
import { format, positive, positiveInteger, toInternal, type Quantity } from './units.js';
import { RandomStreams } from './random.js';
import {
  buildGenerator,
  buildLif,
  buildPoisson,
  stepPopulation,
  type BuiltPopulation,
  type GeneratorSpec,
  type LifSpec,
  type PoissonSpec,
  type PopulationSpec,
} from './populations.js';
import type { SpikeBuffer } from './neurons/spikes.js';
import type { LifState } from './neurons/lif.js';
import type { PoissonState } from './neurons/poisson.js';
import { refreshPoissonActive, setPoissonRates } from './neurons/poisson.js';
import { connect, initialWeights, type Connector, type WeightInit } from './synapses/connectors.js';
import { floatStore, type StoreFactory, type StoreSnapshot, type SynapseStore } from './synapses/store.js';
import {
  deliverRing,
  denseLayout,
  propagateCsr,
  propagateCsrDelayed,
  propagateDense,
  columnIndex,
  type ColumnIndex,
  type ProjectionStructure,
} from './synapses/projection.js';
import { countSpikes, readSpikeRing, recordSpikes, type RateMonitor, type SpikeCounter, type SpikeRecorder, type SpikeRing, type StateProbe } from './monitors.js';

/** Schedule slots, in order. */
export const PHASES = Object.freeze(['input', 'integrate', 'propagate', 'plasticity', 'record'] as const);
export type Phase = (typeof PHASES)[number];

/** A plug-in that runs once per step in a phase (plasticity rules, custom monitors, inputs…). */
export interface Updater {
  readonly phase: Phase;
  /** order within the phase (lower first); ties broken by name */
  readonly order: number;
  readonly name: string;
  /** Called once by Network.build(), after populations and projections are built. */
  build?(ctx: BuildContext): void;
  run(step: number): void;
  /** Plain-data state for snapshot()/restore() (for updaters that hold state). */
  snapshot?(): unknown;
  restore?(state: unknown): void;
}

/** What an updater may look up at build time (never during a step). */
export interface BuildContext {
  readonly dt: number;
  readonly random: RandomStreams;
  readonly network: Network;
  lif(pop: LifPopulation): LifState;
  spikes(pop: Population): SpikeBuffer;
  projection(proj: Projection): ProjectionStructure;
}

interface HandleBase {
  readonly n: number;
  readonly label: string;
  /** the network this population belongs to */
  readonly network: Network;
  /** this step's spikes (valid after build; live buffer) */
  readonly spikes: SpikeBuffer;
}
/** Handle of a LIF population. `state` is the live struct-of-arrays state (after build). */
export interface LifPopulation extends HandleBase {
  readonly kind: 'lif';
  readonly spec: LifSpec;
  readonly state: LifState;
}
/** Handle of a Poisson input population. */
export interface PoissonPopulation extends HandleBase {
  readonly kind: 'poisson';
  readonly spec: PoissonSpec;
  readonly state: PoissonState;
  /**
   * Sets every neuron's rate to rates[i]·scale [Hz] from now on (no rebuild). Pending events are
   * redrawn from the current time (exact for a Poisson process).
   */
  setRates(rates: ArrayLike<number>, scale?: number): void;
}
/** Handle of a spike generator population. */
export interface GeneratorPopulation extends HandleBase {
  readonly kind: 'generator';
  readonly spec: GeneratorSpec;
}
export type Population = LifPopulation | PoissonPopulation | GeneratorPopulation;

type HandleFor<S extends PopulationSpec> = S extends LifSpec ? LifPopulation : S extends PoissonSpec ? PoissonPopulation : GeneratorPopulation;

/** How to connect two populations. */
export interface ProjectionSpec {
  readonly connector: Connector;
  /** initial weights [mV for current-based targets; relative conductance for conductance-based] */
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

/** Handle of a projection. `structure` is available after build. */
export interface Projection {
  readonly pre: Population;
  readonly post: LifPopulation;
  readonly label: string;
  readonly spec: ProjectionSpec;
  readonly network: Network;
  /** synapse structure and store (after build) */
  readonly structure: ProjectionStructure;
  /** the synapse store (after build) */
  readonly store: SynapseStore;
  /** column index for post-spike plasticity (built on first use) */
  columns(): ColumnIndex;
}

/** Per-step payload of `step$`: BORROWED — valid only during the synchronous callback. */
export interface StepFrame {
  readonly step: number;
  /** t [ms] at the end of the step */
  readonly time: number;
  /** this step's spikes of `pop` (live buffer; copy what you keep) */
  spikes(pop: Population): Readonly<SpikeBuffer>;
}

/** An owned copy of one step's spikes of one population. */
export interface SpikeEvent {
  readonly step: number;
  readonly time: number;
  readonly idx: Int32Array;
}

/** rxjs operator: turns borrowed frames into owned copies of `pop`'s spikes (steps without spikes are dropped). */
export function copySpikes(pop: Population): OperatorFunction<StepFrame, SpikeEvent> {
  return (source) =>
    source.pipe(
      filter((f) => f.spikes(pop).count > 0),
      map((f) => {
        const b = f.spikes(pop);
        return { step: f.step, time: f.time, idx: b.idx.slice(0, b.count) };
      }),
    );
}

/** Everything a snapshot holds, as plain data (typed arrays are copies). */
export interface NetworkSnapshot {
  readonly version: 1;
  readonly step: number;
  readonly dt: number;
  readonly seed: string;
  readonly populations: ReadonlyArray<Record<string, Float64Array | Int32Array | number>>;
  readonly stores: ReadonlyArray<StoreSnapshot>;
  readonly rings: ReadonlyArray<Float64Array>;
  readonly random: Record<string, number[]>;
  readonly updaters: ReadonlyArray<unknown>;
}

interface PopEntry {
  readonly handle: Population;
  built: BuiltPopulation | null;
}
interface ProjEntry {
  readonly handle: Projection;
  built: BuiltProjection | null;
  columns: ColumnIndex | null;
}
interface BuiltProjection extends ProjectionStructure {
  /** target variable (gE or gI of post) */
  readonly target: Float64Array;
  /** delay ring of the target channel (null when delaySteps = 0) */
  readonly ring: Float64Array | null;
  readonly slots: number;
}
interface Ring {
  readonly target: Float64Array;
  readonly ring: Float64Array;
  readonly slots: number;
}

export interface NetworkOptions {
  /** time step [ms] (or '0.1 ms') */
  readonly dt: Quantity;
  /** seed of every random stream; default 1 */
  readonly seed?: number | string;
}

export class Network {
  /** time step [ms] */
  readonly dt: number;
  readonly random: RandomStreams;
  /** One switch for all plasticity: rules and adaptive thresholds. */
  readonly plasticity = { enabled: true };
  private readonly pops: PopEntry[] = [];
  private readonly projs: ProjEntry[] = [];
  private readonly userUpdaters: Updater[] = [];
  private readonly monitorUpdaters: Updater[] = [];
  private built = false;
  private stepIndex = 0;
  private updatersPlastic: Updater[] = [];
  private updatersFrozen: Updater[] = [];
  private rings: Ring[] = [];
  private readonly stepSubject = new Subject<StepFrame>();
  private readonly frame: { step: number; time: number; spikes(pop: Population): Readonly<SpikeBuffer> };

  /** Per-step frames (borrowed payload). Emitted once per step, only while observed. */
  readonly step$: Observable<StepFrame>;

  constructor(options: NetworkOptions) {
    if (options == null || typeof options !== 'object') throw new Error(`new Network(options): options are missing; pass { dt: '0.1 ms', seed: 1 }.`);
    this.dt = positive(options.dt, 'time', 'dt', "give the time step, e.g. '0.1 ms'");
    this.random = new RandomStreams(options.seed ?? 1);
    this.step$ = this.stepSubject.asObservable();
    const self = this;
    this.frame = {
      step: 0,
      time: 0,
      spikes(pop: Population) {
        return self.spikeBufferOf(pop);
      },
    };
  }

  /** Current step index (number of steps run). */
  get currentStep(): number {
    return this.stepIndex;
  }
  /** Current time [ms] = steps run × dt. */
  get time(): number {
    return this.stepIndex * this.dt;
  }
  get isBuilt(): boolean {
    return this.built;
  }

  /** Adds a population; returns its typed handle. */
  add<S extends PopulationSpec>(spec: S): HandleFor<S> {
    this.assertUnbuilt('add a population');
    if (spec == null || (spec.kind !== 'lif' && spec.kind !== 'poisson' && spec.kind !== 'generator')) {
      throw new Error(`net.add(${format(spec)}): not a population spec; use lif(n, params), poissonInput(n, rates) or spikeGenerator(n, indices, times).`);
    }
    positiveInteger(spec.n, `${spec.label}.n`, 'a population needs at least one neuron');
    const label = this.uniqueLabel(spec.label, this.pops.map((p) => p.handle.label));
    const entry: PopEntry = { handle: null as unknown as Population, built: null };
    const net = this;
    const base = {
      kind: spec.kind,
      n: spec.n,
      label,
      spec: label === spec.label ? spec : { ...spec, label },
      network: this,
      get spikes(): SpikeBuffer {
        return net.requireBuilt(entry, 'spikes').state.spikes;
      },
      get state() {
        return net.requireBuilt(entry, 'state').state;
      },
    };
    if (spec.kind === 'poisson') {
      Object.defineProperty(base, 'setRates', {
        value(rates: ArrayLike<number>, scale = 1): void {
          const b = net.requireBuilt(entry, 'setRates') as Extract<BuiltPopulation, { kind: 'poisson' }>;
          if (rates == null || rates.length !== spec.n) throw new Error(`${label}.setRates: got ${rates?.length} rates for ${spec.n} neurons; give one rate [Hz] per neuron.`);
          if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`${label}.setRates: scale = ${scale} must be a finite number ≥ 0.`);
          for (let i = 0; i < rates.length; i++) {
            if (!(rates[i] >= 0) || !Number.isFinite(rates[i])) throw new Error(`${label}.setRates: rates[${i}] = ${rates[i]} must be a finite rate ≥ 0 Hz.`);
          }
          setPoissonRates(b.state, b.rng, rates, scale, net.time);
        },
      });
    }
    (entry as { handle: Population }).handle = base as unknown as Population;
    this.pops.push(entry);
    return base as unknown as HandleFor<S>;
  }

  /** Connects `pre` to a channel of the LIF population `post`; returns the projection handle. */
  connect(pre: Population, post: LifPopulation, spec: ProjectionSpec): Projection {
    this.assertUnbuilt('connect populations');
    this.assertMember(pre, 'connect: pre');
    this.assertMember(post, 'connect: post');
    if (post.kind !== 'lif') throw new Error(`connect: post = '${post.label}' is a ${post.kind} population; only LIF populations receive synapses.`);
    if (spec == null || typeof spec !== 'object') throw new Error(`connect(${pre.label} → ${post.label}): the projection spec is missing; pass { connector, weight }.`);
    const label = this.uniqueLabel(spec.label ?? `${pre.label}→${post.label}`, this.projs.map((p) => p.handle.label));
    const entry: ProjEntry = { handle: null as unknown as Projection, built: null, columns: null };
    const net = this;
    const handle: Projection = {
      pre,
      post,
      label,
      spec,
      network: this,
      get structure(): ProjectionStructure {
        if (!entry.built) throw new Error(`projection '${label}': the network is not built yet; call net.build() first.`);
        return entry.built;
      },
      get store(): SynapseStore {
        return this.structure.store;
      },
      columns(): ColumnIndex {
        if (!entry.columns) entry.columns = columnIndex(net.projectionStructure(entry));
        return entry.columns;
      },
    };
    (entry as { handle: Projection }).handle = handle;
    this.projs.push(entry);
    return handle;
  }

  /** Adds a plug-in updater (plasticity rule, custom input or monitor). */
  addUpdater<U extends Updater>(u: U): U {
    this.assertUnbuilt('add an updater');
    if (u == null || !PHASES.includes(u.phase) || typeof u.run !== 'function') {
      throw new Error(`addUpdater: ${format(u?.name ?? u)} must have phase (one of ${PHASES.join(', ')}), order, name and run(step).`);
    }
    this.userUpdaters.push(u);
    return u;
  }

  /** Records spikes of `pop` into a ring of `capacity` spikes (default 1 000 000). */
  spikeRecorder(pop: Population, options: { capacity?: number } = {}): SpikeRecorder {
    this.assertUnbuilt('add a monitor');
    this.assertMember(pop, 'spikeRecorder');
    const capacity = positiveInteger(options.capacity ?? 1_000_000, 'spikeRecorder.capacity');
    const ring: SpikeRing = { steps: new Int32Array(capacity), idx: new Int32Array(capacity), head: 0, size: 0, total: 0 };
    let buf: SpikeBuffer | null = null;
    const dt = this.dt;
    this.monitorUpdaters.push({
      phase: 'record',
      order: 0,
      name: `spikes:${pop.label}`,
      build: (ctx) => {
        buf = ctx.spikes(pop);
      },
      run: (step) => recordSpikes(ring, buf!, step),
    });
    return {
      kind: 'spikes',
      capacity,
      read: () => readSpikeRing(ring, dt),
      clear: () => {
        ring.head = ring.size = ring.total = 0;
      },
    };
  }

  /** Samples variable `variable` of LIF neurons `indices` every `every` steps into a ring of `capacity` rows. */
  stateProbe(pop: LifPopulation, variable: 'v' | 'gE' | 'gI' | 'theta', options: { every?: number; indices?: ArrayLike<number>; capacity?: number } = {}): StateProbe {
    this.assertUnbuilt('add a monitor');
    this.assertMember(pop, 'stateProbe');
    if (pop.kind !== 'lif') throw new Error(`stateProbe: '${pop.label}' is a ${pop.kind} population; probes read LIF state.`);
    if (!['v', 'gE', 'gI', 'theta'].includes(variable)) throw new Error(`stateProbe: variable = ${format(variable)} is unknown; use 'v', 'gE', 'gI' or 'theta'.`);
    const every = positiveInteger(options.every ?? 1, 'stateProbe.every');
    const capacity = positiveInteger(options.capacity ?? 100_000, 'stateProbe.capacity');
    const indices = Int32Array.from(options.indices ?? Array.from({ length: pop.n }, (_, i) => i));
    for (let k = 0; k < indices.length; k++) {
      if (indices[k] < 0 || indices[k] >= pop.n) throw new Error(`stateProbe.indices[${k}] = ${indices[k]} is not a neuron of '${pop.label}' (0…${pop.n - 1}).`);
    }
    const cols = indices.length;
    const steps = new Int32Array(capacity);
    const values = new Float64Array(capacity * cols);
    let head = 0;
    let size = 0;
    let src: Float64Array | null = null;
    this.monitorUpdaters.push({
      phase: 'record',
      order: 1,
      name: `probe:${pop.label}.${variable}`,
      build: (ctx) => {
        src = ctx.lif(pop)[variable];
      },
      run: (step) => {
        if (step % every !== 0) return;
        const s = src!;
        const off = head * cols;
        for (let k = 0; k < cols; k++) values[off + k] = s[indices[k]];
        steps[head] = step;
        head = head + 1 === capacity ? 0 : head + 1;
        if (size < capacity) size++;
      },
    });
    return {
      kind: 'state',
      variable,
      indices,
      every,
      read: () => {
        const outSteps = new Int32Array(size);
        const outValues = new Float64Array(size * cols);
        const start = (head - size + capacity) % capacity;
        for (let r = 0; r < size; r++) {
          const p = (start + r) % capacity;
          outSteps[r] = steps[p];
          outValues.set(values.subarray(p * cols, (p + 1) * cols), r * cols);
        }
        return { steps: outSteps, values: outValues, columns: cols };
      },
      clear: () => {
        head = size = 0;
      },
    };
  }

  /** Population rate per step [Hz], the newest `capacity` steps kept. */
  rateMonitor(pop: Population, options: { capacity?: number } = {}): RateMonitor {
    this.assertUnbuilt('add a monitor');
    this.assertMember(pop, 'rateMonitor');
    const capacity = positiveInteger(options.capacity ?? 100_000, 'rateMonitor.capacity');
    const counts = new Int32Array(capacity);
    const steps = new Int32Array(capacity);
    let head = 0;
    let size = 0;
    let total = 0;
    let stepsSeen = 0;
    let buf: SpikeBuffer | null = null;
    const scale = 1000 / (this.dt * pop.n);
    this.monitorUpdaters.push({
      phase: 'record',
      order: 2,
      name: `rate:${pop.label}`,
      build: (ctx) => {
        buf = ctx.spikes(pop);
      },
      run: (step) => {
        const c = buf!.count;
        counts[head] = c;
        steps[head] = step;
        head = head + 1 === capacity ? 0 : head + 1;
        if (size < capacity) size++;
        total += c;
        stepsSeen++;
      },
    });
    return {
      kind: 'rate',
      read: () => {
        const s = new Int32Array(size);
        const r = new Float64Array(size);
        const start = (head - size + capacity) % capacity;
        for (let k = 0; k < size; k++) {
          const p = (start + k) % capacity;
          s[k] = steps[p];
          r[k] = counts[p] * scale;
        }
        return { steps: s, rateHz: r };
      },
      meanRateHz: () => (stepsSeen === 0 ? 0 : (total * scale) / stepsSeen),
      clear: () => {
        head = size = total = stepsSeen = 0;
      },
    };
  }

  /** Counts spikes per neuron of `pop` (reset with counter.reset()). */
  spikeCounter(pop: Population): SpikeCounter {
    this.assertUnbuilt('add a monitor');
    this.assertMember(pop, 'spikeCounter');
    const counts = new Int32Array(pop.n);
    let buf: SpikeBuffer | null = null;
    this.monitorUpdaters.push({
      phase: 'record',
      order: 3,
      name: `count:${pop.label}`,
      build: (ctx) => {
        buf = ctx.spikes(pop);
      },
      run: () => countSpikes(counts, buf!),
    });
    return {
      kind: 'counter',
      counts,
      total: () => {
        let t = 0;
        for (let i = 0; i < counts.length; i++) t += counts[i];
        return t;
      },
      reset: () => counts.fill(0),
    };
  }

  /**
   * Validates and builds everything, then sorts the schedule. Throws on the first invalid
   * parameter, naming it; on failure nothing is kept (the network stays unbuilt).
   */
  build(): this {
    if (this.built) throw new Error('net.build(): the network is already built; build once, then step/run.');
    if (this.pops.length === 0) throw new Error('net.build(): the network has no populations; add one with net.add(lif(…)).');
    const dt = this.dt;
    const random = this.random;
    // 1. Populations (validated and allocated; nothing is attached to the entries until the end).
    const builtPops = this.pops.map((e) => {
      const s = e.handle.spec;
      switch (s.kind) {
        case 'lif':
          return buildLif(s, dt, random);
        case 'poisson':
          return buildPoisson(s, random);
        case 'generator':
          return buildGenerator(s, dt);
      }
    });
    const builtOf = (p: Population): BuiltPopulation => builtPops[this.pops.findIndex((e) => e.handle === p)];
    // 2. Projections and the delay rings of their target channels.
    const ringSlots = new Map<Float64Array, number>();
    const plans = this.projs.map((e) => {
      const h = e.handle;
      const s = h.spec;
      const post = builtOf(h.post);
      if (post.kind !== 'lif') throw new Error(`${h.label}: target is not a LIF population.`);
      const channel = s.channel ?? 'exc';
      if (channel !== 'exc' && channel !== 'inh') throw new Error(`${h.label}.channel = ${format(channel)} is unknown; use 'exc' or 'inh'.`);
      const conn = connect(s.connector, h.pre.n, h.post.n, random.stream(`${h.label}/connect`), h.label);
      const size = conn.post.length;
      const storage = s.storage ?? (s.connector?.kind === 'allToAll' ? 'dense' : 'csr');
      if (storage !== 'dense' && storage !== 'csr') throw new Error(`${h.label}.storage = ${format(storage)} is unknown; use 'dense' or 'csr'.`);
      const csrWeights = initialWeights(s.weight, size, post.conductance ? 'dimensionless' : 'voltage', random.stream(`${h.label}/weights`), h.label, conn.userOrder);
      let delaySteps = 0;
      let synapseDelays: Int32Array | null = null;
      const toSteps = (d: Quantity, name: string): number => {
        const ms = toInternal(d, 'time', name);
        if (ms < 0) throw new Error(`${name} = ${format(d)} is negative; delays are ≥ 0.`);
        if (ms > 0 && ms < dt * (1 - 1e-9)) throw new Error(`${name} = ${format(d)} is shorter than dt = ${dt} ms; use 0 (act from the next step) or a delay ≥ dt.`);
        const steps = Math.round(ms / dt);
        if (Math.abs(steps * dt - ms) > 1e-9 * Math.max(1, ms)) {
          throw new Error(`${name} = ${format(d)} is not a whole number of steps of dt = ${dt} ms (${(ms / dt).toFixed(3)} steps); use ${+(steps * dt).toPrecision(12)} ms.`);
        }
        return steps;
      };
      if (s.delay === undefined || typeof s.delay === 'number' || typeof s.delay === 'string') {
        delaySteps = s.delay === undefined ? 0 : toSteps(s.delay, `${h.label}.delay`);
      } else {
        if (storage !== 'csr') throw new Error(`${h.label}: per-synapse delays need storage 'csr'.`);
        const d = s.delay;
        if (d.length !== size) throw new Error(`${h.label}.delay has ${d.length} values for ${size} synapses; give one per synapse or a single value.`);
        synapseDelays = new Int32Array(size);
        for (let k = 0; k < size; k++) {
          const u = conn.userOrder ? conn.userOrder[k] : k;
          synapseDelays[k] = toSteps(d[u], `${h.label}.delay[${u}]`);
        }
        delaySteps = -1;
      }
      const target = channel === 'exc' ? post.state.gE : post.state.gI;
      const maxDelay = synapseDelays ? synapseDelays.reduce((a, b) => Math.max(a, b), 0) : delaySteps;
      if (maxDelay > 0 || synapseDelays) ringSlots.set(target, Math.max(ringSlots.get(target) ?? 1, maxDelay + 1));
      let weights = csrWeights;
      let layout: { synapseOf: Int32Array; mask: Uint8Array } | null = null;
      if (storage === 'dense') {
        layout = denseLayout(conn);
        weights = new Float32Array(h.pre.n * h.post.n);
        for (let k = 0; k < size; k++) weights[layout.synapseOf[k]] = csrWeights[k];
      }
      const factory = s.store ?? floatStore();
      if (factory == null || typeof factory.create !== 'function') throw new Error(`${h.label}.store is not a store factory; use floatStore() or memristiveStore({ device }).`);
      const store = factory.create({ size: weights.length, initial: weights, random, label: h.label, dt });
      return { e, conn, storage, layout, store, target, delaySteps, synapseDelays, pre: builtOf(h.pre), post };
    });
    const rings: Ring[] = [];
    for (const [target, slots] of ringSlots) rings.push({ target, ring: new Float64Array(slots * target.length), slots });
    const ringOf = (t: Float64Array): Ring | null => rings.find((r) => r.target === t) ?? null;

    // 3. Commit: attach built state to the handles.
    this.pops.forEach((e, i) => (e.built = builtPops[i]));
    for (const p of plans) {
      const r = ringOf(p.target);
      p.e.built = {
        label: p.e.handle.label,
        storage: p.storage,
        nPre: p.conn.nPre,
        nPost: p.conn.nPost,
        rowPtr: p.conn.rowPtr,
        post: p.conn.post,
        synapseOf: p.layout ? p.layout.synapseOf : null,
        mask: p.layout ? p.layout.mask : null,
        store: p.store,
        preSpikes: p.pre.state.spikes,
        postSpikes: p.post.state.spikes,
        delaySteps: p.delaySteps,
        synapseDelays: p.synapseDelays,
        target: p.target,
        ring: r ? r.ring : null,
        slots: r ? r.slots : 1,
      };
    }
    this.rings = rings;
    const ctx: BuildContext = {
      dt,
      random,
      network: this,
      lif: (pop) => {
        const b = this.entryOf(pop).built;
        if (!b || b.kind !== 'lif') throw new Error(`'${pop.label}' is not a LIF population.`);
        return b.state;
      },
      spikes: (pop) => this.entryOf(pop).built!.state.spikes,
      projection: (proj) => this.projectionStructure(this.projs.find((q) => q.handle === proj) ?? this.fail(`projection '${proj.label}' is not in this network.`)),
    };
    try {
      const all = [...this.coreUpdaters(), ...this.userUpdaters, ...this.monitorUpdaters];
      for (const u of all) u.build?.(ctx);
      const rank = (u: Updater) => PHASES.indexOf(u.phase);
      all.sort((a, b) => rank(a) - rank(b) || a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      this.updatersPlastic = all;
      this.updatersFrozen = all.filter((u) => u.phase !== 'plasticity');
    } catch (err) {
      for (const e of this.pops) e.built = null;
      for (const e of this.projs) e.built = null;
      this.rings = [];
      throw err;
    }
    this.built = true;
    return this;
  }

  /** Advances one step (see the schedule in the header). Never validates or allocates. */
  step(): void {
    const step = this.stepIndex;
    const ups = this.plasticity.enabled ? this.updatersPlastic : this.updatersFrozen;
    for (let u = 0; u < ups.length; u++) ups[u].run(step);
    this.stepIndex = step + 1;
    if (this.stepSubject.observed) {
      this.frame.step = step;
      this.frame.time = (step + 1) * this.dt;
      this.stepSubject.next(this.frame);
    }
  }

  /** Runs `duration` (ms or '350 ms'); it must be a whole number of steps. */
  run(duration: Quantity): void {
    if (!this.built) throw new Error('net.run(): the network is not built; call net.build() first.');
    const ms = toInternal(duration, 'time', 'duration');
    const steps = this.stepsFor(ms, duration);
    for (let s = 0; s < steps; s++) this.step();
  }

  /** Runs exactly `steps` steps. */
  runSteps(steps: number): void {
    if (!this.built) throw new Error('net.runSteps(): the network is not built; call net.build() first.');
    if (!Number.isInteger(steps) || steps < 0) throw new Error(`net.runSteps(${format(steps)}): give a whole number of steps ≥ 0.`);
    for (let s = 0; s < steps; s++) this.step();
  }

  /** Whole number of steps in `ms`, or an error saying how to round. */
  stepsFor(ms: number, shown: Quantity = ms): number {
    if (ms < 0) throw new Error(`duration = ${format(shown)} is negative; give a duration ≥ 0.`);
    const exact = ms / this.dt;
    const steps = Math.round(exact);
    if (Math.abs(exact - steps) > 1e-6) {
      const lo = Math.floor(exact) * this.dt;
      const hi = Math.ceil(exact) * this.dt;
      throw new Error(`duration = ${format(shown)} is ${exact.toFixed(4)} steps of dt = ${this.dt} ms, not a whole number; use ${+lo.toFixed(9)} ms or ${+hi.toFixed(9)} ms.`);
    }
    return steps;
  }

  /** Owned copies of `pop`'s spikes, one event per step with spikes. */
  spikes$(pop: Population): Observable<SpikeEvent> {
    this.assertMember(pop, 'spikes$');
    return this.step$.pipe(copySpikes(pop));
  }

  /** Full state as plain data (copies): restore(snapshot) + run = an uninterrupted run, bit for bit. */
  snapshot(): NetworkSnapshot {
    if (!this.built) throw new Error('net.snapshot(): the network is not built; call net.build() first.');
    return {
      version: 1,
      step: this.stepIndex,
      dt: this.dt,
      seed: this.random.seed,
      populations: this.pops.map((e): Record<string, Float64Array | Int32Array | number> => {
        const b = e.built!;
        switch (b.kind) {
          case 'lif':
            return { v: b.state.v.slice(), gE: b.state.gE.slice(), gI: b.state.gI.slice(), theta: b.state.theta.slice(), iBias: b.state.iBias.slice(), refUntil: b.state.refUntil.slice() };
          case 'poisson':
            return { rates: b.state.rates.slice(), nextEvent: b.state.nextEvent.slice() };
          case 'generator':
            return { cursor: b.state.cursor };
        }
      }),
      stores: this.projs.map((e) => e.built!.store.snapshot()),
      rings: this.rings.map((r) => r.ring.slice()),
      random: this.random.save(),
      updaters: this.updatersPlastic.map((u) => (u.snapshot ? u.snapshot() : null)),
    };
  }

  /** Restores a snapshot of this network (same structure). Validates everything before changing anything. */
  restore(s: NetworkSnapshot): void {
    if (!this.built) throw new Error('net.restore(): build the network first (restore needs the same structure).');
    if (s == null || s.version !== 1) throw new Error(`net.restore(): not a version-1 network snapshot.`);
    if (s.dt !== this.dt) throw new Error(`net.restore(): snapshot dt = ${s.dt} ms differs from this network's dt = ${this.dt} ms.`);
    if (s.seed !== this.random.seed) throw new Error(`net.restore(): snapshot seed '${s.seed}' differs from this network's seed '${this.random.seed}'.`);
    if (!Number.isInteger(s.step) || s.step < 0) throw new Error(`net.restore(): step = ${s.step} is not a whole number ≥ 0.`);
    if (s.populations.length !== this.pops.length || s.stores.length !== this.projs.length || s.rings.length !== this.rings.length || s.updaters.length !== this.updatersPlastic.length) {
      throw new Error('net.restore(): the snapshot has a different structure (populations, projections, delay rings or updaters).');
    }
    this.pops.forEach((e, i) => {
      const b = e.built!;
      const p = s.populations[i];
      const want: Record<string, number> =
        b.kind === 'lif' ? { v: b.state.n, gE: b.state.n, gI: b.state.n, theta: b.state.n, iBias: b.state.n, refUntil: b.state.n } : b.kind === 'poisson' ? { rates: b.state.n, nextEvent: b.state.n } : {};
      for (const [k, len] of Object.entries(want)) {
        const a = p[k];
        if (!ArrayBuffer.isView(a) || (a as Float64Array).length !== len) throw new Error(`net.restore(): population '${e.handle.label}'.${k} is missing or has the wrong length.`);
      }
      if (b.kind === 'generator' && typeof p['cursor'] !== 'number') throw new Error(`net.restore(): generator '${e.handle.label}' cursor is missing.`);
    });
    this.rings.forEach((r, i) => {
      if (s.rings[i].length !== r.ring.length) throw new Error('net.restore(): a delay ring has the wrong length.');
    });
    // Stores validate themselves; restore them into scratch first is their job — they throw before changing.
    // Apply.
    const storeBackups = this.projs.map((e) => e.built!.store.snapshot());
    try {
      this.projs.forEach((e, i) => e.built!.store.restore(s.stores[i]));
    } catch (err) {
      this.projs.forEach((e, i) => e.built!.store.restore(storeBackups[i]));
      throw err;
    }
    this.random.load(s.random);
    this.pops.forEach((e, i) => {
      const b = e.built!;
      const p = s.populations[i];
      switch (b.kind) {
        case 'lif':
          b.state.v.set(p['v'] as Float64Array);
          b.state.gE.set(p['gE'] as Float64Array);
          b.state.gI.set(p['gI'] as Float64Array);
          b.state.theta.set(p['theta'] as Float64Array);
          b.state.iBias.set(p['iBias'] as Float64Array);
          b.state.refUntil.set(p['refUntil'] as Int32Array);
          break;
        case 'poisson':
          b.state.rates.set(p['rates'] as Float64Array);
          b.state.nextEvent.set(p['nextEvent'] as Float64Array);
          refreshPoissonActive(b.state);
          break;
        case 'generator':
          b.state.cursor = p['cursor'] as number;
          break;
      }
    });
    this.rings.forEach((r, i) => r.ring.set(s.rings[i]));
    this.updatersPlastic.forEach((u, i) => {
      if (u.restore) u.restore(s.updaters[i]);
    });
    this.stepIndex = s.step;
  }

  // ——— internals ———

  /** The built-in updaters: population steps, propagation, ring delivery. */
  private coreUpdaters(): Updater[] {
    const net = this;
    const dt = this.dt;
    const ups: Updater[] = [];
    this.pops.forEach((e, i) => {
      const b = e.built!;
      ups.push({
        phase: b.kind === 'lif' ? 'integrate' : 'input',
        order: i,
        name: `pop:${e.handle.label}`,
        run: b.kind === 'lif' ? (step) => void b.step(b.state, b.constants, step, b.adaptive, net.plasticity.enabled) : (step) => void stepPopulation(b, step, dt, true),
      });
    });
    this.projs.forEach((e, i) => {
      const p = e.built!;
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
        if (p.storage === 'dense') run = (step) => propagateDense(target, D === 0 ? 0 : ((step + D) % slots) * nPost, p.preSpikes, nPost, w);
        else run = (step) => propagateCsr(target, D === 0 ? 0 : ((step + D) % slots) * nPost, p.preSpikes, p.rowPtr, p.post, w);
      }
      ups.push({ phase: 'propagate', order: i, name: `proj:${e.handle.label}`, run });
    });
    this.rings.forEach((r, i) => {
      ups.push({ phase: 'propagate', order: 1e9 + i, name: `deliver:${i}`, run: (step) => deliverRing(r.target, r.ring, r.slots, step) });
    });
    return ups;
  }

  private projectionStructure(e: ProjEntry): ProjectionStructure {
    if (!e.built) throw new Error(`projection '${e.handle.label}': the network is not built yet; call net.build() first.`);
    return e.built;
  }

  private entryOf(pop: Population): PopEntry {
    const e = this.pops.find((p) => p.handle === pop);
    if (!e) throw new Error(`population '${pop?.label}' is not in this network; create it with this network's add().`);
    return e;
  }

  private spikeBufferOf(pop: Population): SpikeBuffer {
    return pop.spikes;
  }

  private requireBuilt(e: PopEntry, what: string): BuiltPopulation {
    if (!e.built) throw new Error(`'${e.handle.label}'.${what}: the network is not built yet; call net.build() first.`);
    return e.built;
  }

  private assertUnbuilt(action: string): void {
    if (this.built) throw new Error(`cannot ${action} after build(); create a new Network for a different structure.`);
  }

  private assertMember(pop: Population, where: string): void {
    if (pop == null || typeof pop !== 'object' || !('network' in pop)) throw new Error(`${where}: ${format(pop)} is not a population handle returned by net.add().`);
    if (pop.network !== this) throw new Error(`${where}: population '${pop.label}' belongs to another network; connect populations of the same network.`);
  }

  private uniqueLabel(label: string, taken: string[]): string {
    if (typeof label !== 'string' || label === '') throw new Error(`label = ${format(label)} must be a non-empty string.`);
    if (!taken.includes(label)) return label;
    let k = 2;
    while (taken.includes(`${label}#${k}`)) k++;
    return `${label}#${k}`;
  }

  private fail(msg: string): never {
    throw new Error(msg);
  }
}
