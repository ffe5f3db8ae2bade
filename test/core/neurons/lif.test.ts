import { describe, expect, it, vi } from 'vitest';
import { Network, lif, spikeGenerator, pairs, allToAll, toInternal } from '../../../core/index.js';

const base = { tauMem: 20, vRest: -65, vReset: -70, vThresh: -50, tRef: 2 };

describe('LIF subthreshold dynamics', () => {
  it('decays exactly as vRest + (v0 − vRest)·exp(−T/τm)', () => {
    const net = new Network({ dt: 0.1, seed: 1 });
    const v0 = [-60, -55, -51, -80, -65];
    const pop = net.add(lif(5, { ...base, vInit: v0 }, 'p'));
    net.build();
    net.run(37.3);
    for (let i = 0; i < 5; i++) {
      const expected = -65 + (v0[i] + 65) * Math.exp(-37.3 / 20);
      expect(pop.state.v[i]).toBeCloseTo(expected, 10);
    }
  });

  it('current-based synaptic input equals the closed form of the linear system (τs ≠ τm and τs = τm)', () => {
    for (const tauExc of [5, 20]) {
      const net = new Network({ dt: 0.1 });
      const src = net.add(spikeGenerator(1, [0], [0], { label: 'src' }));
      const pop = net.add(lif(1, { ...base, vThresh: 100, vReset: -100, synapse: { type: 'current', tauExc, tauInh: 10 } }, 'p'));
      net.connect(src, pop, { connector: allToAll(), weight: '3 mV' });
      net.build();
      net.run(0.1); // the spike in step 0 sets gE = 3 mV at the end of step 0
      const T = 12.7;
      net.run(T);
      const tm = 20;
      const ts = tauExc;
      const expected = ts === tm ? -65 + 3 * (T / tm) * Math.exp(-T / tm) : -65 + ((3 * ts) / (ts - tm)) * (Math.exp(-T / ts) - Math.exp(-T / tm));
      expect(pop.state.v[0]).toBeCloseTo(expected, 9);
      expect(pop.state.gE[0]).toBeCloseTo(3 * Math.exp(-T / ts), 12);
    }
  });
});

describe('LIF under constant current', () => {
  const R = '1 Mohm'; // 1 nA → 1 mV
  const analyticT = (I: number) => 20 * Math.log((I + -65 - -70) / (I + -65 - -50));

  it('first spike time equals τm·ln((RI + vRest − v0)/(RI + vRest − vThresh)) within one dt', () => {
    for (const I of [16, 20, 30, 60]) {
      const dt = 0.1;
      const net = new Network({ dt });
      const pop = net.add(lif(1, { ...base, rMem: R, iBias: I, vInit: -70 }, 'p'));
      const rec = net.spikeRecorder(pop);
      net.build();
      net.run(200);
      const t = rec.read().times[0] + dt; // spike detected at the end of its step
      expect(Math.abs(t - analyticT(I))).toBeLessThanOrEqual(dt);
    }
  });

  it('f–I curve equals the analytic LIF rate 1/(tRef + T(I)) within the step discretisation', () => {
    const dt = 0.1;
    for (const I of [15.5, 17, 20, 25, 40, 80, 150]) {
      const net = new Network({ dt });
      const pop = net.add(lif(1, { ...base, rMem: R, iBias: I, vInit: -70 }, 'p'));
      const rec = net.spikeRecorder(pop);
      net.build();
      net.run(2000);
      const t = rec.read().times;
      const period = (t[t.length - 1] - t[1]) / (t.length - 2);
      const analytic = 2 + analyticT(I);
      // discrete period ∈ (tRef + T − dt, tRef + T]: see core/neurons/lif.ts (Brian2 refractoriness)
      expect(period).toBeGreaterThan(analytic - dt - 1e-9);
      expect(period).toBeLessThanOrEqual(analytic + 1e-9);
    }
  });

  it('below rheobase (RI ≤ vThresh − vRest) the neuron never fires', () => {
    const net = new Network({ dt: 0.1 });
    const pop = net.add(lif(1, { ...base, rMem: R, iBias: 15, vInit: -70 }, 'p'));
    const c = net.spikeCounter(pop);
    net.build();
    net.run(1000);
    expect(c.total()).toBe(0);
    expect(pop.state.v[0]).toBeCloseTo(-50, 6);
  });
});

describe('refractoriness', () => {
  it.each([0.1, 0.5, 2, 2.04, 5])('holds v at vReset for exactly round(tRef/dt) steps counting the spike step (tRef = %s ms)', (tRef) => {
    const dt = 0.1;
    const R = Math.round(tRef / dt);
    const net = new Network({ dt });
    const pop = net.add(lif(1, { ...base, tRef, rMem: '1 Mohm', iBias: 200, vInit: -70 }, 'p'));
    const probe = net.stateProbe(pop, 'v');
    const rec = net.spikeRecorder(pop);
    net.build();
    net.run(30);
    const s0 = rec.read().steps[0];
    const { steps, values } = probe.read();
    const vAt = (s: number) => values[steps.indexOf(s)];
    for (let k = 0; k < R; k++) expect(vAt(s0 + k)).toBe(-70);
    expect(vAt(s0 + R)).toBeGreaterThan(-70);
  });

  it('synaptic current keeps decaying and accumulating while v is held', () => {
    const net = new Network({ dt: 0.1 });
    const src = net.add(spikeGenerator(1, [0, 0], [0.5, 1.0], { label: 'src' }));
    const pop = net.add(lif(1, { ...base, tRef: 5, rMem: '1 Mohm', iBias: 200, vInit: -50.01, synapse: { type: 'current', tauExc: 5, tauInh: 10 } }, 'p'));
    net.connect(src, pop, { connector: allToAll(), weight: 1 });
    net.build();
    net.run(1.1);
    // spikes at steps 5 and 10 each add 1 mV; the neuron is refractory from step 0 on
    expect(pop.state.gE[0]).toBeCloseTo(Math.exp(-0.5 / 5) + 1, 12);
    expect(pop.state.v[0]).toBe(-70);
  });
});

describe('conductance-based input', () => {
  it('a sustained large excitatory conductance drives v to the excitatory reversal potential', () => {
    const net = new Network({ dt: 0.5 });
    const times = Array.from({ length: 400 }, (_, k) => k * 0.5);
    const src = net.add(spikeGenerator(1, new Array(400).fill(0), times, { label: 'src' }));
    const pop = net.add(lif(1, { tauMem: 100, vRest: -65, vReset: -65, vThresh: 100, tRef: 5, synapse: { type: 'conductance', tauExc: 1, tauInh: 2, eExc: 0, eInh: -100 } }, 'exc'));
    net.connect(src, pop, { connector: allToAll(), weight: 50 });
    net.build();
    net.run(200);
    // steady state with g ≈ 50/(1 − e^(−0.5)) ≈ 127: v∞ = (vRest + g·0)/(1 + g) ≈ −0.5 mV
    expect(pop.state.v[0]).toBeGreaterThan(-1);
    expect(pop.state.v[0]).toBeLessThan(0);
  });

  it('inhibitory conductance pulls v toward the inhibitory reversal potential and matches exponential Euler for frozen g', () => {
    const net = new Network({ dt: 0.5 });
    const src = net.add(spikeGenerator(1, [0], [0], { label: 'src' }));
    const pop = net.add(lif(1, { tauMem: 100, vRest: -65, vReset: -65, vThresh: -52, tRef: 5, synapse: { type: 'conductance', tauExc: 1, tauInh: 2, eExc: 0, eInh: -100 } }, 'exc'));
    net.connect(src, pop, { connector: allToAll(), weight: 2, channel: 'inh' });
    net.build();
    net.run(0.5);
    net.step(); // integrates one step with gI = 2 held
    const g = 2;
    const vInf = (-65 + g * -100) / (1 + g);
    expect(pop.state.v[0]).toBeCloseTo(vInf + (-65 - vInf) * Math.exp((-(1 + g) * 0.5) / 100), 10);
    expect(pop.state.gI[0]).toBeCloseTo(2 * Math.exp(-0.5 / 2), 12);
  });
});

describe('adaptive threshold', () => {
  it('θ grows by θ+ per spike, decays with τθ, and the plasticity switch freezes it bit-identically', () => {
    const net = new Network({ dt: 0.5 });
    const pop = net.add(lif(1, { ...base, rMem: '1 Mohm', iBias: 40, adaptation: { thetaPlus: 0.05, tauTheta: 1e4 } }, 'p'));
    const rec = net.spikeRecorder(pop);
    net.build();
    net.run(100);
    const { steps } = rec.read();
    expect(steps.length).toBeGreaterThan(3);
    // closed form: θ(t) = Σ_spikes θ+·exp(−(t − t_k)/τθ), decay applied every step incl. the spike step
    const last = net.currentStep - 1;
    let expected = 0;
    for (const s of steps) expected += 0.05 * Math.exp((-(last - s) * 0.5) / 1e4);
    expect(pop.state.theta[0]).toBeCloseTo(expected, 10);
    net.plasticity.enabled = false;
    const frozen = pop.state.theta[0];
    net.run(100);
    expect(pop.state.theta[0]).toBe(frozen);
  });
});

describe('explicit pairs', () => {
  it('delivers only along the given pairs', () => {
    const net = new Network({ dt: 0.1 });
    const src = net.add(spikeGenerator(3, [1], [0], { label: 'src' }));
    const pop = net.add(lif(3, { ...base, vThresh: 100 }, 'p'));
    net.connect(src, pop, { connector: pairs([1, 0], [2, 2]), weight: [5, 7] });
    net.build();
    net.step();
    expect(Array.from(pop.state.gE)).toEqual([0, 0, 5]);
  });
});

describe('membrane resistance', () => {
  /** Spike steps and final v of one neuron with 0.2 nA of bias through rMem, run 300 ms. */
  function drive(rMem: number | string | undefined) {
    const net = new Network({ dt: 0.1 });
    const pop = net.add(lif(1, { ...base, ...(rMem === undefined ? {} : { rMem }), iBias: 0.2, vInit: -65 }, 'p'));
    const rec = net.spikeRecorder(pop);
    net.build();
    net.run(300);
    return { steps: Array.from(rec.read().steps), v: pop.state.v[0] };
  }

  it('reads a plain number in MΩ, the internal unit (MΩ · nA = mV), exactly as the same value with units', () => {
    // 100 MΩ × 0.2 nA = 20 mV of drive, 5 mV above threshold: the neuron fires
    const plain = drive(100);
    expect(plain.steps.length).toBeGreaterThan(5);
    for (const same of ['100 Mohm', '0.1 Gohm', '100000 kohm', '1e8 ohm']) expect(drive(same)).toEqual(plain);
    expect(toInternal(100, 'resistance', 'rMem')).toBe(100);
    expect(toInternal('2.5 ohm', 'resistance', 'rMem')).toBeCloseTo(2.5e-6, 15);
    // the default is 1 MΩ: 0.2 mV of drive, far below threshold
    const dflt = drive(undefined);
    expect(dflt).toEqual(drive(1));
    expect(dflt.steps).toEqual([]);
    expect(dflt.v).toBeCloseTo(-65 + 0.2 * (1 - Math.exp(-300 / 20)), 9);
  });
});

describe('refractoriness past 2³¹ steps', () => {
  /**
   * Two LIF populations (current-based, and conductance-based with an adaptive threshold) driven
   * above threshold by bias currents, run `n` steps from step `start` (set through
   * snapshot/restore). Returns the spike steps relative to `start` and the final state.
   */
  async function run(core: typeof import('../../../core/index.js'), start: number, n: number) {
    const net = new core.Network({ dt: 0.1, seed: 1 });
    const cur = net.add(core.lif(5, { ...base, tRef: 2, rMem: '1 Mohm', iBias: [20, 40, 80, 200, 16], vInit: -70 }, 'cur'));
    const cond = net.add(
      core.lif(3, { tauMem: 100, vRest: -65, vReset: -65, vThresh: -52, tRef: 5, rMem: '1 Mohm', iBias: [30, 60, 200], synapse: { type: 'conductance', tauExc: 1, tauInh: 2, eExc: 0, eInh: -100 }, adaptation: { thetaPlus: 0.05, tauTheta: 1e4 } }, 'cond'),
    );
    const recs = [cur, cond].map((p) => net.spikeRecorder(p));
    net.build();
    if (start > 0) net.restore({ ...net.snapshot(), step: start });
    net.runSteps(n);
    return {
      spikes: recs.map((r) => ({ steps: Array.from(r.read().steps, (s) => s - start), indices: Array.from(r.read().indices) })),
      v: [Array.from(cur.state.v), Array.from(cond.state.v)],
      theta: Array.from(cond.state.theta),
      step: net.currentStep,
    };
  }

  for (const wasm of [true, false]) {
    it(`holds every neuron for tRef across steps 2³¹ and 2³² exactly as near step 0 (${wasm ? 'WebAssembly' : 'JavaScript'} kernels)`, async () => {
      vi.resetModules();
      if (!wasm) vi.stubGlobal('WebAssembly', undefined);
      try {
        const core = await import('../../../core/index.js');
        const n = 6000;
        const ref = await run(core, 0, n);
        expect(ref.spikes[0].steps.length).toBeGreaterThan(100);
        expect(ref.spikes[1].steps.length).toBeGreaterThan(20);
        for (const start of [2 ** 31 - 2500, 2 ** 32 - 10, 2 ** 30 * 7 - 3, 2 ** 40 + 11]) {
          const far = await run(core, start, n);
          expect(far.step).toBe(start + n);
          expect(far.spikes).toEqual(ref.spikes);
          expect(far.v).toEqual(ref.v);
          expect(far.theta).toEqual(ref.theta);
        }
      } finally {
        vi.unstubAllGlobals();
        vi.resetModules();
      }
    });
  }
});
