/**
 * Spike traces: x(t) = Σ_k a·e^(−(t − t_k)/τ) (all-to-all interaction) or x ← a at each spike
 * (nearest-spike interaction: only the latest spike counts), decayed exactly once per step by the
 * precomputed factor e^(−dt/τ). Morrison, Diesmann & Gerstner (2008), "Phenomenological models of
 * synaptic plasticity based on spike timing", Biol. Cybern. 98:459, §4.1.
 *
 * Values that fall below `TRACE_FLOOR` × the increment (10⁻⁹) are flushed to exactly 0 and leave the
 * trace's list of nonzero entries, so that rules visit only neurons that spiked recently. The
 * change this drops is below 10⁻⁹ × the learning rate per event — for Diehl & Cook's νpre = 10⁻⁴,
 * 10⁻¹³, far under the Float32 resolution of any weight above 10⁻⁶. It is stated, not hidden.
 */
import type { SpikeBuffer } from '../core/neurons/spikes.js';
import { exp } from '../core/math.js';

export const TRACE_FLOOR = 1e-9;

export interface Trace {
  readonly x: Float64Array;
  /** e^(−dt/τ) */
  readonly decay: number;
  /** increment (all-to-all) or value set (nearest) per spike */
  readonly amount: number;
  readonly nearest: boolean;
  /** whether any entry is nonzero */
  active: boolean;
  /** the neurons whose entry is nonzero (unordered), and how many */
  readonly list: Int32Array;
  count: number;
  /** 1 where the neuron is in `list` */
  readonly inList: Uint8Array;
}

export function createTrace(n: number, tau: number, dt: number, amount = 1, nearest = false): Trace {
  return { x: new Float64Array(n), decay: exp(-dt / tau), amount, nearest, active: false, list: new Int32Array(n), count: 0, inList: new Uint8Array(n) };
}

/** Decays every nonzero entry by one step; entries below the floor become 0 and leave the list. */
export function decayTrace(t: Trace): void {
  if (t.count === 0) return;
  const { x, list, inList } = t;
  const d = t.decay;
  const floor = TRACE_FLOOR * t.amount;
  let c = t.count;
  for (let a = 0; a < c; a++) {
    const i = list[a];
    const nv = x[i] * d;
    if (nv < floor) {
      x[i] = 0;
      inList[i] = 0;
      list[a--] = list[--c];
    } else x[i] = nv;
  }
  t.count = c;
  t.active = c > 0;
}

/** Adds (all-to-all) or sets (nearest) the trace of every neuron that spiked. */
export function bumpTrace(t: Trace, spikes: SpikeBuffer): void {
  const c = spikes.count;
  if (c === 0) return;
  const { x, amount, list, inList } = t;
  const idx = spikes.idx;
  for (let s = 0; s < c; s++) {
    const i = idx[s];
    if (t.nearest) x[i] = amount;
    else x[i] += amount;
    if (inList[i] === 0) {
      inList[i] = 1;
      list[t.count++] = i;
    }
  }
  t.active = true;
}

/** Restores values and the list (in its saved order, which orders later updates). */
export function restoreTrace(t: Trace, x: Float64Array, list: Int32Array): void {
  t.x.set(x);
  t.inList.fill(0);
  t.list.set(list);
  for (let a = 0; a < list.length; a++) t.inList[list[a]] = 1;
  t.count = list.length;
  t.active = list.length > 0;
}
