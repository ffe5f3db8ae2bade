/**
 * The local pool of `memspike sweep`: trials run on `workers` worker threads (cli/sweep/trial-thread.ts),
 * one trial per thread at a time, handed out in index order. This thread only schedules, writes
 * results and reports; it never simulates.
 *
 *   a trial that finishes   its result is written (DIR/trials/<id>.json, atomically) at once
 *   a trial that throws     runs again, next, on the first free thread, up to `maxAttempts` in all
 *                           (default 2: retried once); then its failed result is written with the
 *                           error of the last attempt — never dropped
 *   a thread that dies      (out of memory, a crash) counts as a throw of its trial; a new thread
 *                           takes its place
 *   stop()                  ends every thread at once; trials that were running have no result
 *                           and run again on the next start (finished ones are on disk)
 *
 * Why node:worker_threads and not a pool library (piscina): a sweep needs progress messages from a
 * running trial, a retry decision per trial and the replacement of a dead thread, all of which
 * this ~150-line scheduler does with one message type per event; a generic task pool would add a
 * dependency and still need the same code around it (docs/design.md).
 */
import { Worker } from 'node:worker_threads';
import type { ExperimentProgress } from '../../networks/experiment/runner.js';
import type { Trial } from '../../networks/sweep/spec.js';
import { failedTrialResult, writeTrialResult, type TrialResult } from './trial.js';
import type { TrialThreadMessage, TrialThreadRequest } from './trial-thread.js';

/** What the pool reports as it goes. */
export type PoolEvent =
  | { readonly type: 'start'; readonly trial: Trial; readonly attempt: number }
  | { readonly type: 'progress'; readonly trial: Trial; readonly progress: ExperimentProgress }
  | { readonly type: 'retry'; readonly trial: Trial; readonly attempt: number; readonly error: string }
  | { readonly type: 'done'; readonly trial: Trial; readonly result: TrialResult }
  | { readonly type: 'failed'; readonly trial: Trial; readonly result: TrialResult };

export interface LocalPoolOptions {
  /** the sweep's folder (results and models are written there) */
  readonly outDir: string;
  /** worker threads (≥ 1; no more are started than there are trials) */
  readonly workers: number;
  /** write each trial's model to DIR/models/<id>.mspk */
  readonly saveModels: boolean;
  /** attempts of a trial before it is recorded as failed (default 2) */
  readonly maxAttempts?: number;
  readonly onEvent?: (e: PoolEvent) => void;
  /** the worker thread's module (default: trial-thread.js next to this module) */
  readonly threadUrl?: URL;
}

export interface PoolOutcome {
  /** the results written by this run, in the order they finished */
  readonly results: readonly TrialResult[];
  /** stop() ended the run before every trial had a result */
  readonly stopped: boolean;
}

export interface LocalPool {
  readonly finished: Promise<PoolOutcome>;
  /** Ends every thread now (running trials run again on the next start). */
  stop(): Promise<void>;
}

/** Default attempts of a trial: the first and one retry. */
export const DEFAULT_ATTEMPTS = 2;

interface Slot {
  worker: Worker;
  /** the trial it runs, its attempt and when that started */
  job: { trial: Trial; attempt: number; startedAt: Date; t0: number } | null;
  /** the job's end was handled (a message and then an exit must not count twice) */
  settled: boolean;
}

/** Starts running `trials` on a pool of worker threads (see the module doc). */
export function runLocalPool(trials: readonly Trial[], o: LocalPoolOptions): LocalPool {
  const maxAttempts = o.maxAttempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isSafeInteger(o.workers) || o.workers < 1) throw new Error(`runLocalPool: workers ${o.workers} must be a whole number ≥ 1.`);
  const threadUrl = o.threadUrl ?? new URL('./trial-thread.js', import.meta.url);
  const queue: { trial: Trial; attempt: number }[] = trials.map((trial) => ({ trial, attempt: 1 }));
  const results: TrialResult[] = [];
  const slots: Slot[] = [];
  let stopped = false;
  let failure: Error | null = null;
  let resolveFinished!: (v: PoolOutcome) => void;
  let rejectFinished!: (e: Error) => void;
  const finished = new Promise<PoolOutcome>((res, rej) => {
    resolveFinished = res;
    rejectFinished = rej;
  });
  const emit = (e: PoolEvent) => o.onEvent?.(e);

  const endAll = async (): Promise<void> => {
    const all = slots.splice(0);
    await Promise.all(all.map((s) => s.worker.terminate()));
  };
  const settleIfIdle = (): void => {
    if (slots.some((s) => s.job !== null)) return;
    if (queue.length > 0 && !stopped && failure === null) return;
    void endAll().then(() => (failure !== null ? rejectFinished(failure) : resolveFinished({ results, stopped })));
  };

  /** Records the end of a slot's job: a result, or an error (retried or recorded as failed). */
  const finish = (slot: Slot, outcome: { result: TrialResult } | { error: string }): void => {
    const job = slot.job;
    if (job === null || slot.settled) return;
    slot.settled = true;
    slot.job = null;
    try {
      if ('result' in outcome) {
        const result: TrialResult = { ...outcome.result, attempts: job.attempt };
        writeTrialResult(o.outDir, result);
        results.push(result);
        emit({ type: 'done', trial: job.trial, result });
      } else if (job.attempt < maxAttempts) {
        emit({ type: 'retry', trial: job.trial, attempt: job.attempt, error: outcome.error });
        queue.unshift({ trial: job.trial, attempt: job.attempt + 1 });
      } else {
        const result = failedTrialResult(job.trial, outcome.error, job.attempt, job.startedAt, (performance.now() - job.t0) / 1000);
        writeTrialResult(o.outDir, result);
        results.push(result);
        emit({ type: 'failed', trial: job.trial, result });
      }
    } catch (e) {
      // a result that cannot be written ends the sweep (the disk is full, the folder went away)
      failure ??= e as Error;
      stopped = true;
    }
  };

  const next = (slot: Slot): void => {
    if (stopped || failure !== null || queue.length === 0) {
      settleIfIdle();
      return;
    }
    const { trial, attempt } = queue.shift()!;
    slot.job = { trial, attempt, startedAt: new Date(), t0: performance.now() };
    slot.settled = false;
    emit({ type: 'start', trial, attempt });
    const req: TrialThreadRequest = { trial, outDir: o.outDir, saveModel: o.saveModels };
    slot.worker.postMessage(req);
  };

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(threadUrl), job: null, settled: true };
    slot.worker.on('message', (m: TrialThreadMessage) => {
      if (slot.job === null || m.id !== slot.job.trial.id) return;
      if (m.type === 'progress') emit({ type: 'progress', trial: slot.job.trial, progress: m.progress });
      else {
        finish(slot, m.type === 'done' ? { result: m.result } : { error: m.message });
        next(slot);
      }
    });
    const died = (why: string): void => {
      const at = slots.indexOf(slot);
      if (at < 0) return; // ended by the pool
      slots.splice(at, 1);
      finish(slot, { error: `its worker thread died: ${why}` });
      if (!stopped && failure === null && queue.length > 0) {
        const fresh = spawn();
        next(fresh);
      } else settleIfIdle();
    };
    slot.worker.on('error', (e) => died(e.message));
    slot.worker.on('exit', (code) => died(`exit code ${code}`));
    slots.push(slot);
    return slot;
  };

  const n = Math.min(o.workers, trials.length);
  if (n === 0) resolveFinished({ results, stopped: false });
  for (let k = 0; k < n; k++) next(spawn());

  return {
    finished,
    async stop() {
      stopped = true;
      await endAll();
      resolveFinished({ results, stopped: true });
    },
  };
}
