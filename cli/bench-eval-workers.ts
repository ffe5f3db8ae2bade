/**
 * `memspike bench eval-workers`: the speed-up of `memspike eval --independent-images --workers N`
 * over one thread. It trains a model with the spec of `memspike train` (the same network flags and
 * defaults; `--train` images) in a `memspike train` process of its own, and evaluates the first
 * `--images` test images twice by the independent-images protocol — in this thread, as
 * `eval --independent-images` does, then on `--workers` worker threads that each load the model
 * file, as `eval --independent-images --workers N` does — timing each from start to merged result
 * (the threads' start and model loading included). The two results must be equal, bit for bit,
 * or the benchmark fails. Prints one JSON object: images/s of both, the speed-up, and the CPU
 * time of each (all threads): on cores shared with other work the wall-time speed-up says little,
 * the CPU times still say how much work the split adds.
 *
 * It lives in cli/ (not bench/) because it drives the CLI's worker pool (cli/eval-pool.ts), and
 * bench/ never imports cli/.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadMnist } from '../networks/datasets/idx-node.js';
import { DiehlCookExperiment } from '../networks/diehl-cook/experiment.js';
import { resolveSpec, type ExperimentSpec } from '../networks/diehl-cook/spec.js';
import type { ExperimentResult } from '../networks/diehl-cook/results.js';
import { addNetworkOptions, FieldSources, networkFields } from './experiment-options.js';
import { intOption } from './options.js';
import { checkModelFits } from './resources.js';
import { readModel } from './run-experiment.js';
import { evaluateOnWorkers, fileStamp, parseWorkers } from './eval-pool.js';

/** What the benchmark measured. */
export interface EvalWorkersBench {
  readonly bench: 'eval-workers';
  readonly neurons: number;
  readonly device: string;
  readonly trained: number;
  readonly images: number;
  readonly workers: number;
  readonly cores: number;
  /** 1-minute load average at the start and at the end (other processes share the cores) */
  readonly load: readonly [number, number];
  readonly seconds_1: number;
  readonly seconds_n: number;
  /** CPU time of the process, all threads (user + system) [s]: the work done, whatever else shares the cores */
  readonly cpu_seconds_1: number;
  readonly cpu_seconds_n: number;
  readonly images_per_s_1: number;
  readonly images_per_s_n: number;
  readonly speedup: number;
  readonly identical: boolean;
  readonly accuracy: number;
  readonly train_seconds: number;
}

export async function runEvalWorkersBench(opts: Record<string, unknown>, log: (line: string) => void): Promise<EvalWorkersBench> {
  const sources = new FieldSources();
  const trainImages = opts['train'] as number;
  const images = opts['images'] as number;
  const workers = parseWorkers(opts['workers']);
  if (workers < 2) throw new Error(`--workers ${String(opts['workers'])}: the benchmark compares N worker threads with one; give --workers 2 or more.`);
  let spec: ExperimentSpec;
  try {
    spec = resolveSpec({ ...networkFields(opts, sources), schedule: [{ phase: 'train', samples: trainImages }] });
    checkModelFits(spec, true);
  } catch (e) {
    throw sources.translate(e);
  }
  const train = loadMnist({ split: 'train' });
  const test = loadMnist({ split: 'test' });
  if (trainImages > train.count) throw new Error(`--train ${trainImages}: more than the ${train.count} training images; give at most ${train.count}.`);
  if (images > test.count) throw new Error(`--images ${images}: more than the ${test.count} test images; give at most ${test.count}.`);
  const load0 = loadavg()[0];

  log(`eval-workers: training ${spec.neurons} neurons (${spec.device}) on ${trainImages} images…`);
  const dir = mkdtempSync(join(tmpdir(), 'memspike-bench-eval-workers-'));
  const file = join(dir, 'model.mspk');
  try {
    // trained by `memspike train` in a process of its own: this thread then evaluates as a fresh
    // `memspike eval` does, its JIT-compiled code not shaped by the training's (after a training
    // in the same thread, one thread needed 15–25 % more CPU time per image than fresh threads)
    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const t = performance.now();
    const trained = spawnSync(process.execPath, [fileURLToPath(new URL('./main.js', import.meta.url)), 'train', '--spec', specFile, '--out', file, '--quiet', '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (trained.status !== 0) throw new Error(`eval-workers: training the model failed: ${trained.stderr.trim()}`);
    const trainSeconds = (performance.now() - t) / 1000;

    // as `memspike eval FILE --independent-images --samples images` builds it
    const experiment = () => {
      const saved = readModel(file, 'FILE');
      const evalSpec = resolveSpec({ ...saved.spec, schedule: [{ phase: 'evaluate', mode: 'temporal', samples: images, images: 'independent' }] }, { trained: true, stored: true });
      return new DiehlCookExperiment(evalSpec, { train, test }, { trained: saved.trained });
    };

    log(`eval-workers: ${images} test images in this thread…`);
    const one = experiment();
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    one.advance({ samples: Infinity });
    const seconds1 = (performance.now() - t0) / 1000;
    const cpu1 = cpuSeconds(process.cpuUsage(c0));

    log(`eval-workers: ${images} test images on ${workers} worker threads…`);
    const many = experiment();
    t0 = performance.now();
    c0 = process.cpuUsage();
    const answers = await evaluateOnWorkers({ file, fileStamp: fileStamp(file), test, labels: many.trained.labels.slice(), samples: images, workers });
    const secondsN = (performance.now() - t0) / 1000;
    const cpuN = cpuSeconds(process.cpuUsage(c0));
    many.completeFromAnswers(answers, secondsN);

    const identical = sameResult(one.result(), many.result());
    if (!identical) throw new Error(`eval-workers: ${workers} worker threads did not reproduce the result of one thread; this is a bug — please report it with the command.`);
    const r = one.result().phases[0];
    const result: EvalWorkersBench = {
      bench: 'eval-workers',
      neurons: spec.neurons,
      device: spec.device,
      trained: trainImages,
      images,
      workers,
      cores: availableParallelism(),
      load: [load0, loadavg()[0]],
      seconds_1: seconds1,
      seconds_n: secondsN,
      cpu_seconds_1: cpu1,
      cpu_seconds_n: cpuN,
      images_per_s_1: images / seconds1,
      images_per_s_n: images / secondsN,
      speedup: seconds1 / secondsN,
      identical,
      accuracy: r.phase === 'evaluate' ? r.accuracy : Number.NaN,
      train_seconds: trainSeconds,
    };
    log(`eval-workers: 1 thread ${result.images_per_s_1.toFixed(1)} images/s, ${workers} threads ${result.images_per_s_n.toFixed(1)} images/s: ×${result.speedup.toFixed(2)} (load average ${load0.toFixed(1)} → ${result.load[1].toFixed(1)} on ${result.cores} cores)`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** Two runs' results without their wall times. */
function sameResult(a: ExperimentResult, b: ExperimentResult): boolean {
  const strip = (r: ExperimentResult) => JSON.stringify({ ...r, seconds: 0, phases: r.phases.map((p) => ({ ...p, seconds: 0, samplesPerSec: 0 })) });
  return strip(a) === strip(b);
}

/** Adds `bench eval-workers` to the `bench` command. */
export function registerEvalWorkersBench(bench: Command): void {
  const cmd = bench
    .command('eval-workers')
    .description('speed-up of eval --independent-images --workers N over one thread: images/s of both on a model it trains (the flags of memspike train)')
    .option('--json', 'print the result as one JSON object on stdout (progress lines to stderr)')
    .option('--train <N>', 'training images of the model', intOption('--train'), 200)
    .option('--images <N>', 'test images evaluated (enough that starting the threads and loading the model in each is amortised)', intOption('--images'), 5000)
    .option('--workers <N>', 'worker threads compared with one', '2');
  addNetworkOptions(cmd);
  cmd.action(async (opts: Record<string, unknown>) => {
    const result = await runEvalWorkersBench(opts, (line) => process.stderr.write(`${line}\n`));
    if (opts['json']) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${Object.entries(result).map(([k, v]) => `${k.padEnd(15)}  ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n')}\n`);
  });
}
