/**
 * Diehl & Cook (2015): unsupervised learning of MNIST digits with STDP.
 *
 * P. U. Diehl, M. Cook, "Unsupervised learning of digit recognition using spike-timing-dependent
 * plasticity", Front. Comput. Neurosci. 9:99 (2015), doi:10.3389/fncom.2015.00099, and their
 * Brian code (Diehl_and_Cook_spiking_MNIST.py), whose parameters are used here:
 *
 *   784 Poisson inputs (rate = pixel/8·intensity Hz) ─all-to-all, plastic→ N excitatory LIF
 *   excitatory ─one-to-one (w 10.4)→ N inhibitory LIF ─all-but-self (w 17.0)→ excitatory
 *
 *   excitatory: τ 100 ms, vRest −65, vReset −65 mV, threshold −52 mV + θ − 20 mV offset
 *     (θ starts at 20 mV in training from scratch, θ+ 0.05 mV, τθ 10⁷ ms), refractory 5 ms,
 *     conductance synapses τge 1 ms, τgi 2 ms, E_exc 0 mV, E_inh −100 mV
 *   inhibitory: τ 10 ms, vRest −60, vReset −45, threshold −40 mV, refractory 2 ms, E_inh −85 mV
 *   input weights (rand + 0.01)·0.3, clipped to [0, 1]; STDP: pre trace 20 ms, post traces 20 and
 *     40 ms, νpre 10⁻⁴, νpost 10⁻²; column sums normalised to 78 before every presentation
 *   dt 0.5 ms; each sample 350 ms, then 150 ms at rate 0; a presentation that evokes fewer than
 *     5 excitatory spikes is repeated with intensity + 1
 *   labels: each neuron gets the class to which it responded most (mean spikes per sample of that
 *     class) — from training responses only; a test sample's class is the one whose neurons fire
 *     most on average.
 *
 * Changes from the original, stated: the original's random 0–10 ms input delays are left out
 * (BindsNET does the same); the "timer" quirk of the original equations is replaced by the
 * explicit 5 ms refractory period it was meant to be; traces below 10⁻⁹ are flushed to 0.
 */
import { Subject, type Observable } from 'rxjs';
import { Network, type LifPopulation, type PoissonPopulation, type Projection } from '../core/network.js';
import { lif, poissonInput } from '../core/populations.js';
import { allButSelf, allToAll, oneToOne, type WeightInit } from '../core/synapses/connectors.js';
import { floatStore, type StoreFactory } from '../core/synapses/store.js';
import { positiveInteger } from '../core/units.js';
import { DIEHL_COOK_RULE, stdp, type PlasticityRule, type RuleParams } from '../learning/rules.js';
import { columnNormaliser, type Normaliser } from '../learning/homeostasis.js';
import { usesAccumulator, type Rounding } from '../learning/apply.js';
import type { SpikeCounter } from '../core/monitors.js';
import { image, type ImageDataset } from './datasets/image-dataset.js';
import { MIN_SPIKES, PIXEL_RATE_DIVISOR, PRESENTATION_MS, REST_MS, START_INTENSITY, INTENSITY_STEP } from './datasets/encoding.js';

/** Published parameters (Diehl & Cook's code). */
export const DIEHL_COOK = Object.freeze({
  dt: 0.5,
  exc: { tauMem: 100, vRest: -65, vReset: -65, vThresh: -52 - 20, tRef: 5, thetaInit: 20, thetaPlus: 0.05, tauTheta: 1e7, tauGe: 1, tauGi: 2, eExc: 0, eInh: -100 },
  inh: { tauMem: 10, vRest: -60, vReset: -45, vThresh: -40, tRef: 2, tauGe: 1, tauGi: 2, eExc: 0, eInh: -85 },
  wExcToInh: 10.4,
  wInhToExc: 17.0,
  wInputMax: 1,
  inputWeightScale: 0.3,
  normalisationTarget: 78,
  presentMs: PRESENTATION_MS,
  restMs: REST_MS,
});

export interface DiehlCookOptions {
  /** excitatory (= inhibitory) neurons; default 400 */
  readonly nExc?: number;
  /** input neurons; default 784 (28 × 28) */
  readonly nInput?: number;
  readonly seed?: number | string;
  /** synapse store of the plastic input → excitatory projection; default floatStore([0, 1]) */
  readonly store?: StoreFactory;
  /** learning rule; default Diehl & Cook's */
  readonly rule?: RuleParams;
  /** rounding of pulse counts (memristive store) */
  readonly rounding?: Rounding;
  /** column-sum normalisation target (null: off); default 78 */
  readonly normalisation?: number | null;
  /** in device mode, normalise by pulses or not at all; default 'off' (see learning/homeostasis.ts) */
  readonly deviceNormalisation?: 'pulses' | 'off';
  /** initial input weights; default (U[0,1) + 0.01)·0.3 */
  readonly inputWeights?: WeightInit;
  /** initial θ [mV] (one value or one per neuron); default 20 */
  readonly thetaInit?: number | ArrayLike<number>;
  /** presentations per sample before giving up (intensity 2, 3, …); default 12 */
  readonly maxPresentations?: number;
}

/** Outcome of presenting one sample. */
export interface Presentation {
  /** spikes of each excitatory neuron in the last (accepted) presentation — live buffer, copy to keep */
  readonly counts: Int32Array;
  readonly total: number;
  /** presentations used (1 = first try) */
  readonly presentations: number;
  /** fewer than MIN_SPIKES spikes even at the highest intensity */
  readonly silent: boolean;
}

export interface ProgressEvent {
  readonly phase: 'train' | 'label' | 'eval';
  readonly done: number;
  readonly total: number;
  readonly samplesPerSec: number;
  /** running accuracy of the predictions made during this phase so far (NaN before labels exist) */
  readonly accuracy: number;
}

export interface DiehlCookModel {
  readonly net: Network;
  readonly input: PoissonPopulation;
  readonly exc: LifPopulation;
  readonly inh: LifPopulation;
  readonly inputToExc: Projection;
  readonly rule: PlasticityRule;
  readonly counter: SpikeCounter;
  /** spikes per input neuron since the last reset (for read-energy accounting) */
  readonly inputCounter: SpikeCounter;
  readonly options: Required<Pick<DiehlCookOptions, 'nExc' | 'nInput' | 'maxPresentations'>> & { normalisation: number | null };
  /** samples presented for training so far */
  trainedSamples: number;
  /** label of each excitatory neuron (−1 = never responded); set by assignLabels */
  readonly labels: Int8Array;
  /** Presents one image (plasticity as currently switched), including the rest period. */
  present(pixels: Uint8Array): Presentation;
  readonly normaliser: Normaliser | null;
}

/** Builds the Diehl & Cook network (built and ready). */
export function diehlCook2015(options: DiehlCookOptions = {}): DiehlCookModel {
  const nExc = positiveInteger(options.nExc ?? 400, 'nExc', 'give the number of excitatory neurons, e.g. 400');
  const nInput = positiveInteger(options.nInput ?? 784, 'nInput');
  const maxPresentations = positiveInteger(options.maxPresentations ?? 12, 'maxPresentations');
  const P = DIEHL_COOK;
  const net = new Network({ dt: P.dt, seed: options.seed ?? 1 });
  const input = net.add(poissonInput(nInput, 0, 'input'));
  const exc = net.add(
    lif(
      nExc,
      {
        tauMem: P.exc.tauMem,
        vRest: P.exc.vRest,
        vReset: P.exc.vReset,
        vThresh: P.exc.vThresh,
        tRef: P.exc.tRef,
        vInit: P.exc.vRest - 40, // the original starts v at v_rest − 40 mV
        synapse: { type: 'conductance', tauExc: P.exc.tauGe, tauInh: P.exc.tauGi, eExc: P.exc.eExc, eInh: P.exc.eInh },
        adaptation: { thetaPlus: P.exc.thetaPlus, tauTheta: P.exc.tauTheta, thetaInit: options.thetaInit ?? P.exc.thetaInit },
      },
      'exc',
    ),
  );
  const inh = net.add(
    lif(
      nExc,
      {
        tauMem: P.inh.tauMem,
        vRest: P.inh.vRest,
        vReset: P.inh.vReset,
        vThresh: P.inh.vThresh,
        tRef: P.inh.tRef,
        vInit: P.inh.vRest - 40,
        synapse: { type: 'conductance', tauExc: P.inh.tauGe, tauInh: P.inh.tauGi, eExc: P.inh.eExc, eInh: P.inh.eInh },
      },
      'inh',
    ),
  );
  const inputToExc = net.connect(input, exc, {
    connector: allToAll(),
    weight: options.inputWeights ?? { uniform: [0.01 * P.inputWeightScale, 1.01 * P.inputWeightScale] },
    store: options.store ?? floatStore({ wMin: 0, wMax: P.wInputMax }),
    label: 'input→exc',
  });
  net.connect(exc, inh, { connector: oneToOne(), weight: P.wExcToInh, label: 'exc→inh' });
  net.connect(inh, exc, { connector: allButSelf(), weight: P.wInhToExc, channel: 'inh', label: 'inh→exc' });
  const rule = net.addUpdater(stdp(inputToExc, options.rule ?? DIEHL_COOK_RULE, { rounding: options.rounding ?? 'stochastic' }));
  const counter = net.spikeCounter(exc);
  const inputCounter = net.spikeCounter(input);
  net.build();

  const normalisation = options.normalisation === undefined ? P.normalisationTarget : options.normalisation;
  const normaliser = normalisation === null ? null : columnNormaliser(inputToExc, normalisation, {
    deviceMode: options.deviceNormalisation ?? 'off',
    // the normaliser rounds like the rule, except that 'deterministic' keeps its recorded stochastic rounding
    rounding: options.rounding !== undefined && usesAccumulator(options.rounding) ? options.rounding : 'stochastic',
    rng: net.random.stream('normalisation/rounding'),
  });
  const rates = new Float64Array(nInput);
  const zeros = new Float64Array(nInput);
  const presentSteps = net.stepsFor(P.presentMs);
  const restSteps = net.stepsFor(P.restMs);
  const labels = new Int8Array(nExc).fill(-1);

  const model: DiehlCookModel = {
    net,
    input,
    exc,
    inh,
    inputToExc,
    rule,
    counter,
    inputCounter,
    options: { nExc, nInput, maxPresentations, normalisation },
    trainedSamples: 0,
    labels,
    normaliser,
    present(pixels: Uint8Array): Presentation {
      if (pixels.length !== nInput) throw new Error(`present: image has ${pixels.length} pixels, the network has ${nInput} inputs; give ${nInput}-pixel images.`);
      let intensity = START_INTENSITY;
      let k = 0;
      let total = 0;
      for (;;) {
        k++;
        if (normaliser && net.plasticity.enabled) normaliser.apply(net.time);
        const gain = intensity / PIXEL_RATE_DIVISOR;
        for (let i = 0; i < nInput; i++) rates[i] = pixels[i] * gain;
        input.setRates(rates);
        counter.reset();
        net.runSteps(presentSteps);
        total = counter.total();
        input.setRates(zeros);
        net.runSteps(restSteps);
        if (total >= MIN_SPIKES || k >= maxPresentations) break;
        intensity += INTENSITY_STEP;
      }
      return { counts: counter.counts, total, presentations: k, silent: total < MIN_SPIKES };
    },
  };
  return model;
}

/**
 * Label assignment (Diehl & Cook): neuron i gets argmax_c (mean response of i to samples of class c).
 * `responses` is samples × nExc (row-major), `classes` the label of each row. Neurons that never
 * responded get −1.
 */
export function assignLabels(out: Int8Array, responses: Float32Array, classes: Uint8Array, samples: number, nExc: number, nClasses = 10): Int8Array {
  const sums = new Float64Array(nClasses * nExc);
  const perClass = new Float64Array(nClasses);
  for (let s = 0; s < samples; s++) {
    const c = classes[s];
    perClass[c]++;
    const row = s * nExc;
    const base = c * nExc;
    for (let i = 0; i < nExc; i++) sums[base + i] += responses[row + i];
  }
  for (let i = 0; i < nExc; i++) {
    let best = -1;
    let bestRate = 0;
    for (let c = 0; c < nClasses; c++) {
      if (perClass[c] === 0) continue;
      const r = sums[c * nExc + i] / perClass[c];
      if (r > bestRate) {
        bestRate = r;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Classifies a response vector: the class whose assigned neurons have the highest mean response
 * (Diehl & Cook). Returns −1 when no assigned neuron responded.
 */
export function classify(response: ArrayLike<number>, labels: Int8Array, nClasses = 10): number {
  let best = -1;
  let bestScore = 0;
  for (let c = 0; c < nClasses; c++) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === c) {
        sum += response[i];
        n++;
      }
    }
    if (n === 0) continue;
    const score = sum / n;
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

export interface TrainOptions {
  /** samples to train on (from `start`, wrapping around the dataset) */
  readonly samples: number;
  readonly start?: number;
  /** emit progress every this many samples; default 50 */
  readonly progressEvery?: number;
}

export interface TrainResult {
  readonly samples: number;
  readonly seconds: number;
  readonly msPerSample: number;
  readonly presentations: number;
  /** running accuracy over the samples classified during training (with the labels of the time) */
  readonly runningAccuracy: number;
}

/** Training and evaluation loops with progress reporting. */
export interface Experiment {
  readonly progress$: Observable<ProgressEvent>;
  train(ds: ImageDataset, options: TrainOptions): TrainResult;
  /** Assigns labels from the responses recorded during training (or from a separate pass). */
  assignFromTraining(): void;
  /** Labels from a separate pass over `samples` training images with plasticity off. */
  labelPass(ds: ImageDataset, samples: number, start?: number): void;
  /** Temporal evaluation with plasticity off. `rowEnergy[i]`: read energy of input i's row per spike [nJ] (optional). */
  evaluate(ds: ImageDataset, samples: number, start?: number, rowEnergy?: Float64Array): Evaluation;
  /** recorded training responses (rows) and classes, newest last */
  responses(): { readonly responses: Float32Array; readonly classes: Uint8Array; readonly count: number };
  /** Puts back responses saved with responses() (model files). */
  restoreResponses(responses: ArrayLike<number>, classes: Uint8Array, count: number): void;
}

export interface Evaluation {
  readonly samples: number;
  readonly correct: number;
  readonly accuracy: number;
  /** confusion[true][predicted]; predicted −1 (no assigned neuron fired) counted in column 10 */
  readonly confusion: number[][];
  readonly silent: number;
  readonly silentRate: number;
  readonly seconds: number;
  readonly imagesPerSec: number;
  /** excitatory spike counts per test sample (samples × nExc), for further analysis */
  readonly responses: Float32Array;
  readonly predictions: Int8Array;
  /** mean inference (read) energy per image [nJ] (0 without rowEnergy) */
  readonly inferenceEnergy_nJ: number;
}

/** Responses the label assignment uses at most: Diehl & Cook's 10 000 samples. */
export const LABEL_WINDOW = 10_000;

export function experiment(model: DiehlCookModel, labelWindowMax = LABEL_WINDOW): Experiment {
  const progress = new Subject<ProgressEvent>();
  const nExc = model.options.nExc;
  // Responses of the most recent `window` training samples (a fixed window, so that training in
  // several calls records exactly what one call would).
  const window = labelWindowMax;
  const ring = new Float32Array(window * nExc);
  const ringClasses = new Uint8Array(window);
  let head = 0;
  let size = 0;
  const push = (counts: ArrayLike<number>, cls: number) => {
    const off = head * nExc;
    for (let i = 0; i < nExc; i++) ring[off + i] = counts[i];
    ringClasses[head] = cls;
    head = (head + 1) % window;
    if (size < window) size++;
  };
  const readRing = () => {
    const responses = new Float32Array(size * nExc);
    const classes = new Uint8Array(size);
    const start = (head - size + window) % window;
    for (let s = 0; s < size; s++) {
      const p = (start + s) % window;
      responses.set(ring.subarray(p * nExc, (p + 1) * nExc), s * nExc);
      classes[s] = ringClasses[p];
    }
    return { responses, classes, count: size };
  };
  const assign = () => {
    const r = readRing();
    if (r.count > 0) assignLabels(model.labels, r.responses, r.classes, r.count, nExc);
  };
  return {
    progress$: progress.asObservable(),
    responses: readRing,
    restoreResponses(responses, classes, count) {
      if (count > window) throw new Error(`restoreResponses: ${count} responses exceed the label window of ${window}.`);
      head = 0;
      size = 0;
      for (let s = 0; s < count; s++) {
        const row = new Float32Array(nExc);
        for (let i = 0; i < nExc; i++) row[i] = responses[s * nExc + i];
        push(row, classes[s]);
      }
    },
    assignFromTraining: assign,
    train(ds, o) {
      const samples = positiveInteger(o.samples, '--samples');
      const start = o.start ?? model.trainedSamples;
      const every = o.progressEvery ?? 50;
      const t0 = performance.now();
      let presentations = 0;
      let judged = 0;
      let correct = 0;
      let haveLabels = model.labels.some((l) => l >= 0);
      const reassignEvery = Math.max(100, Math.min(1000, Math.floor(samples / 10)));
      model.net.plasticity.enabled = true;
      for (let k = 0; k < samples; k++) {
        const idx = (start + k) % ds.count;
        const r = model.present(image(ds, idx));
        presentations += r.presentations;
        const cls = ds.labels[idx];
        if (haveLabels) {
          judged++;
          if (classify(r.counts, model.labels) === cls) correct++;
        }
        push(r.counts, cls);
        model.trainedSamples++;
        if ((k + 1) % reassignEvery === 0) {
          assign();
          haveLabels = true;
        }
        if ((k + 1) % every === 0 || k + 1 === samples) {
          if (progress.observed) {
            const sec = (performance.now() - t0) / 1000;
            progress.next({ phase: 'train', done: k + 1, total: samples, samplesPerSec: (k + 1) / sec, accuracy: judged > 0 ? correct / judged : Number.NaN });
          }
        }
      }
      assign();
      const seconds = (performance.now() - t0) / 1000;
      return { samples, seconds, msPerSample: (seconds * 1000) / samples, presentations, runningAccuracy: judged > 0 ? correct / judged : Number.NaN };
    },
    labelPass(ds, samples, start = 0) {
      positiveInteger(samples, 'labelPass samples');
      if (samples > window) throw new Error(`labelPass: ${samples} samples exceed the label window of ${window}; give at most ${window}.`);
      const wasPlastic = model.net.plasticity.enabled;
      model.net.plasticity.enabled = false;
      size = 0;
      head = 0;
      const t0 = performance.now();
      for (let k = 0; k < samples; k++) {
        const idx = (start + k) % ds.count;
        const r = model.present(image(ds, idx));
        push(r.counts, ds.labels[idx]);
        if (progress.observed && ((k + 1) % 50 === 0 || k + 1 === samples)) {
          progress.next({ phase: 'label', done: k + 1, total: samples, samplesPerSec: (k + 1) / ((performance.now() - t0) / 1000), accuracy: Number.NaN });
        }
      }
      assign();
      model.net.plasticity.enabled = wasPlastic;
    },
    evaluate(ds, samples, start = 0, rowEnergy) {
      if (samples > ds.count) throw new Error(`--samples ${samples} is larger than the test set (${ds.count} images); give at most ${ds.count}.`);
      const wasPlastic = model.net.plasticity.enabled;
      model.net.plasticity.enabled = false;
      const confusion = Array.from({ length: 10 }, () => new Array<number>(11).fill(0));
      const responses = new Float32Array(samples * nExc);
      const predictions = new Int8Array(samples);
      let correct = 0;
      let silent = 0;
      let energy = 0;
      const inputCounts = model.inputCounter.counts;
      const t0 = performance.now();
      for (let k = 0; k < samples; k++) {
        const idx = (start + k) % ds.count;
        model.inputCounter.reset();
        const r = model.present(image(ds, idx));
        if (rowEnergy) for (let i = 0; i < inputCounts.length; i++) energy += inputCounts[i] * rowEnergy[i];
        if (r.silent) silent++;
        responses.set(r.counts, k * nExc);
        const p = classify(r.counts, model.labels);
        predictions[k] = p;
        const cls = ds.labels[idx];
        confusion[cls][p < 0 ? 10 : p]++;
        if (p === cls) correct++;
        if (progress.observed && ((k + 1) % 50 === 0 || k + 1 === samples)) {
          progress.next({ phase: 'eval', done: k + 1, total: samples, samplesPerSec: (k + 1) / ((performance.now() - t0) / 1000), accuracy: correct / (k + 1) });
        }
      }
      model.net.plasticity.enabled = wasPlastic;
      const seconds = (performance.now() - t0) / 1000;
      return { samples, correct, accuracy: correct / samples, confusion, silent, silentRate: silent / samples, seconds, imagesPerSec: samples / seconds, responses, predictions, inferenceEnergy_nJ: energy / samples };
    },
  };
}
