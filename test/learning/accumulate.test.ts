/**
 * 'accumulate' rounding (mixed precision, Nandakumar et al. 2018/2020): a digital accumulator χ per
 * synapse collects the rule's Δw; whole steps of χ become pulses (trunc towards 0), χ keeps the rest.
 * 'feedback': the same accumulator, decremented by the change read after the pulses.
 */
import { describe, expect, it } from 'vitest';
import { Network, allToAll, spikeGenerator, lif } from '../../core/index.js';
import { deviceParams, DEVICE_PRESETS, memristiveStore, type MemristiveStore } from '../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../core/random.js';
import type { StoreInit } from '../../core/synapses/store.js';
import { columnNormaliser, createPulseQueue, flushPulses, queueChange, stdp, FEEDBACK_LIMIT_STEPS, RULES } from '../../learning/index.js';

/** A noise-free linear device with 16 levels: every pulse moves the weight by exactly one nominal step. */
const CLEAN16 = deviceParams(DEVICE_PRESETS['ideal'], { levels: 16, quantLevels: 0 });

const LIF = { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2, synapse: { type: 'current', tauExc: 1, tauInh: 5 } } as const;

function store(initial: number[], mode: 'single' | 'pair' = 'single'): MemristiveStore {
  const w = Float32Array.from(initial);
  const init: StoreInit = { size: w.length, initial: w, random: new RandomStreams(3), label: 'acc', dt: 0.5 };
  return memristiveStore({ device: CLEAN16, mode, wMax: 1.5 }).create(init) as MemristiveStore;
}

describe("rounding 'accumulate'", () => {
  it('sends a pulse exactly when the accumulated change reaches a whole step and keeps the rest', () => {
    const s = store([0.3]);
    const q = createPulseQueue(s, 16, 'accumulate', new RandomStream('unused'));
    const step = s.wStepUp;
    expect(step).toBeCloseTo(1.5 / 15, 12);
    const w0 = s.weights[0];
    const sent: number[] = [];
    for (let k = 1; k <= 9; k++) {
      queueChange(q, 0, 0.25 * step, s, k);
      sent.push(q.n);
      flushPulses(q, s, k);
    }
    // one pulse at the 4th and the 8th change (χ = 1.0 and 2.0 steps), none in between
    expect(sent).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(s.pulses).toBe(2);
    expect(s.weights[0] - w0).toBeCloseTo(2 * step, 6);
    expect(s.residual[0]).toBeCloseTo(0.25 * step, 7);
    // a negative change smaller than the residual sends nothing and is absorbed
    queueChange(q, 0, -0.5 * step, s, 10);
    expect(q.n).toBe(0);
    expect(s.residual[0]).toBeCloseTo(-0.25 * step, 7);
  });

  it('conserves the requested change: Σ Δw = (pulses up − pulses down)·step + χ, |χ| < one step', () => {
    const s = store([0.7, 0.7, 0.7]);
    const w0 = Array.from(s.weights); // as programmed (7 steps)
    const q = createPulseQueue(s, 64, 'accumulate', new RandomStream('unused'));
    const rnd = new RandomStream('dw');
    const requested = [0, 0, 0];
    let netCount = [0, 0, 0];
    for (let t = 0; t < 2000; t++) {
      const k = t % 3;
      const dw = (rnd.uniform() - 0.5) * 0.6 * s.wStepUp; // within ±0.3 steps per event, so the weights stay inside the window
      requested[k] += dw;
      queueChange(q, k, dw, s, t);
      for (let j = 0; j < q.n; j++) netCount = netCount.map((c, i) => (i === q.idx[j] ? c + q.counts[j] : c));
      flushPulses(q, s, t);
    }
    for (let k = 0; k < 3; k++) {
      expect(Math.abs(s.residual[k])).toBeLessThan(s.wStepUp);
      expect(netCount[k] * s.wStepUp + s.residual[k]).toBeCloseTo(requested[k], 4);
      expect(s.weights[k] - w0[k]).toBeCloseTo(netCount[k] * s.wStepUp, 4); // exact device steps
    }
  });

  it('the residual travels in store snapshots; an older snapshot without it restores zeros', () => {
    const s = store([0.3, 0.6]);
    const q = createPulseQueue(s, 4, 'accumulate', new RandomStream('unused'));
    queueChange(q, 1, 0.4 * s.wStepUp, s, 1);
    const snap = s.snapshot();
    expect(Array.from(snap.arrays['residual'] as Float32Array)).toEqual([0, Math.fround(0.4 * s.wStepUp)]);
    const t = store([0.3, 0.6]);
    t.restore(snap);
    expect(t.residual[1]).toBe(s.residual[1]);
    const { residual: _dropped, ...older } = snap.arrays;
    t.restore({ ...snap, arrays: older });
    expect(Array.from(t.residual)).toEqual([0, 0]);
    expect(() => t.restore({ ...snap, arrays: { ...snap.arrays, residual: new Float32Array(5) } })).toThrow(/residual of the wrong type\/length/);
  });

  it('normalisation by pulses normalises the intended weights w + χ (no correction is counted twice)', () => {
    const net = new Network({ dt: 0.5, seed: 2 });
    const pre = net.add(spikeGenerator(20, [], [], { label: 'pre' }));
    const post = net.add(lif(3, LIF, 'post'));
    const proj = net.connect(pre, post, { connector: allToAll(), weight: 0.2, store: memristiveStore({ device: CLEAN16, mode: 'single', wMax: 1.5 }) });
    net.build();
    const s = proj.store as MemristiveStore;
    const norm = columnNormaliser(proj, 6, { deviceMode: 'pulses', rounding: 'accumulate', rng: new RandomStream('n') });
    norm.apply(1);
    const firstPulses = s.pulses;
    expect(firstPulses).toBeGreaterThan(0); // 20 × 0.2 = 4 → 6: every weight +50 % = +1 step
    const { colPtr, synapse } = proj.columns();
    for (let i = 0; i < 3; i++) {
      let sum = 0;
      for (let c = colPtr[i]; c < colPtr[i + 1]; c++) sum += s.weights[synapse[c]] + s.residual[synapse[c]];
      expect(sum).toBeCloseTo(6, 4);
    }
    // a second pass finds the intended weights already normalised: nothing more is sent
    norm.apply(2);
    expect(s.pulses).toBe(firstPulses);
  });

  it("'feedback' conserves the requested change against the *read* weight: Σ Δw = (w − w0) + χ, on devices whose step is not the nominal one", () => {
    // 40 % device-to-device spread of the step size, no other non-ideality: each device moves by its
    // own f·step per pulse, which the open-loop accumulator never learns of
    const spread = deviceParams(CLEAN16, { d2d: { step: 0.4, bounds: 0, nonlinearity: 0, upDown: 0 } });
    const make = () => memristiveStore({ device: spread, mode: 'single', wMax: 1.5 }).create({ size: 4, initial: new Float32Array(4).fill(0.75), random: new RandomStreams(5), label: 'fb', dt: 0.5 }) as MemristiveStore;
    const run = (rounding: 'accumulate' | 'feedback') => {
      const s = make();
      const w0 = Array.from(s.weights);
      const q = createPulseQueue(s, 64, rounding, new RandomStream('unused'));
      const rnd = new RandomStream('dw');
      const requested = [0, 0, 0, 0];
      let maxAbsChi = 0;
      for (let t = 0; t < 3000; t++) {
        const k = t % 4;
        const dw = (rnd.uniform() - 0.5) * 0.6 * s.wStepUp;
        requested[k] += dw;
        queueChange(q, k, dw, s, t);
        if (t % 8 === 7) {
          // the same synapse three times in one flush, with pulses each way (net request: 0)
          queueChange(q, k, 1.1 * s.wStepUp, s, t);
          queueChange(q, k, -1.1 * s.wStepUp, s, t);
        }
        flushPulses(q, s, t);
        for (let j = 0; j < 4; j++) maxAbsChi = Math.max(maxAbsChi, Math.abs(s.residual[j]));
      }
      return { s, w0, requested, maxAbsChi };
    };
    const fb = run('feedback');
    const acc = run('accumulate');
    let accWorst = 0;
    for (let k = 0; k < 4; k++) {
      // feedback: what was asked for = what the devices did + what is still pending
      expect(fb.s.weights[k] - fb.w0[k] + fb.s.residual[k]).toBeCloseTo(fb.requested[k], 4);
      // and the pending part never exceeds the bound (here not reached: ≤ one device step + one event)
      expect(fb.maxAbsChi).toBeLessThan(FEEDBACK_LIMIT_STEPS * fb.s.wStepUp);
      accWorst = Math.max(accWorst, Math.abs(acc.s.weights[k] - acc.w0[k] + acc.s.residual[k] - acc.requested[k]));
    }
    // the open-loop accumulator misses by (1 − f)·(pulses sent)·step on some device
    expect(accWorst).toBeGreaterThan(fb.s.wStepUp);
    expect(fb.s.devices[0].reads).toBeGreaterThan(0); // the read-back is a counted read
  });

  it("'feedback' holds χ within ±FEEDBACK_LIMIT_STEPS steps when a device cannot follow (stuck at its top)", () => {
    const s = store([1.5]); // at wMax: potentiating pulses do nothing
    const q = createPulseQueue(s, 16, 'feedback', new RandomStream('unused'));
    for (let t = 0; t < 50; t++) {
      queueChange(q, 0, 0.7 * s.wStepUp, s, t);
      flushPulses(q, s, t);
      expect(s.residual[0]).toBeLessThanOrEqual(Math.fround(FEEDBACK_LIMIT_STEPS * s.wStepUp));
    }
    expect(s.residual[0]).toBeCloseTo(FEEDBACK_LIMIT_STEPS * s.wStepUp, 6);
    expect(s.weights[0]).toBeCloseTo(1.5, 6);
  });

  it('is validated by name', () => {
    const net = new Network({ dt: 0.5, seed: 1 });
    const a = net.add(spikeGenerator(2, [], [], { label: 'a' }));
    const b = net.add(lif(1, LIF, 'b'));
    const p = net.connect(a, b, { connector: allToAll(), weight: 0.1 });
    expect(() => stdp(p, RULES.diehlCook, { rounding: 'nearest' as never })).toThrow(/rounding = 'nearest' is unknown; use 'stochastic', 'deterministic', 'accumulate', 'feedback'/);
  });
});
