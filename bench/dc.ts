/**
 * `memspike bench dc`: training speed of the Diehl & Cook network (networks/diehl-cook.ts) on
 * real MNIST images — the full per-sample work: weight normalisation, 350 ms presentation with
 * plasticity, re-presentations when fewer than 5 spikes, 150 ms rest; dt 0.5 ms (1000 steps per
 * sample). Reports milliseconds per sample over `--samples` after a short warm-up.
 */
import type { Command } from 'commander';
import type { Benchmark } from './types.js';
import { intOption, numberOption } from '../cli/options.js';
import { loadMnist } from '../networks/datasets/idx-node.js';
import { buildDiehlCook, diehlCookSpec, type DiehlCookSpec } from '../networks/diehl-cook-spec.js';

export const dcBenchmark: Benchmark = {
  name: 'dc',
  description: 'Diehl & Cook training speed: ms per MNIST sample (500 ms at dt 0.5 ms, plasticity on)',
  options(cmd: Command) {
    cmd
      .option('--neurons <N>', 'excitatory neurons', intOption('--neurons', 1), 400)
      .option('--samples <N>', 'timed samples', intOption('--samples', 1), 200)
      .option('--warmup <N>', 'untimed samples first (JIT warm-up)', intOption('--warmup', 0), 20)
      .option('--device <preset>', 'float, ideal, hfs2, …', 'ideal')
      .option('--cell <kind>', 'device mode: single or pair (as memspike train)', 'single')
      .option('--w-max <w>', 'weight mapped to the full device window (as memspike train)', numberOption('--w-max', 0), 1)
      .option('--rounding <mode>', 'pulse-count rounding: stochastic, deterministic, accumulate or feedback (as memspike train)', 'stochastic')
      .option('--device-normalisation <mode>', 'off or pulses (as memspike train)', 'off')
      .option('--seed <S>', 'seed', intOption('--seed', 0), 1);
  },
  run(opts, log) {
    const spec = diehlCookSpec({
      nExc: opts['neurons'] as number,
      device: opts['device'] as string,
      seed: opts['seed'] as number,
      cell: opts['cell'] as DiehlCookSpec['cell'],
      wMax: opts['wMax'] as number,
      rounding: opts['rounding'] as DiehlCookSpec['rounding'],
      deviceNormalisation: opts['deviceNormalisation'] as DiehlCookSpec['deviceNormalisation'],
    });
    const train = loadMnist({ split: 'train' });
    const samples = opts['samples'] as number;
    const warmup = opts['warmup'] as number;
    if (samples + warmup > train.count) throw new Error(`--samples ${samples} + --warmup ${warmup} exceed the ${train.count} training images.`);
    const { model, exp } = buildDiehlCook(spec);
    if (warmup > 0) exp.train(train, { samples: warmup });
    const r = exp.train(train, { samples });
    log(`dc: ${spec.nExc} neurons, ${spec.device}${spec.device === 'float' ? '' : ` (${spec.cell}, ${spec.rounding} rounding, normalisation ${spec.deviceNormalisation})`}: ${r.msPerSample.toFixed(2)} ms/sample over ${samples} samples (${r.presentations} presentations)`);
    return {
      bench: 'dc',
      neurons: spec.nExc,
      device: spec.device,
      cell: spec.cell,
      w_max: spec.wMax,
      rounding: spec.rounding,
      device_normalisation: spec.deviceNormalisation,
      samples,
      warmup,
      ms_per_sample: r.msPerSample,
      steps_per_sample: model.net.stepsFor(500),
      presentations: r.presentations,
      seconds: r.seconds,
    };
  },
};
