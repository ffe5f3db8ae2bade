/**
 * Quiet steps (core/schedule.ts): stretches in which nothing can happen but decay are passed over
 * at once by runSteps/run, and the state after is bit for bit the state after stepping one at a
 * time — for the LIF kernels' pure-leak update on its own (every θ mode, both synapse models, the
 * JavaScript and the WebAssembly kernel), and for whole networks: Diehl & Cook with float weights
 * and hfs2 device pairs, learning and frozen; spike generators (periodic or not), delays, rate
 * monitors, state probes and spike recorders. A network whose step$ is observed, or with an
 * updater that cannot say, steps one at a time.
 */
import { describe, expect, it } from 'vitest';
import { Network } from '../../core/network.js';
import { buildLif, lif, type LifParams } from '../../core/populations/lif.js';
import { RandomStreams } from '../../core/random.js';
import { spikeGenerator } from '../../core/populations/generator.js';
import { allToAll, oneToOne } from '../../core/synapses/connectors.js';
import { lifCannotFire, lifConductanceStep, lifCurrentStep, lifQuietSteps, THETA_MODE, type LifConstants, type LifState, type ThetaMode } from '../../core/neurons/lif.js';
import { createLifWasm } from '../../core/neurons/lif-wasm.js';
import { memristiveStore } from '../../core/devices/store.js';
import { diehlCook2015, type DiehlCookModel } from '../../networks/diehl-cook/network.js';
import { conductanceConstants, cubaConstants, mulberry32, plainState, sameBits } from './neurons/kernel-helpers.js';

const MODES: readonly ThetaMode[] = [THETA_MODE.NONE, THETA_MODE.HELD, THETA_MODE.GROWS, THETA_MODE.ADAPTS];

/** Diehl & Cook's excitatory neuron (networks/diehl-cook/network.ts) at dt 0.5 ms, threshold −55 mV, τθ shortened so that θ visibly decays. */
const dcExcitatory = (): LifConstants => conductanceConstants(0.5, 100, { vThresh: -55, rMem: 1, refSteps: 10, tauTheta: 1e3, thetaPlus: 0.05 });

/** n neurons with random v below threshold, θ in [0, 10) mV, small biases, gE = gI = ±0. */
function quietState(n: number, k: LifConstants, seed: number): LifState {
  const rnd = mulberry32(seed);
  const st = plainState(n);
  for (let i = 0; i < n; i++) {
    st.theta[i] = 10 * rnd();
    st.v[i] = k.vRest - 30 + 25 * rnd();
    st.iBias[i] = i % 3 === 0 ? 0 : 2 * rnd() - 1;
    st.gE[i] = i % 2 === 0 ? 0 : -0;
    st.gI[i] = i % 4 === 1 ? -0 : 0;
  }
  return st;
}

function copyState(st: LifState): LifState {
  return { ...st, v: st.v.slice(), gE: st.gE.slice(), gI: st.gI.slice(), theta: st.theta.slice(), iBias: st.iBias.slice(), refUntil: st.refUntil.slice(), spikes: { idx: new Int32Array(st.n), count: 0 } };
}

/** The state after `steps` calls of `kernel`, and the spikes it fired. */
function stepped(st: LifState, k: LifConstants, mode: ThetaMode, steps: number, kernel: typeof lifCurrentStep): { st: LifState; spikes: number } {
  const s = copyState(st);
  let spikes = 0;
  for (let j = 0; j < steps; j++) spikes += kernel(s, k, 1000 + j, mode);
  return { st: s, spikes };
}

describe('lifQuietSteps: the pure-leak update integrated ahead, neuron by neuron', () => {
  for (const conductance of [true, false]) {
    const k = conductance ? dcExcitatory() : { ...cubaConstants(0.1, 50, 0.05), vThresh: -45 };
    const kernel = conductance ? lifConductanceStep : lifCurrentStep;
    it(`${conductance ? 'conductance' : 'current'}-based: the same bits as stepping, in every θ mode, for blocks of four and a remainder`, () => {
      for (const mode of MODES) {
        for (const n of [1, 3, 13, 64]) {
          for (const steps of [1, 7, 300]) {
            const st = quietState(n, k, 17 * n + steps + mode);
            const ref = stepped(st, k, mode, steps, kernel);
            expect(ref.spikes).toBe(0);
            const vOut = new Float64Array(n);
            const thetaOut = new Float64Array(n);
            expect(lifQuietSteps(st, k, mode, conductance, steps, vOut, thetaOut)).toBe(true);
            expect(sameBits(vOut, ref.st.v as Float64Array)).toBe(true);
            if (mode === THETA_MODE.ADAPTS) expect(sameBits(thetaOut, ref.st.theta as Float64Array)).toBe(true);
          }
        }
      }
    });
  }

  it('reports a neuron that would fire (a bias above threshold) instead of passing over its spike', () => {
    const k = dcExcitatory();
    const st = quietState(8, k, 3);
    // threshold −55 − 12 = −67 mV, below the drive vRest + 5 = −60 mV: it fires within a few steps
    st.theta[5] = -12;
    st.iBias[5] = 5;
    st.v[5] = -68;
    const ref = stepped(st, k, THETA_MODE.HELD, 40, lifConductanceStep);
    expect(ref.spikes).toBeGreaterThan(0);
    expect(lifQuietSteps(st, k, THETA_MODE.HELD, true, 40, new Float64Array(8), new Float64Array(8))).toBe(false);
  });

  it('lifCannotFire: no neuron can reach its threshold while it relaxes toward its drive, θ decaying at most so far', () => {
    const k = dcExcitatory();
    const st = quietState(16, k, 5);
    for (const mode of MODES) expect(lifCannotFire(st, k, mode, 300)).toBe(true);
    // θ = 10 mV decaying with τθ 1 000 ms over a base threshold of −70 mV, against the drive −65 + 2.5 mV
    const low = { ...k, vThresh: -70 };
    st.theta.fill(10);
    st.iBias.fill(2.5);
    st.v.fill(-80);
    // threshold −70 + 10·e^(−steps/2000) against the drive −62.5: crossed after 2000·ln(10/7.5) ≈ 575 steps
    expect(lifCannotFire(st, low, THETA_MODE.ADAPTS, 500)).toBe(true);
    expect(lifCannotFire(st, low, THETA_MODE.ADAPTS, 700)).toBe(false);
    expect(lifCannotFire(st, low, THETA_MODE.HELD, 1e9)).toBe(true);
    st.iBias[7] = 20; // drive −45 mV: above −70 + 10
    expect(lifCannotFire(st, low, THETA_MODE.HELD, 1)).toBe(false);
  });

  it('a population whose neurons fire by their bias refuses quiet steps at once, however many are asked', () => {
    const params: LifParams = { tauMem: 10, vRest: -65, vReset: -65, vThresh: -55, tRef: 2, synapse: { type: 'conductance', tauExc: 1, tauInh: 2, eExc: 0, eInh: -80 } };
    const firing = buildLif(lif(400, { ...params, iBias: Array.from({ length: 400 }, (_, i) => (i === 399 ? 12 : 0)) }), 0.5, new RandomStreams(1));
    const silent = buildLif(lif(400, params), 0.5, new RandomStreams(1));
    // refused by the bound, before any integration (1e9 steps ahead would not finish)
    expect(firing.quiet!.bound!(0, 1e9)).toBe(0);
    expect(firing.quiet!.steps(0, 1e9)).toBe(0);
    expect(silent.quiet!.bound!(0, 1e9)).toBe(1e9);
    expect(silent.quiet!.steps(0, 50)).toBe(50);
  });

  it('on WebAssembly state with its SIMD kernel as well', () => {
    const k = dcExcitatory();
    const wasm = createLifWasm(21);
    if (wasm === null) return; // no WebAssembly SIMD here: the JavaScript case above covers it
    const src = quietState(21, k, 9);
    for (const key of ['v', 'gE', 'gI', 'theta', 'iBias'] as const) wasm.state[key].set(src[key]);
    const step = wasm.kernel(k, true);
    const vOut = new Float64Array(21);
    const thetaOut = new Float64Array(21);
    expect(lifQuietSteps(wasm.state, k, THETA_MODE.ADAPTS, true, 250, vOut, thetaOut)).toBe(true);
    for (let j = 0; j < 250; j++) expect(step(wasm.state, k, 5 + j, THETA_MODE.ADAPTS)).toBe(0);
    expect(sameBits(vOut, wasm.state.v as Float64Array)).toBe(true);
    expect(sameBits(thetaOut, wasm.state.theta as Float64Array)).toBe(true);
  });
});

/** Bitwise equality of two plain-data structures (typed arrays byte for byte, numbers with Object.is). */
function sameData(a: unknown, b: unknown, path = 'snapshot'): void {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    expect(ua.length, path).toBe(ub.length);
    let first = -1;
    for (let i = 0; i < ua.length && first < 0; i++) if (ua[i] !== ub[i]) first = i;
    expect(first, `${path}: first differing byte`).toBe(-1);
    return;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    expect(Object.is(a, b), `${path}: ${a} vs ${b}`).toBe(true);
    return;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    expect(ka, path).toEqual(Object.keys(b));
    for (const key of ka) sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    return;
  }
  expect(a, path).toEqual(b);
}

/** A synthetic 64-pixel image: a bright bar and faint noise. */
function image(s: number): Uint8Array {
  const rnd = mulberry32(100 + s);
  const px = new Uint8Array(64);
  for (let p = 0; p < 64; p++) px[p] = (p >> 3) % 4 === s % 4 ? 128 + Math.floor(128 * rnd()) : Math.floor(20 * rnd());
  return px;
}

describe('networks: passing over quiet steps gives the same bits as stepping', () => {
  const dc = (device: boolean): DiehlCookModel =>
    diehlCook2015({
      nExc: 16,
      nInput: 64,
      seed: 11,
      ...(device ? { store: memristiveStore({ device: 'hfs2', mode: 'pair', pairPolicy: 'set-only', wMax: 0.5 }), rounding: 'feedback' as const, deviceNormalisation: 'pulses' as const } : {}),
    });

  for (const device of [false, true]) {
    it(`Diehl & Cook with ${device ? 'hfs2 device pairs (feedback rounding, normalisation by pulses)' : 'float weights'}: learning, then frozen`, () => {
      const fast = dc(device);
      const slow = dc(device);
      const watch = slow.net.step$.subscribe(() => {}); // observed: every step is stepped
      for (const m of [fast, slow]) {
        for (let s = 0; s < 4; s++) m.present(image(s));
        m.net.plasticity.enabled = false;
        for (let s = 4; s < 6; s++) m.present(image(s));
      }
      watch.unsubscribe();
      expect(fast.net.currentStep).toBe(slow.net.currentStep);
      expect(slow.net.quietStepsPassed).toBe(0);
      // most of each 300-step rest period, once the conductances have decayed below 10⁻¹²
      expect(fast.net.quietStepsPassed).toBeGreaterThan(6 * 100);
      sameData(fast.net.snapshot(), slow.net.snapshot());
      sameData(fast.counter.counts, slow.counter.counts);
    });
  }

  it('generators (one periodic), a delayed projection, a rate monitor, a state probe and a spike recorder', () => {
    const build = () => {
      const net = new Network({ dt: 0.5, seed: 4 });
      const once = net.add(spikeGenerator(3, [0, 1, 2, 0], [1, 30.5, 30.5, 395], { label: 'once' }));
      const loop = net.add(spikeGenerator(2, [1, 0], [4, 12.5], { period: 200, label: 'loop' }));
      const params: LifParams = { tauMem: 20, vRest: -65, vReset: -70, vThresh: -50, tRef: 2, synapse: { type: 'conductance', tauExc: 1, tauInh: 2, eExc: 0, eInh: -80 }, adaptation: { thetaPlus: 1, tauTheta: 500 } };
      const out = net.add(lif(5, params, 'out'));
      net.connect(once, out, { connector: allToAll(), weight: 3, delay: 2.5 });
      net.connect(loop, out, { connector: allToAll(), weight: [0.5, 4, 0.2, 1, 2, 6, 0.1, 3, 1, 1], channel: 'exc' });
      net.connect(out, out, { connector: oneToOne(), weight: 0.4, channel: 'inh', delay: 1 });
      const rate = net.rateMonitor(out, { capacity: 700 });
      const probe = net.stateProbe(out, 'v', { every: 37 });
      const rec = net.spikeRecorder(out);
      net.build();
      return { net, rate, probe, rec };
    };
    const fast = build();
    const slow = build();
    const watch = slow.net.step$.subscribe(() => {});
    for (const r of [fast, slow]) {
      r.net.runSteps(1234);
      r.net.run(250);
    }
    watch.unsubscribe();
    expect(fast.net.quietStepsPassed).toBeGreaterThan(1000);
    sameData(fast.net.snapshot(), slow.net.snapshot());
    sameData(fast.rate.read(), slow.rate.read(), 'rate');
    expect(fast.rate.meanRateHz()).toBe(slow.rate.meanRateHz());
    sameData(fast.probe.read(), slow.probe.read(), 'probe');
    sameData(fast.rec.read(), slow.rec.read(), 'spikes');
    expect(slow.rec.read().total).toBeGreaterThan(0);
  });

  it('a neuron driven above threshold by its bias fires on time: the stretch is stepped, not passed over', () => {
    const build = () => {
      const net = new Network({ dt: 0.5, seed: 1 });
      const pop = net.add(lif(6, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -55, tRef: 2, iBias: [0, 0, 0, 0, 0, 10.5], synapse: { type: 'conductance', tauExc: 1, tauInh: 2, eExc: 0, eInh: -80 } }, 'p'));
      const rec = net.spikeRecorder(pop);
      net.build();
      return { net, rec };
    };
    const fast = build();
    const slow = build();
    const watch = slow.net.step$.subscribe(() => {});
    fast.net.runSteps(600);
    slow.net.runSteps(600);
    watch.unsubscribe();
    expect(slow.rec.read().total).toBeGreaterThan(3);
    sameData(fast.rec.read(), slow.rec.read());
    sameData(fast.net.snapshot(), slow.net.snapshot());
  });

  it('an updater without a quiet answer keeps the network stepping one at a time', () => {
    const net = new Network({ dt: 0.5, seed: 1 });
    net.add(lif(4, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 }, 'p'));
    let calls = 0;
    net.addUpdater({ phase: 'record', order: 0, name: 'count', run: () => void calls++ });
    net.build();
    net.runSteps(500);
    expect(calls).toBe(500);
    expect(net.quietStepsPassed).toBe(0);
  });

  it('a silent population with nothing else is passed over in long stretches', () => {
    const net = new Network({ dt: 0.5, seed: 1 });
    const pop = net.add(lif(4, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2, vInit: [-80, -70, -60, -52] }, 'p'));
    net.build();
    net.runSteps(500);
    expect(net.quietStepsPassed).toBe(500);
    expect(net.currentStep).toBe(500);
    expect(pop.spikes.count).toBe(0);
  });
});
