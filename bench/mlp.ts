/**
 * `memspike bench mlp [--epochs 1] [--kernel auto|wasm|js] [--train 60000] [--hidden 500] [--batch 128]
 * [--seed 1] [--lr 0.001] [--lr-decay 0.9] [--compare N] [--json]`: digital training of the seed
 * paper's 784-500-10 network on MNIST (networks/mlp/train.ts; the other hyper-parameters are MLP_DEFAULTS):
 * wall time per epoch (minibatches only, and the test-set evaluation apart), training images per
 * second, test accuracy after each epoch, and the kernels used (WebAssembly SIMD or the JavaScript
 * twins — the same weights bit for bit, so the ratio of two runs is the SIMD gain).
 *
 * `--compare N` also times, on N minibatches of 128 MNIST images, the products that dominate an
 * epoch — the first layer's forward pass z = b + x·W (784 × 500, zero pixels skipped) and its weight
 * gradient ∂W = xᵀ·dz (grouped by pixel) — four ways: plain JavaScript loops over Float64Array and
 * over Float32Array (double arithmetic, each store rounded; four list entries per pass over a row),
 * the library's JavaScript twin (Float32 arithmetic, each operation rounded with Math.fround: the
 * reference the SIMD module must equal) and the WebAssembly SIMD module (f32x4); and, on a machine
 * with two or more cores, the SIMD module on two threads (this one and a worker over one shared
 * memory: the forward pass split by samples, the gradient by pixel rows — the same sums in the same
 * order, so the same bits — with two Atomics handshakes per minibatch). Only the last three give the
 * trained weights' bits; the first two show what the choice of array type costs in V8. Training
 * itself runs on one thread: the two-thread figure is how that choice was made (docs/benchmarks.md).
 *
 * The machine's 1-minute load average is recorded before and after: on a shared machine other
 * jobs' load is the largest source of variance (docs/benchmarks.md, "MLP training").
 */
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Benchmark } from './types.js';
import { loadMnist } from '../networks/datasets/idx-node.js';
import { sliceDataset } from '../networks/datasets/image-dataset.js';
import { createMlpTrainer, MLP_DEFAULTS } from '../networks/mlp/train.js';
import { createMlpKernels, type MlpKernelChoice, type MlpKernels } from '../networks/mlp/kernels.js';
import { PIXEL_SCALE } from '../networks/mlp/engine.js';
import { MLP_WASM_BYTES } from '../networks/mlp/mlp-wasm-bytes.js';
import type { ImageDataset } from '../networks/datasets/image-dataset.js';

export const mlpBenchmark: Benchmark = {
  name: 'mlp',
  description: "digital training of the seed paper's 784-500-10 MLP on MNIST (Adam, batch 128): ms per epoch, images/s, test accuracy",
  options: [
    { flag: '--epochs <n>', key: 'epochs', description: 'epochs to train', type: 'int', min: 1, default: 1 },
    { flag: '--kernel <k>', key: 'kernel', description: 'auto (WebAssembly SIMD where available), wasm or js (the same results)', type: 'string', default: 'auto' },
    { flag: '--train <n>', key: 'train', description: 'training images (the first n of the 60 000)', type: 'int', min: 1, default: 60000 },
    { flag: '--hidden <n>', key: 'hidden', description: 'hidden units', type: 'int', min: 1, default: 500 },
    { flag: '--batch <n>', key: 'batch', description: 'minibatch size', type: 'int', min: 1, default: 128 },
    { flag: '--seed <S>', key: 'seed', description: 'seed', type: 'int', min: 0, default: 1 },
    { flag: '--lr <eta>', key: 'lr', description: "Adam's learning rate at epoch 0", type: 'number', min: 0, default: MLP_DEFAULTS.learningRate },
    { flag: '--lr-decay <f>', key: 'lrDecay', description: 'factor applied to the learning rate after every epoch (1: constant)', type: 'number', min: 0, default: MLP_DEFAULTS.lrDecay },
    { flag: '--compare <N>', key: 'compare', description: 'also time the first layer\'s products four ways on N minibatches (0: no)', type: 'int', min: 0, default: 0 },
  ],
  async run(opts, log) {
    const kernel = opts['kernel'] as string;
    if (kernel !== 'auto' && kernel !== 'wasm' && kernel !== 'js') throw new Error(`--kernel ${kernel}: use auto, wasm or js.`);
    const epochs = opts['epochs'] as number;
    const all = loadMnist({ split: 'train' });
    const n = Math.min(opts['train'] as number, all.count);
    const train = n === all.count ? all : sliceDataset(all, 0, n);
    const test = loadMnist({ split: 'test' });
    const sizes = [784, opts['hidden'] as number, 10];
    const load0 = loadavg()[0];
    const compare = opts['compare'] as number;
    const products = compare > 0 ? await compareProducts(all, compare, log) : null;
    const trainer = createMlpTrainer({
      train,
      test,
      kernel: kernel as MlpKernelChoice,
      hyper: { sizes, epochs, batchSize: opts['batch'] as number, seed: opts['seed'] as number, learningRate: opts['lr'] as number, lrDecay: opts['lrDecay'] as number },
    });
    log(`mlp: ${sizes.join('-')} on ${n} images, ${trainer.batchesPerEpoch} minibatches per epoch, kernel ${trainer.kernel}`);
    while (!trainer.finished) {
      const before = trainer.epoch;
      trainer.advance(trainer.batchesPerEpoch);
      if (trainer.epoch > before) {
        const h = trainer.history[trainer.history.length - 1];
        log(`epoch ${h.epoch}: ${(h.trainMs / 1000).toFixed(2)} s + eval ${(h.evalMs / 1000).toFixed(2)} s, loss ${h.trainLoss.toFixed(4)}, test ${(100 * h.testAccuracy).toFixed(2)} %`);
      }
    }
    const hist = trainer.history;
    const trainMs = hist.map((h) => h.trainMs);
    const mean = trainMs.reduce((a, b) => a + b, 0) / trainMs.length;
    return {
      bench: 'mlp',
      sizes,
      kernel: trainer.kernel,
      threads: 1,
      train_images: n,
      batch: trainer.hyper.batchSize,
      learning_rate: trainer.hyper.learningRate,
      lr_decay: trainer.hyper.lrDecay,
      epochs,
      ms_per_epoch: mean,
      ms_per_epoch_min: Math.min(...trainMs),
      ms_per_epoch_each: trainMs,
      images_per_s: (n * 1000) / mean,
      eval_ms: hist.reduce((a, h) => a + h.evalMs, 0) / hist.length,
      test_accuracy: hist[hist.length - 1].testAccuracy,
      test_accuracy_each: hist.map((h) => h.testAccuracy),
      train_loss_each: hist.map((h) => h.trainLoss),
      seed: trainer.hyper.seed,
      cpus: cpus().length,
      ...(products ? { products_ms_per_batch: products } : {}),
      loadavg_before: load0,
      loadavg_after: loadavg()[0],
    };
  },
};

const NI = 784;
const NH = 500;
const B = 128;

/** The first layer's lists of one minibatch: by sample (pixel, value) and by pixel (sample, value). */
interface Lists {
  rowPtr: Int32Array;
  pixel: Int32Array;
  value: Float32Array;
  colPtr: Int32Array;
  sample: Int32Array;
  cvalue: Float32Array;
}

function listsOf(ds: ImageDataset, start: number, L: Lists): void {
  const count = new Int32Array(NI);
  let n = 0;
  for (let b = 0; b < B; b++) {
    L.rowPtr[b] = n;
    const o = (start + b) * NI;
    for (let i = 0; i < NI; i++) {
      const p = ds.pixels[o + i];
      if (p === 0) continue;
      L.pixel[n] = i;
      L.value[n] = PIXEL_SCALE[p];
      count[i]++;
      n++;
    }
  }
  L.rowPtr[B] = n;
  L.colPtr[0] = 0;
  for (let i = 0; i < NI; i++) L.colPtr[i + 1] = L.colPtr[i] + count[i];
  count.fill(0);
  for (let b = 0; b < B; b++) {
    for (let q = L.rowPtr[b]; q < L.rowPtr[b + 1]; q++) {
      const i = L.pixel[q];
      const c = L.colPtr[i] + count[i]++;
      L.sample[c] = b;
      L.cvalue[c] = L.value[q];
    }
  }
}

/**
 * out[o + j] += x_k·W[r_k + j] over list entries k, in order, four per pass over the row (plain
 * typed arrays: double arithmetic, rounded on store for Float32Array). One function per array type:
 * a function V8 sees with both types is slower for both.
 */
function rowsF64(out: Float64Array, o: number, W: Float64Array, rows: Int32Array, xs: Float32Array, from: number, to: number): void {
  let k = from;
  for (; k + 4 <= to; k += 4) {
    const x0 = xs[k], x1 = xs[k + 1], x2 = xs[k + 2], x3 = xs[k + 3];
    const r0 = rows[k] * NH, r1 = rows[k + 1] * NH, r2 = rows[k + 2] * NH, r3 = rows[k + 3] * NH;
    for (let j = 0; j < NH; j++) {
      let h = out[o + j];
      h += x0 * W[r0 + j];
      h += x1 * W[r1 + j];
      h += x2 * W[r2 + j];
      h += x3 * W[r3 + j];
      out[o + j] = h;
    }
  }
  for (; k < to; k++) {
    const x = xs[k], r = rows[k] * NH;
    for (let j = 0; j < NH; j++) out[o + j] += x * W[r + j];
  }
}

function rowsF32(out: Float32Array, o: number, W: Float32Array, rows: Int32Array, xs: Float32Array, from: number, to: number): void {
  let k = from;
  for (; k + 4 <= to; k += 4) {
    const x0 = xs[k], x1 = xs[k + 1], x2 = xs[k + 2], x3 = xs[k + 3];
    const r0 = rows[k] * NH, r1 = rows[k + 1] * NH, r2 = rows[k + 2] * NH, r3 = rows[k + 3] * NH;
    for (let j = 0; j < NH; j++) {
      let h = out[o + j];
      h += x0 * W[r0 + j];
      h += x1 * W[r1 + j];
      h += x2 * W[r2 + j];
      h += x3 * W[r3 + j];
      out[o + j] = h;
    }
  }
  for (; k < to; k++) {
    const x = xs[k], r = rows[k] * NH;
    for (let j = 0; j < NH; j++) out[o + j] += x * W[r + j];
  }
}

/** Median ms per minibatch of the first layer's forward pass and weight gradient, four or five ways. */
async function compareProducts(ds: ImageDataset, batches: number, log: (line: string) => void): Promise<Record<string, number>> {
  const cap = B * NI;
  const L: Lists = { rowPtr: new Int32Array(B + 1), pixel: new Int32Array(cap), value: new Float32Array(cap), colPtr: new Int32Array(NI + 1), sample: new Int32Array(cap), cvalue: new Float32Array(cap) };
  const fill = (W: Float64Array | Float32Array, dz: Float64Array | Float32Array) => {
    for (let k = 0; k < W.length; k++) W[k] = Math.sin(k) * 0.05;
    for (let k = 0; k < dz.length; k++) dz[k] = Math.cos(k) * 0.001;
  };
  const f64 = () => {
    const W = new Float64Array(NI * NH), dW = new Float64Array(NI * NH), z = new Float64Array(B * NH), dz = new Float64Array(B * NH);
    fill(W, dz);
    return () => {
      z.fill(0);
      for (let b = 0; b < B; b++) rowsF64(z, b * NH, W, L.pixel, L.value, L.rowPtr[b], L.rowPtr[b + 1]);
      dW.fill(0);
      for (let i = 0; i < NI; i++) rowsF64(dW, i * NH, dz, L.sample, L.cvalue, L.colPtr[i], L.colPtr[i + 1]);
    };
  };
  const f32 = () => {
    const W = new Float32Array(NI * NH), dW = new Float32Array(NI * NH), z = new Float32Array(B * NH), dz = new Float32Array(B * NH);
    fill(W, dz);
    return () => {
      z.fill(0);
      for (let b = 0; b < B; b++) rowsF32(z, b * NH, W, L.pixel, L.value, L.rowPtr[b], L.rowPtr[b + 1]);
      dW.fill(0);
      for (let i = 0; i < NI; i++) rowsF32(dW, i * NH, dz, L.sample, L.cvalue, L.colPtr[i], L.colPtr[i + 1]);
    };
  };
  const library = (k: MlpKernels | null) => {
    if (k === null) return null;
    // heap: W, dW, z, dz, then the lists (row offsets and values)
    const W = 0, dW = NI * NH, z = 2 * NI * NH, dz = z + B * NH, offs = dz + B * NH, xs = offs + cap, coffs = xs + cap, cxs = coffs + cap;
    const F = k.f32, I = k.i32;
    for (let t = 0; t < NI * NH; t++) F[W + t] = Math.sin(t) * 0.05;
    for (let t = 0; t < B * NH; t++) F[dz + t] = Math.cos(t) * 0.001;
    return () => {
      const n = L.rowPtr[B];
      for (let q = 0; q < n; q++) {
        I[offs + q] = L.pixel[q] * NH;
        F[xs + q] = L.value[q];
        I[coffs + q] = L.sample[q] * NH;
        F[cxs + q] = L.cvalue[q];
      }
      F.fill(0, z, z + B * NH);
      for (let b = 0; b < B; b++) k.axpyRows(z + b * NH, NH, W, offs + L.rowPtr[b], xs + L.rowPtr[b], L.rowPtr[b + 1] - L.rowPtr[b]);
      F.fill(0, dW, dW + NI * NH);
      for (let i = 0; i < NI; i++) k.axpyRows(dW + i * NH, NH, dz, coffs + L.colPtr[i], cxs + L.colPtr[i], L.colPtr[i + 1] - L.colPtr[i]);
    };
  };
  const heap = 2 * NI * NH + 2 * B * NH + 4 * cap;
  let wasm: MlpKernels | null = null;
  try {
    wasm = createMlpKernels(heap, 'wasm');
  } catch {
    wasm = null;
  }
  const twoThreads = wasm !== null && cpus().length >= 2 ? await threaded(heap, L) : null;
  const variants: [string, (() => void) | null][] = [
    ['js_f64', f64()],
    ['js_f32', f32()],
    ['js_f32_rounded', library(createMlpKernels(heap, 'js'))],
    ['wasm_f32x4', library(wasm)],
    ['wasm_f32x4_2threads', twoThreads?.run ?? null],
  ];
  const times: Record<string, number[]> = {};
  // the variants take turns batch by batch, so that the machine's load falls on all alike
  for (let t = 0; t < batches; t++) {
    listsOf(ds, (t % Math.floor(ds.count / B)) * B, L);
    for (const [name, run] of variants) {
      if (run === null) continue;
      const t0 = performance.now();
      run();
      (times[name] ??= []).push(performance.now() - t0);
    }
  }
  // the two-thread products are the one-thread products, bit for bit (same last minibatch, same layout)
  let sameBits = NaN;
  if (twoThreads !== null && wasm !== null) {
    const a = new Uint32Array(wasm.f32.buffer, 0, 2 * NI * NH + B * NH);
    const b = new Uint32Array(twoThreads.f32.buffer, 0, 2 * NI * NH + B * NH);
    sameBits = a.every((x, k) => x === b[k]) ? 1 : 0;
  }
  await twoThreads?.close();
  const out: Record<string, number> = {};
  for (const [name, ts] of Object.entries(times)) {
    const sorted = ts.slice(1).sort((a, b) => a - b); // the first (compiling) run left out
    out[name] = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : ts[0];
  }
  log(`first-layer products, median ms per minibatch of ${B}: ${Object.entries(out).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  if (!Number.isNaN(sameBits)) out['two_threads_same_bits'] = sameBits;
  return out;
}

/**
 * The SIMD products on two threads: this one and a worker, over one shared WebAssembly memory
 * (samples [0, B/2) and pixel rows [0, NI/2) here, the rest in the worker), two handshakes per
 * minibatch through Atomics. The module is the library's with its memory import declared shared.
 */
async function threaded(heap: number, L: Lists): Promise<{ run: () => void; close: () => Promise<void>; f32: Float32Array } | null> {
  const SYNC = heap; // 4 Int32 words after the heap: generation, phase, pending
  const pages = Math.ceil(((heap + 4) * 4) / 65536);
  // (lib "dom", which types WebAssembly, is not in this project's tsconfig)
  const WA = (globalThis as unknown as { WebAssembly: SharedWasmApi }).WebAssembly;
  let memory: { readonly buffer: ArrayBufferLike };
  let mod: object;
  try {
    memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
    mod = new WA.Module(sharedMemoryImport(MLP_WASM_BYTES, 65536));
  } catch {
    return null;
  }
  const ex = new WA.Instance(mod, { env: { mem: memory } }).exports as unknown as MlpKernels;
  const F = new Float32Array(memory.buffer);
  const I = new Int32Array(memory.buffer);
  const cap = B * NI;
  const at = { W: 0, dW: NI * NH, z: 2 * NI * NH, dz: 2 * NI * NH + B * NH, offs: 2 * NI * NH + 2 * B * NH, xs: 0, coffs: 0, cxs: 0, rowPtr: 0, colPtr: 0 };
  at.xs = at.offs + cap;
  at.coffs = at.xs + cap;
  at.cxs = at.coffs + cap;
  for (let t = 0; t < NI * NH; t++) F[at.W + t] = Math.sin(t) * 0.05;
  for (let t = 0; t < B * NH; t++) F[at.dz + t] = Math.cos(t) * 0.001;
  // the list pointers live in the shared memory too (in the lists' unused tail)
  at.rowPtr = at.cxs + cap - (B + 1) - (NI + 1);
  at.colPtr = at.rowPtr + B + 1;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory, mod, at, B, NI, NH, SYNC } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  let generation = 0;
  const phase = (p: number, mine: () => void): void => {
    Atomics.store(I, SYNC + 1, p);
    Atomics.store(I, SYNC + 2, 1);
    Atomics.store(I, SYNC, ++generation);
    Atomics.notify(I, SYNC);
    mine();
    while (Atomics.load(I, SYNC + 2) !== 0) Atomics.wait(I, SYNC + 2, 1);
  };
  const run = (): void => {
    const n = L.rowPtr[B];
    for (let q = 0; q < n; q++) {
      I[at.offs + q] = L.pixel[q] * NH;
      F[at.xs + q] = L.value[q];
      I[at.coffs + q] = L.sample[q] * NH;
      F[at.cxs + q] = L.cvalue[q];
    }
    for (let b = 0; b <= B; b++) I[at.rowPtr + b] = L.rowPtr[b];
    for (let i = 0; i <= NI; i++) I[at.colPtr + i] = L.colPtr[i];
    phase(1, () => {
      for (let b = 0; b < B / 2; b++) {
        F.fill(0, at.z + b * NH, at.z + (b + 1) * NH);
        ex.axpyRows(at.z + b * NH, NH, at.W, at.offs + L.rowPtr[b], at.xs + L.rowPtr[b], L.rowPtr[b + 1] - L.rowPtr[b]);
      }
    });
    phase(2, () => {
      for (let i = 0; i < NI / 2; i++) {
        F.fill(0, at.dW + i * NH, at.dW + (i + 1) * NH);
        ex.axpyRows(at.dW + i * NH, NH, at.dz, at.coffs + L.colPtr[i], at.cxs + L.colPtr[i], L.colPtr[i + 1] - L.colPtr[i]);
      }
    });
  };
  const close = async (): Promise<void> => {
    Atomics.store(I, SYNC + 1, -1);
    Atomics.store(I, SYNC, ++generation);
    Atomics.notify(I, SYNC);
    await worker.terminate();
  };
  return { run, close, f32: F };
}

/** The slice of the WebAssembly JS API used for the shared memory. */
interface SharedWasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { readonly buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/** The worker's half of each phase (CommonJS, evaluated by worker_threads). */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { memory, mod, at, B, NI, NH, SYNC } = workerData;
const ex = new WebAssembly.Instance(mod, { env: { mem: memory } }).exports;
const F = new Float32Array(memory.buffer);
const I = new Int32Array(memory.buffer);
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(I, SYNC, seen);
  seen = Atomics.load(I, SYNC);
  const p = Atomics.load(I, SYNC + 1);
  if (p < 0) break;
  if (p === 1) {
    for (let b = B / 2; b < B; b++) {
      const r = I[at.rowPtr + b];
      F.fill(0, at.z + b * NH, at.z + (b + 1) * NH);
      ex.axpyRows(at.z + b * NH, NH, at.W, at.offs + r, at.xs + r, I[at.rowPtr + b + 1] - r);
    }
  } else {
    for (let i = NI / 2; i < NI; i++) {
      const c = I[at.colPtr + i];
      F.fill(0, at.dW + i * NH, at.dW + (i + 1) * NH);
      ex.axpyRows(at.dW + i * NH, NH, at.dz, at.coffs + c, at.cxs + c, I[at.colPtr + i + 1] - c);
    }
  }
  Atomics.store(I, SYNC + 2, 0);
  Atomics.notify(I, SYNC + 2);
}
`;

/** A copy of a module whose one memory import is declared shared with at most `maxPages` pages (threads need a shared memory). */
function sharedMemoryImport(bytes: Uint8Array, maxPages: number): Uint8Array {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      out.push(b);
    } while (n !== 0);
    return out;
  };
  const readUleb = (a: Uint8Array, p: number): [number, number] => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = a[p++];
      n |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return [n >>> 0, p];
      shift += 7;
    }
  };
  const out: number[] = Array.from(bytes.subarray(0, 8));
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p];
    const [size, start] = readUleb(bytes, p + 1);
    let payload = Array.from(bytes.subarray(start, start + size));
    if (id === 2) {
      // imports: count, then module name, field name, kind, description
      const section = bytes.subarray(start, start + size);
      const [count, q0] = readUleb(section, 0);
      const rebuilt: number[] = uleb(count);
      let q = q0;
      for (let k = 0; k < count; k++) {
        const [n1, a1] = readUleb(section, q);
        const [n2, a2] = readUleb(section, a1 + n1);
        rebuilt.push(...section.subarray(q, a2 + n2));
        q = a2 + n2;
        const kind = section[q++];
        rebuilt.push(kind);
        if (kind !== 0x02) throw new Error('sharedMemoryImport: the MLP module imports only its memory');
        const flags = section[q++];
        const [min, a3] = readUleb(section, q);
        q = a3;
        if (flags & 1) q = readUleb(section, q)[1];
        rebuilt.push(0x03, ...uleb(min), ...uleb(maxPages));
      }
      payload = rebuilt;
    }
    out.push(id, ...uleb(payload.length), ...payload);
    p = start + size;
  }
  return new Uint8Array(out);
}
