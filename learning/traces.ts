/**
 * Spike traces: x(t) = Σ_k a·e^(−(t − t_k)/τ) (all-to-all interaction) or x ← a at each spike
 * (nearest-spike interaction: only the latest spike counts), decayed exactly once per step by the
 * precomputed factor e^(−dt/τ). Morrison, Diesmann & Gerstner (2008), "Phenomenological models of
 * synaptic plasticity based on spike timing", Biol. Cybern. 98:459, §4.1.
 *
 * Values that fall below `TRACE_FLOOR` are flushed to exactly 0, so that rules can skip silent
 * neurons; a weight change proportional to such a trace is below float32 resolution for any
 * learning rate ≤ 1 and weight ≥ 10⁻³ (10⁻⁹ < 2⁻²⁴·10⁻³ ≈ 6·10⁻¹¹ is not guaranteed, so the floor
 * is stated rather than hidden: it is 10⁻⁹ of the trace increment).
 */
import type { SpikeBuffer } from '../core/neurons/spikes.js';

export const TRACE_FLOOR = 1e-9;

export interface Trace {
  readonly x: Float64Array;
  /** e^(−dt/τ) */
  readonly decay: number;
  /** increment (all-to-all) or value set (nearest) per spike */
  readonly amount: number;
  readonly nearest: boolean;
  /** number of nonzero entries is not tracked; `active` says whether any entry may be nonzero */
  active: boolean;
}

export function createTrace(n: number, tau: number, dt: number, amount = 1, nearest = false): Trace {
  return { x: new Float64Array(n), decay: Math.exp(-dt / tau), amount, nearest, active: false };
}

/** Decays every entry by one step; entries below the floor become 0. */
export function decayTrace(t: Trace): void {
  if (!t.active) return;
  const x = t.x;
  const d = t.decay;
  const floor = TRACE_FLOOR * t.amount;
  let any = false;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v === 0) continue;
    const nv = v * d;
    if (nv < floor) x[i] = 0;
    else {
      x[i] = nv;
      any = true;
    }
  }
  t.active = any;
}

/** Adds (all-to-all) or sets (nearest) the trace of every neuron that spiked. */
export function bumpTrace(t: Trace, spikes: SpikeBuffer): void {
  const c = spikes.count;
  if (c === 0) return;
  const { x, amount } = t;
  const idx = spikes.idx;
  if (t.nearest) for (let s = 0; s < c; s++) x[idx[s]] = amount;
  else for (let s = 0; s < c; s++) x[idx[s]] += amount;
  t.active = true;
}
