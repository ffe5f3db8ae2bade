/**
 * Population specs (what the user asks for) and their built form. Each kind lives in its own
 * module and owns its build, step, snapshot and restore; this is the one place that dispatches on
 * the kind.
 */
import type { RandomStreams } from '../random.js';
import { buildLif, type BuiltLif, type LifSpec } from './lif.js';
import { buildPoisson, type BuiltPoisson, type PoissonSpec } from './poisson.js';
import { buildGenerator, type BuiltGenerator, type GeneratorSpec } from './generator.js';

export { lif, buildLif, type LifParams, type LifSpec, type SynapseModel, type BuiltLif } from './lif.js';
export { poissonInput, buildPoisson, type PoissonSpec, type BuiltPoisson } from './poisson.js';
export { spikeGenerator, buildGenerator, type GeneratorSpec, type BuiltGenerator } from './generator.js';
export type { PopulationSnapshot, BuiltPopulationBase } from './built.js';
export { timedArray, type TimedArraySpec, type CurrentSchedule } from './current.js';

export type PopulationSpec = LifSpec | PoissonSpec | GeneratorSpec;
export type BuiltPopulation = BuiltLif | BuiltPoisson | BuiltGenerator;

/** Validates a population spec and builds it (state allocated, constants computed, kernel chosen). */
export function buildPopulation(spec: PopulationSpec, dt: number, random: RandomStreams): BuiltPopulation {
  switch (spec.kind) {
    case 'lif':
      return buildLif(spec, dt, random);
    case 'poisson':
      return buildPoisson(spec, dt, random);
    case 'generator':
      return buildGenerator(spec, dt);
  }
}
