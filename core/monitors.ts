/**
 * Monitors: they copy what they watch into bounded, preallocated ring buffers during the `record`
 * phase, and hand out owned copies on request. Recording never allocates inside a step.
 *
 *  - SpikeRecorder: (step, neuron) pairs, the newest `capacity` kept; `dropped` counts the rest.
 *  - StateProbe: one variable of chosen neurons every `every` steps, the newest `capacity` rows.
 *  - RateMonitor: population spike count per step → rate [Hz], the newest `capacity` steps.
 *  - SpikeCounter: spikes per neuron since the last reset (what label assignment needs).
 *
 * Each factory returns the monitor (what the user reads) and its updater (what the network runs in
 * the record phase; it looks its source up once, at build). They run while plasticity is off too.
 *
 * Times. Step s covers [s·dt, (s + 1)·dt). A spike of step s happened during it and is stamped
 * with its START, s·dt (Brian2's convention; the rate monitor stamps its counts alike). A probe row
 * of step s is the state AFTER step s — v, gE, gI, θ at the END of the step — and is stamped
 * (s + 1)·dt. Every monitor hands out both the steps (whole numbers, exact) and these times, which
 * are the correctly rounded decimal products (core/time.ts: 226.2, not 226.20000000000002).
 * Steps are stored as Float64 (exact integers up to 2⁵³), so recording never wraps at 2³¹ steps.
 */
import type { StateArray } from './neurons/lif.js';
import type { SpikeBuffer } from './neurons/spikes.js';
import { stepTime } from './time.js';
import { QUIET_WITHOUT_SPIKES, type Updater } from './schedule.js';
import type { LifPopulation, Population } from './network.js';

export interface SpikeRecorderData {
  /** step of each recorded spike (oldest first; whole numbers) */
  readonly steps: Float64Array;
  /** neuron index of each recorded spike */
  readonly indices: Int32Array;
  /** time of each spike [ms]: the START of its step, step·dt (the spike happened during [step·dt, (step + 1)·dt)) */
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
  /**
   * Owned copy of the rows, oldest first. Row r is the state AFTER step `steps[r]`, so its time is
   * the END of that step, `times[r]` = (steps[r] + 1)·dt [ms] — unlike spike times, which are the
   * start of their step. `values` holds rows × indices.length numbers, row-major.
   */
  read(): {
    /** the step after which each row was taken (whole numbers) */
    readonly steps: Float64Array;
    /** the time each row belongs to [ms]: the end of its step, (step + 1)·dt */
    readonly times: Float64Array;
    /** rows × columns values, row-major */
    readonly values: Float64Array;
    /** number of probed neurons (values per row) */
    readonly columns: number;
  };
  clear(): void;
}

export interface RateMonitor {
  readonly kind: 'rate';
  /** Owned copy: step, its start time [ms] (step·dt, as spike times) and rate [Hz] of the newest steps (oldest first). */
  read(): { readonly steps: Float64Array; readonly times: Float64Array; readonly rateHz: Float64Array };
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
  readonly steps: Float64Array;
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
  const steps = new Float64Array(n);
  const indices = new Int32Array(n);
  const times = new Float64Array(n);
  let start = r.head - n;
  if (start < 0) start += cap;
  for (let k = 0; k < n; k++) {
    const p = (start + k) % cap;
    steps[k] = r.steps[p];
    indices[k] = r.idx[p];
    times[k] = stepTime(r.steps[p], dt);
  }
  return { steps, indices, times, total: r.total, dropped: r.total - n };
}

export function countSpikes(counts: Int32Array, spikes: SpikeBuffer): void {
  const idx = spikes.idx;
  for (let s = 0, c = spikes.count; s < c; s++) counts[idx[s]]++;
}

/** A monitor and the record-phase updater that feeds it. */
export interface MonitorParts<M> {
  readonly monitor: M;
  readonly updater: Updater;
}

/** Records the spikes of `pop` into a ring of `capacity` spikes. */
export function createSpikeRecorder(pop: Population, capacity: number, dt: number): MonitorParts<SpikeRecorder> {
  const ring: SpikeRing = { steps: new Float64Array(capacity), idx: new Int32Array(capacity), head: 0, size: 0, total: 0 };
  let buf: SpikeBuffer | null = null;
  return {
    updater: {
      phase: 'record',
      order: 0,
      name: `spikes:${pop.label}`,
      build: (ctx) => {
        buf = ctx.spikes(pop);
      },
      run: (step) => recordSpikes(ring, buf!, step),
      quiet: QUIET_WITHOUT_SPIKES, // a quiet step has no spike to record
    },
    monitor: {
      kind: 'spikes',
      capacity,
      read: () => readSpikeRing(ring, dt),
      clear: () => {
        ring.head = ring.size = ring.total = 0;
      },
    },
  };
}

/** Samples `variable` of LIF neurons `indices` every `every` steps into a ring of `capacity` rows. */
export function createStateProbe(pop: LifPopulation, variable: StateProbe['variable'], indices: Int32Array, every: number, capacity: number, dt: number): MonitorParts<StateProbe> {
  const cols = indices.length;
  const steps = new Float64Array(capacity);
  const values = new Float64Array(capacity * cols);
  let head = 0;
  let size = 0;
  let src: StateArray | null = null;
  return {
    updater: {
      phase: 'record',
      order: 1,
      name: `probe:${pop.label}.${variable}`,
      build: (ctx) => {
        src = ctx.lif(pop)[variable];
      },
      run: (step) => {
        if (step % every !== 0) return;
        const s = src!;
        const off = head * cols;
        for (let k = 0; k < cols; k++) values[off + k] = s[indices[k]];
        steps[head] = step;
        head = head + 1 === capacity ? 0 : head + 1;
        if (size < capacity) size++;
      },
      // quiet up to the next sampled step (a probe of every step: never)
      quiet: {
        steps: (step, max) => (step % every === 0 ? 0 : Math.min(max, every - (step % every))),
        pass: () => {},
      },
    },
    monitor: {
      kind: 'state',
      variable,
      indices,
      every,
      read: () => {
        const outSteps = new Float64Array(size);
        const outTimes = new Float64Array(size);
        const outValues = new Float64Array(size * cols);
        const start = (head - size + capacity) % capacity;
        for (let r = 0; r < size; r++) {
          const p = (start + r) % capacity;
          outSteps[r] = steps[p];
          outTimes[r] = stepTime(steps[p] + 1, dt); // the state after step s belongs to the end of the step
          outValues.set(values.subarray(p * cols, (p + 1) * cols), r * cols);
        }
        return { steps: outSteps, times: outTimes, values: outValues, columns: cols };
      },
      clear: () => {
        head = size = 0;
      },
    },
  };
}

/** Population rate per step [Hz] of `pop`, the newest `capacity` steps kept. */
export function createRateMonitor(pop: Population, capacity: number, dt: number): MonitorParts<RateMonitor> {
  const counts = new Int32Array(capacity);
  const steps = new Float64Array(capacity);
  let head = 0;
  let size = 0;
  let total = 0;
  let stepsSeen = 0;
  let buf: SpikeBuffer | null = null;
  const scale = 1000 / (dt * pop.n);
  return {
    updater: {
      phase: 'record',
      order: 2,
      name: `rate:${pop.label}`,
      build: (ctx) => {
        buf = ctx.spikes(pop);
      },
      run: (step) => {
        const c = buf!.count;
        counts[head] = c;
        steps[head] = step;
        head = head + 1 === capacity ? 0 : head + 1;
        if (size < capacity) size++;
        total += c;
        stepsSeen++;
      },
      // a quiet step records a rate of 0
      quiet: {
        steps: (_step, max) => max,
        pass: (step, count) => {
          for (let k = Math.max(0, count - capacity); k < count; k++) {
            counts[(head + k) % capacity] = 0;
            steps[(head + k) % capacity] = step + k;
          }
          head = (head + count) % capacity;
          size = Math.min(capacity, size + count);
          stepsSeen += count;
        },
      },
    },
    monitor: {
      kind: 'rate',
      read: () => {
        const s = new Float64Array(size);
        const t = new Float64Array(size);
        const r = new Float64Array(size);
        const start = (head - size + capacity) % capacity;
        for (let k = 0; k < size; k++) {
          const p = (start + k) % capacity;
          s[k] = steps[p];
          t[k] = stepTime(steps[p], dt);
          r[k] = counts[p] * scale;
        }
        return { steps: s, times: t, rateHz: r };
      },
      meanRateHz: () => (stepsSeen === 0 ? 0 : (total * scale) / stepsSeen),
      clear: () => {
        head = size = total = stepsSeen = 0;
      },
    },
  };
}

/** Counts spikes per neuron of `pop` (reset with counter.reset()). */
export function createSpikeCounter(pop: Population): MonitorParts<SpikeCounter> {
  const counts = new Int32Array(pop.n);
  let buf: SpikeBuffer | null = null;
  return {
    updater: {
      phase: 'record',
      order: 3,
      name: `count:${pop.label}`,
      build: (ctx) => {
        buf = ctx.spikes(pop);
      },
      run: () => countSpikes(counts, buf!),
      quiet: QUIET_WITHOUT_SPIKES, // a quiet step has no spike to record
    },
    monitor: {
      kind: 'counter',
      counts,
      total: () => {
        let t = 0;
        for (let i = 0; i < counts.length; i++) t += counts[i];
        return t;
      },
      reset: () => counts.fill(0),
    },
  };
}
