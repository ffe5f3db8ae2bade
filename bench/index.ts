/** The benchmark drivers, by name. Add new ones here. */
import type { Benchmark } from './types.js';

export const BENCHMARKS: ReadonlyArray<Benchmark> = [];
