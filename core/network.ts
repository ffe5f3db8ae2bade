/**
 * Network: membership, build, the step, streams and snapshots.
 *
 * Lifecycle: `add`/`connect`/monitors/`addUpdater` while unbuilt → `build()` validates every
 * spec, converts units, precomputes per-dt constants, allocates state and sorts all work into the
 * schedule once (core/schedule.ts) → `step()` / `run(duration)`.
 *
 * Who owns what: each population kind builds, steps, snapshots and restores itself
 * (core/populations/); projections are built in core/synapses/build.ts; monitors are in
 * core/monitors.ts; the schedule and the plasticity switch in core/schedule.ts. This class holds
 * the membership (typed handles), the step counter and the streams.
 *
 * Time is the integer `stepIndex`; t = stepIndex·dt [ms], reported as the correctly rounded decimal
 * product (core/time.ts). Step counts are plain numbers (exact to 2⁵³): nothing wraps at 2³¹ steps.
 * Randomness: one seed, streams by label.
 */
import { Observable, Subject, filter, map, type OperatorFunction } from 'rxjs';
import { format, positive, positiveInteger, toInternal, type Quantity } from './units.js';
import { RandomStreams } from './random.js';
import { stepTime } from './time.js';
import { buildPopulation, type BuiltPopulation, type GeneratorSpec, type LifSpec, type PoissonSpec, type PopulationSnapshot, type PopulationSpec } from './populations/index.js';
import type { BuiltLif } from './populations/lif.js';
import type { BuiltPoisson } from './populations/poisson.js';
import type { SpikeBuffer } from './neurons/spikes.js';
import type { LifState } from './neurons/lif.js';
import type { PoissonState } from './neurons/poisson.js';
import type { StoreSnapshot, SynapseStore } from './synapses/store.js';
import { columnIndex, type ColumnIndex, type ProjectionStructure } from './synapses/projection.js';
import { allocateRings, commitProjection, planProjection, projectionUpdater, ringUpdater, type BuiltProjection, type DelayRing, type ProjectionSpec } from './synapses/build.js';
import { createRateMonitor, createSpikeCounter, createSpikeRecorder, createStateProbe, type RateMonitor, type SpikeCounter, type SpikeRecorder, type StateProbe } from './monitors.js';
import { buildSchedule, passQuiet, PHASES, type BuildContext, type Runnable, type Schedule, type Updater } from './schedule.js';

export { PHASES, type Phase, type Updater, type BuildContext, type FrozenBehaviour, type QuietSteps, type Runnable } from './schedule.js';
export type { ProjectionSpec } from './synapses/build.js';

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
  /**
   * Sets every neuron's bias current to values·scale [nA] from the next step on (no rebuild): one
   * value (a number in nA, or a string with units such as '0.5 nA') or one number per neuron.
   * Validated before anything is written; allocation-free for numbers and typed arrays, so it may
   * be called between runs or inside one (e.g. from a step$ subscriber). For a current that follows
   * a fixed time course, build the population with `iBias: timedArray(rows, interval)` instead
   * (setCurrent is then refused).
   */
  setCurrent(values: Quantity | ArrayLike<number>, scale?: number): void;
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

export type HandleFor<S extends PopulationSpec> = S extends LifSpec ? LifPopulation : S extends PoissonSpec ? PoissonPopulation : GeneratorPopulation;

/**
 * Handle of a projection. `structure` is available after build. `post` is usually a LIF population
 * (the default type); a spike generator or Poisson population may be a target too, which receives
 * nothing — such synapses exist for plasticity driven by the target's given spikes.
 */
export interface Projection<P extends Population = LifPopulation> {
  readonly pre: Population;
  readonly post: P;
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
  /** t [ms] at the end of the step, (step + 1)·dt (a correctly rounded decimal, core/time.ts) */
  readonly time: number;
  /** this step's spikes of `pop` (live buffer; copy what you keep) */
  spikes(pop: Population): Readonly<SpikeBuffer>;
}

/** An owned copy of one step's spikes of one population. */
export interface SpikeEvent {
  readonly step: number;
  /** the frame's time [ms]: the END of the step, (step + 1)·dt (a spike recorder stamps the start, step·dt) */
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
  readonly populations: ReadonlyArray<PopulationSnapshot>;
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
  readonly handle: Projection<Population>;
  built: BuiltProjection | null;
  columns: ColumnIndex | null;
}

export interface NetworkOptions {
  /** time step [ms] (or '0.1 ms') */
  readonly dt: Quantity;
  /** seed of every random stream; default 1 */
  readonly seed?: number | string;
}

/**
 * The schedule of a network that is not built (or whose build failed): its one step refuses, so
 * step() needs no check of its own and never advances an unbuilt network's counter.
 */
const UNBUILT: Runnable = {
  run() {
    throw new Error('net.step(): the network is not built (or its build failed); call net.build() first, and fix what it reports.');
  },
};
const EMPTY_SCHEDULE: Schedule = Object.freeze({ updaters: [], learning: [UNBUILT], frozen: [UNBUILT], quietLearning: null, quietFrozen: null });

/**
 * Quiet steps (core/schedule.ts): a stretch shorter than this is stepped as usual; after a failed
 * attempt the next waits 1, 2, 4 … up to QUIET_BACKOFF_MAX steps, so that a network that is
 * seldom quiet pays for few attempts.
 */
const QUIET_MIN_STEPS = 4;
const QUIET_BACKOFF_MAX = 8;

export class Network {
  /** time step [ms] */
  readonly dt: number;
  readonly random: RandomStreams;
  /** The one plasticity switch: learning rules, weight normalisation and adaptive thresholds (core/schedule.ts). */
  readonly plasticity = { enabled: true };
  private readonly pops: PopEntry[] = [];
  private readonly projs: ProjEntry[] = [];
  private readonly userUpdaters: Updater[] = [];
  private readonly monitorUpdaters: Updater[] = [];
  private built = false;
  private stepIndex = 0;
  private schedule: Schedule = EMPTY_SCHEDULE;
  private rings: DelayRing[] = [];
  /** the next step at which runSteps looks for quiet steps, and the current wait after a failed look */
  private quietAt = 0;
  private quietWait = 1;
  private quietPassed = 0;
  private readonly stepSubject = new Subject<StepFrame>();
  private readonly frame: { step: number; time: number; spikes(pop: Population): Readonly<SpikeBuffer> };

  /** Per-step frames (borrowed payload). Emitted once per step, only while observed. */
  readonly step$: Observable<StepFrame>;

  constructor(options: NetworkOptions) {
    if (options == null || typeof options !== 'object') throw new Error(`new Network(options): options are missing; pass { dt: '0.1 ms', seed: 1 }.`);
    this.dt = positive(options.dt, 'time', 'dt', "give the time step, e.g. '0.1 ms'");
    this.random = new RandomStreams(options.seed ?? 1);
    this.step$ = this.stepSubject.asObservable();
    this.frame = {
      step: 0,
      time: 0,
      spikes(pop: Population) {
        return pop.spikes;
      },
    };
  }

  /** Current step index (number of steps run). */
  get currentStep(): number {
    return this.stepIndex;
  }
  /** Current time [ms] = steps run × dt, as the correctly rounded decimal product (core/time.ts). */
  get time(): number {
    return stepTime(this.stepIndex, this.dt);
  }
  /**
   * Of the steps run so far, how many runSteps/run passed over as quiet (core/schedule.ts) instead
   * of stepping them one at a time (a statistic: the state is the same either way).
   */
  get quietStepsPassed(): number {
    return this.quietPassed;
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
    const handle = {
      kind: spec.kind,
      n: spec.n,
      label,
      spec: label === spec.label ? spec : { ...spec, label },
      network: this,
      get spikes(): SpikeBuffer {
        return net.requireBuilt(entry, 'spikes').spikes;
      },
      get state() {
        return (net.requireBuilt(entry, 'state') as { state: unknown }).state;
      },
    };
    if (spec.kind === 'poisson') {
      Object.defineProperty(handle, 'setRates', {
        value(rates: ArrayLike<number>, scale = 1): void {
          // the time of the next step's start, as the Poisson kernel computes it
          (net.requireBuilt(entry, 'setRates') as BuiltPoisson).setRates(rates, scale, net.stepIndex * net.dt);
        },
      });
    }
    if (spec.kind === 'lif') {
      Object.defineProperty(handle, 'setCurrent', {
        value(values: Quantity | ArrayLike<number>, scale = 1): void {
          (net.requireBuilt(entry, 'setCurrent') as BuiltLif).setCurrent(values, scale);
        },
      });
    }
    (entry as { handle: Population }).handle = handle as unknown as Population;
    this.pops.push(entry);
    return handle as unknown as HandleFor<S>;
  }

  /**
   * Connects `pre` to a channel of `post`; returns the projection handle. A LIF `post` receives the
   * spikes; a spike generator or Poisson `post` receives nothing (its spikes are given), and the
   * projection's synapses serve plasticity only — e.g. an STDP window driven by chosen post spike
   * times. Such a projection takes plain-number weights and no delay.
   */
  connect<P extends Population>(pre: Population, post: P, spec: ProjectionSpec): Projection<P> {
    this.assertUnbuilt('connect populations');
    this.assertMember(pre, 'connect: pre');
    this.assertMember(post, 'connect: post');
    if (spec == null || typeof spec !== 'object') throw new Error(`connect(${pre.label} → ${post.label}): the projection spec is missing; pass { connector, weight }.`);
    const label = this.uniqueLabel(spec.label ?? `${pre.label}→${post.label}`, this.projs.map((p) => p.handle.label));
    const entry: ProjEntry = { handle: null as unknown as Projection<Population>, built: null, columns: null };
    const handle: Projection<P> = {
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
        if (!entry.columns) entry.columns = columnIndex(handle.structure);
        return entry.columns;
      },
    };
    (entry as { handle: Projection<Population> }).handle = handle;
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
    return this.monitor(createSpikeRecorder(pop, capacity, this.dt));
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
    return this.monitor(createStateProbe(pop, variable, indices, every, capacity, this.dt));
  }

  /** Population rate per step [Hz], the newest `capacity` steps kept. */
  rateMonitor(pop: Population, options: { capacity?: number } = {}): RateMonitor {
    this.assertUnbuilt('add a monitor');
    this.assertMember(pop, 'rateMonitor');
    const capacity = positiveInteger(options.capacity ?? 100_000, 'rateMonitor.capacity');
    return this.monitor(createRateMonitor(pop, capacity, this.dt));
  }

  /** Counts spikes per neuron of `pop` (reset with counter.reset()). */
  spikeCounter(pop: Population): SpikeCounter {
    this.assertUnbuilt('add a monitor');
    this.assertMember(pop, 'spikeCounter');
    return this.monitor(createSpikeCounter(pop));
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
    // 1. Populations: validated and allocated; nothing is attached to the entries until the end.
    const builtPops = this.pops.map((e) => buildPopulation(e.handle.spec, dt, random));
    const builtOf = (p: Population): BuiltPopulation => builtPops[this.pops.findIndex((e) => e.handle === p)];
    // 2. Projections, then the delay rings of their target channels.
    const plans = this.projs.map((e) => planProjection(e.handle.label, e.handle.spec, builtOf(e.handle.pre), builtOf(e.handle.post), random, dt, e.handle.post.label));
    const rings = allocateRings(plans);
    // 3. Commit: attach built state to the handles, then build the plug-ins and sort the schedule.
    this.pops.forEach((e, i) => (e.built = builtPops[i]));
    this.projs.forEach((e, i) => (e.built = commitProjection(plans[i], rings)));
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
      spikes: (pop) => this.entryOf(pop).built!.spikes,
      projection: (proj) => {
        const e = this.projs.find((q) => q.handle === proj);
        if (!e) throw new Error(`projection '${proj.label}' is not in this network.`);
        return e.built!;
      },
    };
    try {
      const core: Updater[] = [
        ...this.pops.map((e, i): Updater => ({ phase: e.built!.phase, order: i, name: `pop:${e.handle.label}`, run: e.built!.step, quiet: e.built!.quiet, whenFrozen: e.built!.whenFrozen })),
        ...this.projs.flatMap((e, i) => projectionUpdater(e.built!, i) ?? []),
        ...rings.map(ringUpdater),
      ];
      const all = [...core, ...this.userUpdaters, ...this.monitorUpdaters];
      for (const u of all) u.build?.(ctx);
      this.schedule = buildSchedule(all);
    } catch (err) {
      for (const e of this.pops) e.built = null;
      for (const e of this.projs) e.built = null;
      this.rings = [];
      throw err;
    }
    this.built = true;
    return this;
  }

  /** Advances one step: the learning or the frozen schedule, by the plasticity switch. Never validates or allocates. */
  step(): void {
    const step = this.stepIndex;
    const runs = this.plasticity.enabled ? this.schedule.learning : this.schedule.frozen;
    for (let u = 0; u < runs.length; u++) runs[u].run(step);
    this.stepIndex = step + 1;
    if (this.stepSubject.observed) {
      this.frame.step = step;
      this.frame.time = stepTime(step + 1, this.dt);
      this.stepSubject.next(this.frame);
    }
  }

  /**
   * Runs `duration` (ms or '350 ms'); it must be a whole number of steps. Like runSteps, it passes
   * over quiet steps at once where every part of the schedule allows it — the same bits as stepping.
   */
  run(duration: Quantity): void {
    if (!this.built) throw new Error('net.run(): the network is not built; call net.build() first.');
    const ms = toInternal(duration, 'time', 'duration');
    this.advance(this.stepsFor(ms, duration));
  }

  /**
   * Runs exactly `steps` steps. Stretches in which nothing can happen but decay — no spike, no input,
   * nothing delivered (core/schedule.ts, "quiet steps") — are passed over at once when every part of
   * the schedule certifies them and `step$` is not observed; the state after is bit for bit the
   * state after stepping one at a time.
   */
  runSteps(steps: number): void {
    if (!this.built) throw new Error('net.runSteps(): the network is not built; call net.build() first.');
    if (!Number.isInteger(steps) || steps < 0) throw new Error(`net.runSteps(${format(steps)}): give a whole number of steps ≥ 0.`);
    this.advance(steps);
  }

  private advance(steps: number): void {
    let left = steps;
    while (left > 0) {
      if (left >= QUIET_MIN_STEPS && this.stepIndex >= this.quietAt && !this.stepSubject.observed) {
        const plan = this.plasticity.enabled ? this.schedule.quietLearning : this.schedule.quietFrozen;
        if (plan !== null) {
          const passed = passQuiet(plan, this.stepIndex, left, QUIET_MIN_STEPS);
          if (passed > 0) {
            this.stepIndex += passed;
            this.quietPassed += passed;
            left -= passed;
            this.quietWait = 1;
            continue;
          }
          this.quietAt = this.stepIndex + this.quietWait;
          this.quietWait = Math.min(QUIET_BACKOFF_MAX, 2 * this.quietWait);
        }
      }
      this.step();
      left--;
    }
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
      populations: this.pops.map((e) => e.built!.snapshot(this.stepIndex)),
      stores: this.projs.map((e) => e.built!.store.snapshot()),
      rings: this.rings.map((r) => r.ring.slice()),
      random: this.random.save(),
      updaters: this.saved().map((u) => (u.snapshot ? u.snapshot() : null)),
    };
  }

  /**
   * Restores a snapshot of this network (same structure). Everything is validated before anything
   * is written — header, structure, every population, store, delay ring, random stream and updater
   * (through its `check`) — so a snapshot that fails leaves the network bit-identical to before.
   * A plug-in updater that has `restore` but no `check` is restored after everything else; should
   * its restore throw, the whole state is put back from a copy taken just before.
   */
  restore(s: NetworkSnapshot): void {
    if (!this.built) throw new Error('net.restore(): build the network first (restore needs the same structure).');
    if (s == null || typeof s !== 'object' || s.version !== 1) throw new Error(`net.restore(): not a version-1 network snapshot.`);
    if (s.dt !== this.dt) throw new Error(`net.restore(): snapshot dt = ${format(s.dt)} ms differs from this network's dt = ${this.dt} ms.`);
    if (s.seed !== this.random.seed) throw new Error(`net.restore(): snapshot seed ${format(s.seed)} differs from this network's seed '${this.random.seed}'.`);
    if (!Number.isSafeInteger(s.step) || s.step < 0) throw new Error(`net.restore(): step = ${format(s.step)} is not a whole number of steps in [0, 2⁵³).`);
    const updaters = this.saved();
    for (const key of ['populations', 'stores', 'rings', 'updaters'] as const) {
      if (!Array.isArray(s[key])) throw new Error(`net.restore(): ${key} = ${format(s[key])} is not an array; give a snapshot that net.snapshot() returned.`);
    }
    if (s.populations.length !== this.pops.length || s.stores.length !== this.projs.length || s.rings.length !== this.rings.length || s.updaters.length !== updaters.length) {
      throw new Error('net.restore(): the snapshot has a different structure (populations, projections, delay rings or updaters).');
    }
    // 1. Validate every part; nothing is written until all pass.
    this.pops.forEach((e, i) => e.built!.check(s.populations[i], `net.restore(): population '${e.handle.label}'`));
    this.projs.forEach((e, i) => e.built!.store.check(s.stores[i]));
    this.rings.forEach((r, i) => {
      if (!(s.rings[i] instanceof Float64Array) || s.rings[i].length !== r.ring.length) throw new Error(`net.restore(): delay ring ${i} is missing or has the wrong length (expected a Float64Array of ${r.ring.length}).`);
    });
    this.random.check(s.random);
    updaters.forEach((u, i) => u.check?.(s.updaters[i]));
    // 2. Write. Only an updater without `check` can still throw: then everything is put back.
    const unchecked = updaters.some((u) => u.restore !== undefined && u.check === undefined);
    const backup = unchecked ? this.snapshot() : null;
    try {
      this.write(s, updaters);
    } catch (err) {
      if (backup !== null) this.write(backup, updaters);
      throw err;
    }
  }

  /** Writes a snapshot that passed restore's checks (or a backup of this network). */
  private write(s: NetworkSnapshot, updaters: readonly Updater[]): void {
    this.projs.forEach((e, i) => e.built!.store.restore(s.stores[i]));
    this.random.load(s.random);
    this.pops.forEach((e, i) => e.built!.restore(s.populations[i], s.step));
    this.rings.forEach((r, i) => r.ring.set(s.rings[i]));
    this.stepIndex = s.step;
    this.quietAt = 0;
    this.quietWait = 1;
    // updaters with a check first, those without last (the only writes that may still fail)
    updaters.forEach((u, i) => {
      if (u.check !== undefined) u.restore?.(s.updaters[i]);
    });
    updaters.forEach((u, i) => {
      if (u.check === undefined) u.restore?.(s.updaters[i]);
    });
  }

  // ——— internals ———

  /** The updaters a snapshot holds (all but observers). */
  private saved(): readonly Updater[] {
    return this.schedule.updaters.filter((u) => u.observer !== true);
  }

  private monitor<M>(parts: { monitor: M; updater: Updater }): M {
    this.monitorUpdaters.push(parts.updater);
    return parts.monitor;
  }

  private entryOf(pop: Population): PopEntry {
    const e = this.pops.find((p) => p.handle === pop);
    if (!e) throw new Error(`population '${pop?.label}' is not in this network; create it with this network's add().`);
    return e;
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
}
