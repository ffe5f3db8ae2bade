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
 *
 * Nearest-spike traces are decayed lazily, with the same bits. After a spike such an entry is set
 * to the bump a, and each step multiplies it by e^(−dt/τ): so an entry k steps after its latest
 * spike holds values[k], values[0] = a, values[k] = values[k−1]·e^(−dt/τ) (rounded as the eager
 * update rounds it), and it leaves the list at the age L where values[L] falls below the floor —
 * the same L for every entry. Instead of multiplying each nonzero entry every step, a decay counts
 * the step, and removes the entries that reach age L (kept in buckets by the step of their latest
 * spike), moving the last entries of the list into their places exactly as the eager scan does, so
 * the list order (which orders later updates) is the same. `x` holds current values for listed
 * entries only after `syncTrace` (which the rules call before they read it). A trace whose decay
 * never reaches the floor within 2¹⁶ steps, or that is restored from values off the sequence, is
 * decayed eagerly.
 */
import type { SpikeBuffer } from '../core/neurons/spikes.js';
import { exp } from '../core/math.js';

export const TRACE_FLOOR = 1e-9;

export interface Trace {
  /** values; for a lazily decayed trace, current for listed entries after syncTrace (header) */
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
  /** the lazy decay of a nearest-spike trace (header); null: decayed eagerly */
  readonly lazy: LazyDecay | null;
}

/** Bookkeeping of a lazily decayed nearest-spike trace (learning/traces.ts header). */
interface LazyDecay {
  /** values[k]: an entry's value k steps after its latest spike; its length is the age L at which it leaves */
  readonly values: Float64Array;
  /** off: decayed eagerly (after a restore from values off the sequence) */
  on: boolean;
  /** steps decayed so far (while the list was not empty) */
  now: number;
  /** `now` at each entry's latest spike */
  readonly born: Float64Array;
  /** each listed entry's position in the list */
  readonly pos: Int32Array;
  /** buckets by born mod L: first entry (−1: none), and the links between entries of a bucket */
  readonly head: Int32Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** scratch: the entries that leave in one step */
  readonly due: Int32Array;
}

/** Longest sequence kept for a lazily decayed trace; a slower decay is done eagerly. */
const LAZY_MAX_AGE = 1 << 16;

export function createTrace(n: number, tau: number, dt: number, amount = 1, nearest = false): Trace {
  const decay = exp(-dt / tau);
  return { x: new Float64Array(n), decay, amount, nearest, active: false, list: new Int32Array(n), count: 0, inList: new Uint8Array(n), lazy: nearest ? lazyDecay(n, decay, amount) : null };
}

/** The lazy bookkeeping of a nearest-spike trace, or null where its entries take too long to leave. */
function lazyDecay(n: number, decay: number, amount: number): LazyDecay | null {
  if (!(amount > 0 && amount < Infinity && decay >= 0 && decay < 1)) return null;
  const floor = TRACE_FLOOR * amount;
  const seq = [amount];
  for (let v = amount * decay; !(v < floor); v *= decay) {
    if (seq.length === LAZY_MAX_AGE) return null;
    seq.push(v);
  }
  const L = seq.length;
  return {
    values: Float64Array.from(seq),
    on: true,
    now: 0,
    born: new Float64Array(n),
    pos: new Int32Array(n),
    head: new Int32Array(L).fill(-1),
    next: new Int32Array(n),
    prev: new Int32Array(n),
    due: new Int32Array(n),
  };
}

function linkEntry(z: LazyDecay, i: number): void {
  const b = z.born[i] % z.values.length;
  const h = z.head[b];
  z.prev[i] = -1;
  z.next[i] = h;
  if (h >= 0) z.prev[h] = i;
  z.head[b] = i;
}

function unlinkEntry(z: LazyDecay, i: number): void {
  const p = z.prev[i];
  const q = z.next[i];
  if (p >= 0) z.next[p] = q;
  else z.head[z.born[i] % z.values.length] = q;
  if (q >= 0) z.prev[q] = p;
}

/** Writes the current value of every listed entry of a lazily decayed trace into `x` (a no-op otherwise). */
export function syncTrace(t: Trace): void {
  const z = t.lazy;
  if (z === null || !z.on) return;
  const { x, list } = t;
  const { values, born, now } = z;
  for (let a = 0, c = t.count; a < c; a++) {
    const i = list[a];
    x[i] = values[now - born[i]];
  }
}

/**
 * One step of a lazily decayed trace: the entries whose latest spike is L steps old leave, in
 * ascending list position, each hole filled from the end of the list — and a filler that leaves
 * too is removed at once in that place — which is what the eager scan does.
 */
function decayLazy(t: Trace, z: LazyDecay): void {
  const now = ++z.now;
  const L = z.values.length;
  const b = now % L;
  let i = z.head[b];
  if (i < 0) return;
  z.head[b] = -1;
  const { due, pos, born } = z;
  let m = 0;
  for (; i >= 0; i = z.next[i]) {
    // insertion by list position (a handful of entries per step)
    let k = m++;
    const p = pos[i];
    while (k > 0 && pos[due[k - 1]] > p) {
      due[k] = due[k - 1];
      k--;
    }
    due[k] = i;
  }
  const { x, list, inList } = t;
  const leaving = now - L;
  let c = t.count;
  for (let d = 0; d < m; d++) {
    let e = due[d];
    if (inList[e] === 0) continue; // already removed as the filler of an earlier hole
    const p = pos[e];
    for (;;) {
      x[e] = 0;
      inList[e] = 0;
      c--;
      if (p === c) break;
      const f = list[c];
      list[p] = f;
      pos[f] = p;
      if (born[f] !== leaving) break;
      e = f;
    }
  }
  t.count = c;
  t.active = c > 0;
}

/** Decays every nonzero entry by one step; entries below the floor become 0 and leave the list. */
export function decayTrace(t: Trace): void {
  if (t.count === 0) return;
  const z = t.lazy;
  if (z !== null && z.on) {
    decayLazy(t, z);
    return;
  }
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
  const z = t.lazy;
  if (z !== null && z.on) {
    // nearest: the entry restarts the sequence now (values[0] = amount), in the bucket of this step
    for (let s = 0; s < c; s++) {
      const i = idx[s];
      x[i] = amount;
      if (inList[i] === 0) {
        inList[i] = 1;
        z.pos[i] = t.count;
        list[t.count++] = i;
      } else unlinkEntry(z, i);
      z.born[i] = z.now;
      linkEntry(z, i);
    }
    t.active = true;
    return;
  }
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

/**
 * Restores values and the list (in its saved order, which orders later updates). A lazily decayed
 * trace finds each listed entry's age from its value; if some value is not on the sequence, the
 * trace is decayed eagerly from then on (until a restore whose values all are).
 */
export function restoreTrace(t: Trace, x: Float64Array, list: Int32Array): void {
  t.x.set(x);
  t.inList.fill(0);
  t.list.set(list);
  for (let a = 0; a < list.length; a++) t.inList[list[a]] = 1;
  t.count = list.length;
  t.active = list.length > 0;
  const z = t.lazy;
  if (z === null) return;
  const L = z.values.length;
  z.head.fill(-1);
  z.now = L; // ages 0 … L − 1 give births 1 … L
  z.on = true;
  for (let a = 0; a < list.length; a++) {
    const i = list[a];
    const age = ageOf(z.values, x[i]);
    if (age < 0) {
      z.on = false;
      return;
    }
    z.pos[i] = a;
    z.born[i] = L - age;
    linkEntry(z, i);
  }
}

/** The age k with values[k] = v (values strictly decreasing), or −1. */
function ageOf(values: Float64Array, v: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = values[mid];
    if (m === v) return mid;
    if (m > v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
