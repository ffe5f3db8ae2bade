/**
 * The BullMQ sandboxed processor of `memspike worker` (queue.ts): BullMQ loads this file in a worker
 * thread of its own and calls its default export with each job, so a trial's CPU-bound run never
 * blocks the worker's event loop (which renews the job's lock and talks to Redis).
 *
 *   trial   runs the trial (runTrial), reporting progress to the job at most once a second, writes
 *           DIR/trials/<id>.json atomically and returns the result (the job's return value). A
 *           trial whose result file is in DIR already (done) is not run again. On the last attempt
 *           a throwing trial writes its failed result (with the error) before it throws.
 *   table   the sweep's parent, run once every trial has finished: writes into its DIR the results
 *           the queue holds that DIR lacks (a DIR that is not shared), the failed trials' results,
 *           and builds the table (collectSweep).
 *
 * DIR is the sweep's folder as enqueued, or the worker's own --out (passed as MEMSPIKE_QUEUE_OUT).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxedJob } from 'bullmq';
import type { ExperimentProgress } from '../../networks/experiment/runner.js';
import { collectSweep } from './collect.js';
import { claimSweepFolder } from './folder.js';
import { resultStatus, trialJobId, type TableJobData, type TrialJobData } from './queue.js';
import { failedTrialResult, runTrial, trialsDir, writeTrialResult, type TrialResult } from './trial.js';

/** The least time between two progress reports of a trial [ms]. */
const PROGRESS_INTERVAL_MS = 1000;

/** The folder a job writes into. */
function outDirOf(data: { outDir: string }): string {
  const own = process.env['MEMSPIKE_QUEUE_OUT'];
  return own !== undefined && own !== '' ? own : data.outDir;
}

/** A trial's progress as the job keeps it: the phase and the fraction of the whole schedule done. */
function progressOf(p: ExperimentProgress): { phase: string; fraction: number; done: number; total: number; etaSeconds: number | null } {
  const inPhase = p.total > 0 ? p.done / p.total : 0;
  return { phase: p.name, fraction: Math.min(1, (p.index + inPhase) / Math.max(1, p.phases)), done: p.done, total: p.total, etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : null };
}

async function trialJob(job: SandboxedJob<TrialJobData>): Promise<TrialResult> {
  const { trial, saveModel } = job.data;
  const outDir = outDirOf(job.data);
  claimSweepFolder(outDir, job.data.sweep, outDir === job.data.outDir ? 'DIR' : 'worker --out');
  if (resultStatus(outDir, trial.id) === 'done') {
    // run before (by the local pool, or by a worker that died after writing it): the same spec gives the same result
    return JSON.parse(readFileSync(join(trialsDir(outDir), `${trial.id}.json`), 'utf8')) as TrialResult;
  }
  const startedAt = new Date();
  const t0 = performance.now();
  let last = -Infinity;
  let pending: Promise<void> = Promise.resolve();
  const onProgress = (p: ExperimentProgress): void => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    pending = job.updateProgress(progressOf(p)).catch(() => undefined);
  };
  try {
    const r = await runTrial(trial, { outDir, saveModel, onProgress });
    await pending;
    const result: TrialResult = { ...r, attempts: Math.max(1, job.attemptsStarted) };
    writeTrialResult(outDir, result);
    return result;
  } catch (e) {
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 >= attempts) {
      const error = e instanceof Error ? e.message : String(e);
      writeTrialResult(outDir, failedTrialResult(trial, error, job.attemptsMade + 1, startedAt, (performance.now() - t0) / 1000));
    }
    throw e;
  }
}

async function tableJob(job: SandboxedJob<TableJobData>): Promise<{ outDir: string; done: number; failed: number }> {
  const { trials } = job.data;
  const outDir = outDirOf(job.data);
  claimSweepFolder(outDir, job.data.sweep, outDir === job.data.outDir ? 'DIR' : 'worker --out');
  const byJobId = new Map(trials.map((t) => [trialJobId(t.id), t]));
  const idOf = (key: string): string => key.slice(key.lastIndexOf(':') + 1);
  const values = await job.getChildrenValues<TrialResult>();
  let done = 0;
  for (const r of Object.values(values)) {
    if (r.status === 'done') done++;
    if (resultStatus(outDir, r.id) !== 'done') writeTrialResult(outDir, r);
  }
  const failures = await job.getIgnoredChildrenFailures();
  let failed = 0;
  for (const [key, reason] of Object.entries(failures)) {
    const trial = byJobId.get(idOf(key));
    if (trial === undefined) continue;
    failed++;
    if (resultStatus(outDir, trial.id) === null) writeTrialResult(outDir, failedTrialResult(trial, reason, job.data.attempts, new Date(), 0));
  }
  collectSweep(outDir, () => undefined);
  return { outDir, done, failed };
}

/** BullMQ calls this with every job this worker takes. */
export default async function processor(job: SandboxedJob): Promise<unknown> {
  switch (job.name) {
    case 'trial':
      return trialJob(job as SandboxedJob<TrialJobData>);
    case 'table':
      return tableJob(job as SandboxedJob<TableJobData>);
    default:
      throw new Error(`memspike worker: a job named ${JSON.stringify(job.name)} is not a sweep's (trial or table); is another program using the queue ${job.queueName}?`);
  }
}
