/**
 * A worker thread that runs sweep trials one at a time (cli/sweep/trial.ts runTrial), so that a
 * trial's CPU-bound simulation never blocks the thread that schedules, writes and displays.
 *
 *   in:  TrialThreadRequest   { trial, outDir, saveModel }
 *   out: TrialThreadMessage   { type: 'progress', id, progress }   every progress report of the run
 *                             { type: 'done', id, result }         its TrialResult (attempts: 1)
 *                             { type: 'error', id, message }       what it threw
 *
 * The thread keeps the datasets it loaded for the next trial (trial.ts caches them).
 */
import { parentPort } from 'node:worker_threads';
import type { ExperimentProgress } from '../../networks/experiment/runner.js';
import type { Trial } from '../../networks/sweep/spec.js';
import { runTrial, type TrialResult } from './trial.js';

export interface TrialThreadRequest {
  readonly trial: Trial;
  readonly outDir: string;
  readonly saveModel: boolean;
}

export type TrialThreadMessage =
  | { readonly type: 'progress'; readonly id: string; readonly progress: ExperimentProgress }
  | { readonly type: 'done'; readonly id: string; readonly result: TrialResult }
  | { readonly type: 'error'; readonly id: string; readonly message: string };

const port = parentPort;
if (port === null) throw new Error('cli/sweep/trial-thread.js runs as a worker thread (new Worker(...)), not as a program.');

port.on('message', (req: TrialThreadRequest) => {
  const post = (m: TrialThreadMessage) => port.postMessage(m);
  const id = req.trial.id;
  runTrial(req.trial, { outDir: req.outDir, saveModel: req.saveModel, onProgress: (progress) => post({ type: 'progress', id, progress }) }).then(
    (result) => post({ type: 'done', id, result }),
    (e: unknown) => post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) }),
  );
});
