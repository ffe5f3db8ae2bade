/**
 * The 'independent images' protocol of a temporal evaluation (spec.ts `images: 'independent'`):
 * every test image starts from the trained state — membrane potentials, conductances, traces,
 * refractoriness, adaptive thresholds, step counter and every random stream as the frozen phase
 * found them — and its Poisson input stream is seeded from (network seed, image index) alone. An
 * image's answer is then a function of the trained network and that image, whatever was shown
 * before it, so any split of the test images (worker threads, machines) gives the same answers;
 * the totals are merged in image order (energy: the sum of per-image subtotals, k = 0, 1, …), so
 * any split gives the same result, bit for bit.
 *
 * The default protocol, 'sequential', is one simulation through all the images, as Diehl & Cook
 * ran it: the 150 ms rest after an image leaves about a fifth of its membrane deviation and the
 * input stream goes on, so image k's answer depends on image k − 1, and the evaluation cannot be
 * split. The two protocols give different (statistically equivalent) answers for the same model.
 *
 * This module holds the per-image pieces; the runner's independent phase and the range function
 * `evaluateIndependentImages` (experiment.ts) both use them. Browser-safe.
 */
import type { NetworkSnapshot } from '../../core/network.js';
import { RandomStream } from '../../core/random.js';
import type { DiehlCookModel } from './network.js';

/** The label of the stream the input population draws from (core/populations/poisson.ts: `${label}/poisson`). */
const INPUT_STREAM = 'input/poisson';

/** The seed label of test image `index`'s input stream (distinct from every stream a network derives). */
export function imageStreamLabel(seed: string, index: number): string {
  return `${seed}/${INPUT_STREAM}/test/${index}`;
}

/**
 * Puts the network in the state test image `index` starts from: the trained state `trained`
 * (a snapshot taken when the frozen phase began), plasticity off, the input stream seeded from
 * (seed, index), the input spike counter (read energy) at zero.
 */
export function startIndependentImage(model: DiehlCookModel, trained: NetworkSnapshot, index: number): void {
  const net = model.net;
  net.restore(trained);
  net.plasticity.enabled = false;
  net.random.stream(INPUT_STREAM).state.set(new RandomStream(imageStreamLabel(net.random.seed, index)).state);
  model.inputCounter.reset();
}

/** Read energy of the image just presented [nJ]: Σᵢ input spikesᵢ · E_row(i), summed from zero (energy.ts). */
export function imageReadEnergy(inputCounts: ArrayLike<number>, rowEnergy: Float64Array): number {
  let e = 0;
  for (let i = 0; i < rowEnergy.length; i++) e += inputCounts[i] * rowEnergy[i];
  return e;
}

/**
 * Answers to the consecutive test images first … first + count − 1 (struct of arrays): what a
 * worker hands back for its slice, and all a temporal result is made of.
 */
export interface ImageAnswers {
  /** index of the first image */
  readonly first: number;
  /** predicted class per image (−1: no labelled neuron answered) */
  readonly predicted: Int8Array;
  /** 1 where the image was silent (fewer than 5 excitatory spikes at every intensity) */
  readonly silent: Uint8Array;
  /** read energy of each image [nJ] */
  readonly energy_nJ: Float64Array;
  /** presentations of each image (1 + re-presentations at higher intensity) */
  readonly presentations: Uint8Array;
  /** excitatory spike counts of each image's last presentation, image after image (count × neurons) */
  readonly counts: Uint16Array;
}

/** Empty answers for `count` images from `first` by a network of `neurons` excitatory neurons (filled by `setAnswer`). */
export function imageAnswers(first: number, count: number, neurons: number): ImageAnswers {
  return { first, predicted: new Int8Array(count), silent: new Uint8Array(count), energy_nJ: new Float64Array(count), presentations: new Uint8Array(count), counts: new Uint16Array(count * neurons) };
}

/** Records image `index`'s answer (index within first … first + count − 1). */
export function setAnswer(a: ImageAnswers, index: number, predicted: number, silent: boolean, energy_nJ: number, presentations: number, counts: ArrayLike<number>): void {
  const j = index - a.first;
  a.predicted[j] = predicted;
  a.silent[j] = silent ? 1 : 0;
  a.energy_nJ[j] = energy_nJ;
  a.presentations[j] = Math.min(255, presentations);
  const n = counts.length;
  for (let i = 0; i < n; i++) a.counts[j * n + i] = Math.min(65535, counts[i]);
}

/** The totals of a temporal evaluation, accumulated image by image in image order. */
export class EvaluationTally {
  correct = 0;
  silent = 0;
  /** Σ of the per-image read energies, added in image order [nJ] */
  energy_nJ = 0;
  /** images added */
  images = 0;
  /** confusion[true class][predicted class]; column 10: no prediction */
  readonly confusion: number[][] = Array.from({ length: 10 }, () => new Array<number>(11).fill(0));

  add(label: number, predicted: number, silent: boolean, energy_nJ: number): void {
    this.confusion[label][predicted < 0 ? 10 : predicted]++;
    if (predicted === label) this.correct++;
    if (silent) this.silent++;
    this.energy_nJ += energy_nJ;
    this.images++;
  }
}

/**
 * Checks that `parts` are the answers to images 0 … samples − 1 — consecutive slices, given in any
 * order, with predictions that are classes — and returns them in image order. Throws otherwise.
 */
export function orderedAnswers(parts: readonly ImageAnswers[], samples: number): ImageAnswers[] {
  const sorted = parts.slice().sort((a, b) => a.first - b.first);
  let next = 0;
  for (const a of sorted) {
    const n = a.predicted.length;
    if (a.first !== next || a.silent.length !== n || a.energy_nJ.length !== n || a.presentations.length !== n || (n > 0 && a.counts.length % n !== 0)) {
      throw new Error(`answers to images ${a.first}…${a.first + n - 1} do not continue where the previous slice ended (image ${next}); give consecutive slices covering images 0…${samples - 1}.`);
    }
    for (let j = 0; j < n; j++) {
      const c = a.predicted[j];
      if (c < -1 || c > 9) throw new Error(`the answer to image ${a.first + j} is class ${c}; a prediction is a class 0…9, or −1 for none.`);
    }
    next += n;
  }
  if (next !== samples) throw new Error(`answers cover images 0…${next - 1}, the evaluation has ${samples}; give consecutive slices covering images 0…${samples - 1}.`);
  return sorted;
}
