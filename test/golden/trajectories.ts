/**
 * Golden trajectories: small runs whose every bit must be the same in every JavaScript engine
 * (issue 19, "the same bits in every engine"). Each is hashed — spike rasters, final state arrays,
 * weights, random draws — so one changed bit anywhere changes its hash. test/golden/golden.test.ts
 * checks the hashes in Node and, bundled by rolldown, in headless Chromium.
 *
 * No Node-only API and no file reading here: the code runs in a browser page as it is.
 */
import { Network } from '../../core/network.js';
import { lif } from '../../core/populations/lif.js';
import { allToAll } from '../../core/synapses/connectors.js';
import { poissonInput } from '../../core/populations/poisson.js';
import { RandomStream, RandomStreams } from '../../core/random.js';
import { cosTwoPi, exp, expm1, log, log1p, pow, sinTwoPi } from '../../core/math.js';
import { applyPulses, createDeviceArray, readConductances } from '../../core/devices/array.js';
import { deviceParams } from '../../core/devices/params.js';
import { DEVICE_PRESETS } from '../../core/devices/presets.js';
import { cubaNetwork } from '../../networks/cuba.js';
import { diehlCook2015 } from '../../networks/diehl-cook/network.js';
import { memristiveStore } from '../../core/devices/store.js';
import { createMlpTrainer } from '../../networks/mlp/train.js';
import type { ImageDataset } from '../../networks/datasets/image-dataset.js';

/**
 * A 64-bit hash (two 32-bit lanes: FNV-1a and a multiply–xorshift mix, both on Math.imul, which
 * is exact) of the bytes of typed arrays and of numbers (as doubles).
 */
class Hasher {
  private a = 0x811c9dc5;
  private b = 0x9e3779b9;
  private readonly f = new Float64Array(1);
  bytes(v: ArrayBufferView): this {
    const u = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < u.length; i++) {
      a = Math.imul(a ^ u[i], 0x01000193);
      b = Math.imul(b ^ u[i], 0x85ebca6b);
      b ^= b >>> 13;
    }
    this.a = a;
    this.b = b;
    return this;
  }
  num(...xs: number[]): this {
    for (const x of xs) {
      this.f[0] = x;
      this.bytes(this.f);
    }
    return this;
  }
  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

/**
 * 400 CUBA neurons (Vogels & Abbott 2005, as networks/cuba.ts) for 300 ms: raster and final v, gE,
 * gI; in double precision (Brian2's) or single (LifParams.precision 'float32', the f32x4 kernel).
 */
function cuba(precision: 'float64' | 'float32' = 'float64'): string {
  const { net, exc, inh } = cubaNetwork({ neurons: 400, seed: 3, precision });
  const re = net.spikeRecorder(exc);
  const ri = net.spikeRecorder(inh);
  net.build();
  net.run(3000);
  const h = new Hasher();
  for (const r of [re.read(), ri.read()]) h.bytes(r.steps).bytes(r.indices).num(r.total);
  for (const p of [exc, inh]) h.bytes(p.state.v).bytes(p.state.gE).bytes(p.state.gI);
  return h.hex();
}

/** Poisson inputs (exponential intervals, core/neurons/poisson.ts) driving conductance-based LIF neurons with an adaptive threshold. */
function poissonDriven(): string {
  const net = new Network({ dt: 0.5, seed: 'golden' });
  const rates = Array.from({ length: 200 }, (_, i) => (i % 7) * 9.5);
  const input = net.add(poissonInput(200, rates, 'in'));
  const out = net.add(lif(30, { tauMem: 100, vRest: -65, vReset: -65, vThresh: -52, tRef: 5, synapse: { type: 'conductance', tauExc: 1, tauInh: 2, eExc: 0, eInh: -100 }, adaptation: { thetaPlus: 0.05, tauTheta: 1e4 } }, 'out'));
  net.connect(input, out, { connector: allToAll(), weight: 0.08, channel: 'exc' });
  const ri = net.spikeRecorder(input);
  const ro = net.spikeRecorder(out);
  net.build();
  net.run(2000);
  const h = new Hasher();
  for (const r of [ri.read(), ro.read()]) h.bytes(r.steps).bytes(r.indices);
  h.bytes(out.state.v).bytes(out.state.gE).bytes(out.state.theta);
  return h.hex();
}

/** A synthetic 8 × 8 image set (no file reading, the same in a browser). */
function images(count: number, seed: string): ImageDataset {
  const rng = new RandomStream(seed);
  const pixels = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  for (let s = 0; s < count; s++) {
    const label = s % 4;
    labels[s] = label;
    for (let p = 0; p < 64; p++) {
      const onBar = label < 2 ? (p >> 3) % 4 === label * 2 : (p & 7) % 4 === (label - 2) * 2;
      pixels[s * 64 + p] = onBar ? 128 + Math.floor(rng.uniform() * 128) : Math.floor(rng.uniform() * 20);
    }
  }
  return { count, rows: 8, cols: 8, pixels, labels, source: `synthetic:${seed}` };
}

/** Diehl & Cook 2015 (20 neurons, 64 inputs): four presentations with learning, float weights or hfs2 device pairs. */
function diehlCook(device: boolean): string {
  const data = images(4, 'golden-dc');
  const m = diehlCook2015({ nExc: 20, nInput: 64, seed: 5, ...(device ? { store: memristiveStore({ device: 'hfs2', mode: 'pair', pairPolicy: 'set-only', wMax: 1 }) } : {}) });
  const h = new Hasher();
  for (let s = 0; s < data.count; s++) {
    const r = m.present(data.pixels.subarray(s * 64, s * 64 + 64));
    h.bytes(r.counts).num(r.total, r.presentations);
  }
  h.bytes(m.inputToExc.store.weights).bytes(m.exc.state.theta).bytes(m.exc.state.v).bytes(m.inh.state.v);
  return h.hex();
}

/** Eight minibatches of MLP training (64-16-4, Adam: softmax cross-entropy, bias corrections) with the given kernel. */
function mlp(kernel: 'js' | 'wasm'): string {
  const t = createMlpTrainer({ train: images(64, 'golden-mlp'), hyper: { sizes: [64, 16, 4], batchSize: 16, epochs: 2, seed: 9 }, kernel });
  t.advance(8);
  const w = t.weights();
  const h = new Hasher();
  for (let l = 0; l < w.weights.length; l++) h.bytes(w.weights[l]).bytes(w.biases[l]);
  for (const e of t.history) h.num(e.trainLoss, e.trainAccuracy, e.learningRate);
  return h.hex();
}

/** Every device kind with c2c, d2d, levels, drift and read noise: random pulse batches, then drifted noisy reads. */
function devices(): string {
  const h = new Hasher();
  const hfs2 = DEVICE_PRESETS['hfs2'];
  const dg = Array.from({ length: 12 }, (_, j) => 120 - 2.5 * j + 40 * (j % 3));
  const kinds = [
    ...Object.values(DEVICE_PRESETS),
    deviceParams(hfs2, { kind: 'power', powUp: 0.6, powDown: 1.7 }),
    deviceParams(hfs2, { kind: 'table', dgUp: dg, dgDown: dg.slice().reverse().map((x) => 0.8 * x) }),
  ];
  for (const p of kinds) {
    for (const wasm of [false, true]) {
      const n = 512;
      const arr = createDeviceArray(deviceParams(p, { c2c: p.c2c || 0.02, endurance: 200 }), n, new RandomStreams('golden-dev'), 'dev', { wasm });
      const rng = new RandomStream('golden-pulses');
      const idx = new Int32Array(300);
      const counts = new Int32Array(300);
      let t = 0;
      for (let round = 0; round < 20; round++) {
        for (let k = 0; k < idx.length; k++) {
          idx[k] = Math.floor(rng.uniform() * n);
          counts[k] = Math.floor(rng.uniform() * 9) - 4;
        }
        t += 10 ** (round % 5);
        applyPulses(arr, idx, counts, idx.length, t);
      }
      const out = new Float32Array(n);
      readConductances(out, arr, t * 1e3, true);
      h.bytes(out).bytes(arr.g).bytes(arr.pulseCount);
    }
  }
  return h.hex();
}

/** Draws of every kind from core/random.ts (normal by Box–Muller, exponential, Poisson both ways, binomial both ways). */
function draws(): string {
  const r = new RandomStream('golden-draws');
  const out = new Float64Array(6 * 2000);
  for (let i = 0; i < 2000; i++) {
    out[6 * i] = r.normal();
    out[6 * i + 1] = r.exponential(3);
    out[6 * i + 2] = r.poisson(4.5);
    out[6 * i + 3] = r.poisson(130);
    out[6 * i + 4] = r.binomial(50, 0.1);
    out[6 * i + 5] = r.binomial(500, 0.4);
  }
  return new Hasher().bytes(out).hex();
}

/** core/math.ts itself on 10⁴ arguments each. */
function elementary(): string {
  const r = new RandomStream('golden-math');
  const out = new Float64Array(7 * 10_000);
  for (let i = 0; i < 10_000; i++) {
    const u = r.uniform();
    const x = (u - 0.5) * 1400;
    out[7 * i] = exp(x);
    out[7 * i + 1] = log(exp(x));
    out[7 * i + 2] = expm1((u - 0.5) * 4);
    out[7 * i + 3] = log1p(u * 10 - 0.99);
    out[7 * i + 4] = pow(u * 3, (r.uniform() - 0.5) * 40);
    out[7 * i + 5] = sinTwoPi(u);
    out[7 * i + 6] = cosTwoPi(u);
  }
  return new Hasher().bytes(out).hex();
}

/** The trajectories by name. */
export const TRAJECTORIES: Readonly<Record<string, () => string>> = Object.freeze({
  elementary,
  draws,
  cuba: () => cuba(),
  'cuba-float32': () => cuba('float32'),
  poissonDriven,
  'diehlCook-float': () => diehlCook(false),
  'diehlCook-hfs2': () => diehlCook(true),
  'mlp-js': () => mlp('js'),
  'mlp-wasm': () => mlp('wasm'),
  devices,
});

/** Every trajectory's hash. */
export function goldenHashes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, f] of Object.entries(TRAJECTORIES)) out[name] = f();
  return out;
}
