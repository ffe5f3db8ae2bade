import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../networks/datasets/idx-node.js';
import { image } from '../../networks/datasets/image-dataset.js';
import { resolveSpec } from '../../networks/diehl-cook/spec.js';
import { buildModel } from '../../networks/diehl-cook/experiment.js';
import { classifyDrives, crossbarEvaluate, crossbarEvaluation } from '../../networks/diehl-cook/crossbar.js';
import { PIXEL_RATE_DIVISOR, PRESENTATION_MS, START_INTENSITY } from '../../networks/datasets/encoding.js';
import { IO_IDEAL } from '../../core/crossbar/params.js';

const train = loadMnist({ split: 'train' });
const test = loadMnist({ split: 'test' });

/** RMS of (responses − exact products) over the first `samples` test images, relative to the RMS of the products. */
function relativeRmsError(responses: Float32Array, weights: ArrayLike<number>, nOut: number, samples: number): number {
  const count = (START_INTENSITY / PIXEL_RATE_DIVISOR) * PRESENTATION_MS / 1000;
  let se = 0, ss = 0;
  const y = new Float64Array(nOut);
  for (let k = 0; k < samples; k++) {
    const px = image(test, k);
    y.fill(0);
    for (let i = 0; i < px.length; i++) for (let j = 0; j < nOut; j++) y[j] += px[i] * count * weights[i * nOut + j];
    for (let j = 0; j < nOut; j++) {
      se += (responses[k * nOut + j] - y[j]) ** 2;
      ss += y[j] ** 2;
    }
  }
  return Math.sqrt(se / ss);
}

describe('crossbar inference: per-column affine correction', () => {
  // An untrained 20-neuron network (its random initial weights): the correction concerns the
  // products, not the classification.
  const { model, labels } = buildModel(resolveSpec({ device: 'float', neurons: 20, seed: 2 }));
  const w = model.inputToExc.store.weights;
  const samples = 200;
  const run = (io: object, columnCorrection: boolean) =>
    crossbarEvaluate(model, labels, test, { device: 'ideal', io: { ...IO_IDEAL, ...io }, calibration: train, calibrationSamples: 500, seed: 1, columnCorrection, samples });

  it('is the identity on an ideal array (the products are already exact)', () => {
    const e = run({}, true);
    expect(e.columnCorrection).toBe(true);
    expect(relativeRmsError(e.responses, w, 20, samples)).toBeLessThan(1e-6);
  });

  it('takes out most of the IR drop error on held-out images (measured: relative RMS error 3.3 % → 0.21 %)', () => {
    // 0.03 Ω per segment under ≤ 100 µS devices: R·G·N²/2 ≈ 0.1 over a 256-row tile.
    const ir = { rowWireResistance: 0.03, colWireResistance: 0.03 };
    const raw = relativeRmsError(run(ir, false).responses, w, 20, samples);
    const corrected = relativeRmsError(run(ir, true).responses, w, 20, samples);
    expect(raw).toBeGreaterThan(0.02);
    expect(corrected).toBeLessThan(raw / 4);
  });
});

describe('crossbar inference: readouts', () => {
  const labels = Int8Array.from([0, 0, 1, -1]);
  const r = new Float64Array(4); // the neurons' vote responses (scratch)
  const none = new Float64Array(4);
  const unit = new Float64Array(4).fill(1);

  it('τ = 0 is the label of the most driven neuron (−1 when that neuron has no label)', () => {
    expect(classifyDrives(Float64Array.from([10, 2, 9, 0]), 0, none, 0, unit, 0, labels, r)).toBe(0);
    expect(classifyDrives(Float64Array.from([1, 2, 9, 0]), 0, none, 0, unit, 0, labels, r)).toBe(1);
    expect(classifyDrives(Float64Array.from([1, 2, 3, 50]), 0, none, 0, unit, 0, labels, r)).toBe(-1);
  });

  it('the vote is the class mean of e^((s − max)/(τ·|max|)): closed form at two temperatures', () => {
    // drives 10, 2 (class 0) and 9 (class 1); max 10.
    // τ = 0.1: class 0 (1 + e^−8)/2 = 0.5002 > class 1 e^−1 = 0.368 → 0
    // τ = 1:   class 0 (1 + e^−0.8)/2 = 0.725 < class 1 e^−0.1 = 0.905 → 1
    const y = Float64Array.from([10, 2, 9, 0]);
    expect(classifyDrives(y, 0, none, 0, unit, 0.1, labels, r)).toBe(0);
    expect((r[0] + r[1]) / 2).toBeCloseTo((1 + Math.exp(-8)) / 2, 12);
    expect(r[2]).toBeCloseTo(Math.exp(-1), 12);
    expect(classifyDrives(y, 0, none, 0, unit, 1, labels, r)).toBe(1);
    expect((r[0] + r[1]) / 2).toBeCloseTo((1 + Math.exp(-0.8)) / 2, 12);
    // the offset α·ȳ and the gain enter the score: s = (y − α·ȳ)·gain
    const offsets = Float64Array.from([0, 0, 4, 0]);
    expect(classifyDrives(y, 0, offsets, 1, unit, 0, labels, r)).toBe(0); // 9 − 4 = 5 < 10
    expect(classifyDrives(y, 0, none, 0, Float64Array.from([1, 1, 2, 1]), 0, labels, r)).toBe(1); // 18 > 10
  });

  it('an unknown readout is an error naming it and the choices', () => {
    const { model, labels } = buildModel(resolveSpec({ device: 'float', neurons: 5, seed: 1 }));
    expect(() => crossbarEvaluation(model, labels, test, { device: 'ideal', samples: 1, readout: 'mode' as never })).toThrow(/readout = "mode" is not a readout; give winner or vote/);
  });

  it('advances a bounded amount of work per call: the programming, each calibration image, each test image', () => {
    const { model, labels } = buildModel(resolveSpec({ device: 'float', neurons: 5, seed: 1 }));
    const o = { device: 'ideal', io: IO_IDEAL, calibration: train, calibrationSamples: 3, seed: 1, samples: 4 };
    const r = crossbarEvaluation(model, labels, test, o);
    // 1 programming + 3 calibration images before the first test image
    expect([r.advance(1), r.advance(3), r.done]).toEqual([0, 0, 0]);
    expect(r.advance(1)).toBe(1);
    expect(r.advance(10)).toBe(3);
    expect(r.finished).toBe(true);
    const whole = crossbarEvaluate(model, labels, test, o);
    expect(Array.from(r.result().responses)).toEqual(Array.from(whole.responses));
    expect(() => crossbarEvaluation(model, labels, test, { ...o, samples: 10_001 })).toThrow(/10001 test images from 0 do not fit/);
  });
});
