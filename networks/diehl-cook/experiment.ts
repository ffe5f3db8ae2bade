/**
 * The Diehl & Cook experiment runner: a spec (spec.ts), the data it names, and a model (fresh or
 * from a file) become a runner that walks the schedule's phases as explicit states and advances by
 * a bounded slice of work — `advance({ steps })` or `advance({ samples })`. Stopping between any
 * two slices and going on is bit-identical to one uninterrupted run: slices only decide where the
 * loop pauses, never what it does.
 *
 *   train      learning on; each sample is presented (presentation + rest, re-presentations),
 *              its response recorded in the training window; the running labels are reassigned
 *              from that window every max(100, min(1000, samples/10)) samples and at the end of
 *              each epoch, when the model's labels become the running ones
 *   label      frozen; the last `samples` images of the training set; each neuron takes the class
 *              it answered most (readout.ts); the network is then put back as it was
 *   evaluate   frozen; temporal: the spiking simulation of the first `samples` test images —
 *              one simulation through all of them ('sequential', the default), or each image from
 *              the trained state with its own input stream ('independent', independent.ts; the
 *              same images can then be evaluated in slices elsewhere: `evaluateIndependentImages`
 *              and `completeFromAnswers`); crossbar: the weights programmed into a simulated array
 *              (crossbar.ts)
 *
 * A checkpoint (model-file.ts) can be written at any sample boundary: the model, the results so
 * far and the progress of a training phase. A label pass or an evaluation that was interrupted
 * starts again from its beginning on resume (it is a function of the trained state alone).
 *
 * Progress: one observable (`progress$`), emitted every `progressEvery` samples and at the end of
 * each phase, only while observed; computing it costs nothing otherwise.
 */
import { Subject, type Observable } from 'rxjs';
import { floatStore } from '../../core/synapses/store.js';
import { memristiveStore } from '../../core/devices/store.js';
import type { NetworkSnapshot } from '../../core/network.js';
import { image, type ImageDataset } from '../datasets/image-dataset.js';
import { dataIdentity, type DataIdentity } from '../experiment/data.js';
import { SpecError } from '../experiment/spec-error.js';
import type { ExperimentProgress, Slice, SteppableExperiment } from '../experiment/runner.js';
import { DIEHL_COOK, diehlCook2015, type DiehlCookModel, type Instrument } from './network.js';
import { classify, createResponseWindow, LABEL_WINDOW, type ResponseWindow } from './readout.js';
import { crossbarEvaluation, type CrossbarRun } from './crossbar.js';
import { programmingEnergy, pulsesApplied, rowReadEnergies } from './energy.js';
import { EvaluationTally, imageAnswers, imageReadEnergy, orderedAnswers, setAnswer, startIndependentImage, type ImageAnswers } from './independent.js';
import { deviceOf, ruleOf, type CrossbarPhaseSpec, type ExperimentSpec, type LabelPhaseSpec, type PhaseSpec, type TemporalPhaseSpec, type TrainPhaseSpec } from './spec.js';
import type { CrossbarResult, ExperimentResult, LabelResult, PhaseResult, TemporalResult, TrainResult } from './results.js';

/** The images an experiment runs on (`test` may be null when the schedule evaluates nothing). */
export interface ExperimentData {
  readonly train: ImageDataset;
  readonly test: ImageDataset | null;
}

/** A network with its readout and training bookkeeping: everything a model file holds besides the spec. */
export interface TrainedModel {
  readonly model: DiehlCookModel;
  /** the label assignment evaluations use (−1: none) */
  readonly labels: Int8Array;
  /** the running assignment training classifies with (reassigned from `window` as training goes) */
  readonly runningLabels: Int8Array;
  /** responses of the most recent training samples */
  readonly window: ResponseWindow;
  /** training images shown in all */
  trainedSamples: number;
  /** index of the next training image */
  trainCursor: number;
}

/** Progress of a training phase at a sample boundary (what a checkpoint keeps of it). */
export interface TrainProgress {
  readonly epoch: number;
  /** samples done in this epoch */
  readonly k: number;
  /** training image index where every epoch of this phase starts */
  readonly start: number;
  readonly presentations: number;
  readonly judged: number;
  readonly correct: number;
  readonly seconds: number;
  readonly pulsesBefore: number;
  readonly energyBefore_nJ: number;
  /** whether training classifies with its running labels yet (1) or not (0) */
  readonly haveLabels: number;
}

/** Where a run stands: what a checkpoint stores besides the model. */
export interface RunnerState {
  readonly phaseIndex: number;
  /** progress of the current phase when it is a training phase (other phases restart) */
  readonly train: TrainProgress | null;
  readonly results: readonly PhaseResult[];
}

/** Builds a fresh model from a spec (`instrument`: observers added before the build, see DiehlCookOptions). */
export function buildModel(spec: ExperimentSpec, instrument?: Instrument): TrainedModel {
  const device = deviceOf(spec);
  const store =
    device === null
      ? floatStore({ wMin: 0, wMax: DIEHL_COOK.wInputMax })
      : spec.cell === 'pair'
        ? memristiveStore({ device, mode: 'pair', pairPolicy: 'set-only', wMax: spec.wMax! })
        : memristiveStore({ device, mode: 'single', wMax: spec.wMax! });
  // Diehl & Cook's initial weights, (U[0,1) + 0.01)·0.3, capped at the device's wMax when that is lower.
  const scale = DIEHL_COOK.inputWeightScale;
  const top = Math.min(1.01 * scale, device === null ? Infinity : spec.wMax!);
  const model = diehlCook2015({
    nExc: spec.neurons,
    seed: spec.seed,
    store,
    inputWeights: { uniform: [Math.min(0.01 * scale, top / 2), top] },
    rule: ruleOf(spec),
    rounding: spec.rounding ?? 'stochastic',
    normalisation: spec.normalisation,
    deviceNormalisation: spec.deviceNormalisation ?? 'off',
    excitatory: { ...DIEHL_COOK.exc, ...(spec.excitatory ?? {}) },
    instrument,
  });
  model.rule.rateScale = spec.rateScale;
  return {
    model,
    labels: new Int8Array(spec.neurons).fill(-1),
    runningLabels: new Int8Array(spec.neurons).fill(-1),
    window: createResponseWindow(spec.neurons, LABEL_WINDOW),
    trainedSamples: 0,
    trainCursor: 0,
  };
}

/** Checks the image counts and sizes a spec needs against the loaded data; throws a SpecError before any work. */
export function checkData(spec: ExperimentSpec, data: ExperimentData): void {
  const pixels = (ds: ImageDataset) => ds.rows * ds.cols;
  if (pixels(data.train) !== 784) throw new SpecError('data.train', spec.data.train, `holds ${data.train.rows}×${data.train.cols}-pixel images; the network has 784 inputs — give 28×28 images.`);
  // the readout has 10 classes: a label beyond them would index past the confusion matrix, or leave neurons unlabelled without a word
  const classes = (ds: ImageDataset, field: 'data.train' | 'data.test') => {
    for (let i = 0; i < ds.count; i++) {
      if (ds.labels[i] > 9) throw new SpecError(field, spec.data[field === 'data.train' ? 'train' : 'test'], `holds label ${ds.labels[i]} (image ${i}); the network reads out 10 classes — give labels 0…9.`);
    }
  };
  classes(data.train, 'data.train');
  if (data.test !== null) classes(data.test, 'data.test');
  spec.schedule.forEach((p, i) => {
    const at = `schedule[${i}].samples`;
    if (p.phase === 'train' && p.samples > data.train.count) throw new SpecError(at, p.samples, `is more than the ${data.train.count} training images of ${data.train.source}; give at most ${data.train.count} per epoch (use epochs for more passes).`);
    if (p.phase === 'label' && p.samples > data.train.count) throw new SpecError(at, p.samples, `is more than the ${data.train.count} training images of ${data.train.source}; give at most ${data.train.count}.`);
    if (p.phase === 'evaluate') {
      if (data.test === null) throw new Error(`schedule[${i}] evaluates, but no test data was loaded.`);
      if (pixels(data.test) !== 784) throw new SpecError('data.test', spec.data.test, `holds ${data.test.rows}×${data.test.cols}-pixel images; the network has 784 inputs — give 28×28 images.`);
      if (p.samples > data.test.count) throw new SpecError(at, p.samples, `is more than the ${data.test.count} test images of ${data.test.source}; give at most ${data.test.count}.`);
    }
  });
}

/** The network's answer to the last finished sample of a training or temporal phase (for viewers). */
export interface SampleAnswer {
  /** answers so far (a viewer sees a new one when this grows) */
  count: number;
  split: 'train' | 'test';
  index: number;
  label: number;
  /** the predicted class (−1: no labelled neuron answered, or no labels yet) */
  predicted: number;
}

/** Which image a simulated phase presents: its split and index in that dataset. */
export interface ShownSample {
  readonly split: 'train' | 'test';
  readonly index: number;
}

/** A phase in progress (internal): all phases advance by steps or by whole samples. */
interface PhaseRun {
  readonly spec: PhaseSpec;
  readonly name: string;
  readonly total: number;
  readonly done: number;
  /** running accuracy (NaN without predictions) */
  readonly accuracy: number;
  readonly finished: boolean;
  /** a sample is half presented */
  readonly midSample: boolean;
  /** the image presented now or last (null before the first, and in phases without simulated images) */
  readonly shown: ShownSample | null;
  /** wall time spent advancing it [s] */
  readonly seconds: number;
  /** Runs at most `steps` simulation steps (an image without simulated time counts as one presentation's steps); returns [steps, samples]. */
  advanceSteps(steps: number): readonly [number, number];
  /** Completes at most `samples` samples; returns how many. */
  advanceSamples(samples: number): number;
  result(): PhaseResult;
  /** the network state to save while this phase is current (frozen phases: the trained state) */
  trainedSnapshot(): NetworkSnapshot | null;
  progress(): TrainProgress | null;
}

/**
 * The loop shared by simulated phases: sample k's image is presented a slice of steps at a time;
 * `onStart(k)` runs before its first step, `onSample(k)` after its last.
 */
function sampleLoop(m: TrainedModel, total: number, first: number, data: ImageDataset, split: 'train' | 'test', indexOf: (k: number) => number, onStart: (k: number) => void, onSample: (k: number) => void) {
  const presenter = m.model.presenter;
  let k = first;
  let inSample = false;
  let shown: ShownSample | null = null;
  const step = (budget: number, maxSamples = Infinity): readonly [number, number] => {
    let used = 0;
    let completed = 0;
    while (k < total && used < budget && completed < maxSamples) {
      if (!inSample) {
        onStart(k);
        const index = indexOf(k);
        presenter.start(image(data, index));
        shown = { split, index };
        inSample = true;
      }
      used += presenter.advance(budget - used);
      if (!presenter.busy) {
        inSample = false;
        k++;
        completed++;
        checkFiniteNeurons(m, split, indexOf(k - 1));
        onSample(k - 1);
      }
    }
    return [used, completed];
  };
  return {
    get k() {
      return k;
    },
    get inSample() {
      return inSample;
    },
    get shown() {
      return shown;
    },
    step,
    samples(n: number): number {
      let completed = 0;
      while (completed < n && k < total) completed += step(Infinity, n - completed)[1];
      return completed;
    },
  };
}

/**
 * Stops a run whose neurons' state is no longer finite, after the sample that made it so: a
 * membrane potential or threshold of ±Infinity or NaN never comes back, and every later sample and
 * the saved model would be garbage. O(neurons) per sample, outside the step loop.
 */
function checkFiniteNeurons(m: TrainedModel, split: 'train' | 'test', index: number): void {
  const { exc, inh } = m.model;
  for (const [pop, name, field, a] of [
    [exc, 'excitatory', 'membrane potential v', exc.state.v],
    [exc, 'excitatory', 'adaptive threshold θ', exc.state.theta],
    [inh, 'inhibitory', 'membrane potential v', inh.state.v],
  ] as const) {
    for (let i = 0; i < pop.n; i++) {
      const x = a[i];
      if (x - x === 0) continue;
      throw new Error(
        `the run blew up at ${split === 'train' ? 'training' : 'test'} image ${index}: the ${name} neurons' ${field}[${i}] became ${String(x)}, and nothing was saved from this run. ` +
          `The usual cause is negative weights: a differential pair holds weights down to −wMax, which act as negative conductances, and when they outweigh the leak a membrane potential diverges — ` +
          `a smaller wMax, cell 'single' or smaller learning rates avoid it; check also any excitatory or device overrides of the spec.`,
      );
    }
  }
}

function trainPhase(m: TrainedModel, p: TrainPhaseSpec, train: ImageDataset, resume: TrainProgress | null, report: () => void, answer: SampleAnswer): PhaseRun {
  const { model, window } = m;
  const start = resume ? resume.start : m.trainCursor;
  const reassignEvery = Math.max(100, Math.min(1000, Math.floor(p.samples / 10)));
  let epoch = resume ? resume.epoch : 0;
  let presentations = resume ? resume.presentations : 0;
  let judged = resume ? resume.judged : 0;
  let correct = resume ? resume.correct : 0;
  let seconds = resume ? resume.seconds : 0;
  const pulsesBefore = resume ? resume.pulsesBefore : pulsesApplied(model);
  const energyBefore = resume ? resume.energyBefore_nJ : programmingEnergy(model);
  let haveLabels = resume ? resume.haveLabels === 1 : m.runningLabels.some((l) => l >= 0);
  const total = p.samples * p.epochs;
  const onSample = (k: number): void => {
    const idx = (start + k) % train.count;
    const r = model.presenter.result;
    presentations += r.presentations;
    const cls = train.labels[idx];
    const predicted = haveLabels ? classify(r.counts, m.runningLabels) : -1;
    if (haveLabels) {
      judged++;
      if (predicted === cls) correct++;
    }
    noteAnswer(answer, 'train', idx, cls, predicted);
    window.push(r.counts, cls);
    m.trainedSamples++;
    m.trainCursor = (idx + 1) % train.count;
    if ((k + 1) % reassignEvery === 0) {
      window.assign(m.runningLabels);
      haveLabels = true;
    }
    if (k + 1 === p.samples) {
      // end of an epoch: the model's labels become the running ones
      window.assign(m.runningLabels);
      m.labels.set(m.runningLabels);
      haveLabels = m.runningLabels.some((l) => l >= 0);
    }
  };
  const epochLoop = (first: number) =>
    sampleLoop(m, p.samples, first, train, 'train', (k) => (start + k) % train.count, () => {}, (k) => {
      onSample(k);
      report();
    });
  let loop = epochLoop(resume ? resume.k : 0);
  const nextEpoch = () => {
    if (loop.k === p.samples && epoch + 1 < p.epochs) {
      epoch++;
      loop = epochLoop(0);
    }
  };
  const timed = <T>(f: () => T): T => {
    model.net.plasticity.enabled = true;
    const t0 = performance.now();
    const out = f();
    seconds += (performance.now() - t0) / 1000;
    return out;
  };
  const run: PhaseRun = {
    spec: p,
    name: 'train',
    total,
    get done() {
      return epoch * p.samples + loop.k;
    },
    get accuracy() {
      return judged > 0 ? correct / judged : Number.NaN;
    },
    get finished() {
      return epoch === p.epochs - 1 && loop.k === p.samples;
    },
    get midSample() {
      return loop.inSample;
    },
    get shown() {
      return loop.shown;
    },
    get seconds() {
      return seconds;
    },
    advanceSteps: (steps) =>
      timed(() => {
        let used = 0;
        let completed = 0;
        while (used < steps && !run.finished) {
          const [u, c] = loop.step(steps - used);
          used += u;
          completed += c;
          nextEpoch();
        }
        return [used, completed] as const;
      }),
    advanceSamples: (n) =>
      timed(() => {
        let completed = 0;
        while (completed < n && !run.finished) {
          completed += loop.samples(n - completed);
          nextEpoch();
        }
        return completed;
      }),
    result(): TrainResult {
      return {
        phase: 'train',
        samples: total,
        epochs: p.epochs,
        presentations,
        runningAccuracy: judged > 0 ? correct / judged : null,
        seconds,
        samplesPerSec: total / Math.max(seconds, 1e-9),
        trainedSamples: m.trainedSamples,
        pulses: pulsesApplied(model) - pulsesBefore,
        programmingEnergy_nJ: programmingEnergy(model) - energyBefore,
      };
    },
    trainedSnapshot: () => null,
    progress: () => ({ epoch, k: loop.k, start, presentations, judged, correct, seconds, pulsesBefore, energyBefore_nJ: energyBefore, haveLabels: haveLabels ? 1 : 0 }),
  };
  return run;
}

/**
 * A frozen phase runs from the trained state with plasticity off and puts the network back as it
 * was when it ends (state, random streams, step counter), so that what follows does not depend on it.
 */
function frozen(m: TrainedModel) {
  const net = m.model.net;
  let saved: NetworkSnapshot | null = null;
  return {
    enter() {
      if (saved === null) saved = net.snapshot();
      net.plasticity.enabled = false;
    },
    leave() {
      if (saved !== null) net.restore(saved);
      net.plasticity.enabled = true;
    },
    get saved() {
      return saved;
    },
  };
}

function labelPhase(m: TrainedModel, p: LabelPhaseSpec, train: ImageDataset, report: () => void): PhaseRun {
  // the last images of the set: held out from training unless training reached them
  const first = train.count - p.samples;
  const window = createResponseWindow(m.model.options.nExc, p.samples);
  const state = frozen(m);
  let seconds = 0;
  let result: LabelResult | null = null;
  const loop = sampleLoop(m, p.samples, 0, train, 'train', (k) => (first + k) % train.count, () => {}, (k) => {
    window.push(m.model.presenter.result.counts, train.labels[(first + k) % train.count]);
    if (k + 1 === p.samples) finish();
    report();
  });
  const finish = () => {
    const before = Int8Array.from(m.labels);
    window.assign(m.labels);
    let changed = 0;
    let unlabelled = 0;
    for (let i = 0; i < before.length; i++) {
      if (before[i] !== m.labels[i]) changed++;
      if (m.labels[i] < 0) unlabelled++;
    }
    state.leave();
    result = { phase: 'label', samples: p.samples, first, labelsChanged: changed, unlabelled, seconds: 0, samplesPerSec: 0 };
  };
  return frozenRun(p, 'label', state, loop, () => seconds, (s) => (seconds += s), () => Number.NaN, (): LabelResult => ({ ...result!, seconds, samplesPerSec: p.samples / Math.max(seconds, 1e-9) }));
}

function temporalPhase(m: TrainedModel, p: TemporalPhaseSpec, test: ImageDataset, report: () => void, answer: SampleAnswer): PhaseRun {
  if (p.images === 'independent') return independentPhase(m, p, test, report, answer);
  const { model } = m;
  const confusion = Array.from({ length: 10 }, () => new Array<number>(11).fill(0));
  const state = frozen(m);
  let correct = 0;
  let silent = 0;
  let energy = 0;
  let seconds = 0;
  let rowEnergy: Float64Array | null = null;
  const inputCounts = model.inputCounter.counts;
  const loop = sampleLoop(
    m,
    p.samples,
    0,
    test,
    'test',
    (k) => k,
    () => {
      rowEnergy ??= rowReadEnergies(model);
      model.inputCounter.reset();
    },
    (k) => {
      const r = model.presenter.result;
      for (let i = 0; i < inputCounts.length; i++) energy += inputCounts[i] * rowEnergy![i];
      if (r.silent) silent++;
      const predicted = classify(r.counts, m.labels);
      const cls = test.labels[k];
      noteAnswer(answer, 'test', k, cls, predicted);
      confusion[cls][predicted < 0 ? 10 : predicted]++;
      if (predicted === cls) correct++;
      if (k + 1 === p.samples) state.leave();
      report();
    },
  );
  return frozenRun(p, 'temporal', state, loop, () => seconds, (s) => (seconds += s), () => (loop.k > 0 ? correct / loop.k : Number.NaN), (): TemporalResult => ({
    phase: 'evaluate',
    mode: 'temporal',
    samples: p.samples,
    correct,
    accuracy: correct / p.samples,
    confusion,
    seconds,
    samplesPerSec: p.samples / Math.max(seconds, 1e-9),
    inferenceEnergy_nJ: energy / p.samples,
    silent,
    silentRate: silent / p.samples,
  }));
}

/**
 * The sample loop of independent images first … end − 1 (independent.ts): each starts from the
 * frozen phase's saved trained state with its own input stream; `onImage` gets each answer.
 */
function independentLoop(m: TrainedModel, state: ReturnType<typeof frozen>, test: ImageDataset, first: number, end: number, onImage: (index: number, predicted: number, silent: boolean, energy_nJ: number, presentations: number, counts: ArrayLike<number>) => void) {
  const { model } = m;
  let rowEnergy: Float64Array | null = null;
  return sampleLoop(
    m,
    end,
    first,
    test,
    'test',
    (k) => k,
    (k) => {
      startIndependentImage(model, state.saved!, k);
      rowEnergy ??= rowReadEnergies(model);
    },
    (k) => {
      const r = model.presenter.result;
      onImage(k, classify(r.counts, m.labels), r.silent, imageReadEnergy(model.inputCounter.counts, rowEnergy!), r.presentations, r.counts);
    },
  );
}

/** The result of a temporal evaluation from its tally (independent images). */
function independentResult(p: TemporalPhaseSpec, tally: EvaluationTally, seconds: number): TemporalResult {
  return {
    phase: 'evaluate',
    mode: 'temporal',
    samples: p.samples,
    correct: tally.correct,
    accuracy: tally.correct / p.samples,
    confusion: tally.confusion,
    seconds,
    samplesPerSec: p.samples / Math.max(seconds, 1e-9),
    inferenceEnergy_nJ: tally.energy_nJ / p.samples,
    silent: tally.silent,
    silentRate: tally.silent / p.samples,
  };
}

/** A temporal evaluation of independent images, in this thread. */
function independentPhase(m: TrainedModel, p: TemporalPhaseSpec, test: ImageDataset, report: () => void, answer: SampleAnswer): PhaseRun {
  const state = frozen(m);
  const tally = new EvaluationTally();
  let seconds = 0;
  const loop = independentLoop(m, state, test, 0, p.samples, (k, predicted, silent, energy) => {
    const cls = test.labels[k];
    tally.add(cls, predicted, silent, energy);
    noteAnswer(answer, 'test', k, cls, predicted);
    if (k + 1 === p.samples) state.leave();
    report();
  });
  return frozenRun(p, 'temporal', state, loop, () => seconds, (s) => (seconds += s), () => (loop.k > 0 ? tally.correct / loop.k : Number.NaN), () => independentResult(p, tally, seconds));
}

/**
 * Evaluates test images from … to − 1 of `test` by the independent-images protocol (independent.ts)
 * with the model's labels, and puts the network back as it was. An image's answer does not depend
 * on the range it is evaluated in, so slices evaluated anywhere (worker threads, other machines:
 * each loading the same model) and handed to `DiehlCookExperiment.completeFromAnswers` give the
 * result of one evaluation, bit for bit. `onImage(index, done, answers)` is called after each
 * image, its answer set in `answers`.
 */
export function evaluateIndependentImages(m: TrainedModel, test: ImageDataset, from: number, to: number, onImage?: (index: number, done: number, answers: ImageAnswers) => void): ImageAnswers {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from || to > test.count) {
    throw new Error(`evaluateIndependentImages: images ${from}…${to} (to exclusive) must be whole numbers with 0 ≤ from ≤ to ≤ ${test.count} (the test images of ${test.source}).`);
  }
  if (test.rows * test.cols !== m.model.options.nInput) throw new Error(`evaluateIndependentImages: ${test.source} holds ${test.rows}×${test.cols}-pixel images; the network has ${m.model.options.nInput} inputs.`);
  const answers = imageAnswers(from, to - from, m.model.options.nExc);
  if (from === to) return answers;
  const net = m.model.net;
  const plastic = net.plasticity.enabled;
  const state = frozen(m);
  state.enter();
  try {
    const loop = independentLoop(m, state, test, from, to, (k, predicted, silent, energy, presentations, counts) => {
      setAnswer(answers, k, predicted, silent, energy, presentations, counts);
      onImage?.(k, k + 1 - from, answers);
    });
    loop.samples(to - from);
  } finally {
    state.leave();
    net.plasticity.enabled = plastic;
  }
  return answers;
}

/** The PhaseRun of a frozen simulated phase over a sample loop. */
function frozenRun(spec: PhaseSpec, name: string, state: ReturnType<typeof frozen>, loop: ReturnType<typeof sampleLoop>, seconds: () => number, addSeconds: (s: number) => void, accuracy: () => number, result: () => PhaseResult): PhaseRun {
  const timed = <T>(f: () => T): T => {
    state.enter();
    const t0 = performance.now();
    const out = f();
    addSeconds((performance.now() - t0) / 1000);
    return out;
  };
  const run: PhaseRun = {
    spec,
    name,
    total: spec.samples,
    get done() {
      return loop.k;
    },
    get accuracy() {
      return accuracy();
    },
    get finished() {
      return loop.k === spec.samples;
    },
    get midSample() {
      return loop.inSample;
    },
    get shown() {
      return loop.shown;
    },
    get seconds() {
      return seconds();
    },
    advanceSteps: (steps) => (run.finished ? [0, 0] : timed(() => loop.step(steps))),
    advanceSamples: (n) => (run.finished ? 0 : timed(() => loop.samples(n))),
    result,
    trainedSnapshot: () => state.saved,
    progress: () => null,
  };
  return run;
}

function crossbarPhase(m: TrainedModel, spec: ExperimentSpec, p: CrossbarPhaseSpec, train: ImageDataset, test: ImageDataset, report: () => void): PhaseRun {
  const device = p.device ?? (spec.device === 'float' ? 'ideal' : spec.device);
  const stepsPerSample = m.model.presenter.stepsPerPresentation;
  let xbar: CrossbarRun | null = null;
  let seconds = 0;
  const start = () => (xbar ??= crossbarEvaluation(m.model, m.labels, test, { device: device === spec.device ? (deviceOf(spec) ?? device) : device, program: p.program, ageMs: p.age, compensate: p.compensate, samples: p.samples, seed: spec.seed, calibration: train, columnCorrection: p.columnCorrection, readout: p.readout }));
  const units = (n: number): number => {
    const x = start();
    const t0 = performance.now();
    let completed = 0;
    while (completed < n && !x.finished) {
      const c = x.advance(1);
      completed += c;
      if (c > 0) report();
    }
    seconds += (performance.now() - t0) / 1000;
    return completed;
  };
  const name = phaseName(p);
  const run: PhaseRun = {
    spec: p,
    name,
    total: p.samples,
    get done() {
      return xbar ? xbar.done : 0;
    },
    get accuracy() {
      return xbar && xbar.done > 0 ? xbar.correct / xbar.done : Number.NaN;
    },
    get finished() {
      return xbar !== null && xbar.finished;
    },
    midSample: false,
    shown: null,
    get seconds() {
      return seconds;
    },
    advanceSteps(steps) {
      // an image without simulated time counts as the steps of one presentation (at least one unit of work per call)
      const n = Math.max(1, Math.floor(steps / stepsPerSample));
      return [Math.min(steps, n * stepsPerSample), units(n)];
    },
    advanceSamples: (n) => {
      let completed = 0;
      while (completed < n && !run.finished) completed += units(n - completed);
      return completed;
    },
    result(): CrossbarResult {
      const r = xbar!.result();
      return {
        phase: 'evaluate',
        mode: 'crossbar',
        samples: r.samples,
        correct: r.correct,
        accuracy: r.accuracy,
        confusion: r.confusion,
        seconds,
        samplesPerSec: r.samples / Math.max(r.seconds, 1e-9),
        inferenceEnergy_nJ: r.inferenceEnergy_nJ,
        device,
        program: p.program,
        age: p.age,
        compensate: p.compensate,
        readout: p.readout,
        columnCorrection: r.columnCorrection,
        readoutOffset: r.readoutOffset,
        readoutPower: r.readoutPower,
        readoutTemperature: r.readoutTemperature,
        programmingPulses: r.programming.pulses,
        programmingEnergy_nJ: r.programmingEnergy_nJ,
        latencyUs: r.latencyUs,
      };
    },
    trainedSnapshot: () => null,
    progress: () => null,
  };
  return run;
}

function noteAnswer(a: SampleAnswer, split: 'train' | 'test', index: number, label: number, predicted: number): void {
  a.count++;
  a.split = split;
  a.index = index;
  a.label = label;
  a.predicted = predicted;
}

/** The display name of a phase ('train', 'label', 'temporal', 'crossbar w-v 1 year +comp', …). */
export function phaseName(p: PhaseSpec): string {
  if (p.phase !== 'evaluate') return p.phase;
  if (p.mode === 'temporal') return 'temporal';
  return `crossbar ${p.program === 'write-verify' ? 'w-v' : 'open-loop'} ${ageName(p.age)}${p.compensate ? ' +comp' : ''}${p.readout === 'vote' ? ' vote' : ''}`;
}

const MS_PER_DAY = 86_400_000;
/** A short name of an array age [ms]. */
export function ageName(ms: number): string {
  if (ms === 0) return 'fresh';
  if (ms === 3_600_000) return '1 h';
  if (ms === MS_PER_DAY) return '1 day';
  if (Math.abs(ms - 365.25 * MS_PER_DAY) < 1) return '1 year';
  return ms >= MS_PER_DAY ? `${+(ms / MS_PER_DAY).toPrecision(4)} days` : `${+(ms / 1000).toPrecision(4)} s`;
}

/** Relative cost of a frozen simulated image and of a crossbar image against a training image (ETA before they are measured). */
const COST_GUESS = Object.freeze({ frozen: 0.8, crossbar: 0.005 });

export interface ExperimentOptions {
  /** a model to continue (from a model file); default: a fresh one built from the spec */
  readonly trained?: TrainedModel;
  /** where an interrupted run stood (from a checkpoint) */
  readonly resume?: RunnerState;
  /** emit progress every this many samples; default 50 */
  readonly progressEvery?: number;
}

/** A Diehl & Cook experiment in progress. */
export class DiehlCookExperiment implements SteppableExperiment<ExperimentResult> {
  readonly spec: ExperimentSpec;
  readonly data: ExperimentData;
  readonly trained: TrainedModel;
  private readonly progress = new Subject<ExperimentProgress>();
  private readonly results: PhaseResult[];
  private index: number;
  private current: PhaseRun | null = null;
  private pendingTrain: TrainProgress | null;
  private readonly progressEvery: number;
  /** measured seconds per sample, by kind of phase */
  private readonly rates = { train: Number.NaN, frozen: Number.NaN, crossbar: Number.NaN };

  readonly progress$: Observable<ExperimentProgress> = this.progress.asObservable();
  /** the answer to the last finished sample of a training or temporal phase (count 0: none yet); read-only for users */
  readonly answer: SampleAnswer = { count: 0, split: 'train', index: -1, label: -1, predicted: -1 };

  constructor(spec: ExperimentSpec, data: ExperimentData, options: ExperimentOptions = {}) {
    checkData(spec, data);
    this.spec = spec;
    this.data = data;
    this.trained = options.trained ?? buildModel(spec);
    this.trained.model.rule.rateScale = spec.rateScale;
    this.progressEvery = options.progressEvery ?? 50;
    const r = options.resume;
    if (r && (r.phaseIndex < 0 || r.phaseIndex > spec.schedule.length || r.results.length !== r.phaseIndex)) throw new Error(`checkpoint: phase ${r.phaseIndex} with ${r.results.length} results does not fit a schedule of ${spec.schedule.length} phases (corrupt file).`);
    this.results = r ? r.results.slice() : [];
    this.index = r ? r.phaseIndex : 0;
    this.pendingTrain = r ? r.train : null;
  }

  get phaseIndex(): number {
    return this.index;
  }
  get finished(): boolean {
    return this.index >= this.spec.schedule.length;
  }
  get atSampleBoundary(): boolean {
    return this.current === null || !this.current.midSample;
  }
  /** The image the current simulated phase presents now or presented last (null when none). */
  get shown(): ShownSample | null {
    return this.current === null ? null : this.current.shown;
  }
  /** The current phase's spec, display name, progress and running accuracy (NaN: none yet); null when finished. */
  get phase(): { readonly spec: PhaseSpec; readonly name: string; readonly done: number; readonly total: number; readonly accuracy: number } | null {
    if (this.finished) return null;
    const p = this.current;
    if (p === null) {
      // a look does not start the phase (starting it is work: a frozen phase saves the trained state)
      const next = this.spec.schedule[this.index];
      const total = next.phase === 'train' ? next.samples * next.epochs : next.samples;
      const done = next.phase === 'train' && this.pendingTrain ? this.pendingTrain.epoch * next.samples + this.pendingTrain.k : 0;
      return { spec: next, name: phaseName(next), done, total, accuracy: Number.NaN };
    }
    return { spec: p.spec, name: p.name, done: p.done, total: p.total, accuracy: p.accuracy };
  }

  advance(slice: Slice): number {
    let completed = 0;
    if ('steps' in slice) {
      let budget = slice.steps;
      if (!(budget >= 0)) throw new Error(`advance({ steps: ${budget} }): give a number of steps ≥ 0.`);
      while (budget > 0 && !this.finished) {
        const p = this.enter();
        const [used, done] = p.advanceSteps(budget);
        budget -= used;
        completed += done;
        this.leaveIfFinished(p);
      }
    } else {
      const n = slice.samples;
      if (!(n >= 0)) throw new Error(`advance({ samples: ${n} }): give a number of samples ≥ 0.`);
      while (completed < n && !this.finished) {
        const p = this.enter();
        completed += p.advanceSamples(n - completed);
        this.leaveIfFinished(p);
      }
    }
    return completed;
  }

  /**
   * Finishes the current phase — a temporal evaluation of independent images that has not
   * started — from answers computed elsewhere: slices of its test images evaluated by
   * `evaluateIndependentImages` on this trained model with these labels (in worker threads, say).
   * They are merged in image order, so the result is the one `advance` would give, bit for bit,
   * with `seconds` as its wall time. Throws (changing nothing) if the phase is not such an
   * evaluation or the slices do not cover its images.
   */
  completeFromAnswers(parts: readonly ImageAnswers[], seconds: number): void {
    const p = this.finished ? null : this.spec.schedule[this.index];
    if (p === null || p.phase !== 'evaluate' || p.mode !== 'temporal' || p.images !== 'independent') {
      throw new Error(`completeFromAnswers: the current phase (${p === null ? 'none: the run is finished' : phaseName(p)}) is not a temporal evaluation of independent images (schedule[${this.index}].images = 'independent').`);
    }
    if (this.current !== null) throw new Error(`completeFromAnswers: schedule[${this.index}] has started here already (${this.current.done} of ${this.current.total} images); answers from elsewhere finish only a phase not started.`);
    if (!(seconds >= 0)) throw new Error(`completeFromAnswers: seconds = ${seconds}; give the wall time of the evaluation, ≥ 0.`);
    const test = this.data.test!;
    const ordered = orderedAnswers(parts, p.samples);
    const tally = new EvaluationTally();
    for (const a of ordered) {
      for (let j = 0; j < a.predicted.length; j++) {
        const k = a.first + j;
        const cls = test.labels[k];
        tally.add(cls, a.predicted[j], a.silent[j] === 1, a.energy_nJ[j]);
        noteAnswer(this.answer, 'test', k, cls, a.predicted[j]);
      }
    }
    const r = independentResult(p, tally, seconds);
    this.results.push(r);
    if (r.samples > 0 && r.seconds > 0) this.rates.frozen = r.seconds / r.samples;
    this.index++;
  }

  /** Where the run stands (for a checkpoint; at a sample boundary). */
  state(): { readonly runner: RunnerState; readonly snapshot: NetworkSnapshot | null } {
    if (!this.atSampleBoundary) throw new Error('checkpoint: a sample is half presented; advance to a sample boundary first (advance({ samples: 1 })).');
    const p = this.current;
    return {
      runner: { phaseIndex: this.index, train: p ? p.progress() : this.pendingTrain, results: this.results.slice() },
      snapshot: p ? p.trainedSnapshot() : null,
    };
  }

  result(): ExperimentResult {
    if (!this.finished) throw new Error(`the experiment is at phase ${this.index + 1} of ${this.spec.schedule.length}; advance it to the end first.`);
    return {
      spec: this.spec,
      data: identities(this.data),
      phases: this.results.slice(),
      model: this.summary(),
      seconds: this.seconds(),
    };
  }

  /** The model's state now (neurons, device, training so far, pulses and energy). */
  summary(): ExperimentResult['model'] {
    const m = this.trained.model;
    const energy = programmingEnergy(m);
    return { neurons: this.spec.neurons, device: this.spec.device, trainedSamples: this.trained.trainedSamples, pulses: pulsesApplied(m), programmingEnergy_nJ: energy, programmingEnergyPerSample_nJ: energy / Math.max(1, this.trained.trainedSamples) };
  }

  /** Typed results of the phases finished so far. */
  get phaseResults(): readonly PhaseResult[] {
    return this.results;
  }

  /** Wall time of the phases so far, before a resume included [s]. */
  private seconds(): number {
    return this.results.reduce((s, r) => s + r.seconds, 0) + (this.current ? this.current.seconds : 0);
  }

  private enter(): PhaseRun {
    if (this.current) return this.current;
    const p = this.spec.schedule[this.index];
    const report = () => this.report();
    const { train, test } = this.data;
    switch (p.phase) {
      case 'train':
        this.current = trainPhase(this.trained, p, train, this.pendingTrain, report, this.answer);
        this.pendingTrain = null;
        break;
      case 'label':
        this.current = labelPhase(this.trained, p, train, report);
        break;
      case 'evaluate':
        this.current = p.mode === 'temporal' ? temporalPhase(this.trained, p, test!, report, this.answer) : crossbarPhase(this.trained, this.spec, p, train, test!, report);
        break;
    }
    return this.current;
  }

  private leaveIfFinished(p: PhaseRun): void {
    if (!p.finished) return;
    const r = p.result();
    this.results.push(r);
    const kind = kindOf(p.spec);
    if (r.samples > 0 && r.seconds > 0) this.rates[kind] = r.seconds / r.samples;
    this.current = null;
    this.index++;
  }

  /** Called after every sample; emits every `progressEvery` samples and at the end of a phase, only while observed. */
  private report(): void {
    if (!this.progress.observed) return;
    const p = this.current;
    if (!p || (p.done % this.progressEvery !== 0 && p.done !== p.total)) return;
    const perSample = p.seconds / Math.max(p.done, 1);
    this.progress.next({
      phase: p.spec.phase,
      name: p.name,
      index: this.index,
      phases: this.spec.schedule.length,
      done: p.done,
      total: p.total,
      samplesPerSec: p.done / Math.max(p.seconds, 1e-9),
      accuracy: p.accuracy,
      etaSeconds: this.eta(p, perSample),
    });
  }

  /** Seconds left: the current phase at its own rate, later phases at the rate measured for their kind (or a guess from it). */
  private eta(p: PhaseRun, perSample: number): number {
    const kind = kindOf(p.spec);
    const rates = { ...this.rates };
    if (p.done > 0) rates[kind] = perSample;
    const base = Number.isFinite(rates.train) ? rates.train : Number.isFinite(rates.frozen) ? rates.frozen / COST_GUESS.frozen : rates.crossbar / COST_GUESS.crossbar;
    const rate = (k: keyof typeof rates) => (Number.isFinite(rates[k]) ? rates[k] : base * (k === 'train' ? 1 : COST_GUESS[k]));
    let left = (p.total - p.done) * rate(kind);
    for (let i = this.index + 1; i < this.spec.schedule.length; i++) {
      const q = this.spec.schedule[i];
      left += (q.phase === 'train' ? q.samples * q.epochs : q.samples) * rate(kindOf(q));
    }
    return left;
  }
}

function kindOf(p: PhaseSpec): 'train' | 'frozen' | 'crossbar' {
  return p.phase === 'train' ? 'train' : p.phase === 'evaluate' && p.mode === 'crossbar' ? 'crossbar' : 'frozen';
}

/** Data identities of an experiment's data (the test identity only when it evaluates). */
export function identities(data: ExperimentData): { readonly train: DataIdentity; readonly test: DataIdentity | null } {
  return { train: dataIdentity(data.train), test: data.test ? dataIdentity(data.test) : null };
}
