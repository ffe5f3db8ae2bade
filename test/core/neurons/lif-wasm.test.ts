import { describe, expect, it } from 'vitest';
import { lifConductanceStep, lifCurrentStep, THETA_MODE, type LifConstants } from '../../../core/neurons/lif.js';
import { addSynapticInput, conductanceConstants, cubaConstants as constants, mulberry32, plainState, sameBits, thetaMode, withFreshModules } from './kernel-helpers.js';
import { createLifWasm, lifWasmAvailable, lifWasmExp } from '../../../core/neurons/lif-wasm.js';
import { exp } from '../../../core/math.js';
import { Network, lif } from '../../../core/index.js';

describe.runIf(lifWasmAvailable())('WebAssembly SIMD lifCurrentStep and lifConductanceStep', () => {
  const cases = [
    { name: 'no adaptation', n: 1001, adapt: false, tauTheta: Infinity, thetaPlus: 0 },
    { name: 'adaptive θ, decaying', n: 640, adapt: true, tauTheta: 30, thetaPlus: 0.4 },
    { name: 'adaptive θ, no decay', n: 7, adapt: true, tauTheta: Infinity, thetaPlus: 0.25 },
    { name: 'one neuron', n: 1, adapt: true, tauTheta: 15, thetaPlus: 1 },
    { name: 'no adaptation, padded quad', n: 6, adapt: false, tauTheta: Infinity, thetaPlus: 0 },
  ];
  for (const c of cases) {
    it(`is bit-identical to the JavaScript kernel over 3000 random steps (${c.name}, n = ${c.n})`, () => {
      const k = constants(0.1, c.tauTheta, c.thetaPlus);
      const wasm = createLifWasm(c.n)!;
      const w = wasm.state;
      const step = wasm.kernel(k, false);
      const js = plainState(c.n);
      const rnd = mulberry32(12345 + c.n);
      for (let i = 0; i < c.n; i++) {
        const v = -62 + 14 * rnd();
        const bias = i === 0 ? 8 : rnd() < 0.5 ? 0 : 12 * rnd() - 3; // neuron 0 is driven above threshold
        const th = c.adapt ? 3 * rnd() : 0;
        const ref = rnd() < 0.2 ? Math.floor(40 * rnd()) : -0x7fffffff;
        js.v[i] = w.v[i] = v;
        js.iBias[i] = w.iBias[i] = bias;
        js.theta[i] = w.theta[i] = th;
        js.refUntil[i] = w.refUntil[i] = ref;
      }
      let spikes = 0;
      for (let s = 0; s < 3000; s++) {
        addSynapticInput(js, w, rnd); // as propagation would add it
        const plastic = s % 700 < 500; // θ frozen in some stretches (plasticity off)
        const cj = lifCurrentStep(js, k, s, thetaMode(c.adapt, plastic, k));
        const cw = step(w, k, s, thetaMode(c.adapt, plastic, k));
        expect(cw).toBe(cj);
        expect(w.spikes.count).toBe(cj);
        expect(Array.from(w.spikes.idx.subarray(0, cw))).toEqual(Array.from(js.spikes.idx.subarray(0, cj)));
        spikes += cj;
        if (s % 97 === 0 || s === 2999) {
          expect(sameBits(w.v, js.v)).toBe(true);
          expect(sameBits(w.gE, js.gE)).toBe(true);
          expect(sameBits(w.gI, js.gI)).toBe(true);
          expect(sameBits(w.theta, js.theta)).toBe(true);
          expect(sameBits(w.refUntil, js.refUntil)).toBe(true);
          expect(sameBits(w.iBias, js.iBias)).toBe(true);
        }
      }
      expect(spikes).toBeGreaterThanOrEqual(Math.min(10 * c.n, 50)); // the comparison covered many spikes and resets
    });
  }

  it("the conductance kernel's exp ($expM) is core/math.ts's exp bit for bit, on 10⁶ arguments and the edges", () => {
    const wasmExp = lifWasmExp()!;
    expect(wasmExp).not.toBeNull();
    const bits = new Float64Array(2);
    const words = new BigUint64Array(bits.buffer);
    const same = (x: number): boolean => {
      bits[0] = exp(x);
      bits[1] = wasmExp(x);
      return words[0] === words[1] || (Number.isNaN(bits[0]) && Number.isNaN(bits[1]));
    };
    const rnd = mulberry32(2026);
    const bad: number[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      // the kernel's range (−y, y ≥ 0.05), the whole double range, and the subnormal results below −708.4
      const x = i % 3 === 0 ? -0.05 - 20 * rnd() : i % 3 === 1 ? 1500 * rnd() - 750 : -708.4 - 37 * rnd();
      if (!same(x) && bad.length < 5) bad.push(x);
    }
    const edges = [0, -0, 1e-300, -1e-300, 709.78, 709.79, 709.8, -745.1, -745.2, -745.3, -708.39, -708.4, -1022 * Math.LN2, 1, -1, -0.05, Infinity, -Infinity, NaN];
    for (const x of edges) if (!same(x)) bad.push(x);
    expect(bad).toEqual([]);
    expect(wasmExp(1)).toBe(Math.E);
  });

  /** Diehl & Cook-like conductance constants (τm 100 ms → x = g·dt/τm; x ≥ 0.05 needs g ≥ 50 at dt 0.1 ms). */
  function dcConstants(dt: number, tauTheta: number, thetaPlus: number): LifConstants {
    return conductanceConstants(dt, 20, { vThresh: -52, rMem: 1.3, refSteps: 50, tauTheta, thetaPlus });
  }

  const conductanceCases = [
    { name: 'no adaptation', n: 803, adapt: false, tauTheta: Infinity, thetaPlus: 0 },
    { name: 'adaptive θ, decaying', n: 400, adapt: true, tauTheta: 50, thetaPlus: 0.05 },
    { name: 'adaptive θ, no decay', n: 9, adapt: true, tauTheta: Infinity, thetaPlus: 0.5 },
  ];
  for (const c of conductanceCases) {
    it(`conductance kernel is bit-identical to the JavaScript kernel, Taylor, Math.exp and pure-leak lanes (${c.name}, n = ${c.n})`, () => {
      const k = dcConstants(0.1, c.tauTheta, c.thetaPlus);
      const wasm = createLifWasm(c.n)!;
      const w = wasm.state;
      const step = wasm.kernel(k, true);
      const js = plainState(c.n);
      const rnd = mulberry32(777 + c.n);
      for (let i = 0; i < c.n; i++) {
        const v = -70 + 20 * rnd();
        const bias = i === 0 ? 20 : rnd() < 0.7 ? 0 : 25 * rnd() - 5;
        const th = c.adapt ? 2 * rnd() : 0;
        const ref = rnd() < 0.2 ? Math.floor(60 * rnd()) : -0x7fffffff;
        js.v[i] = w.v[i] = v;
        js.iBias[i] = w.iBias[i] = bias;
        js.theta[i] = w.theta[i] = th;
        js.refUntil[i] = w.refUntil[i] = ref;
      }
      let spikes = 0;
      let bigX = 0;
      let leak = 0;
      for (let s = 0; s < 3000; s++) {
        for (let i = 0; i < c.n; i++) {
          if (i % 5 === 0) continue; // never receive input: the pure-leak branch (gE = gI = 0)
          const u = rnd();
          if (u < 0.01) {
            const x = u < 0.001 ? 60 + 40 * rnd() : 2 * rnd(); // sometimes g·dt/τm ≥ 0.05: Math.exp
            js.gE[i] += x;
            w.gE[i] += x;
          } else if (u < 0.015) {
            const y = 3 * rnd();
            js.gI[i] += y;
            w.gI[i] += y;
          }
        }
        for (let i = 0; i < c.n; i++) {
          const g = 1 + js.gE[i] + js.gI[i];
          if (s >= js.refUntil[i]) {
            if (js.gE[i] === 0 && js.gI[i] === 0) leak++;
            else if (!(g * k.dtOverTau < 0.05)) bigX++;
          }
        }
        const plastic = s % 700 < 500;
        const cj = lifConductanceStep(js, k, s, thetaMode(c.adapt, plastic, k));
        const cw = step(w, k, s, thetaMode(c.adapt, plastic, k));
        expect(cw).toBe(cj);
        expect(w.spikes.count).toBe(cj);
        expect(Array.from(w.spikes.idx.subarray(0, cw))).toEqual(Array.from(js.spikes.idx.subarray(0, cj)));
        spikes += cj;
        if (s % 97 === 0 || s === 2999) {
          expect(sameBits(w.v, js.v)).toBe(true);
          expect(sameBits(w.gE, js.gE)).toBe(true);
          expect(sameBits(w.gI, js.gI)).toBe(true);
          expect(sameBits(w.theta, js.theta)).toBe(true);
          expect(sameBits(w.refUntil, js.refUntil)).toBe(true);
        }
      }
      expect(spikes).toBeGreaterThanOrEqual(Math.min(4 * c.n, 30));
      expect(bigX).toBeGreaterThan(0); // the Math.exp lanes were exercised
      expect(leak).toBeGreaterThan(0); // and the pure-leak lanes
    });
  }

  it('conductance kernel: −0 conductances (as a restored snapshot may hold) end as +0, like the JavaScript kernel; silent quads stay +0', () => {
    const k = dcConstants(0.1, Infinity, 0);
    const n = 16;
    const wasm = createLifWasm(n)!;
    const w = wasm.state;
    const step = wasm.kernel(k, true);
    const js = plainState(n);
    for (let i = 0; i < n; i++) js.v[i] = w.v[i] = -66 + i / 4;
    // quad 0: all +0 (silent); quad 1: one −0 among +0; quad 2: −0 in gI; quad 3: a live conductance
    js.gE[5] = w.gE[5] = -0;
    js.gI[10] = w.gI[10] = -0;
    js.gE[13] = w.gE[13] = 0.7;
    for (let s = 0; s < 3; s++) {
      expect(step(w, k, s, THETA_MODE.NONE)).toBe(lifConductanceStep(js, k, s, THETA_MODE.NONE));
      expect(sameBits(w.gE, js.gE)).toBe(true);
      expect(sameBits(w.gI, js.gI)).toBe(true);
      expect(sameBits(w.v, js.v)).toBe(true);
    }
    expect(Object.is(w.gE[5], 0)).toBe(true); // +0 now
    expect(Object.is(w.gI[10], 0)).toBe(true);
    expect(w.gE[13]).toBeGreaterThan(0);
  });

  it('exposes the state as struct-of-arrays views that never detach and that snapshot/restore round-trips', () => {
    const net = new Network({ dt: 0.1, seed: 3 });
    const pop = net.add(lif(33, { tauMem: 20, vRest: -49, vReset: -60, vThresh: -50, tRef: 2, vInit: { uniform: [-60, -50] } }, 'p'));
    net.build();
    const { v, gE, refUntil } = pop.state;
    expect(v).toBeInstanceOf(Float64Array);
    expect(refUntil).toBeInstanceOf(Int32Array);
    expect(v.length).toBe(33);
    net.run(5);
    const snap = net.snapshot();
    net.run(20);
    const after = pop.state.v.slice();
    net.restore(snap);
    net.run(20);
    expect(sameBits(pop.state.v, after)).toBe(true);
    expect(pop.state.v).toBe(v); // same views throughout
    expect(pop.state.gE).toBe(gE);
    expect(v.byteLength).toBe(33 * 8);
  });
});

describe('LIF WebAssembly availability', () => {
  it('is available in Node 20 (WebAssembly SIMD), so CUBA runs the SIMD kernel', () => {
    expect(lifWasmAvailable()).toBe(true);
  });
});

describe.runIf(lifWasmAvailable())('LIF networks with and without WebAssembly', () => {
  /** A small CUBA-like network plus a conductance population with adaptive θ, run for 300 ms. */
  async function run(withoutWasm: boolean) {
    return withFreshModules(withoutWasm, async () => {
      const core = await import('../../../core/index.js');
      const { lifWasmAvailable: available } = await import('../../../core/neurons/lif-wasm.js');
      const net = new core.Network({ dt: 0.1, seed: 7 });
      const params = { tauMem: 20, vRest: -49, vReset: -60, vThresh: -50, tRef: 5, synapse: { type: 'current' as const, tauExc: 5, tauInh: 10 }, vInit: { uniform: [-60, -50] as const } };
      const exc = net.add(core.lif(160, params, 'exc'));
      const inh = net.add(core.lif(41, params, 'inh'));
      const ext = net.add(core.poissonInput(50, 40, 'ext'));
      const cond = net.add(
        core.lif(
          37,
          { tauMem: 20, vRest: -65, vReset: -65, vThresh: -52, tRef: 2, synapse: { type: 'conductance' as const, tauExc: 1, tauInh: 2, eExc: 0, eInh: -100 }, adaptation: { thetaPlus: 0.2, tauTheta: 200 } },
          'cond',
        ),
      );
      const p = 0.4;
      net.connect(exc, exc, { connector: core.fixedProbability(p), weight: 1.62, channel: 'exc', storage: 'csr' });
      net.connect(exc, inh, { connector: core.fixedProbability(p), weight: 1.62, channel: 'exc', storage: 'csr' });
      net.connect(inh, exc, { connector: core.fixedProbability(p), weight: -9, channel: 'inh', storage: 'csr' });
      net.connect(inh, inh, { connector: core.fixedProbability(p), weight: -9, channel: 'inh', storage: 'csr' });
      net.connect(ext, cond, { connector: core.fixedProbability(0.5), weight: 0.3, channel: 'exc' });
      net.connect(inh, cond, { connector: core.fixedProbability(0.3), weight: 0.5, channel: 'inh' });
      const recs = [exc, inh, cond].map((pop) => net.spikeRecorder(pop));
      net.build();
      net.run(300);
      return { available: available(), spikes: recs.map((r) => r.read()), v: [exc, inh, cond].map((pop) => pop.state.v.slice()), theta: cond.state.theta.slice() };
    });
  }

  it('gives bit-identical spikes and state through the SIMD kernels and through the JavaScript fallback', async () => {
    const a = await run(false);
    const b = await run(true);
    expect(a.available).toBe(true);
    expect(b.available).toBe(false); // the fallback really ran
    for (let k = 0; k < 3; k++) {
      expect(Array.from(a.spikes[k].indices)).toEqual(Array.from(b.spikes[k].indices));
      expect(Array.from(a.spikes[k].times)).toEqual(Array.from(b.spikes[k].times));
      expect(sameBits(a.v[k], b.v[k])).toBe(true);
    }
    expect(sameBits(a.theta, b.theta)).toBe(true);
    expect(a.spikes[0].indices.length).toBeGreaterThan(100);
    expect(a.spikes[2].indices.length).toBeGreaterThan(10);
  });
});
