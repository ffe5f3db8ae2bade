/**
 * The live stream: the codec's round trip and its refusals, the tap's spikes against a plain
 * recorder, the probe against the state it reads, and the promise that watching changes nothing
 * (a tapped run is bit for bit the untapped one, and saves the same model).
 */
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../networks/datasets/idx-node.js';
import { sliceDataset } from '../../networks/datasets/image-dataset.js';
import { resolveSpec } from '../../networks/diehl-cook/spec.js';
import { buildModel, DiehlCookExperiment } from '../../networks/diehl-cook/experiment.js';
import { saveModel, loadModel } from '../../networks/diehl-cook/model-file.js';
import { encodeModel, decodeModel } from '../../networks/persist/model-file.js';
import { dataIdentity } from '../../networks/experiment/data.js';
import { decodeLive, encodeLive, LIVE_FORMAT, LiveFormatError, type LiveFrame } from '../../networks/live/frame.js';
import { cubaSource, diehlCookTap, experimentSource } from '../../networks/live/source.js';
import { cubaNetwork } from '../../networks/cuba.js';

const train = sliceDataset(loadMnist({ split: 'train' }), 0, 60);
const test = sliceDataset(loadMnist({ split: 'test' }), 0, 20);
const spec = resolveSpec({ neurons: 20, seed: 3, data: { train: 'mnist', test: 'mnist' }, schedule: [{ phase: 'train', samples: 8 }, { phase: 'label', samples: 10 }, { phase: 'evaluate', mode: 'temporal', samples: 4 }] });

function tapped() {
  const t = diehlCookTap();
  const trained = buildModel(spec, t.instrument);
  const exp = new DiehlCookExperiment(spec, { train, test }, { trained });
  return { exp, source: experimentSource(exp, t.tap(), 'diehl-cook', 'test') };
}

describe('live frames', () => {
  it('round-trip every field, typed arrays included, and keep arrays 8-byte aligned', () => {
    const frame: LiveFrame = {
      kind: 'frame',
      seq: 7,
      stepFrom: 10,
      stepTo: 13,
      busyMs: 1.5,
      droppedFrames: 2,
      behind: true,
      spikes: [
        { steps: Int32Array.of(10, 12), indices: Int32Array.of(3, 700), dropped: 0 },
        { steps: new Int32Array(0), indices: new Int32Array(0), dropped: 5 },
      ],
      probe: { population: 1, neuron: 4, stepFrom: 10, v: Float32Array.of(-65, -64.5, -60), threshold: Float32Array.of(-52, -52, -51.95) },
      sample: { split: 'train', index: 9, label: 4, pixels: Uint8Array.of(0, 255, 17) },
      progress: { phase: 'train', name: 'train', index: 0, phases: 3, done: 5, total: 8, accuracy: null, finished: false },
      weights: Float32Array.of(0.1, 0.2, 0.3),
      devices: { gPlus: Float32Array.of(1, 2, 3), gMinus: null, pulseCount: Uint32Array.of(0, 4, 4_000_000_000), pulses: 8, energy_nJ: 0.25 },
      prediction: { predicted: 3, label: 4 },
    };
    const bytes = encodeLive(frame);
    const back = decodeLive(bytes) as LiveFrame;
    expect(back).toEqual(frame);
    expect(back.spikes[0].indices).toBeInstanceOf(Int32Array);
    expect(back.devices!.pulseCount[2]).toBe(4_000_000_000);
    expect(back.weights!.byteOffset % 8).toBe(0);
    // a copy at an odd offset still decodes (arrays are copied out then)
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeLive(shifted.subarray(1))).toEqual(frame);
  });

  it('refuse bytes that are not a message of this format, naming what is wrong', () => {
    const bytes = encodeLive({ kind: 'error', message: 'x', fatal: false });
    expect(() => decodeLive(new Uint8Array(5))).toThrow(/too short/);
    const wrongMagic = bytes.slice();
    wrongMagic[0] ^= 0xff;
    expect(() => decodeLive(wrongMagic)).toThrow(/no MSLV mark/);
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(4, LIVE_FORMAT + 1, true);
    expect(() => decodeLive(newer)).toThrow(new RegExp(`format ${LIVE_FORMAT + 1}; this viewer reads format ${LIVE_FORMAT}`));
    const frame = encodeLive({ kind: 'frame', seq: 0, stepFrom: 0, stepTo: 1, busyMs: 0, droppedFrames: 0, behind: false, spikes: [{ steps: Int32Array.of(0), indices: Int32Array.of(1), dropped: 0 }], probe: null, sample: null, progress: null, weights: null, devices: null, prediction: null });
    expect(() => decodeLive(frame.subarray(0, frame.length - 4))).toThrow(LiveFormatError);
    expect(() => decodeLive(frame.subarray(0, frame.length - 4))).toThrow(/truncated/);
  });
});

describe('live sources', () => {
  it('the tap records every spike of every population, the same as plain recorders in an untapped twin', () => {
    const { net, exc, inh } = cubaNetwork({ neurons: 500, seed: 2 });
    const re = net.spikeRecorder(exc);
    const ri = net.spikeRecorder(inh);
    net.build();
    net.runSteps(2000);
    const source = cubaSource({ neurons: 500, seed: 2 });
    expect(source.advance(1200)).toBe(1200);
    const f1 = source.frame({ state: false });
    source.advance(800);
    const f2 = source.frame({ state: false });
    expect([f1.stepFrom, f1.stepTo, f2.stepFrom, f2.stepTo]).toEqual([0, 1200, 1200, 2000]);
    const join = (p: number) => ({ steps: [...f1.spikes[p].steps, ...f2.spikes[p].steps], indices: [...f1.spikes[p].indices, ...f2.spikes[p].indices] });
    const e = re.read();
    const i = ri.read();
    expect(e.steps.length).toBeGreaterThan(100);
    expect(join(0)).toEqual({ steps: [...e.steps], indices: [...e.indices] });
    expect(join(1)).toEqual({ steps: [...i.steps], indices: [...i.indices] });
    expect(f2.spikes.every((s) => s.dropped === 0)).toBe(true);
  });

  it('the probe holds v and θ-raised threshold of the selected neuron at every step', () => {
    const { exp, source } = tapped();
    source.select(5);
    const exc = exp.trained.model.exc;
    const v: number[] = [];
    const th: number[] = [];
    for (let k = 0; k < 300; k++) {
      source.advance(1);
      v.push(Math.fround(exc.state.v[5]));
      th.push(Math.fround(-72 + exc.state.theta[5]));
    }
    const f = source.frame({ state: false });
    expect(f.probe!.neuron).toBe(5);
    expect(f.probe!.stepFrom).toBe(0);
    expect([...f.probe!.v]).toEqual(v);
    expect([...f.probe!.threshold]).toEqual(th);
    expect(() => source.select(20)).toThrow(/neuron 20 is not one of the probed population's 0…19/);
  });

  it('watching changes nothing: a tapped run, framed at odd slices, gives the untapped run bit for bit and saves the same model', () => {
    const plain = new DiehlCookExperiment(spec, { train, test });
    plain.advance({ samples: Infinity });
    const { exp, source } = tapped();
    let frames = 0;
    let spikes = 0;
    let samples = 0;
    while (!source.finished) {
      source.advance(337);
      const f = decodeLive(encodeLive(source.frame({ state: frames % 3 === 0 }))) as LiveFrame;
      frames++;
      spikes += f.spikes.reduce((s, p) => s + p.steps.length, 0);
      if (f.sample) samples++;
    }
    expect(frames).toBeGreaterThan(20);
    expect(spikes).toBeGreaterThan(1000);
    expect(samples).toBeGreaterThanOrEqual(8);
    const timeless = (r: ReturnType<typeof plain.result>) => JSON.stringify(r.phases.map(({ seconds: _s, samplesPerSec: _r, ...rest }) => rest));
    expect(timeless(exp.result())).toBe(timeless(plain.result()));
    expect(Array.from(exp.trained.model.inputToExc.store.weights)).toEqual(Array.from(plain.trained.model.inputToExc.store.weights));
    const save = (e: DiehlCookExperiment) => encodeModel(saveModel({ spec, trained: e.trained, trainData: dataIdentity(train), state: null } as never));
    const a = save(exp);
    expect(Buffer.from(a).equals(Buffer.from(save(plain)))).toBe(true);
    // and a model saved untapped loads into a tapped network
    const t = diehlCookTap();
    expect(() => loadModel(decodeModel(a, 'm.mspk'), 'm.mspk', t.instrument)).not.toThrow();
  });

  it('a frame with state carries the receptive fields and the device conductances of the hfs2 store', () => {
    const { exp, source } = tapped();
    source.advance(1500);
    const f = source.frame({ state: true });
    const store = exp.trained.model.inputToExc.store;
    expect(store.kind).toBe('memristive');
    expect([...f.weights!]).toEqual([...store.weights]);
    expect(f.devices!.gPlus.length).toBe(784 * 20);
    expect(f.devices!.gMinus!.length).toBe(784 * 20);
    expect(f.devices!.pulses).toBeGreaterThan(0);
    // a pair's wear is that of its more-worn device; the devices' counts include the initial
    // programming, and what learning adds to them shows up as `pulses`
    const [plus, minus] = store.kind === 'memristive' ? store.devices : [];
    expect([...f.devices!.pulseCount]).toEqual([...plus.pulseCount].map((c, i) => Math.max(c, minus.pulseCount[i])));
    const total = () => [...plus.pulseCount, ...minus.pulseCount].reduce((s, c) => s + c, 0);
    const before = total();
    source.advance(1500);
    const g = source.frame({ state: true });
    expect(g.devices!.pulses).toBeGreaterThan(f.devices!.pulses);
    expect(total() - before).toBe(g.devices!.pulses - f.devices!.pulses);
    expect(g.devices!.energy_nJ).toBeGreaterThan(f.devices!.energy_nJ);
    // the image on show is sent once, and again after restate() (a viewer joined)
    source.advance(10);
    source.frame({ state: false });
    source.advance(10);
    expect(source.frame({ state: false }).sample).toBeNull();
    source.restate();
    source.advance(10);
    expect(source.frame({ state: false }).sample!.index).toBe(exp.shown!.index);
    expect(f.sample!.pixels.length).toBe(784);
    // 1 500 steps: the second image (1 000 steps each) is on show
    expect(f.sample!.index).toBe(1);
    expect(f.sample!.label).toBe(train.labels[1]);
    expect([...f.sample!.pixels]).toEqual([...train.pixels.subarray(784, 1568)]);
    const a = source.analyse({ ageMs: 365.25 * 86_400_000, program: 'exact' })!;
    expect(a.currents.length).toBe(20);
    expect(a.driftRaw[0]).toBeLessThanOrEqual(1);
    // drift moves the raw weights between 1 s and 1 year; global compensation rescales them by its probe's estimate
    expect(Math.abs(a.driftRaw[a.ages.length - 1] - a.driftRaw[0])).toBeGreaterThan(1e-3);
    const last = a.ages.length - 1;
    expect(Math.abs(a.driftCompensated[last] - a.driftRaw[last])).toBeGreaterThan(1e-4);
    for (const c of a.driftCompensated) expect(c).toBeGreaterThan(0.5);
  });
});
