/** The benchmark drivers, by name. Add new ones here. */
import type { Benchmark } from './types.js';
import { cubaBenchmark } from './cuba.js';

export const BENCHMARKS: ReadonlyArray<Benchmark> = [cubaBenchmark];
