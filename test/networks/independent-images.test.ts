/**
 * The independent-images protocol of a temporal evaluation (networks/diehl-cook/independent.ts):
 * each test image from the trained state with its input stream seeded by (seed, image index), so
 * that an image's answer does not depend on the images evaluated before it, slices evaluated apart
 * merge into the result of one evaluation bit for bit, and the default sequential protocol and
 * every spec without the field are unchanged.
 */
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../networks/datasets/idx-node.js';
import { canonicalSpec, resolveSpec, type ExperimentSpec } from '../../networks/diehl-cook/spec.js';
import { DiehlCookExperiment, evaluateIndependentImages, type TrainedModel } from '../../networks/diehl-cook/experiment.js';
import { imageAnswers, type ImageAnswers } from '../../networks/diehl-cook/independent.js';
import { loadModel, saveModel } from '../../networks/diehl-cook/model-file.js';
import { decodeModel, encodeModel } from '../../networks/persist/model-file.js';
import { dataIdentity } from '../../networks/experiment/data.js';
import type { PhaseResult } from '../../networks/diehl-cook/results.js';

const train = loadMnist({ split: 'train' });
const test = loadMnist({ split: 'test' });

/** Phase results without wall times (which no two runs share). */
function timeless(rs: readonly PhaseResult[]) {
  return rs.map((r) => {
    const { seconds: _s, samplesPerSec: _r, ...rest } = r;
    return rest;
  });
}

/** A small trained hfs2 model (device read energy is not zero). */
function trainedModel(): { spec: ExperimentSpec; trained: TrainedModel } {
  const spec = resolveSpec({ neurons: 12, seed: 5, schedule: [{ phase: 'train', samples: 30 }] });
  const e = new DiehlCookExperiment(spec, { train, test: null });
  e.advance({ samples: Infinity });
  return { spec, trained: e.trained };
}
const { spec: trainedSpec, trained } = trainedModel();
const evalSpec = (samples: number, images?: string) => resolveSpec({ ...trainedSpec, schedule: [{ phase: 'evaluate', mode: 'temporal', samples, ...(images ? { images } : {}) }] }, { trained: true });

/** Everything of the network's state a frozen evaluation must leave as it found it. */
function state(t: TrainedModel) {
  const m = t.model;
  return { snapshot: m.net.snapshot(), plasticity: m.net.plasticity.enabled, labels: Array.from(t.labels) };
}
const N = 12;
const plain = (a: ImageAnswers) => ({ first: a.first, predicted: Array.from(a.predicted), silent: Array.from(a.silent), energy: Array.from(a.energy_nJ), presentations: Array.from(a.presentations), counts: Array.from(a.counts) });

describe('temporal evaluation of independent images', () => {
  it('slices evaluated apart (any split, any order) merge into the runner’s result, bit for bit — whole samples or step slices', () => {
    const sp = evalSpec(16, 'independent');
    const whole = new DiehlCookExperiment(sp, { train, test }, { trained });
    whole.advance({ samples: Infinity });
    const stepped = new DiehlCookExperiment(sp, { train, test }, { trained });
    while (!stepped.finished) stepped.advance({ steps: 137 });
    expect(timeless(stepped.result().phases)).toEqual(timeless(whole.result().phases));
    const r = whole.result().phases[0];
    expect(r).toMatchObject({ phase: 'evaluate', mode: 'temporal', samples: 16 });
    expect(r.phase === 'evaluate' && r.inferenceEnergy_nJ).toBeGreaterThan(0);
    for (const cuts of [[0, 16], [0, 5, 11, 16], [0, 1, 2, 3, 16]]) {
      const parts = cuts.slice(1).map((to, i) => evaluateIndependentImages(trained, test, cuts[i], to));
      const merged = new DiehlCookExperiment(sp, { train, test }, { trained });
      merged.completeFromAnswers(parts.reverse(), 1.5);
      expect(merged.finished).toBe(true);
      expect(timeless(merged.result().phases)).toEqual(timeless(whole.result().phases));
      expect(merged.result().phases[0].seconds).toBe(1.5);
      expect(merged.answer).toMatchObject({ count: 16, index: 15, label: test.labels[15] });
    }
  });

  it("image k's answer does not depend on which images precede it: images 6…11 alone equal the same images inside 0…15 and after other work", () => {
    const inside = evaluateIndependentImages(trained, test, 0, 16);
    const alone = evaluateIndependentImages(trained, test, 6, 12);
    // other work first: a sequential evaluation and a different range move the network and its streams, then are undone
    new DiehlCookExperiment(evalSpec(5), { train, test }, { trained }).advance({ samples: Infinity });
    evaluateIndependentImages(trained, test, 40, 43);
    const later = evaluateIndependentImages(trained, test, 6, 12);
    const sub = (a: ImageAnswers, from: number, to: number) => {
      const [i, j] = [from - a.first, to - a.first];
      return { first: from, predicted: Array.from(a.predicted.subarray(i, j)), silent: Array.from(a.silent.subarray(i, j)), energy: Array.from(a.energy_nJ.subarray(i, j)), presentations: Array.from(a.presentations.subarray(i, j)), counts: Array.from(a.counts.subarray(i * N, j * N)) };
    };
    expect(plain(alone)).toEqual(sub(inside, 6, 12));
    expect(plain(later)).toEqual(plain(alone));
    // the answers are answers: classes of labelled neurons, energies of real input spikes
    expect(alone.predicted.every((c) => c >= -1 && c <= 9)).toBe(true);
    expect(alone.energy_nJ.every((e) => e > 0)).toBe(true);
    expect(alone.presentations.every((p) => p >= 1)).toBe(true);
    expect(alone.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('each image gets its own input stream: the same image shown as image 3 and as image 4 is answered with other spikes', () => {
    // a dataset whose images 3 and 4 are the same picture: the protocol seeds by index, not by content
    const n = 784;
    const pixels = new Uint8Array(5 * n);
    for (let k = 0; k < 5; k++) pixels.set(test.pixels.subarray(3 * n, 4 * n), k * n);
    const same = { ...test, count: 5, pixels, labels: test.labels.slice(0, 5), source: 'image 3, five times' };
    const a = evaluateIndependentImages(trained, same, 0, 5);
    expect(new Set(Array.from(a.energy_nJ)).size).toBeGreaterThan(1);
    // and it is the same as the real image 3 at index 3
    expect(a.energy_nJ[3]).toBe(evaluateIndependentImages(trained, test, 3, 4).energy_nJ[0]);
  });

  it('leaves the trained network as it found it (state, streams, step, plasticity switch, labels)', () => {
    const before = state(trained);
    evaluateIndependentImages(trained, test, 0, 4);
    expect(state(trained)).toEqual(before);
    trained.model.net.plasticity.enabled = false;
    evaluateIndependentImages(trained, test, 0, 2);
    expect(trained.model.net.plasticity.enabled).toBe(false);
    trained.model.net.plasticity.enabled = true;
    const e = new DiehlCookExperiment(evalSpec(4, 'independent'), { train, test }, { trained });
    e.advance({ samples: Infinity });
    expect(state(trained)).toEqual(before);
  });

  it('is a different protocol from the default sequential evaluation, which is unchanged by it', () => {
    const seq = new DiehlCookExperiment(evalSpec(16), { train, test }, { trained });
    seq.advance({ samples: Infinity });
    const seqAgain = new DiehlCookExperiment(resolveSpec({ ...trainedSpec, schedule: [{ phase: 'evaluate', mode: 'temporal', samples: 16, images: 'sequential' }] }, { trained: true }), { train, test }, { trained });
    seqAgain.advance({ samples: Infinity });
    expect(timeless(seqAgain.result().phases)).toEqual(timeless(seq.result().phases));
    const ind = new DiehlCookExperiment(evalSpec(16, 'independent'), { train, test }, { trained });
    ind.advance({ samples: Infinity });
    const e = (x: DiehlCookExperiment) => (x.result().phases[0] as { inferenceEnergy_nJ: number }).inferenceEnergy_nJ;
    expect(e(ind)).not.toBe(e(seq));
    // image 0 starts from the trained state in both protocols; only its input stream differs
    expect(seq.result().phases[0].samples).toBe(16);
  });

  it('refuses answers that are not a whole evaluation of independent images, changing nothing', () => {
    const parts = [evaluateIndependentImages(trained, test, 0, 3), evaluateIndependentImages(trained, test, 3, 6)];
    const seq = new DiehlCookExperiment(evalSpec(6), { train, test }, { trained });
    expect(() => seq.completeFromAnswers(parts, 1)).toThrow(/current phase \(temporal\) is not a temporal evaluation of independent images \(schedule\[0\]\.images = 'independent'\)/);
    const e = new DiehlCookExperiment(evalSpec(6, 'independent'), { train, test }, { trained });
    expect(() => e.completeFromAnswers([parts[0]], 1)).toThrow(/answers cover images 0…2, the evaluation has 6/);
    expect(() => e.completeFromAnswers([parts[0], parts[0]], 1)).toThrow(/answers to images 0…2 do not continue where the previous slice ended \(image 3\)/);
    const bad = imageAnswers(3, 3, N);
    bad.predicted[1] = 12;
    expect(() => e.completeFromAnswers([parts[0], bad], 1)).toThrow(/the answer to image 4 is class 12/);
    expect(() => e.completeFromAnswers(parts, Number.NaN)).toThrow(/seconds = NaN/);
    expect(e.finished).toBe(false);
    expect(e.answer.count).toBe(0);
    e.advance({ samples: 1 });
    expect(() => e.completeFromAnswers(parts, 1)).toThrow(/has started here already \(1 of 6 images\)/);
    expect(() => evaluateIndependentImages(trained, test, 5, 3)).toThrow(/images 5…3 .* 0 ≤ from ≤ to ≤ 10000/);
    expect(() => evaluateIndependentImages(trained, test, 0, 10_001)).toThrow(/≤ 10000/);
    expect(plain(evaluateIndependentImages(trained, test, 7, 7))).toEqual({ first: 7, predicted: [], silent: [], energy: [], presentations: [], counts: [] });
  });
});

describe("the spec field schedule[i].images", () => {
  it("'sequential' is the default and is left out of the resolved spec: specs, their canonical JSON and model files read as before the field", () => {
    const none = resolveSpec({ schedule: [{ phase: 'train', samples: 10 }, { phase: 'evaluate', mode: 'temporal', samples: 5 }] });
    const seq = resolveSpec({ schedule: [{ phase: 'train', samples: 10 }, { phase: 'evaluate', mode: 'temporal', samples: 5, images: 'sequential' }] });
    expect(canonicalSpec(seq)).toBe(canonicalSpec(none));
    expect(none.schedule[1]).toEqual({ phase: 'evaluate', mode: 'temporal', samples: 5 });
    expect(canonicalSpec(none)).not.toMatch(/images/);
    const ind = resolveSpec({ schedule: [{ phase: 'train', samples: 10 }, { phase: 'evaluate', mode: 'temporal', samples: 5, images: 'independent' }] });
    expect(ind.schedule[1]).toEqual({ phase: 'evaluate', mode: 'temporal', samples: 5, images: 'independent' });
    expect(canonicalSpec(resolveSpec(JSON.parse(canonicalSpec(ind))))).toBe(canonicalSpec(ind));
  });

  it('is refused where it does not apply or with an unknown value, naming the field and the fix', () => {
    const at = (p: Record<string, unknown>) => () => resolveSpec({ schedule: [{ phase: 'train', samples: 10 }, { phase: 'evaluate', samples: 5, ...p }] });
    expect(at({ mode: 'temporal', images: 'parallel' })).toThrow(/schedule\[1\]\.images = "parallel": is not one of 'sequential', 'independent'; 'sequential': one simulation through all images/);
    expect(at({ mode: 'crossbar', images: 'independent' })).toThrow(/schedule\[1\]\.images = "independent": applies to temporal evaluations only .* leave it out/);
    expect(at({ mode: 'temporal', images: 'independent', age: 5 })).toThrow(/schedule\[1\]\.age = 5: applies to crossbar evaluations only/);
  });

  it('a model file whose spec evaluates independent images round-trips; one written without the field loads as sequential', () => {
    const withField = resolveSpec({ ...trainedSpec, schedule: [...trainedSpec.schedule, { phase: 'evaluate', mode: 'temporal', samples: 3, images: 'independent' }] });
    const doc = saveModel({ spec: withField, trainData: dataIdentity(train), trained });
    const back = loadModel(decodeModel(encodeModel(doc), 'm'), 'm');
    expect(canonicalSpec(back.spec)).toBe(canonicalSpec(withField));
    const old = loadModel(decodeModel(encodeModel(saveModel({ spec: trainedSpec, trainData: dataIdentity(train), trained })), 'old'), 'old');
    expect(canonicalSpec(old.spec)).toBe(canonicalSpec(trainedSpec));
    expect(JSON.stringify(old.spec)).not.toMatch(/images/);
  });
});
