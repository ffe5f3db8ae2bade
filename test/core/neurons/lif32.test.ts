import { describe, expect, it } from 'vitest';
import { F32_FLUSH, lifCurrentStep, lifCurrentStep32, THETA_MODE, type LifConstants, type ThetaMode } from '../../../core/neurons/lif.js';
import { addSynapticInput, cubaConstants, mulberry32, plainState, sameBits, withFreshModules } from './kernel-helpers.js';
import { createLifWasm, lifWasmAvailable } from '../../../core/neurons/lif-wasm.js';
import { Network, lif } from '../../../core/index.js';
import { LIF_WASM_BYTES } from '../../../core/neurons/lif-wasm-bytes.js';
import { LIF32_WASM_BYTES } from '../../../core/neurons/lif32-wasm-bytes.js';
import { cubaNetwork } from '../../../networks/cuba.js';

/** CUBA's neuron at dt = 0.1 ms (kernel-helpers.ts). */
const constants = (tauTheta: number, thetaPlus: number): LifConstants => cubaConstants(0.1, tauTheta, thetaPlus);

describe('lifCurrentStep32 (single precision)', () => {
  it('rounds every operation to a single: one step equals the update computed in double and rounded after each operation', () => {
    const k = constants(Infinity, 0);
    const st = plainState(1, Float32Array);
    st.v[0] = -55.123456;
    st.gE[0] = 3.3;
    st.gI[0] = -1.7;
    st.iBias[0] = 0.9;
    const [v, ge, gi, ib] = [st.v[0], st.gE[0], st.gI[0], st.iBias[0]];
    lifCurrentStep32(st, k, 0, THETA_MODE.NONE);
    const f = Math.fround;
    const expected = f(f(f(f(f(k.vRest) + f(f(v - f(k.vRest)) * f(k.decayMem))) + f(ge * f(k.couplingE))) + f(gi * f(k.couplingI))) + f(ib * f(k.rMem * (1 - k.decayMem))));
    expect(st.v[0]).toBe(expected);
    expect(st.gE[0]).toBe(f(ge * f(k.decayE)));
    expect(st.gI[0]).toBe(f(gi * f(k.decayI)));
    // …and the double-precision kernel on the same start differs from it by less than single rounding
    const d = plainState(1, Float64Array);
    d.v[0] = v;
    d.gE[0] = ge;
    d.gI[0] = gi;
    d.iBias[0] = ib;
    lifCurrentStep(d, k, 0, THETA_MODE.NONE);
    expect(Math.abs(d.v[0] - st.v[0])).toBeLessThan(60 * 2 ** -23 * 3);
    expect(d.v[0]).not.toBe(st.v[0]); // precision really differs
  });

  it('decays a synaptic variable as a single until it falls below 2⁻⁶⁴, then holds an exact 0 (no subnormal numbers)', () => {
    const k = constants(Infinity, 0);
    const st = plainState(1, Float32Array);
    st.v[0] = -60;
    st.gE[0] = 1;
    st.gI[0] = -1;
    const dE = Math.fround(k.decayE);
    let steps = 0;
    let previous = 1;
    while (st.gE[0] !== 0) {
      lifCurrentStep32(st, k, steps, THETA_MODE.NONE);
      steps++;
      const g = st.gE[0];
      if (g !== 0) {
        expect(g).toBeGreaterThanOrEqual(F32_FLUSH);
        expect(g).toBe(Math.fround(previous * dE));
        previous = g;
      } else {
        expect(Math.fround(previous * dE)).toBeLessThan(F32_FLUSH); // flushed exactly when it crossed the bound
      }
      expect(steps).toBeLessThan(5000);
    }
    // e^(−dt/τE) per step: 2⁻⁶⁴ is reached after ln(2⁶⁴)/(dt/τE) = 2218 steps (single rounding shifts it by a few)
    expect(Math.abs(steps - Math.ceil((64 * Math.LN2) / (0.1 / 5)))).toBeLessThanOrEqual(3);
    expect(Object.is(st.gE[0], 0)).toBe(true); // +0, not −0
    expect(st.gI[0]).toBeLessThan(0); // τI = 10 ms decays slower: still above the bound
    for (let s = 0; s < 3000; s++) lifCurrentStep32(st, k, steps + s, THETA_MODE.NONE);
    expect(Object.is(st.gI[0], 0)).toBe(true);
  });

  it('fires a bias-driven neuron with the period of the closed form, as the double-precision kernel does', () => {
    // v∞ = vRest + R·I = −49 + 1.7·5 = −40.5 mV; from vReset the threshold is crossed after
    // τm·ln((v∞ − vReset)/(v∞ − vThresh)) = 20·ln(19.5/9.5) = 14.38 ms, i.e. in the 144th integrating
    // step; a neuron spiking in step s integrates again from step s + 20: intervals of 20 + 143 steps
    const k = constants(Infinity, 0);
    const times = (Arr: Float64ArrayConstructor | Float32ArrayConstructor, kernel: typeof lifCurrentStep) => {
      const st = plainState(1, Arr);
      st.v[0] = -60;
      st.iBias[0] = 5;
      const out: number[] = [];
      for (let s = 0; s < 2000; s++) if (kernel(st, k, s, THETA_MODE.NONE) === 1) out.push(s);
      return out;
    };
    const single = times(Float32Array, lifCurrentStep32);
    const double = times(Float64Array, lifCurrentStep);
    const closedForm = Math.ceil((20 * Math.log(19.5 / 9.5)) / 0.1);
    expect(single.length).toBeGreaterThan(10);
    expect(single).toEqual(double);
    expect(closedForm).toBe(144);
    expect(single[0]).toBe(closedForm - 1); // from v = vReset at step 0, not refractory
    for (let j = 1; j < single.length; j++) expect(single[j] - single[j - 1]).toBe(20 + closedForm - 1);
  });

  it('grows and decays θ in single precision', () => {
    const k = constants(30, 0.4);
    const st = plainState(1, Float32Array);
    st.v[0] = -60;
    st.iBias[0] = 8;
    st.theta[0] = 1;
    let th = 1;
    for (let s = 0; s < 400; s++) {
      const c = lifCurrentStep32(st, k, s, THETA_MODE.ADAPTS);
      th = Math.fround(th * Math.fround(k.decayTheta));
      if (c === 1) th = Math.fround(th + Math.fround(0.4));
      expect(st.theta[0]).toBe(th);
    }
    expect(st.theta[0]).toBeGreaterThan(1); // it fired
  });
});

describe.runIf(lifWasmAvailable())('WebAssembly SIMD (f32x4) single-precision kernel', () => {
  const thetaModes: readonly ThetaMode[] = [THETA_MODE.NONE, THETA_MODE.HELD, THETA_MODE.GROWS, THETA_MODE.ADAPTS];
  for (const n of [1001, 13, 8, 1]) {
    it(`is bit-identical to lifCurrentStep32 over 3000 random steps (n = ${n}, padded to a multiple of 8)`, () => {
      const k = constants(30, 0.4);
      const wasm = createLifWasm(n, 'float32')!;
      const w = wasm.state;
      expect(w.v).toBeInstanceOf(Float32Array);
      expect(w.v.length).toBe(n);
      const step = wasm.kernel(k, false);
      const js = plainState(n, Float32Array);
      const rnd = mulberry32(777 + n);
      for (let i = 0; i < n; i++) {
        js.v[i] = w.v[i] = -62 + 14 * rnd();
        js.iBias[i] = w.iBias[i] = i === 0 ? 8 : rnd() < 0.5 ? 0 : 12 * rnd() - 3;
        js.theta[i] = w.theta[i] = 3 * rnd();
        js.refUntil[i] = w.refUntil[i] = rnd() < 0.2 ? Math.floor(40 * rnd()) : -0x7fffffff;
      }
      let spikes = 0;
      for (let s = 0; s < 3000; s++) {
        addSynapticInput(js, w, rnd); // as propagation would add it
        // mostly the SIMD path (θ off), with stretches of every θ mode (lifCurrentStep32 on the same views)
        const mode = s % 1000 < 700 ? THETA_MODE.NONE : thetaModes[Math.floor(s / 1000) % 4];
        const cj = lifCurrentStep32(js, k, s, mode);
        const cw = step(w, k, s, mode);
        expect(cw).toBe(cj);
        expect(Array.from(w.spikes.idx.subarray(0, cw))).toEqual(Array.from(js.spikes.idx.subarray(0, cj)));
        spikes += cj;
        if (s % 97 === 0 || s === 2999) {
          for (const key of ['v', 'gE', 'gI', 'theta', 'iBias', 'refUntil'] as const) expect(sameBits(w[key], js[key])).toBe(true);
        }
      }
      expect(spikes).toBeGreaterThanOrEqual(n >= 100 ? 50 : 4 * n); // many spikes and resets compared
    });
  }

  it('both LIF modules stay under the 4 KB that browsers compile synchronously on the main thread', () => {
    expect(LIF_WASM_BYTES.length).toBeLessThanOrEqual(4096);
    expect(LIF32_WASM_BYTES.length).toBeLessThanOrEqual(4096);
  });

  it('refuses conductance-based synapses', () => {
    expect(() => createLifWasm(4, 'float32')!.kernel(constants(Infinity, 0), true)).toThrow(/no conductance-based kernel/);
  });
});

describe("populations with precision 'float32'", () => {
  const neuron = { tauMem: 20, vRest: -49, vReset: -60, vThresh: -50, tRef: 5 } as const;

  it('validates the field before building', () => {
    const net = new Network({ dt: 0.1, seed: 1 });
    net.add(lif(4, { ...neuron, precision: 'half' as never }, 'p'));
    expect(() => net.build()).toThrow("p.precision = 'half' is unknown; use 'float64' (the default) or 'float32'.");
    const net2 = new Network({ dt: 0.1, seed: 1 });
    net2.add(lif(4, { ...neuron, precision: 'float32', synapse: { type: 'conductance', tauExc: 1, tauInh: 2, eExc: 0, eInh: -100 } }, 'q'));
    expect(() => net2.build()).toThrow("q.precision = 'float32' is implemented for current-based synapses only; use precision 'float64' with synapse.type 'conductance'.");
  });

  it('holds its state in Float32Array views, and a snapshot (in Float64Array) restores it bit for bit', () => {
    const net = new Network({ dt: 0.1, seed: 3 });
    const pop = net.add(lif(33, { ...neuron, precision: 'float32', iBias: 0.5, vInit: { uniform: [-60, -50] } }, 'p'));
    net.build();
    for (const key of ['v', 'gE', 'gI', 'theta', 'iBias'] as const) expect(pop.state[key]).toBeInstanceOf(Float32Array);
    net.run(5);
    const snap = net.snapshot();
    net.run(20);
    const after = Float32Array.from(pop.state.v);
    net.restore(snap);
    net.run(20);
    expect(sameBits(pop.state.v, after)).toBe(true);
  });

  it('runs CUBA 4000 at the rate of double precision (Brian2 2.5.1: ≈ 5.6 Hz; 2 s, four seeds)', () => {
    const rate = (precision: 'float64' | 'float32', seed: number) => {
      const { net, exc, inh } = cubaNetwork({ neurons: 4000, seed, precision });
      const ce = net.spikeCounter(exc);
      const ci = net.spikeCounter(inh);
      net.build();
      net.run(2000);
      return (ce.total() + ci.total()) / 4000 / 2;
    };
    let single = 0;
    let double = 0;
    for (const seed of [1, 2, 3, 4]) {
      const r32 = rate('float32', seed);
      const r64 = rate('float64', seed);
      expect(Math.abs(r32 - r64) / r64).toBeLessThan(0.1);
      single += r32 / 4;
      double += r64 / 4;
    }
    expect(Math.abs(single - double) / double).toBeLessThan(0.04);
    expect(single).toBeGreaterThan(4);
    expect(single).toBeLessThan(8);
  });
});

describe.runIf(lifWasmAvailable())("precision 'float32' with and without WebAssembly", () => {
  async function run(withoutWasm: boolean) {
    return withFreshModules(withoutWasm, async () => {
      const { cubaNetwork: cuba } = await import('../../../networks/cuba.js');
      const { lifWasmAvailable: available } = await import('../../../core/neurons/lif-wasm.js');
      const { net, exc, inh } = cuba({ neurons: 500, seed: 5, precision: 'float32' });
      const recs = [exc, inh].map((pop) => net.spikeRecorder(pop));
      net.build();
      net.run(300);
      return { available: available(), spikes: recs.map((r) => r.read()), v: [exc, inh].map((pop) => Float32Array.from(pop.state.v)), gE: Float32Array.from(exc.state.gE) };
    });
  }

  it('gives bit-identical spikes and state through the f32x4 kernel and through lifCurrentStep32', async () => {
    const a = await run(false);
    const b = await run(true);
    expect(a.available).toBe(true);
    expect(b.available).toBe(false);
    for (let k = 0; k < 2; k++) {
      expect(Array.from(a.spikes[k].indices)).toEqual(Array.from(b.spikes[k].indices));
      expect(Array.from(a.spikes[k].times)).toEqual(Array.from(b.spikes[k].times));
      expect(sameBits(a.v[k], b.v[k])).toBe(true);
    }
    expect(sameBits(a.gE, b.gE)).toBe(true);
    expect(a.spikes[0].indices.length).toBeGreaterThan(100);
  });
});
