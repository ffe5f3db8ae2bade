/**
 * Spike traces (Morrison et al. 2008 §4.1): exact decay by whole steps, all-to-all sums against
 * nearest-spike resets, the 10⁻⁹ floor and the list of nonzero entries, and restore.
 */
import { describe, expect, it } from 'vitest';
import { bumpTrace, createTrace, decayTrace, restoreTrace, syncTrace, TRACE_FLOOR, type Trace } from '../../learning/traces.js';
import { mulberry32 } from '../core/neurons/kernel-helpers.js';

const spikes = (...idx: number[]) => ({ idx: Int32Array.from(idx), count: idx.length });

describe('traces', () => {
  it('decay by e^(−dt/τ) per step: after k steps a bump of a is a·e^(−k·dt/τ)', () => {
    const t = createTrace(3, 20, 0.5, 0.7);
    bumpTrace(t, spikes(1));
    for (let k = 0; k < 40; k++) decayTrace(t);
    expect(t.x[1]).toBeCloseTo(0.7 * Math.exp((-40 * 0.5) / 20), 14);
    expect(t.x[0]).toBe(0);
    expect(t.decay).toBe(Math.exp(-0.5 / 20));
  });

  it('all-to-all adds every spike; nearest sets the trace to the bump at each spike', () => {
    const sum = createTrace(1, 10, 1, 1, false);
    const near = createTrace(1, 10, 1, 1, true);
    for (const t of [sum, near]) {
      bumpTrace(t, spikes(0));
      for (let k = 0; k < 5; k++) decayTrace(t);
      bumpTrace(t, spikes(0));
    }
    expect(sum.x[0]).toBeCloseTo(1 + Math.exp(-0.5), 14);
    expect(near.x[0]).toBe(1);
  });

  it('keeps a list of exactly the nonzero entries; values under the floor are flushed to 0 and leave it', () => {
    const t = createTrace(5, 1, 1, 2);
    bumpTrace(t, spikes(0, 3));
    bumpTrace(t, spikes(3));
    expect(Array.from(t.list.subarray(0, t.count)).sort()).toEqual([0, 3]);
    expect(t.active).toBe(true);
    // 2·e^(−k) < 2·10⁻⁹ from k = 21 on
    for (let k = 0; k < 20; k++) decayTrace(t);
    expect(t.x[0]).toBeGreaterThan(TRACE_FLOOR * 2);
    decayTrace(t);
    expect(t.x[0]).toBe(0);
    expect(t.x[3]).toBeGreaterThan(0); // it was bumped twice: 4·e^(−21) is still above the floor
    expect(Array.from(t.list.subarray(0, t.count))).toEqual([3]);
    decayTrace(t);
    expect(t.count).toBe(0);
    expect(t.active).toBe(false);
    expect(Array.from(t.x)).toEqual([0, 0, 0, 0, 0]);
  });

  it('restore puts back values and the list in its saved order', () => {
    const t = createTrace(4, 5, 1);
    restoreTrace(t, Float64Array.from([0, 0.5, 0, 0.25]), Int32Array.from([3, 1]));
    expect(Array.from(t.list.subarray(0, t.count))).toEqual([3, 1]);
    expect(Array.from(t.inList)).toEqual([0, 1, 0, 1]);
    bumpTrace(t, spikes(1, 2));
    expect(Array.from(t.list.subarray(0, t.count))).toEqual([3, 1, 2]);
    expect(t.x[1]).toBe(1.5);
  });

  it('nearest-spike traces decay lazily with the eager bits and the eager list order, through restores', () => {
    // the eager update, written out: the definition the lazy one must reproduce
    const eager = { x: new Float64Array(40), list: [] as number[] };
    let t = createTrace(40, 2, 0.5, 0.8, true);
    const d = t.decay;
    const eagerDecay = () => {
      const { x, list } = eager;
      for (let a = 0; a < list.length; a++) {
        const nv = x[list[a]] * d;
        if (nv < TRACE_FLOOR * 0.8) {
          x[list[a]] = 0;
          list[a--] = list[list.length - 1];
          list.pop();
        } else x[list[a]] = nv;
      }
    };
    const eagerBump = (idx: number[]) => {
      for (const i of idx) {
        if (eager.x[i] === 0) eager.list.push(i);
        eager.x[i] = 0.8;
      }
    };
    const compare = (t: Trace) => {
      syncTrace(t);
      expect(Array.from(t.list.subarray(0, t.count))).toEqual(eager.list);
      expect(t.active).toBe(eager.list.length > 0);
      for (let i = 0; i < 40; i++) expect(Object.is(t.x[i], eager.x[i])).toBe(true);
    };
    // 0.8·e^(−k/4) first falls below the floor 0.8·10⁻⁹ at k = 83 (e^(−20.75) < 10⁻⁹ < e^(−20.5))
    expect(t.lazy?.values.length).toBe(83);
    const rnd = mulberry32(7);
    for (let step = 0; step < 4000; step++) {
      decayTrace(t);
      eagerDecay();
      // neurons 0–9 fire sparsely throughout (the list never empties); the others in bursts and
      // silences, so that several entries leave in one step, among entries that stay
      const p = step % 400 < 100 ? 0.08 : step % 400 < 110 ? 0.4 : 0;
      const idx: number[] = [];
      for (let i = 0; i < 40; i++) if (rnd() < (i < 10 ? 0.03 : p)) idx.push(i);
      bumpTrace(t, spikes(...idx));
      eagerBump(idx);
      compare(t);
      if (step === 1500 || step === 2900) {
        // restore what a snapshot holds into a fresh trace and go on with it
        syncTrace(t);
        const copy = createTrace(40, 2, 0.5, 0.8, true);
        restoreTrace(copy, t.x.slice(), t.list.slice(0, t.count));
        t = copy;
      }
    }
    compare(t);
  });

  it('a nearest-spike trace restored from values off its sequence is decayed eagerly, exactly', () => {
    const t = createTrace(3, 2, 0.5, 1, true);
    restoreTrace(t, Float64Array.from([0.3, 0, 0.7]), Int32Array.from([2, 0]));
    expect(t.lazy?.on).toBe(false);
    decayTrace(t);
    syncTrace(t);
    expect(t.x[0]).toBe(0.3 * t.decay);
    expect(t.x[2]).toBe(0.7 * t.decay);
    bumpTrace(t, spikes(1));
    expect(Array.from(t.list.subarray(0, t.count))).toEqual([2, 0, 1]);
    expect(t.x[1]).toBe(1);
  });
});
