import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../networks/datasets/idx-node.js';
import { sliceDataset } from '../../networks/datasets/image-dataset.js';
import { buildDiehlCook, diehlCookSpec, loadDiehlCook, saveDiehlCook } from '../../networks/diehl-cook-spec.js';
import { encodeModel, decodeModel } from '../../networks/persist/model-file.js';
import { image } from '../../networks/datasets/image-dataset.js';
import { assignLabels } from '../../networks/diehl-cook.js';
import { crossbarEvaluate, programCrossbar } from '../../networks/crossbar-inference.js';
import { IO_IDEAL } from '../../core/crossbar/params.js';

const train = loadMnist({ split: 'train' });
const test = loadMnist({ split: 'test' });

function state(m: ReturnType<typeof buildDiehlCook>['model']) {
  return {
    w: Array.from(m.inputToExc.store.weights),
    theta: Array.from(m.exc.state.theta),
    v: Array.from(m.exc.state.v),
    vi: Array.from(m.inh.state.v),
    step: m.net.currentStep,
  };
}

describe('Diehl & Cook 2015 on MNIST', () => {
  it('a 100-neuron network trained on 1000 samples classifies the first 1000 test images far above chance (≥ 45 %; measured 60.2 %)', () => {
    const { model, exp } = buildDiehlCook(diehlCookSpec({ nExc: 100, seed: 1 }));
    exp.train(train, { samples: 1000 });
    const labelsBefore = Array.from(model.labels);
    const ev = exp.evaluate(test, 1000);
    expect(ev.accuracy).toBeGreaterThanOrEqual(0.45);
    // evaluation never touches the label assignment (labels come from training responses only)
    expect(Array.from(model.labels)).toEqual(labelsBefore);
    const r = exp.responses();
    expect(r.count).toBe(1000);
    expect(Array.from(r.classes)).toEqual(Array.from(train.labels.subarray(0, 1000)));
    // confusion matrix rows sum to the class counts of the evaluated images
    const perClass = new Array(10).fill(0);
    for (let k = 0; k < 1000; k++) perClass[test.labels[k]]++;
    expect(ev.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(perClass);

    // Rate-coded crossbar inference of the same weights (ideal devices, ideal IO, readout calibrated on
    // training images) is no worse than the temporal simulation: measured 67.0 % vs 60.2 % here
    // (for this young network the drive-based winner is the better classifier); asserted ≥ temporal − 2 points.
    const o = { device: 'ideal', io: IO_IDEAL, calibration: train, calibrationSamples: 1000, seed: 1 };
    const xb = crossbarEvaluate(model, test, { ...o, samples: 1000 }, programCrossbar(model, o));
    expect(xb.accuracy).toBeGreaterThanOrEqual(ev.accuracy - 0.02);
    expect(Array.from(model.labels)).toEqual(labelsBefore);
  });

  it("labelPass (Diehl & Cook's labelling) freezes weights and thresholds and assigns labels from exactly the images it showed", () => {
    const { model, exp } = buildDiehlCook(diehlCookSpec({ nExc: 20, seed: 4 }));
    exp.train(train, { samples: 60 });
    const w = Array.from(model.inputToExc.store.weights);
    const theta = Array.from(model.exc.state.theta);
    exp.labelPass(train, 50, 1000);
    expect(Array.from(model.inputToExc.store.weights)).toEqual(w);
    expect(Array.from(model.exc.state.theta)).toEqual(theta);
    expect(model.net.plasticity.enabled).toBe(true); // restored
    const r = exp.responses();
    expect(r.count).toBe(50);
    expect(Array.from(r.classes)).toEqual(Array.from(train.labels.subarray(1000, 1050)));
    expect(Array.from(model.labels)).toEqual(Array.from(assignLabels(new Int8Array(20), r.responses, r.classes, 50, 20)));
    expect(() => exp.labelPass(train, 10_001)).toThrow(/labelPass: 10001 samples exceed the label window of 10000; give at most 10000/);
  });

  it('the plasticity switch freezes weights and thresholds bit-identically', () => {
    const { model, exp } = buildDiehlCook(diehlCookSpec({ nExc: 20, seed: 3 }));
    exp.train(train, { samples: 10 });
    model.net.plasticity.enabled = false;
    const w = Array.from(model.inputToExc.store.weights);
    const theta = Array.from(model.exc.state.theta);
    for (let k = 0; k < 5; k++) model.present(image(train, 100 + k));
    expect(Array.from(model.inputToExc.store.weights)).toEqual(w);
    expect(Array.from(model.exc.state.theta)).toEqual(theta);
    model.net.plasticity.enabled = true;
    model.present(image(train, 200));
    expect(Array.from(model.inputToExc.store.weights)).not.toEqual(w);
  });

  it.each([
    ['float', 'single', 'stochastic'],
    ['hfs2', 'single', 'stochastic'],
    ['hfs2', 'pair', 'stochastic'],
    ['hfs2', 'pair', 'accumulate'], // the per-synapse accumulator travels in the file
    ['hfs2', 'pair', 'feedback'], // the same accumulator, closed through the reads after programming
  ] as const)('train 40 + save + load + train 40 = train 80, bit for bit (%s synapses, %s cells, %s rounding)', (device, cell, rounding) => {
    const spec = diehlCookSpec({ nExc: 20, seed: 5, device, cell, rounding, wMax: 0.5, deviceNormalisation: device === 'float' ? 'off' : 'pulses' });
    const a = buildDiehlCook(spec);
    a.exp.train(train, { samples: 80 });

    const b = buildDiehlCook(spec);
    b.exp.train(train, { samples: 40 });
    const bytes = encodeModel(saveDiehlCook(spec, b.model, b.exp));
    const c = loadDiehlCook(decodeModel(bytes, 'memory'), 'memory');
    c.exp.train(train, { samples: 40 });

    expect(state(c.model)).toEqual(state(a.model));
    expect(Array.from(c.model.labels)).toEqual(Array.from(a.model.labels));
    expect(c.model.trainedSamples).toBe(80);
  });

  it("'accumulate' rounding keeps every synapse's pending change within one step and sends fewer pulses than stochastic rounding", () => {
    const run = (rounding: 'stochastic' | 'accumulate') => {
      const { model, exp } = buildDiehlCook(diehlCookSpec({ nExc: 20, seed: 2, device: 'hfs2', cell: 'pair', wMax: 0.5, deviceNormalisation: 'pulses', rounding }));
      exp.train(train, { samples: 30 });
      return model.inputToExc.store as unknown as { pulses: number; residual: Float32Array; wStepUp: number; wStepDown: number };
    };
    const acc = run('accumulate');
    const sto = run('stochastic');
    expect(acc.pulses).toBeGreaterThan(0);
    expect(acc.pulses).toBeLessThan(sto.pulses / 2); // measured here 2.6× fewer (22× at 400 neurons, 10 000 samples)
    const step = Math.max(acc.wStepUp, acc.wStepDown);
    let nonzero = 0;
    for (const r of acc.residual) {
      expect(Math.abs(r)).toBeLessThan(step);
      if (r !== 0) nonzero++;
    }
    expect(nonzero).toBeGreaterThan(acc.residual.length / 2);
    expect(Array.from(sto.residual).every((r) => r === 0)).toBe(true);
  });

  it('device-mode learning keeps conductances inside each device window and counts pulses and energy', () => {
    const { model, exp } = buildDiehlCook(diehlCookSpec({ nExc: 20, seed: 2, device: 'hfs2' }));
    exp.train(train, { samples: 30 });
    const store = model.inputToExc.store as unknown as { pulses: number; energyPulse_nJ: number; devices: { g: Float32Array; params: { gMin: number; gMax: number; d2d: { bounds: number } } }[] };
    expect(store.pulses).toBeGreaterThan(100);
    expect(model.rule.stats.pulses).toBeGreaterThanOrEqual(store.pulses);
    // energy ≈ pulses × 0.59 nJ (hfs2: 23.74 nJ per 40-pulse cycle), within the conductance spread
    expect(store.energyPulse_nJ / store.pulses).toBeGreaterThan(0.3);
    expect(store.energyPulse_nJ / store.pulses).toBeLessThan(1.2);
    const d = store.devices[0];
    const span = d.params.gMax - d.params.gMin;
    const slack = 6 * d.params.d2d.bounds * span; // d2d bounds are ±σ·span per device (6σ envelope)
    for (let k = 0; k < d.g.length; k++) {
      expect(d.g[k]).toBeGreaterThanOrEqual(d.params.gMin - slack);
      expect(d.g[k]).toBeLessThanOrEqual(d.params.gMax + slack);
    }
  });

  it('a sliced dataset trains without touching other samples', () => {
    const small = sliceDataset(train, 0, 5);
    const { exp } = buildDiehlCook(diehlCookSpec({ nExc: 10, seed: 1 }));
    const r = exp.train(small, { samples: 5 });
    expect(r.samples).toBe(5);
  });
});
