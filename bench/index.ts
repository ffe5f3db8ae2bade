/** The benchmark drivers, by name. Add new ones here. */
import type { Benchmark } from './types.js';
import { cubaBenchmark } from './cuba.js';
import { dcBenchmark } from './dc.js';
import { vmmBench } from './vmm.js';
import { devicesBench } from './devices.js';
import { viewerBenchmark } from './viewer.js';
import { startupBenchmark } from './startup.js';
import { mlpBenchmark } from './mlp.js';
import { mlpInferenceBench } from './mlp-inference.js';
import { sweepBenchmark } from './sweep.js';
import { mathBench } from './math.js';

export const BENCHMARKS: ReadonlyArray<Benchmark> = [cubaBenchmark, dcBenchmark, vmmBench, devicesBench, viewerBenchmark, startupBenchmark, mlpBenchmark, mlpInferenceBench, sweepBenchmark, mathBench];
