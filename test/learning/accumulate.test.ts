/**
 * 'accumulate' rounding (mixed precision, Nandakumar et al. 2018/2020): a digital accumulator χ per
 * synapse collects the rule's Δw; whole steps of χ become pulses (trunc towards 0), χ keeps the rest.
 */
import { describe, expect, it } from 'vitest';
import { Network, allToAll, spikeGenerator, lif } from '../../core/index.js';
import { deviceParams, DEVICE_PRESETS, memristiveStore, type MemristiveStore } from '../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../core/random.js';
import type { StoreInit } from '../../core/synapses/store.js';
import { columnNormaliser, createPulseQueue, flushPulses, queueChange, stdp, RULES } from '../../learning/index.js';

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

  it('is validated by name', () => {
    const net = new Network({ dt: 0.5, seed: 1 });
    const a = net.add(spikeGenerator(2, [], [], { label: 'a' }));
    const b = net.add(lif(1, LIF, 'b'));
    const p = net.connect(a, b, { connector: allToAll(), weight: 0.1 });
    expect(() => stdp(p, RULES.diehlCook, { rounding: 'nearest' as never })).toThrow(/rounding = 'nearest' is unknown; use 'stochastic', 'deterministic', 'accumulate'/);
  });
});
