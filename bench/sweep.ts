/**
 * `memspike bench sweep`: the local pool of `memspike sweep` against running the same trials one
 * after another. One sweep of `--trials` equal trials (the same network and schedule, seeds 1 … n)
 * is run through the real command, each time into a new folder, with `--workers 1` and with
 * `--workers 2`, `--rounds` times each in the order 1, 2, 2, 1, 1, 2, … (so that load from other
 * processes on a shared machine falls on both alike). Wall time of each whole process (start-up,
 * data loading per thread, the trials, the table), the mean over rounds; `ratio` = 2 workers ÷ 1
 * worker (issue 18's target: ≤ 0.55 on two cores). The 1-minute load average before and after is
 * reported too: on a machine busy with other work the pool cannot have two free cores, and the
 * ratio says so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './types.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Wall time of one `memspike sweep` process [s]; throws with its last stderr line if it fails. */
function timedSweep(spec: string, out: string, workers: number): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [MAIN, 'sweep', spec, '--out', out, '--workers', String(workers), '--json'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`memspike sweep --workers ${workers} exited with ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
  const done = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { done: number }).done;
  return done > 0 ? seconds : Number.NaN;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export const sweepBenchmark: Benchmark = {
  name: 'sweep',
  description: 'memspike sweep of equal small trials on 1 and on 2 worker threads: wall times and their ratio (target ≤ 0.55)',
  options: [
    { flag: '--trials <n>', key: 'trials', description: 'equal trials (seeds 1 … n)', type: 'int', min: 2, default: 8 },
    { flag: '--neurons <n>', key: 'neurons', description: 'excitatory neurons of each trial', type: 'int', min: 1, default: 100 },
    { flag: '--samples <n>', key: 'samples', description: 'MNIST training images of each trial (then a label pass and a temporal test of 200 images each)', type: 'int', min: 1, default: 500 },
    { flag: '--rounds <n>', key: 'rounds', description: 'runs of each pool size, interleaved', type: 'int', min: 1, default: 1 },
  ],
  run(opts, log) {
    const trials = opts['trials'] as number;
    const neurons = opts['neurons'] as number;
    const samples = opts['samples'] as number;
    const dir = mkdtempSync(join(tmpdir(), 'memspike-bench-sweep-'));
    try {
      const spec = join(dir, 'sweep.json');
      const schedule = [
        { phase: 'train', samples },
        { phase: 'label', samples: 200 },
        { phase: 'evaluate', mode: 'temporal', samples: 200 },
      ];
      writeFileSync(spec, JSON.stringify({ base: { neurons, schedule }, axes: { seed: Array.from({ length: trials }, (_, k) => k + 1) }, repeats: 1 }));
      const rounds = opts['rounds'] as number;
      const loadBefore = loadavg()[0];
      const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
      for (let k = 0; k < 2 * rounds; k++) {
        const workers: 1 | 2 = k % 4 === 0 || k % 4 === 3 ? 1 : 2;
        log(`sweep: ${trials} trials of ${neurons} neurons, ${samples} training images each, --workers ${workers} …`);
        const t = timedSweep(spec, join(dir, `run-${k}`), workers);
        log(`sweep: --workers ${workers}: ${t.toFixed(1)} s`);
        times[workers].push(t);
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const one = mean(times[1]);
      const two = mean(times[2]);
      return {
        bench: 'sweep',
        trials,
        neurons,
        samples,
        rounds,
        cpus: availableParallelism(),
        workers_1_seconds: round3(one),
        workers_2_seconds: round3(two),
        ratio: round3(two / one),
        runs_1_seconds: times[1].map(round3),
        runs_2_seconds: times[2].map(round3),
        target_ratio: 0.55,
        load_average_before: round3(loadBefore),
        load_average_after: round3(loadavg()[0]),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
