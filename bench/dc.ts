/**
 * `memspike bench dc`: training speed of the Diehl & Cook network on real MNIST images, through the
 * same experiment runner as `memspike train` and with its spec (the same flags and defaults): the
 * full per-sample work — weight normalisation, 350 ms presentation with plasticity, re-presentations
 * when fewer than 5 spikes, 150 ms rest; dt 0.5 ms (1000 steps per sample). Reports milliseconds
 * per sample over `--samples` after `--warmup` untimed samples (JIT warm-up).
 */
import type { Benchmark } from './types.js';
import { loadMnist } from '../networks/datasets/idx-node.js';
import { DiehlCookExperiment } from '../networks/diehl-cook/experiment.js';
import { resolveSpec, type ExperimentSpec } from '../networks/diehl-cook/spec.js';
import type { TrainResult } from '../networks/diehl-cook/results.js';

export const dcBenchmark: Benchmark = {
  name: 'dc',
  description: 'Diehl & Cook training speed: ms per MNIST sample (500 ms at dt 0.5 ms, plasticity on), with the spec of memspike train',
  experiment: true,
  options: [
    { flag: '--samples <N>', key: 'samples', description: 'timed samples', type: 'int', min: 1, default: 200 },
    { flag: '--warmup <N>', key: 'warmup', description: 'untimed samples first (JIT warm-up)', type: 'int', min: 0, default: 20 },
  ],
  run(opts, log) {
    const base = opts['spec'] as ExperimentSpec;
    const samples = opts['samples'] as number;
    const warmup = opts['warmup'] as number;
    const train = loadMnist({ split: 'train' });
    if (samples + warmup > train.count) throw new Error(`--samples ${samples} + --warmup ${warmup} exceed the ${train.count} training images.`);
    const schedule = [...(warmup > 0 ? [{ phase: 'train', samples: warmup }] : []), { phase: 'train', samples }];
    const spec = resolveSpec({ ...base, schedule });
    const exp = new DiehlCookExperiment(spec, { train, test: null });
    if (warmup > 0) exp.advance({ samples: warmup });
    // CPU time as well as wall time: on a shared machine the wall time also counts the waits for a core
    const cpuStart = process.cpuUsage();
    exp.advance({ samples });
    const cpu = process.cpuUsage(cpuStart);
    const r = exp.result().phases[exp.result().phases.length - 1] as TrainResult;
    const msPerSample = (1000 * r.seconds) / samples;
    const cpuMsPerSample = (cpu.user + cpu.system) / 1000 / samples;
    const setting = spec.device === 'float' ? '' : ` (${spec.cell}, wMax ${spec.wMax}, ${spec.rounding} rounding, normalisation ${spec.deviceNormalisation})`;
    log(`dc: ${spec.neurons} neurons, ${spec.device}${setting}: ${msPerSample.toFixed(2)} ms/sample (CPU ${cpuMsPerSample.toFixed(2)}) over ${samples} samples (${r.presentations} presentations)`);
    return {
      bench: 'dc',
      neurons: spec.neurons,
      device: spec.device,
      cell: spec.cell,
      w_max: spec.wMax,
      rounding: spec.rounding,
      device_normalisation: spec.deviceNormalisation,
      samples,
      warmup,
      ms_per_sample: msPerSample,
      cpu_ms_per_sample: cpuMsPerSample,
      steps_per_sample: exp.trained.model.presenter.stepsPerPresentation,
      presentations: r.presentations,
      seconds: r.seconds,
      pulses: r.pulses,
    };
  },
};
