/**
 * Monitors: they copy what they watch into bounded, preallocated ring buffers during the `record`
 * phase, and hand out owned copies on request. Recording never allocates inside a step.
 *
 *  - SpikeRecorder: (step, neuron) pairs, the newest `capacity` kept; `dropped` counts the rest.
 *  - StateProbe: one variable of chosen neurons every `every` steps, the newest `capacity` rows.
 *  - RateMonitor: population spike count per step → rate [Hz], the newest `capacity` steps.
 *  - SpikeCounter: spikes per neuron since the last reset (what label assignment needs).
 */
import type { SpikeBuffer } from './neurons/spikes.js';

export interface SpikeRecorderData {
  /** step of each recorded spike (oldest first) */
  readonly steps: Int32Array;
  /** neuron index of each recorded spike */
  readonly indices: Int32Array;
  /** time of each spike [ms] */
  readonly times: Float64Array;
  /** spikes seen in total, and how many were overwritten because the ring was full */
  readonly total: number;
  readonly dropped: number;
}

export interface SpikeRecorder {
  readonly kind: 'spikes';
  readonly capacity: number;
  /** Owned copy of what is in the ring (oldest first). */
  read(): SpikeRecorderData;
  /** Forgets everything recorded so far. */
  clear(): void;
}

export interface StateProbe {
  readonly kind: 'state';
  readonly variable: 'v' | 'gE' | 'gI' | 'theta';
  readonly indices: Int32Array;
  readonly every: number;
  /** Owned copy: steps (rows) and values (rows × indices.length, row-major). */
  read(): { readonly steps: Int32Array; readonly values: Float64Array; readonly columns: number };
  clear(): void;
}

export interface RateMonitor {
  readonly kind: 'rate';
  /** Owned copy: step and rate [Hz] of the newest steps (oldest first). */
  read(): { readonly steps: Int32Array; readonly rateHz: Float64Array };
  /** Mean rate [Hz] over everything recorded since the last clear (not only the ring). */
  meanRateHz(): number;
  clear(): void;
}

export interface SpikeCounter {
  readonly kind: 'counter';
  /** spikes per neuron since the last reset (live array; copy it to keep it) */
  readonly counts: Int32Array;
  /** total since the last reset */
  total(): number;
  reset(): void;
}

/** Internal ring of (step, index) pairs. */
export interface SpikeRing {
  readonly steps: Int32Array;
  readonly idx: Int32Array;
  head: number;
  size: number;
  total: number;
}

export function recordSpikes(r: SpikeRing, spikes: SpikeBuffer, step: number): void {
  const cap = r.idx.length;
  const src = spikes.idx;
  const c = spikes.count;
  let h = r.head;
  for (let s = 0; s < c; s++) {
    r.steps[h] = step;
    r.idx[h] = src[s];
    h++;
    if (h === cap) h = 0;
  }
  r.head = h;
  r.total += c;
  r.size = Math.min(cap, r.size + c);
}

export function readSpikeRing(r: SpikeRing, dt: number): SpikeRecorderData {
  const cap = r.idx.length;
  const n = r.size;
  const steps = new Int32Array(n);
  const indices = new Int32Array(n);
  const times = new Float64Array(n);
  let start = r.head - n;
  if (start < 0) start += cap;
  for (let k = 0; k < n; k++) {
    const p = (start + k) % cap;
    steps[k] = r.steps[p];
    indices[k] = r.idx[p];
    times[k] = r.steps[p] * dt;
  }
  return { steps, indices, times, total: r.total, dropped: r.total - n };
}

export function countSpikes(counts: Int32Array, spikes: SpikeBuffer): void {
  const idx = spikes.idx;
  for (let s = 0, c = spikes.count; s < c; s++) counts[idx[s]]++;
}
