/**
 * A worker thread of `memspike eval --workers N` (cli/eval-pool.ts): loads the model file itself
 * from its path, takes the labels the main thread evaluates with (a label pass runs there, once)
 * and the test images it loaded (shared memory), and evaluates its slice of the test images by the independent-images protocol
 * (networks/diehl-cook/independent.ts), so its answers are those of one thread, bit for bit.
 *
 *   in:  workerData  EvalThreadRequest
 *   out: EvalThreadMessage   { type: 'progress', done, correct }   at most every PROGRESS_MS
 *                            { type: 'done', answers }             the slice's ImageAnswers (buffers transferred)
 *                            { type: 'error', message }            what went wrong
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readModelFile } from '../networks/persist/file-node.js';
import { loadModel } from '../networks/diehl-cook/model-file.js';
import { evaluateIndependentImages } from '../networks/diehl-cook/experiment.js';
import type { ImageAnswers } from '../networks/diehl-cook/independent.js';
import { fileStamp, type EvalThreadMessage, type EvalThreadRequest } from './eval-pool.js';

/** Wall time between two progress messages [ms]. */
const PROGRESS_MS = 100;

const port = parentPort;
if (port === null) throw new Error('cli/eval-thread.js runs as a worker thread of memspike eval --workers (new Worker(...)), not as a program.');
const post = (m: EvalThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

function run(req: EvalThreadRequest): ImageAnswers {
  const doc = readModelFile(req.file);
  const stamp = fileStamp(req.file);
  if (stamp.size !== req.fileStamp.size || stamp.mtimeMs !== req.fileStamp.mtimeMs) {
    throw new Error(`${req.file} changed while it was being evaluated (another process wrote it); run memspike eval again once it is written.`);
  }
  const { trained } = loadModel(doc, req.file);
  if (req.labels.length !== trained.labels.length) throw new Error(`${req.labels.length} labels for a model of ${trained.labels.length} neurons.`);
  trained.labels.set(req.labels);
  const test = req.test;
  let correct = 0;
  let last = performance.now();
  return evaluateIndependentImages(trained, test, req.from, req.to, (index, done, answers) => {
    if (answers.predicted[index - req.from] === test.labels[index]) correct++;
    const now = performance.now();
    if (now - last >= PROGRESS_MS) {
      last = now;
      post({ type: 'progress', done, correct });
    }
  });
}

try {
  const answers = run(workerData as EvalThreadRequest);
  post({ type: 'done', answers }, [answers.predicted.buffer, answers.silent.buffer, answers.energy_nJ.buffer, answers.presentations.buffer, answers.counts.buffer] as ArrayBuffer[]);
} catch (e) {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
