/**
 * Spike traces (Morrison et al. 2008 §4.1): exact decay by whole steps, all-to-all sums against
 * nearest-spike resets, the 10⁻⁹ floor and the list of nonzero entries, and restore.
 */
import { describe, expect, it } from 'vitest';
import { bumpTrace, createTrace, decayTrace, restoreTrace, TRACE_FLOOR } from '../../learning/traces.js';

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
});
