/**
 * 'accumulate' rounding (mixed precision, Nandakumar et al. 2018/2020): a digital accumulator χ per
 * synapse collects the rule's Δw; whole steps of χ become pulses (trunc towards 0), χ keeps the rest.
 * 'feedback': the same accumulator, decremented by the change read after the pulses.
 */
import { describe, expect, it } from 'vitest';
import { Network, allToAll, spikeGenerator, lif } from '../../core/index.js';
import { deviceParams, DEVICE_PRESETS, FACTOR_ONE, memristiveStore, type MemristiveStore } from '../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../core/random.js';
import type { StoreInit } from '../../core/synapses/store.js';
import { columnNormaliser, createPulseQueue, flushPulses, queueChange, stdp, FEEDBACK_HOLD_STEPS, RULES } from '../../learning/index.js';

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
    const norm = net.addUpdater(columnNormaliser(proj, 6, { deviceMode: 'pulses', rounding: 'accumulate' }));
    net.build();
    expect(norm.mode).toBe('pulses');
    const s = proj.store as MemristiveStore;
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

  /** Clean 16-level devices at weight w0 (0.1 of the window per step) whose steps are f × the nominal one (d2d factors set by hand). */
  function devicesWithSteps(f: readonly number[], w0 = 0.75): MemristiveStore {
    const s = store(f.map(() => w0));
    for (let k = 0; k < f.length; k++) s.devices[0].stepUp[k] = s.devices[0].stepDown[k] = Math.round(f[k] * FACTOR_ONE);
    return s;
  }

  function randomWalk(s: MemristiveStore, rounding: 'accumulate' | 'feedback', events: number) {
    const n = s.size;
    const w0 = Array.from(s.weights);
    const q = createPulseQueue(s, 64, rounding, new RandomStream('unused'));
    const rnd = new RandomStream('dw');
    const requested = new Array<number>(n).fill(0);
    let maxAbsChi = 0;
    for (let t = 0; t < events; t++) {
      const k = t % n;
      const dw = ((rnd.uniform() - 0.5) * 0.2 + 0.008) * s.wStepUp; // ±0.1 step, drifting up ≈ 6 steps per synapse
      requested[k] += dw;
      queueChange(q, k, dw, s, t);
      if (t % 8 === 7) {
        // the last synapse three times in one flush, twice with a pulse (up in one such flush, down in the next)
        const big = (t % 16 === 7 ? 1.1 : -1.1) * s.wStepUp;
        queueChange(q, k, big, s, t);
        queueChange(q, k, big, s, t);
        requested[k] += 2 * big;
      }
      flushPulses(q, s, t);
      for (let j = 0; j < n; j++) maxAbsChi = Math.max(maxAbsChi, Math.abs(s.residual[j]));
    }
    return { w0, requested, maxAbsChi };
  }

  it("'feedback' conserves the requested change against the *read* weight, Σ Δw = (w − w0) + χ, on devices whose step is not the nominal one", () => {
    // each device moves by f·step per pulse, which 'accumulate' never learns of; the last one also
    // gets two pulses in one flush now and then (one read change against two nominal ones)
    const f = [0.6, 1.25, 1.45, 0.8];
    const fb = devicesWithSteps(f, 0.3);
    const r = randomWalk(fb, 'feedback', 3000);
    const acc = devicesWithSteps(f, 0.3);
    const ra = randomWalk(acc, 'accumulate', 3000);
    for (let k = 0; k < f.length; k++) {
      // feedback: what was asked for = what the devices did + what is still pending
      expect(fb.weights[k] - r.w0[k] + fb.residual[k]).toBeCloseTo(r.requested[k], 4);
      // open loop: the devices did f × what was booked, so the books are off by (f − 1)·(net pulses)·step
      const netPulses = (ra.requested[k] - acc.residual[k]) / acc.wStepUp;
      expect(acc.weights[k] - ra.w0[k]).toBeCloseTo(f[k] * netPulses * acc.wStepUp, 4);
      expect(Math.abs(netPulses)).toBeGreaterThan(3); // the walk went far enough for that to matter
    }
    expect(r.maxAbsChi).toBeLessThan(1.5 * fb.wStepUp); // a weak device's shortfall waits in χ for the next pulse
    expect(fb.devices[0].reads).toBeGreaterThan(0); // the read-back is a counted read
  });

  it("'feedback' keeps a request a device cannot follow pending (held inside one step), so the weight is not ratcheted down", () => {
    const atTop = (rounding: 'accumulate' | 'feedback') => {
      const s = store([1.5]); // at wMax: potentiating pulses do nothing
      const q = createPulseQueue(s, 16, rounding, new RandomStream('unused'));
      const pulsesPerEvent: number[] = [];
      for (let t = 0; t < 19; t++) {
        const before = s.pulses;
        queueChange(q, 0, 0.7 * s.wStepUp, s, t);
        flushPulses(q, s, t);
        pulsesPerEvent.push(s.pulses - before);
        expect(s.weights[0]).toBeCloseTo(1.5, 6);
      }
      const pending = s.residual[0];
      // then the rule asks for a little less
      queueChange(q, 0, -1.9 * s.wStepUp, s, 19);
      flushPulses(q, s, 19);
      return { s, pulsesPerEvent, pending };
    };
    const fb = atTop('feedback');
    expect(fb.pending).toBeCloseTo(FEEDBACK_HOLD_STEPS * fb.s.wStepUp, 6); // pending, held just inside one step
    expect(fb.pulsesPerEvent.slice(1).every((p) => p === 1)).toBe(true); // one per asking event, not a growing train
    expect(fb.s.weights[0]).toBeCloseTo(1.5, 6); // the −1.9 steps were absorbed by the pending request
    expect(fb.s.residual[0]).toBeCloseTo((FEEDBACK_HOLD_STEPS - 1.9) * fb.s.wStepUp, 6);
    const acc = atTop('accumulate');
    expect(Math.max(...acc.pulsesPerEvent)).toBe(1);
    expect(acc.pending).toBeLessThan(0.9 * acc.s.wStepUp); // (so that −1.9 steps make a pulse)
    expect(acc.s.weights[0]).toBeCloseTo(1.5 - acc.s.wStepDown, 6); // open loop booked the failed pulses as done: down one step
  });

  it("'feedback' holds an overshoot's χ within one step, so a device with 2.5× the nominal step settles instead of oscillating", () => {
    const s = devicesWithSteps([2.5]);
    const q = createPulseQueue(s, 16, 'feedback', new RandomStream('unused'));
    queueChange(q, 0, 1.2 * s.wStepUp, s, 0);
    flushPulses(q, s, 0);
    expect(s.pulses).toBe(1);
    expect(s.residual[0]).toBeCloseTo(-FEEDBACK_HOLD_STEPS * s.wStepUp, 6); // −1.3 steps read, held just inside one
    for (let t = 1; t <= 20; t++) {
      queueChange(q, 0, 0.001 * s.wStepUp, s, t);
      flushPulses(q, s, t);
    }
    expect(s.pulses).toBe(1); // without the hold: −1.3 → a pulse down of 2.5 → +1.2 → a pulse up … at every event
  });

  it('is validated by name', () => {
    const net = new Network({ dt: 0.5, seed: 1 });
    const a = net.add(spikeGenerator(2, [], [], { label: 'a' }));
    const b = net.add(lif(1, LIF, 'b'));
    const p = net.connect(a, b, { connector: allToAll(), weight: 0.1 });
    expect(() => stdp(p, RULES.diehlCook, { rounding: 'nearest' as never })).toThrow(/rounding = 'nearest' is unknown; use 'stochastic', 'deterministic', 'accumulate', 'feedback'/);
  });
});
