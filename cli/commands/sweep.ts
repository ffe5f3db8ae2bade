/**
 * `memspike sweep SPEC --out DIR` and `memspike sweep collect DIR` (docs/sweeps.md).
 *
 *   sweep SPEC   1. the sweep file is read and every trial's spec validated (all refused trials at
 *                   once); the trials that fit this machine's memory, whose data files exist, and —
 *                   with --shard i/n — the i-th of n slices are chosen; DIR is claimed (a DIR of
 *                   another sweep is refused: nothing is overwritten)
 *                2. trials with a valid result that is done are skipped (a restart), the others run
 *                   on a local pool of worker threads (cli/sweep/local.ts): retried once, then
 *                   recorded as failed with their error
 *                3. the table and plots are built from everything in DIR (cli/sweep/collect.ts)
 *                Ctrl-C (or SIGTERM) ends the running trials at once: finished ones are on disk,
 *                the same command finishes the rest. Exit code 1 when a trial of this run failed.
 *   sweep collect DIR   step 3 alone, from whatever results DIR holds (shards of an array job).
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { summaryOf } from './summaries.js';
import { SpecError } from '../../networks/experiment/spec-error.js';
import type { DataSource } from '../../networks/experiment/data.js';
import { describeTrialAxes, expandTrials, shardTrials, sweepId, type Trial } from '../../networks/sweep/spec.js';
import { intOption } from '../options.js';
import { checkModelFits } from '../resources.js';
import { collectSweep, type SweepCollection } from '../sweep/collect.js';
import { claimSweepFolder, readSweepFile } from '../sweep/folder.js';
import { runLocalPool } from '../sweep/local.js';
import { SweepProgress } from '../sweep/progress.js';
import { readTrialResults } from '../sweep/trial.js';
// queue mode (many machines, BullMQ on Redis): cli/sweep/queue-command.ts
import { addQueueOptions, refuseQueueFlags, registerSweepStatus, runQueuedSweep, type QueueSweepFlags } from '../sweep/queue-command.js';

/** `i/n` → { i, n } with 1 ≤ i ≤ n; errors name --shard, the value and the fix. */
export function parseShard(raw: string): { i: number; n: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  if (m === null) throw new Error(`--shard ${raw}: give i/n, the i-th of n slices, numbered from 1 (e.g. --shard 2/4; in a SLURM array --shard $SLURM_ARRAY_TASK_ID/N with --array=1-N).`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--shard ${raw}: n, the number of slices, must be ≥ 1; e.g. --shard 1/4.`);
  if (!Number.isSafeInteger(i) || i < 1 || i > n) throw new Error(`--shard ${raw}: i must be in 1 … ${n} (slices are numbered from 1); give --shard 1/${n} … --shard ${n}/${n}.`);
  return { i, n };
}

/** Refuses trials whose network cannot fit this machine, or whose IDX files do not exist, before any work. */
function checkTrialsRunnable(trials: readonly Trial[], saves: boolean, what: string): void {
  const checked = new Set<string>();
  for (const t of trials) {
    const key = `${t.spec.neurons}|${t.spec.device}|${t.spec.cell}`;
    if (!checked.has(key)) {
      checked.add(key);
      try {
        checkModelFits(t.spec, saves);
      } catch (e) {
        if (e instanceof SpecError) throw new Error(`${what}: trial ${t.index} (${describeTrialAxes(t.axes, t.repeat)}): ${e.field} = ${e.value}: ${e.problem}`);
        throw e;
      }
    }
    for (const [field, source] of [['data.train', t.spec.data.train], ['data.test', t.spec.data.test]] as [string, DataSource][]) {
      if (source === 'mnist') continue;
      for (const path of [source.images, source.labels]) {
        if (checked.has(path)) continue;
        checked.add(path);
        let isFile = false;
        try {
          isFile = statSync(path).isFile();
        } catch {
          isFile = false;
        }
        if (!isFile) throw new Error(`${what}: trial ${t.index} (${describeTrialAxes(t.axes, t.repeat)}): ${field} names ${path}, which is not a file (paths are relative to the folder memspike runs in); give an existing IDX file.`);
      }
    }
  }
}

/** The summary lines of a collection (stdout without --json). */
function summary(c: SweepCollection, dir: string): string {
  const plots = c.files.filter((f) => f.startsWith('plots')).length;
  return (
    `${c.table}\n` +
    `sweep ${sweepId(c.sweep)}: ${c.trials.length} trials — ${c.done} done, ${c.failed} failed, ${c.missing.length} not run yet\n` +
    `written to ${dir}: results.jsonl, table.csv, table.md${plots > 0 ? `, ${plots} plots in plots/` : ''}\n`
  );
}

function collectionJson(command: 'sweep' | 'sweep collect', c: SweepCollection, dir: string, extra: Record<string, unknown>): string {
  return JSON.stringify({
    command,
    sweep: sweepId(c.sweep),
    out: dir,
    ...extra,
    trials: c.trials.length,
    done: c.done,
    failed: c.failed,
    missing: c.missing.length,
    metrics: c.metrics,
    failures: c.results.filter((r) => r.status === 'failed').map((r) => ({ index: r.index, id: r.id, axes: r.axes, repeat: r.repeat, attempts: r.attempts, error: r.error })),
    files: c.files,
  });
}

async function runSweep(specFile: string, opts: Record<string, unknown>): Promise<void> {
  const out = opts['out'] as string | undefined;
  if (out === undefined) throw new Error(`--out DIR is missing: give the sweep's folder, where its spec, results, table and plots go (a new or empty folder, or this sweep's own to resume it), e.g. memspike sweep ${specFile} --out ${specFile.replace(/\.json$/, '')}-results.`);
  const json = opts['json'] === true;
  const quiet = opts['quiet'] === true;
  const saveModels = opts['saveModels'] === true;
  const shard = opts['shard'] === undefined ? null : parseShard(String(opts['shard']));
  // 1. everything checked before any work
  const sweep = readSweepFile(specFile, `SPEC ${specFile}`);
  const all = expandTrials(sweep);
  const mine = shard === null ? all : shardTrials(all, shard.i, shard.n);
  checkTrialsRunnable(mine, saveModels, `SPEC ${specFile}`);
  claimSweepFolder(out, sweep);
  // 2. a restart skips the trials that are done (a failed one runs again)
  const done = new Set(
    readTrialResults(out, (file, problem) => process.stderr.write(`memspike sweep: ${file} is not a valid result (${problem}); its trial runs again.\n`))
      .filter((r) => r.status === 'done')
      .map((r) => r.id),
  );
  const todo = mine.filter((t) => !done.has(t.id));
  const workers = Math.max(1, Math.min((opts['workers'] as number | undefined) ?? availableParallelism(), todo.length));
  const progress = new SweepProgress({ trials: todo.length, total: mine.length, skipped: mine.length - todo.length, workers, quiet });
  const pool = runLocalPool(todo, { outDir: out, workers, saveModels, onEvent: (e) => progress.update(e) });
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== null) return;
    signalled = signal;
    process.stderr.write(`\nmemspike sweep: ${signal} — ending the running trials; the finished ones are in ${out}.\n`);
    void pool.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: Awaited<typeof pool.finished>;
  try {
    outcome = await pool.finished;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // 3. the table of everything in DIR
  const c = collectSweep(out);
  const ranFailed = outcome.results.filter((r) => r.status === 'failed');
  const extra = { shard: shard === null ? null : `${shard.i}/${shard.n}`, shardTrials: mine.length, skipped: mine.length - todo.length, ran: outcome.results.length, interrupted: outcome.stopped };
  if (json) process.stdout.write(`${collectionJson('sweep', c, out, extra)}\n`);
  else process.stdout.write(summary(c, out));
  if (outcome.stopped) {
    process.stderr.write(`memspike sweep: interrupted; ${outcome.results.length} trials finished in this run. Run the same command again to finish the rest (finished trials are skipped).\n`);
    process.exitCode = 130;
  } else if (ranFailed.length > 0) {
    process.stderr.write(`memspike sweep: ${ranFailed.length} trial${ranFailed.length === 1 ? '' : 's'} failed (their errors are in table.csv and the result files); the same command runs them again.\n`);
    process.exitCode = 1;
  }
}

function runCollect(dir: string, opts: Record<string, unknown>): void {
  const c = collectSweep(dir);
  if (opts['json'] === true) process.stdout.write(`${collectionJson('sweep collect', c, dir, {})}\n`);
  else process.stdout.write(summary(c, dir));
}

export function register(program: Command): void {
  const sweep = program
    .command('sweep')
    .description(summaryOf('sweep'))
    .argument('<SPEC>', 'the sweep file (JSON): { "base": <experiment spec>, "axes": { "<field>": [values…] }, "repeats": 1 }')
    .option('--out <DIR>', "the sweep's folder: its spec, one result file per trial, the table and plots (a new or empty folder, or this sweep's own to resume it)")
    .option('--workers <N>', `worker threads, one trial each (default: all cores, ${availableParallelism()} here)`, intOption('--workers', 1))
    .option('--shard <i/n>', 'run only the i-th of n slices of the trials (1-based; every n-th trial from the i-th), e.g. one per task of an array job sharing DIR')
    .option('--save-models', "also write each trial's trained model to DIR/models/<id>.mspk")
    .option('--json', 'print one JSON object on stdout at the end (progress lines to stderr)')
    .option('--quiet', 'no progress display')
    .addHelpText(
      'after',
      `
Every trial's id is the hash of its spec: a restart skips the trials that are done and runs the others
(unfinished or failed) again. A trial that throws is run once more, then recorded as failed with its
error. At the end, from everything in DIR: results.jsonl, table.csv (one column per axis and per metric),
table.md (mean ± std over repeats) and plots/*.svg. See docs/sweeps.md and examples/sweeps/.`,
    )
    // queue mode: --queue enqueues the trials for `memspike worker`s instead of running them here
    .action(async (spec: string, opts: Record<string, unknown>) => {
      if (opts['queue'] !== undefined) return runQueuedSweep(spec, opts as unknown as QueueSweepFlags);
      refuseQueueFlags(opts);
      return runSweep(spec, opts);
    });
  addQueueOptions(sweep);
  sweep
    .command('collect')
    .description("build DIR's table and plots from the trial results it holds (e.g. after the shards of an array job)")
    .argument('<DIR>', 'the --out folder of a sweep')
    .option('--json', 'print one JSON object on stdout')
    // --json may stand before `collect` too (it is an option of sweep as well)
    .action((dir: string, _opts: Record<string, unknown>, cmd: Command) => runCollect(dir, cmd.optsWithGlobals()));
  registerSweepStatus(sweep);
}
