/**
 * `memspike bench queue`: what queue mode adds to a trial. A trial (a Diehl & Cook network of
 * `--neurons` trained on `--samples` MNIST images, then labelled on `--label` images) runs both ways
 * in one run, alternating for `--rounds` rounds (a new seed each round; the fastest of each way is
 * compared, as the cores are shared with whatever else runs):
 *   direct   runTrial in this thread, as a sweep's worker thread runs it (data loading included);
 *   queue    enqueued as a one-trial sweep on a private redis-server (127.0.0.1, a free port) and
 *            taken by one worker (this process, the trial in its sandboxed worker thread, as
 *            `memspike worker` does), timed from the enqueue call to the worker's completion of
 *            the trial (thread start, module and data loading, Redis round trips, result file).
 * Prints one JSON object: the times of every round, the overhead as the median over rounds of the
 * same trial's queue time over its direct time in percent (target ≤ 5 %), the best against the best, what the queue adds around the trial
 * itself in each round, and the time until the sweep's table was built.
 *
 * It lives in cli/ (not bench/) because it drives the CLI's queue mode, and bench/ never imports cli/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { expandTrials, resolveSweepSpec, sweepId } from '../../networks/sweep/spec.js';
import { intOption } from '../options.js';
import { enqueueSweep, parseQueueUrl, startQueueWorker } from './queue.js';
import { startRedisServer } from './redis-server.js';
import { runTrial, type TrialResult } from './trial.js';

export interface QueueBench {
  readonly bench: 'queue';
  readonly neurons: number;
  readonly samples: number;
  readonly label: number;
  readonly rounds: number;
  readonly cores: number;
  /** 1-minute load average at the start and at the end (other processes share the cores) */
  readonly load: readonly [number, number];
  /** per round: the trial run directly in this thread [s] */
  readonly direct_seconds: readonly number[];
  /** per round: enqueue → the worker completed the trial [s] */
  readonly queue_seconds: readonly number[];
  /** per round: the trial's own wall time inside the worker's thread [s] */
  readonly queue_trial_seconds: readonly number[];
  /** the fastest of each, and the overhead between them */
  readonly direct_best_seconds: number;
  readonly queue_best_seconds: number;
  readonly overhead_seconds: number;
  readonly overhead_best_percent: number;
  /** the median over rounds of (queue − direct)/direct of the same trial [%] (the figure against the target) */
  readonly overhead_percent: number;
  readonly target_percent: 5;
  /** per round: what the queue adds around the trial itself (enqueue, Redis, thread, result file) [s] */
  readonly outside_trial_seconds: readonly number[];
  /** enqueue → the sweep's table built by the parent job, last round [s] */
  readonly table_seconds: number;
  /** every round gave the same metrics both ways (same spec and seed) */
  readonly identical: boolean;
}

export async function runQueueBench(opts: { neurons: number; samples: number; label: number; rounds: number }, log: (line: string) => void): Promise<QueueBench> {
  const load0 = loadavg()[0];
  const redis = await startRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'memspike-bench-queue-'));
  const target = parseQueueUrl(redis.url);
  let onTrial: (r: TrialResult) => void = () => undefined;
  let onTable: () => void = () => undefined;
  const worker = await startQueueWorker({
    target,
    concurrency: 1,
    onCompleted: (name, value) => (name === 'trial' ? onTrial(value as TrialResult) : onTable()),
  });
  const direct: number[] = [];
  const queue: number[] = [];
  const inside: number[] = [];
  let identical = true;
  let tableSeconds = NaN;
  try {
    await worker.ready;
    for (let round = 0; round < opts.rounds; round++) {
      // a seed per round: each round's trial is new to the queue (a trial on it already would not run again)
      const sweep = resolveSweepSpec({ base: { neurons: opts.neurons, seed: 1 + round, schedule: [{ phase: 'train', samples: opts.samples }, { phase: 'label', samples: opts.label }] }, axes: {}, repeats: 1 });
      const [trial] = expandTrials(sweep);
      log(`bench queue: round ${round + 1} of ${opts.rounds}: the trial directly (${opts.neurons} neurons, ${opts.samples} + ${opts.label} images) …`);
      const t0 = performance.now();
      const d = await runTrial(trial);
      direct.push((performance.now() - t0) / 1000);
      log(`bench queue: round ${round + 1} of ${opts.rounds}: the same trial through the queue, one worker …`);
      const trialDone = new Promise<{ r: TrialResult; at: number }>((res) => (onTrial = (r) => res({ r, at: performance.now() })));
      const tableDone = new Promise<number>((res) => (onTable = () => res(performance.now())));
      const t1 = performance.now();
      await enqueueSweep({ target, sweep, sweepId: sweepId(sweep), trials: [trial], outDir: join(dir, `round-${round}`) });
      const q = await trialDone;
      tableSeconds = ((await tableDone) - t1) / 1000;
      queue.push((q.at - t1) / 1000);
      inside.push(q.r.provenance.wallSeconds);
      identical &&= JSON.stringify(withoutTimes(q.r.metrics)) === JSON.stringify(withoutTimes(d.metrics));
    }
  } finally {
    await worker.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const directBest = Math.min(...direct);
  const queueBest = Math.min(...queue);
  // each round runs one seed both ways: the paired ratio compares like with like (the seeds' own
  // run times differ, so the best of each way may come from different seeds)
  const paired = queue.map((q, k) => (100 * (q - direct[k])) / direct[k]).sort((a, b) => a - b);
  const mid = paired.length >> 1;
  const pairedMedian = paired.length % 2 === 1 ? paired[mid] : (paired[mid - 1] + paired[mid]) / 2;
  return {
    bench: 'queue',
    neurons: opts.neurons,
    samples: opts.samples,
    label: opts.label,
    rounds: opts.rounds,
    cores: availableParallelism(),
    load: [load0, loadavg()[0]],
    direct_seconds: direct,
    queue_seconds: queue,
    queue_trial_seconds: inside,
    direct_best_seconds: directBest,
    queue_best_seconds: queueBest,
    overhead_seconds: queueBest - directBest,
    overhead_best_percent: (100 * (queueBest - directBest)) / directBest,
    overhead_percent: pairedMedian,
    target_percent: 5,
    outside_trial_seconds: queue.map((x, k) => x - inside[k]),
    table_seconds: tableSeconds,
    identical,
  };
}

/** Metrics without wall times and rates (which differ between any two runs). */
function withoutTimes(m: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([k]) => !/seconds|PerSec/i.test(k)));
}

/** Registers `memspike bench queue`. */
export function registerQueueBench(bench: Command): void {
  bench
    .command('queue')
    .description('what queue mode adds to a trial: one trial run directly, then through BullMQ on a private redis-server with one worker (target ≤ 5 %)')
    .option('--json', 'print the result as one JSON object on stdout (progress lines to stderr)')
    .option('--neurons <N>', 'excitatory neurons of the trial (default 100)', intOption('--neurons', 1), 100)
    .option('--samples <N>', 'training images of the trial (default 1000)', intOption('--samples', 1), 1000)
    .option('--label <N>', 'labelling images of the trial (default 200)', intOption('--label', 1), 200)
    .option('--rounds <N>', 'rounds of both runs, alternating (the median of the rounds\' paired ratios is compared; default 3)', intOption('--rounds', 1), 3)
    .action(async (o: { json?: boolean; neurons: number; samples: number; label: number; rounds: number }) => {
      const r = await runQueueBench(o, (line) => process.stderr.write(`${line}\n`));
      if (!r.identical) throw new Error('bench queue: the trial gave other metrics through the queue than directly; the same spec and seed must give the same result.');
      process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${Object.entries(r).map(([k, v]) => `${k.padEnd(20)}  ${JSON.stringify(v)}`).join('\n')}\n`);
    });
}
