/**
 * The worker threads of `memspike eval --workers N`: the first `samples` test images are cut into
 * N contiguous slices (sizes differing by at most one; fewer threads than N when there are fewer
 * images), each evaluated by one thread (cli/eval-thread.ts) that loads the model file itself;
 * the test images the main thread loaded are shared with the threads (one SharedArrayBuffer, not
 * read and checked again by each). The answers come back per image and are handed over in image
 * order, so the merged result is that of one thread, bit for bit
 * (networks/diehl-cook/independent.ts).
 *
 * Why node:worker_threads and not a pool library: one batch of N long tasks, each with progress
 * messages and a transferable result, is a few lines here.
 */
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ImageAnswers } from '../networks/diehl-cook/independent.js';
import type { ImageDataset } from '../networks/datasets/image-dataset.js';

/** Size and modification time of a file (a change between the main thread's read and a thread's is refused). */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

export function fileStamp(file: string): FileStamp {
  const st = statSync(file);
  return { size: st.size, mtimeMs: st.mtimeMs };
}

/** What one thread is asked to do (its workerData). */
export interface EvalThreadRequest {
  /** the model file, and its stamp when the main thread read it */
  readonly file: string;
  readonly fileStamp: FileStamp;
  /** the first test images (those evaluated), their pixels and labels on shared memory */
  readonly test: ImageDataset;
  /** the labels to classify with (one per excitatory neuron) */
  readonly labels: Int8Array;
  /** test images from … to − 1 */
  readonly from: number;
  readonly to: number;
}

export type EvalThreadMessage =
  | { readonly type: 'progress'; readonly done: number; readonly correct: number }
  | { readonly type: 'done'; readonly answers: ImageAnswers }
  | { readonly type: 'error'; readonly message: string };

/** The largest --workers: 64, or 4 threads per core on larger machines. */
export function maxWorkers(): number {
  return Math.max(64, 4 * availableParallelism());
}

/** Parses --workers: a whole number in [1, maxWorkers()]; the error names the flag, the value and the fix. */
export function parseWorkers(raw: unknown, flag = '--workers'): number {
  const most = maxWorkers();
  const text = String(raw).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > most) {
    const cores = availableParallelism();
    throw new Error(`${flag} ${String(raw)}: expected a whole number of worker threads in [1, ${most}]; one per core is the fastest (this machine has ${cores}: ${flag} ${cores}).`);
  }
  return n;
}

/** Contiguous slices [from, to) of `samples` images for `workers` threads (at most one per image). */
export function slices(samples: number, workers: number): { from: number; to: number }[] {
  const n = Math.max(1, Math.min(workers, samples));
  const base = Math.floor(samples / n);
  const extra = samples % n;
  const out: { from: number; to: number }[] = [];
  let from = 0;
  for (let i = 0; i < n; i++) {
    const to = from + base + (i < extra ? 1 : 0);
    out.push({ from, to });
    from = to;
  }
  return out;
}

export interface PoolEvaluation {
  readonly file: string;
  readonly fileStamp: FileStamp;
  /** the test images (the first `samples` are evaluated) */
  readonly test: ImageDataset;
  readonly labels: Int8Array;
  /** the first `samples` test images */
  readonly samples: number;
  readonly workers: number;
  /** images done and answered correctly so far, over all threads */
  readonly onProgress?: (done: number, correct: number) => void;
}

/**
 * Evaluates the first `samples` test images on worker threads; resolves with their answers in
 * image order. The first thread that fails stops the others, and the promise rejects with its
 * message and slice.
 */
export function evaluateOnWorkers(o: PoolEvaluation): Promise<ImageAnswers[]> {
  if (!Number.isSafeInteger(o.samples) || o.samples < 1 || o.samples > o.test.count) return Promise.reject(new Error(`evaluateOnWorkers: samples = ${o.samples}; give a whole number of test images in [1, ${o.test.count}].`));
  if (!Number.isSafeInteger(o.workers) || o.workers < 1) return Promise.reject(new Error(`evaluateOnWorkers: workers = ${o.workers}; give a whole number ≥ 1.`));
  const parts = slices(o.samples, o.workers);
  const url = new URL('./eval-thread.js', import.meta.url);
  const test = sharedImages(o.test, o.samples);
  return new Promise<ImageAnswers[]>((resolve, reject) => {
    const results: (ImageAnswers | null)[] = parts.map(() => null);
    const done = parts.map(() => 0);
    const correct = parts.map(() => 0);
    let left = parts.length;
    let failed = false;
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    const workers: Worker[] = [];
    const fail = (i: number, message: string): void => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      const { from, to } = parts[i];
      reject(new Error(`worker thread ${i + 1} of ${parts.length} (test images ${from}…${to - 1}): ${message}`));
    };
    parts.forEach(({ from, to }, i) => {
      const request: EvalThreadRequest = { file: o.file, fileStamp: o.fileStamp, test, labels: o.labels, from, to };
      const w = new Worker(url, { workerData: request });
      workers.push(w);
      w.on('message', (m: EvalThreadMessage) => {
        if (failed) return;
        switch (m.type) {
          case 'progress':
            done[i] = m.done;
            correct[i] = m.correct;
            o.onProgress?.(sum(done), sum(correct));
            break;
          case 'done': {
            const a = m.answers;
            results[i] = a;
            done[i] = to - from;
            let c = 0;
            for (let j = 0; j < a.predicted.length; j++) if (a.predicted[j] === test.labels[from + j]) c++;
            correct[i] = c;
            o.onProgress?.(sum(done), sum(correct));
            void w.terminate();
            if (--left === 0) resolve(results as ImageAnswers[]);
            break;
          }
          case 'error':
            fail(i, m.message);
            break;
        }
      });
      w.on('error', (e) => fail(i, e.message));
      w.on('exit', (code) => {
        if (results[i] === null) fail(i, `stopped (exit code ${code}) before it answered`);
      });
    });
  });
}

/** The first `count` images of `ds` on shared memory (one copy, seen by every thread). */
function sharedImages(ds: ImageDataset, count: number): ImageDataset {
  const size = ds.rows * ds.cols;
  const pixels = new Uint8Array(new SharedArrayBuffer(count * size));
  pixels.set(ds.pixels.subarray(0, count * size));
  const labels = new Uint8Array(new SharedArrayBuffer(count));
  labels.set(ds.labels.subarray(0, count));
  return { count, rows: ds.rows, cols: ds.cols, pixels, labels, source: ds.source };
}
