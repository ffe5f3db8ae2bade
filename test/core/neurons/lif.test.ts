import { describe, expect, it } from 'vitest';
import { Network, lif, spikeGenerator, pairs, allToAll } from '../../../core/index.js';

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
  const R = 1e6; // 1 MΩ: 1 nA → 1 mV
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
    const pop = net.add(lif(1, { ...base, tRef, rMem: 1e6, iBias: 200, vInit: -70 }, 'p'));
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
    const pop = net.add(lif(1, { ...base, tRef: 5, rMem: 1e6, iBias: 200, vInit: -50.01, synapse: { type: 'current', tauExc: 5, tauInh: 10 } }, 'p'));
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
    const pop = net.add(lif(1, { ...base, rMem: 1e6, iBias: 40, adaptation: { thetaPlus: 0.05, tauTheta: 1e4 } }, 'p'));
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
