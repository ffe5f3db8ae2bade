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
 */
import type { RandomStreams } from './random.js';
import type { SpikeBuffer } from './neurons/spikes.js';
import type { LifState } from './neurons/lif.js';
import type { ProjectionStructure } from './synapses/projection.js';
import type { LifPopulation, Network, Population, Projection } from './network.js';

/** Schedule slots, in order. */
export const PHASES = Object.freeze(['input', 'integrate', 'propagate', 'plasticity', 'record'] as const);
export type Phase = (typeof PHASES)[number];

/** What an updater does while plasticity is off: run as usual, be skipped, or run this instead. */
export type FrozenBehaviour = 'run' | 'skip' | ((step: number) => void);

/** A plug-in that runs once per step in a phase (plasticity rules, custom monitors, inputs…). */
export interface Updater {
  readonly phase: Phase;
  /** order within the phase (lower first); ties broken by name */
  readonly order: number;
  readonly name: string;
  /** Called once by Network.build(), after populations and projections are built. */
  build?(ctx: BuildContext): void;
  run(step: number): void;
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
}

/** The sorted schedule: the updaters in order, and what runs in each plasticity state. */
export interface Schedule {
  readonly updaters: readonly Updater[];
  readonly learning: readonly Runnable[];
  readonly frozen: readonly Runnable[];
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
    else if (when !== 'skip') throw new Error(`updater '${u.name}': whenFrozen = ${String(when)} is not 'run', 'skip' or a function.`);
  }
  return { updaters, learning: updaters, frozen };
}
