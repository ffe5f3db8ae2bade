/**
 * The step schedule: the named phases of one step, the plug-in interface (`Updater`) that every
 * piece of per-step work implements, and the one plasticity switch.
 *
 *   input       Poisson and generator populations sample this step's spikes
 *   integrate   LIF kernels advance v exactly, decay synaptic variables, test threshold, reset
 *   propagate   projections add the rows of their spiking presynaptic neurons into targets
 *               (directly, or into a delay ring); then due ring slots are delivered
 *   plasticity  learning rules
 *   record      monitors copy into their rings
 *
 * The plasticity switch (`network.plasticity.enabled`) is owned here: `buildSchedule` sorts the
 * updaters once into two lists of run functions — one for learning, one frozen — and the network
 * picks the list per step. An updater says what it does while frozen (`whenFrozen`): run as usual,
 * be skipped (learning rules, weight normalisation), or run another function (a LIF population with
 * an adaptive threshold steps with θ held). Nothing passes a "plastic" flag into a kernel.
 *
 * Quiet steps. A step in which no population spikes, no input event arrives and nothing is
 * delivered changes the network only by decay (membranes relaxing toward rest, traces fading). An
 * updater may say how to pass over such steps at once (`quiet`): how many of the next steps it can
 * certify as quiet, and how to apply them — bit for bit what as many calls of `run` would do.
 * `Network.runSteps`/`run` then pass over a stretch that every part of the schedule certifies (the
 * rest period between Diehl & Cook presentations, once the conductances have decayed); a schedule
 * with any part that cannot say always steps one at a time, as does a network whose `step$` is
 * observed.
 */
import type { RandomStreams } from './random.js';
import type { SpikeBuffer } from './neurons/spikes.js';
import type { LifState } from './neurons/lif.js';
import type { ProjectionStructure } from './synapses/projection.js';
import type { LifPopulation, Network, Population, Projection } from './network.js';

/** Schedule slots, in order. */
export const PHASES = Object.freeze(['input', 'integrate', 'propagate', 'plasticity', 'record'] as const);
export type Phase = (typeof PHASES)[number];

/**
 * How a part of the schedule passes over quiet steps (module doc): steps in which, given that no
 * other part spikes, sends an input or delivers anything, this part neither spikes nor emits nor
 * draws a random number.
 */
export interface QuietSteps {
  /**
   * How many of the `max` steps from `step` on are quiet for this part (0: not now, or cannot
   * tell). Changes nothing that `run` reads; it may prepare `pass`.
   */
  steps(step: number, max: number): number;
  /**
   * Applies `count` quiet steps from `step` on, bit for bit as `count` calls of `run` would;
   * `count` is at most what `steps(step, …)` last answered.
   */
  pass(step: number, count: number): void;
  /**
   * For a part whose `steps` costs work in proportion to the steps asked (a LIF population integrates
   * them ahead to make sure none of its neurons fires): a cheap upper bound of that answer (0 when it
   * can tell at once that the steps are not quiet). The network has every part's bound or cheap
   * answer before any part integrates, and asks the integrating parts last, with the others' bound.
   */
  bound?(step: number, max: number): number;
}

/** The quiet-step answer of a part that does nothing unless something spikes (projections, spike monitors). */
export const QUIET_WITHOUT_SPIKES: QuietSteps = Object.freeze({ steps: (_step: number, max: number) => max, pass: () => {} });

/** What an updater does while plasticity is off: run as usual, be skipped, or run this instead. */
export type FrozenBehaviour = 'run' | 'skip' | ((step: number) => void) | Runnable;

/** A plug-in that runs once per step in a phase (plasticity rules, custom monitors, inputs…). */
export interface Updater {
  readonly phase: Phase;
  /** order within the phase (lower first); ties broken by name */
  readonly order: number;
  readonly name: string;
  /** Called once by Network.build(), after populations and projections are built. */
  build?(ctx: BuildContext): void;
  run(step: number): void;
  /** How to pass over quiet steps at once (module doc); without it, the network steps one at a time. */
  readonly quiet?: QuietSteps;
  /** While plasticity is off; default 'skip' in the plasticity phase, 'run' elsewhere. */
  readonly whenFrozen?: FrozenBehaviour;
  /**
   * Reads the network and changes nothing in it (a live viewer's recorders): left out of
   * snapshots, so a network saves and restores alike with or without it.
   */
  readonly observer?: boolean;
  /** Plain-data state for snapshot()/restore() (for updaters that hold state). */
  snapshot?(): unknown;
  /**
   * Throws (naming what is wrong) unless restore(state) would succeed; changes nothing. The network
   * checks every part of a snapshot this way before it writes any (net.restore). An updater with
   * `restore` but no `check` is restored last, and if its restore throws the network puts its whole
   * state back from a copy taken just before.
   */
  check?(state: unknown): void;
  restore?(state: unknown): void;
}

/** What an updater may look up at build time (never during a step). */
export interface BuildContext {
  readonly dt: number;
  readonly random: RandomStreams;
  readonly network: Network;
  lif(pop: LifPopulation): LifState;
  spikes(pop: Population): SpikeBuffer;
  projection(proj: Projection<Population>): ProjectionStructure;
}

/** Something the step loop runs: an updater, or what stands in for one while plasticity is off. */
export interface Runnable {
  run(step: number): void;
  readonly quiet?: QuietSteps;
}

/** The sorted schedule: the updaters in order, and what runs in each plasticity state. */
export interface Schedule {
  readonly updaters: readonly Updater[];
  readonly learning: readonly Runnable[];
  readonly frozen: readonly Runnable[];
  /** how each list passes over quiet steps; null when one of its parts cannot */
  readonly quietLearning: QuietPlan | null;
  readonly quietFrozen: QuietPlan | null;
}

/** The quiet-step answers of one list: cheap parts, then the bounds of the integrating ones, then their answers. */
export interface QuietPlan {
  /** parts without a bound: their answers are cheap */
  readonly cheap: readonly QuietSteps[];
  /** parts with a bound (they integrate to answer) */
  readonly integrating: readonly QuietSteps[];
  /** in schedule order (the order their steps are applied in) */
  readonly passes: readonly QuietSteps[];
}

function quietPlan(runs: readonly Runnable[]): QuietPlan | null {
  const passes: QuietSteps[] = [];
  for (const r of runs) {
    if (r.quiet === undefined) return null;
    passes.push(r.quiet);
  }
  return { cheap: passes.filter((q) => q.bound === undefined), integrating: passes.filter((q) => q.bound !== undefined), passes };
}

/**
 * Passes over as many of the next `max` steps from `step` on as every part of `plan` certifies
 * quiet, if at least `min`; returns the steps passed (0: none, the caller steps as usual).
 */
export function passQuiet(plan: QuietPlan, step: number, max: number, min: number): number {
  let count = max;
  const { cheap, integrating } = plan;
  for (let k = 0; k < cheap.length && count >= min; k++) count = Math.min(count, cheap[k].steps(step, count));
  for (let k = 0; k < integrating.length && count >= min; k++) count = Math.min(count, integrating[k].bound!(step, count));
  for (let k = 0; k < integrating.length && count >= min; k++) count = Math.min(count, integrating[k].steps(step, count));
  if (count < min) return 0;
  const passes = plan.passes;
  for (let k = 0; k < passes.length; k++) passes[k].pass(step, count);
  return count;
}

/** Sorts updaters by (phase, order, name) once and resolves what each does in both plasticity states. */
export function buildSchedule(all: readonly Updater[]): Schedule {
  const rank = (u: Updater) => PHASES.indexOf(u.phase);
  const updaters = all.slice().sort((a, b) => rank(a) - rank(b) || a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const frozen: Runnable[] = [];
  for (const u of updaters) {
    const when = u.whenFrozen ?? (u.phase === 'plasticity' ? 'skip' : 'run');
    if (when === 'run') frozen.push(u);
    else if (typeof when === 'function') frozen.push({ run: when });
    else if (typeof when === 'object' && when !== null && typeof when.run === 'function') frozen.push(when);
    else if (when !== 'skip') throw new Error(`updater '${u.name}': whenFrozen = ${String(when)} is not 'run', 'skip', a function or a { run(step) } object.`);
  }
  return { updaters, learning: updaters, frozen, quietLearning: quietPlan(updaters), quietFrozen: quietPlan(frozen) };
}
