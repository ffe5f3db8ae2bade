/**
 * Digital training of a multilayer perceptron (the seed paper's 784-500-10 MNIST network by
 * default): minibatch Adam (Kingma & Ba 2015) or SGD with momentum on the softmax cross-entropy,
 * a learning rate that decays by a fixed factor after every epoch, the training images reshuffled
 * every epoch by the seeded stream `mlp/shuffle`, the test set evaluated after every epoch.
 *
 * Per minibatch of B samples (the last one of an epoch may be smaller), t counting minibatches
 * from 1 over the whole run and η_e = learningRate · lrDecay^e in epoch e (from 0):
 *
 *   loss = −(1/B) Σ_b log softmax(z_b)[y_b],   g = ∂loss/∂θ   (networks/mlp/engine.ts)
 *   Adam:  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *          θ ← θ − a_t·m/(√v + ε_t),  a_t = η_e·√(1−β2^t)/(1−β1^t),  ε_t = ε·√(1−β2^t)
 *          (PyTorch's Adam, with its bias corrections folded into a_t and ε_t)
 *   SGD:   u ← μ·u + g;  θ ← θ − η_e·u   (PyTorch's SGD with momentum, no dampening)
 *
 * Deterministic: the same hyper-parameters, seed and data give the same weights bit for bit, with
 * either kernel (WebAssembly SIMD or JavaScript). The trainer advances a bounded number of
 * minibatches per call, so any driver can interleave it with other work; `trainMlp` runs it to the
 * end, yielding to the event loop. Progress is one rxjs observable, emitted only while observed:
 * once per minibatch, and before and after the test set's evaluation at an epoch's end.
 */
import { Subject, type Observable } from 'rxjs';
import { RandomStreams, type RandomStream } from '../../core/random.js';
import type { ImageDataset } from '../datasets/image-dataset.js';
import { checkKnownKeys, isPlainObject, SpecError } from '../experiment/spec-error.js';
import { backward, createEngine, fillFromImages, forward, loadWeights, readWeights, softmaxCrossEntropy, sparseImages, type Engine, type SparseImages } from './engine.js';
import type { MlpKernelChoice } from './kernels.js';
import { checkDataset, validateMlpWeights, checkSizes, initMlpWeights, predictImages, SEED_PAPER_SIZES } from './model.js';
import type { MlpWeights } from './types.js';
import { pow } from '../../core/math.js';

/** Everything that decides the trained weights besides the data (stored with them, and hashed for the cache). */
export interface MlpHyperParams {
  /** layer widths, input first */
  readonly sizes: readonly number[];
  /** seed of the streams `mlp/init` (weights) and `mlp/shuffle` (minibatch order) */
  readonly seed: number | string;
  readonly epochs: number;
  /** samples per minibatch */
  readonly batchSize: number;
  readonly optimizer: 'adam' | 'sgd';
  /** η at epoch 0 */
  readonly learningRate: number;
  /** factor applied to η after every epoch (1: constant) */
  readonly lrDecay: number;
  /** Adam's decay rates and ε */
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** SGD's momentum μ */
  readonly momentum: number;
  /** how the weights start: He-uniform, zero biases (model.ts) */
  readonly init: 'he-uniform';
}

/**
 * The defaults: the seed paper's 784-500-10 network, Adam with PyTorch's β and ε, batch 128,
 * η = 10⁻³ decaying by 0.9 per epoch, 20 epochs (docs/results.md, "Seed paper: digital 784-500-10").
 */
export const MLP_DEFAULTS: MlpHyperParams = Object.freeze({
  sizes: SEED_PAPER_SIZES,
  seed: 1,
  epochs: 20,
  batchSize: 128,
  optimizer: 'adam',
  learningRate: 1e-3,
  lrDecay: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  momentum: 0.9,
  init: 'he-uniform',
});

const HYPER_KEYS = Object.keys(MLP_DEFAULTS);

/**
 * The defaults overridden by `partial`, validated.
 *
 * @throws SpecError naming the field, the value and the fix (an unknown field too).
 */
export function resolveMlpHyper(partial: Partial<MlpHyperParams> = {}): MlpHyperParams {
  if (!isPlainObject(partial)) throw new SpecError('hyper', partial, 'give an object of hyper-parameters (sizes, seed, epochs, batchSize, …).');
  checkKnownKeys(partial, HYPER_KEYS, 'hyper');
  const h = { ...MLP_DEFAULTS, ...partial };
  let sizes: number[];
  try {
    sizes = checkSizes(h.sizes);
  } catch {
    throw new SpecError('sizes', h.sizes, 'give the layer widths, input first, at least two whole numbers ≥ 1 (e.g. [784, 500, 10]).');
  }
  if (!((typeof h.seed === 'number' && Number.isSafeInteger(h.seed)) || (typeof h.seed === 'string' && h.seed !== ''))) {
    throw new SpecError('seed', h.seed, 'must be a whole number or a non-empty string.');
  }
  const whole = (field: keyof MlpHyperParams, min: number, max: number) => {
    const v = h[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new SpecError(field, v, `must be a whole number in [${min}, ${max}].`);
  };
  const real = (field: keyof MlpHyperParams, lo: number, hi: number, loOpen: boolean, hiOpen: boolean) => {
    const v = h[field];
    const ok = typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
    if (!ok) throw new SpecError(field, v, `must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}.`);
  };
  whole('epochs', 0, 100000);
  whole('batchSize', 1, 65536);
  if (h.optimizer !== 'adam' && h.optimizer !== 'sgd') throw new SpecError('optimizer', h.optimizer, "must be 'adam' or 'sgd'.");
  real('learningRate', 0, 10, true, false);
  real('lrDecay', 0, 1, true, false);
  real('beta1', 0, 1, false, true);
  real('beta2', 0, 1, false, true);
  real('epsilon', 0, 1, true, false);
  real('momentum', 0, 1, false, true);
  if (h.init !== 'he-uniform') throw new SpecError('init', h.init, "must be 'he-uniform'.");
  return Object.freeze({ ...h, sizes: Object.freeze(sizes) });
}

/** One epoch's outcome. */
export interface MlpEpochResult {
  /** 1-based */
  readonly epoch: number;
  readonly learningRate: number;
  /** mean cross-entropy over the epoch's minibatches as they were trained [nats] */
  readonly trainLoss: number;
  /** fraction of the epoch's training samples predicted right before their update */
  readonly trainAccuracy: number;
  /** fraction of the test set right after the epoch (NaN without a test set) */
  readonly testAccuracy: number;
  /** wall time of the epoch's minibatches and of the test evaluation [ms] */
  readonly trainMs: number;
  readonly evalMs: number;
}

/**
 * One progress report: after each minibatch ('train'), before the test set is evaluated at an
 * epoch's end ('evaluate'), and when an epoch has ended ('epoch': testAccuracy is the new one).
 */
export interface MlpProgress {
  readonly phase: 'train' | 'evaluate' | 'epoch';
  /** the epoch under way (or just ended), 1-based, and the number of epochs */
  readonly epoch: number;
  readonly epochs: number;
  /** minibatches done in this epoch, and in all of it */
  readonly batch: number;
  readonly batches: number;
  /** training throughput of this epoch so far [samples/s] */
  readonly samplesPerSec: number;
  /** running mean loss and accuracy of this epoch's minibatches */
  readonly loss: number;
  readonly accuracy: number;
  /** the test accuracy after the last finished epoch (NaN before) */
  readonly testAccuracy: number;
  /** estimated wall time to the end [s] (NaN before anything was measured) */
  readonly etaSeconds: number;
}

/** What a training run returns. */
export interface MlpTrainResult {
  readonly hyper: MlpHyperParams;
  readonly weights: MlpWeights;
  readonly history: readonly MlpEpochResult[];
  /** the test accuracy after the last epoch (NaN without a test set) */
  readonly testAccuracy: number;
  /** the kernels used */
  readonly kernel: 'wasm' | 'js';
  /** whether every epoch ran (false when stopped early) */
  readonly finished: boolean;
}

/** Options of createMlpTrainer. */
export interface MlpTrainerOptions {
  readonly train: ImageDataset;
  /** evaluated after every epoch */
  readonly test?: ImageDataset;
  /** hyper-parameters (the rest from MLP_DEFAULTS) */
  readonly hyper?: Partial<MlpHyperParams>;
  /** 'auto' (WebAssembly SIMD where available), 'wasm' or 'js': the same results */
  readonly kernel?: MlpKernelChoice;
  /** start from these weights instead of the seeded initialisation (the shuffle stays seeded) */
  readonly initial?: MlpWeights;
}

/** A training run that advances a few minibatches at a time. */
export class MlpTrainer {
  readonly hyper: MlpHyperParams;
  readonly progress$: Observable<MlpProgress>;
  private readonly subject = new Subject<MlpProgress>();
  private readonly e: Engine;
  private readonly train: SparseImages;
  private readonly labels: Uint8Array;
  private readonly test: SparseImages | null;
  private readonly testLabels: Uint8Array | null;
  private readonly predictions: Uint8Array;
  private readonly order: Int32Array;
  private readonly shuffle: RandomStream;
  private readonly batches: number;
  private readonly epochHistory: MlpEpochResult[] = [];
  private readonly lossOut = { loss: 0, correct: 0 };
  /** epochs finished, minibatches done in the current epoch, minibatches done in all (Adam's t) */
  private epochsDone = 0;
  private batchInEpoch = 0;
  private steps = 0;
  private epochLoss = 0;
  private epochCorrect = 0;
  private epochSamples = 0;
  private epochMs = 0;
  private lastEvalMs = NaN;

  constructor(o: MlpTrainerOptions) {
    const h = resolveMlpHyper(o.hyper);
    this.hyper = h;
    const nIn = h.sizes[0];
    const nOut = h.sizes[h.sizes.length - 1];
    checkDataset(o.train, nIn);
    if (o.train.count === 0) throw new Error(`${o.train.source}: no training images.`);
    for (const ds of o.test ? [o.train, o.test] : [o.train]) {
      for (let s = 0; s < ds.count; s++) {
        if (ds.labels[s] >= nOut) throw new Error(`${ds.source}: image ${s} has label ${ds.labels[s]}, but the network has ${nOut} outputs (classes 0 … ${nOut - 1}); give sizes with as many outputs as classes.`);
      }
    }
    if (o.test) checkDataset(o.test, nIn);
    const initial = o.initial ?? initMlpWeights(h.sizes, h.seed);
    if (o.initial) {
      validateMlpWeights(o.initial, 'initial weights');
      if (o.initial.sizes.join(',') !== h.sizes.join(',')) {
        throw new Error(`initial weights: sizes [${o.initial.sizes.join(', ')}] differ from the hyper-parameters' sizes [${h.sizes.join(', ')}].`);
      }
    }
    this.e = createEngine({ sizes: h.sizes, batch: h.batchSize, optimizer: h.optimizer, kernel: o.kernel });
    loadWeights(this.e, initial);
    this.train = sparseImages(o.train);
    this.labels = o.train.labels;
    this.test = o.test ? sparseImages(o.test) : null;
    this.testLabels = o.test ? o.test.labels : null;
    this.predictions = new Uint8Array(o.test ? o.test.count : 0);
    this.order = new Int32Array(o.train.count);
    for (let s = 0; s < this.order.length; s++) this.order[s] = s;
    this.shuffle = new RandomStreams(h.seed).stream('mlp/shuffle');
    this.batches = Math.ceil(o.train.count / h.batchSize);
    this.progress$ = this.subject.asObservable();
  }

  /** The kernels in use. */
  get kernel(): 'wasm' | 'js' {
    return this.e.kernels.kind;
  }

  /** Epochs finished. */
  get epoch(): number {
    return this.epochsDone;
  }

  /** Minibatches per epoch. */
  get batchesPerEpoch(): number {
    return this.batches;
  }

  get finished(): boolean {
    return this.epochsDone >= this.hyper.epochs;
  }

  /** The finished epochs' results. */
  get history(): readonly MlpEpochResult[] {
    return this.epochHistory;
  }

  /** A copy of the current weights. */
  weights(): MlpWeights {
    return readWeights(this.e);
  }

  /**
   * Trains up to `batches` minibatches (fewer at the end of the run), evaluating the test set when
   * an epoch ends. Returns the number of minibatches trained.
   */
  advance(batches = 1): number {
    let done = 0;
    while (done < batches && !this.finished) {
      this.step();
      done++;
    }
    return done;
  }

  /** The result so far (finished: whether all epochs ran). */
  result(): MlpTrainResult {
    const last = this.epochHistory[this.epochHistory.length - 1];
    return {
      hyper: this.hyper,
      weights: this.weights(),
      history: this.epochHistory.slice(),
      testAccuracy: last ? last.testAccuracy : NaN,
      kernel: this.kernel,
      finished: this.finished,
    };
  }

  /** One minibatch: shuffle at an epoch's start; forward, loss, backward, update; the test set at an epoch's end. */
  private step(): void {
    const h = this.hyper;
    const e = this.e;
    const t0 = performance.now();
    if (this.batchInEpoch === 0) {
      shuffleInPlace(this.order, this.shuffle);
      this.epochLoss = 0;
      this.epochCorrect = 0;
      this.epochSamples = 0;
      this.epochMs = 0;
    }
    const start = this.batchInEpoch * h.batchSize;
    const count = Math.min(h.batchSize, this.order.length - start);
    // forward, loss, backward
    fillFromImages(e, this.train, this.order, start, count);
    forward(e, count);
    softmaxCrossEntropy(e, count, this.labels, this.order, start, this.lossOut);
    backward(e, count);
    // update
    this.steps++;
    const lr = h.learningRate * pow(h.lrDecay, this.epochsDone);
    if (h.optimizer === 'adam') {
      const bc1 = 1 - pow(h.beta1, this.steps);
      const sqrtBc2 = Math.sqrt(1 - pow(h.beta2, this.steps));
      e.kernels.adam(e.params, e.grads, e.m, e.v, e.paramCount, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, (lr * sqrtBc2) / bc1, h.epsilon * sqrtBc2);
    } else {
      e.kernels.sgd(e.params, e.grads, e.m, e.paramCount, h.momentum, lr);
    }
    this.epochLoss += this.lossOut.loss;
    this.epochCorrect += this.lossOut.correct;
    this.epochSamples += count;
    this.batchInEpoch++;
    this.epochMs += performance.now() - t0;
    if (this.batchInEpoch < this.batches) {
      this.emit('train');
      return;
    }
    // the epoch's end: evaluate
    this.emit('evaluate');
    const t1 = performance.now();
    let testAccuracy = NaN;
    if (this.test !== null && this.testLabels !== null) {
      predictImages(e, this.test, this.predictions);
      let right = 0;
      for (let s = 0; s < this.predictions.length; s++) if (this.predictions[s] === this.testLabels[s]) right++;
      testAccuracy = this.predictions.length === 0 ? NaN : right / this.predictions.length;
    }
    this.lastEvalMs = performance.now() - t1;
    this.epochHistory.push(
      Object.freeze({
        epoch: this.epochsDone + 1,
        learningRate: lr,
        trainLoss: this.epochLoss / this.epochSamples,
        trainAccuracy: this.epochCorrect / this.epochSamples,
        testAccuracy,
        trainMs: this.epochMs,
        evalMs: this.lastEvalMs,
      }),
    );
    this.epochsDone++;
    this.batchInEpoch = 0;
    this.emit('epoch');
  }

  private emit(phase: MlpProgress['phase']): void {
    if (!this.subject.observed) return;
    const h = this.hyper;
    const last = this.epochHistory[this.epochHistory.length - 1];
    const ended = phase === 'epoch';
    // wall time still to come: the minibatches left at this epoch's pace (or the last epoch's), and the evaluations left
    const msPerBatch = this.batchInEpoch > 0 && !ended ? this.epochMs / this.batchInEpoch : last ? last.trainMs / this.batches : NaN;
    const evalMs = last ? last.evalMs : 0;
    const batchesLeft = (h.epochs - this.epochsDone) * this.batches - (ended ? 0 : this.batchInEpoch);
    const evalsLeft = h.epochs - this.epochsDone;
    this.subject.next({
      phase,
      epoch: ended ? this.epochsDone : this.epochsDone + 1,
      epochs: h.epochs,
      batch: ended ? this.batches : this.batchInEpoch,
      batches: this.batches,
      samplesPerSec: this.epochMs > 0 ? (this.epochSamples / this.epochMs) * 1000 : NaN,
      loss: this.epochSamples > 0 ? this.epochLoss / this.epochSamples : NaN,
      accuracy: this.epochSamples > 0 ? this.epochCorrect / this.epochSamples : NaN,
      testAccuracy: last ? last.testAccuracy : NaN,
      etaSeconds: (batchesLeft * msPerBatch + evalsLeft * evalMs) / 1000,
    });
  }
}

/** A trainer for these data and hyper-parameters (validated first: nothing is trained on bad input). */
export function createMlpTrainer(o: MlpTrainerOptions): MlpTrainer {
  return new MlpTrainer(o);
}

/** Options of trainMlp. */
export interface TrainMlpOptions extends MlpTrainerOptions {
  /** called with every progress report */
  readonly onProgress?: (p: MlpProgress) => void;
  /** asked between minibatches; true stops the run (the result says finished: false) */
  readonly shouldStop?: () => boolean;
  /** wall time between two yields to the event loop [ms] (default 50) */
  readonly yieldMs?: number;
}

/** Trains to the end (or until shouldStop), yielding to the event loop every `yieldMs`. */
export async function trainMlp(o: TrainMlpOptions): Promise<MlpTrainResult> {
  const trainer = createMlpTrainer(o);
  const sub = o.onProgress ? trainer.progress$.subscribe(o.onProgress) : null;
  try {
    const yieldMs = o.yieldMs ?? 50;
    let last = performance.now();
    while (!trainer.finished) {
      if (o.shouldStop?.()) break;
      trainer.advance(1);
      if (performance.now() - last >= yieldMs) {
        await nextTurn();
        last = performance.now();
      }
    }
    return trainer.result();
  } finally {
    sub?.unsubscribe();
  }
}

/** Fisher–Yates shuffle of `a` in place with the stream's uniform draws (i from the end). */
export function shuffleInPlace(a: Int32Array, rs: RandomStream): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rs.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** Resolves on the next turn of the event loop (setImmediate where it exists: no 1 ms timer floor). */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  return new Promise<void>((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
