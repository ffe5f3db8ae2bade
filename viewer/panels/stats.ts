/**
 * The pure computations of the panels: axis ticks (nice numbers, decades, ages), histogram bins,
 * inter-spike intervals, rate binning, matrix downsampling and number formatting. DOM-free, so they
 * are unit-tested in Node (test/viewer/panels.test.ts).
 */

// ---------------------------------------------------------------------------------------------
// ticks

export interface Tick {
  readonly value: number;
  readonly label: string;
}

const E10 = Math.sqrt(50);
const E5 = Math.sqrt(10);
const E2 = Math.sqrt(2);

/** A "nice" step (1, 2 or 5 × 10^k) splitting `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = Math.floor(Math.log10(raw));
  const error = raw / Math.pow(10, power);
  const m = error >= E10 ? 10 : error >= E5 ? 5 : error >= E2 ? 2 : 1;
  return m * Math.pow(10, power);
}

/** Removes floating-point noise from a multiple of a step (0.30000000000000004 → 0.3). */
function clean(v: number): number {
  const r = Number(v.toPrecision(12));
  return r === 0 ? 0 : r;
}

/** Decimals needed to write multiples of `step` exactly (0.25 → 2, 5 → 0). */
export function stepDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  for (let d = 0; d < 12; d++) {
    const scaled = step * Math.pow(10, d);
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  return 12;
}

/** A tick value as text, with as many decimals as the step needs; large values with k / M / G. */
export function formatTick(v: number, step: number): string {
  const a = Math.abs(v);
  if (a >= 1e4 && step >= 1e3) {
    const [div, unit] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
    return `${(v / div).toFixed(stepDecimals(step / div))}${unit}`;
  }
  const s = v.toFixed(stepDecimals(step));
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** Ticks at multiples of a nice step inside [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): { readonly step: number; readonly ticks: Tick[] } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { step: 1, ticks: [] };
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return { step: 1, ticks: [{ value: lo, label: formatTick(lo, niceStep(Math.abs(lo) || 1, 1)) }] };
  const step = niceStep(hi - lo, count);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: Tick[] = [];
  for (let i = first; i <= last; i++) {
    const value = clean(i * step);
    ticks.push({ value, label: formatTick(value, step) });
  }
  return { step, ticks };
}

/**
 * [lo, hi] widened to multiples of a nice step (about `count` ticks), so an axis starts and ends
 * on a tick. A zero-width range is widened around its value.
 */
export function niceDomain(lo: number, hi: number, count = 5): readonly [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  for (let k = 0; k < 2; k++) {
    const step = niceStep(hi - lo, count);
    lo = clean(Math.floor(lo / step + 1e-9) * step);
    hi = clean(Math.ceil(hi / step - 1e-9) * step);
  }
  return [lo, hi];
}

/** A positive number as short text: 0.001, 0.1, 1, 10, 1k, 10k, 1M … */
export function formatShort(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9) return `${clean(v / 1e9)}G`;
  if (a >= 1e6) return `${clean(v / 1e6)}M`;
  if (a >= 1e3) return `${clean(v / 1e3)}k`;
  return String(clean(v));
}

/** Ticks of a log axis over [lo, hi] (lo > 0): decades, with 2× and 5× when fewer than 3 decades. */
export function logTicks(lo: number, hi: number): Tick[] {
  if (!(lo > 0) || !(hi > lo) || !Number.isFinite(hi)) return [];
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const mantissas = b - a <= 2 ? [1, 2, 5] : [1];
  const ticks: Tick[] = [];
  for (let e = a; e <= b; e++) {
    for (const m of mantissas) {
      const value = clean(m * Math.pow(10, e));
      if (value >= lo * (1 - 1e-9) && value <= hi * (1 + 1e-9)) ticks.push({ value, label: formatShort(value) });
    }
  }
  return ticks;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365.25 * DAY;

/** Ages [ms] of the drift curve's age choice. */
export const AGE_CHOICES: readonly { readonly label: string; readonly ms: number }[] = [
  { label: '1 day', ms: DAY },
  { label: '1 year', ms: YEAR },
  { label: '10 years', ms: 10 * YEAR },
];

const AGE_TICKS: readonly (readonly [number, string])[] = [
  [1e-3, '1 µs'],
  [1e-2, '10 µs'],
  [1e-1, '100 µs'],
  [1, '1 ms'],
  [10, '10 ms'],
  [100, '100 ms'],
  [SECOND, '1 s'],
  [10 * SECOND, '10 s'],
  [MINUTE, '1 min'],
  [10 * MINUTE, '10 min'],
  [HOUR, '1 h'],
  [DAY, '1 d'],
  [7 * DAY, '1 wk'],
  [YEAR / 12, '1 mo'],
  [YEAR, '1 yr'],
  [10 * YEAR, '10 yr'],
  [100 * YEAR, '100 yr'],
  [1000 * YEAR, '1000 yr'],
];

/** Ticks of a log time axis [ms] at human units (1 s, 1 min, 1 h, 1 d, 1 yr …) inside [lo, hi]. */
export function ageTicks(lo: number, hi: number): Tick[] {
  return AGE_TICKS.filter(([v]) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)).map(([value, label]) => ({ value, label }));
}

/** A duration [ms] in the largest unit that fits: "250 ms", "1.5 s", "3 min", "1 d", "10 yr". */
export function formatDuration(ms: number): string {
  const a = Math.abs(ms);
  const f = (v: number) => String(Number(v.toPrecision(3)));
  if (a >= YEAR) return `${f(ms / YEAR)} yr`;
  if (a >= DAY) return `${f(ms / DAY)} d`;
  if (a >= HOUR) return `${f(ms / HOUR)} h`;
  if (a >= MINUTE) return `${f(ms / MINUTE)} min`;
  if (a >= SECOND) return `${f(ms / SECOND)} s`;
  return `${f(ms)} ms`;
}

/** An energy given in nJ, in nJ / µJ / mJ / J with 3 significant digits. */
export function formatEnergy(nJ: number): string {
  const a = Math.abs(nJ);
  const f = (v: number) => String(Number(v.toPrecision(3)));
  if (a >= 1e9) return `${f(nJ / 1e9)} J`;
  if (a >= 1e6) return `${f(nJ / 1e6)} mJ`;
  if (a >= 1e3) return `${f(nJ / 1e3)} µJ`;
  if (a >= 1 || a === 0) return `${f(nJ)} nJ`;
  return `${f(nJ * 1e3)} pJ`;
}

/** A count as text: 987, 12.3 k, 4.56 M, 7.89 G. */
export function formatCount(n: number): string {
  const a = Math.abs(n);
  const f = (v: number) => String(Number(v.toPrecision(3)));
  if (a >= 1e9) return `${f(n / 1e9)} G`;
  if (a >= 1e6) return `${f(n / 1e6)} M`;
  if (a >= 1e4) return `${f(n / 1e3)} k`;
  return String(Math.round(n));
}

// ---------------------------------------------------------------------------------------------
// histograms

/** Histogram bins: edges (bins + 1 of them, increasing) and a fast bin lookup. */
export interface Bins {
  readonly edges: Float64Array;
  /** whether the edges are log-spaced */
  readonly log: boolean;
  readonly count: number;
  /**
   * The bin of v: 0 … count − 1 for lo ≤ v ≤ hi (bins are [e_k, e_k+1), the last includes hi),
   * −1 below lo, `count` above hi, NaN → −2.
   */
  index(v: number): number;
}

/** `count` equal bins over [lo, hi]. */
export function linearBins(lo: number, hi: number, count: number): Bins {
  if (!(hi > lo) || !(count >= 1)) throw new Error(`linearBins: needs lo < hi and count ≥ 1 (got ${lo}, ${hi}, ${count}).`);
  const n = Math.floor(count);
  const edges = Float64Array.from({ length: n + 1 }, (_, k) => (k === n ? hi : lo + ((hi - lo) * k) / n));
  const scale = n / (hi - lo);
  return {
    edges,
    log: false,
    count: n,
    index(v: number): number {
      if (Number.isNaN(v)) return -2;
      if (v < lo) return -1;
      if (v > hi) return n;
      const k = Math.floor((v - lo) * scale);
      return k >= n ? n - 1 : k;
    },
  };
}

/** Log-spaced bins from lo to hi (lo > 0), `perDecade` per factor of ten (the last may be short). */
export function logBins(lo: number, hi: number, perDecade: number): Bins {
  if (!(lo > 0) || !(hi > lo) || !(perDecade >= 1)) throw new Error(`logBins: needs 0 < lo < hi and perDecade ≥ 1 (got ${lo}, ${hi}, ${perDecade}).`);
  const llo = Math.log10(lo);
  const n = Math.ceil((Math.log10(hi) - llo) * perDecade - 1e-9);
  const edges = Float64Array.from({ length: n + 1 }, (_, k) => (k === n ? hi : k === 0 ? lo : Math.pow(10, llo + k / perDecade)));
  return {
    edges,
    log: true,
    count: n,
    index(v: number): number {
      if (Number.isNaN(v)) return -2;
      if (v < lo) return -1;
      if (v > hi) return n;
      let k = Math.floor((Math.log10(v) - llo) * perDecade);
      // rounding of the log near an edge: settle on the bin whose edges hold v
      if (k < 0) k = 0;
      if (k >= n) k = n - 1;
      if (v < edges[k] && k > 0) k--;
      else if (k < n - 1 && v >= edges[k + 1]) k++;
      return k;
    },
  };
}

export interface Histogram {
  readonly counts: Float64Array;
  /** values below the first edge and above the last (0 with `clamp`, where they join the end bins) */
  readonly under: number;
  readonly over: number;
}

/** Counts of `values` in `bins` (NaN ignored); with `clamp`, values outside go to the end bins. */
export function histogram(values: ArrayLike<number>, bins: Bins, clamp = false): Histogram {
  const counts = new Float64Array(bins.count);
  let under = 0;
  let over = 0;
  for (let i = 0; i < values.length; i++) {
    const k = bins.index(values[i]);
    if (k >= 0 && k < bins.count) counts[k]++;
    else if (k === -1) {
      if (clamp) counts[0]++;
      else under++;
    } else if (k === bins.count) {
      if (clamp) counts[bins.count - 1]++;
      else over++;
    }
  }
  return { counts, under, over };
}

// ---------------------------------------------------------------------------------------------
// spikes

/**
 * Inter-spike intervals from spikes in time order (parallel arrays of steps and neuron indices):
 * each spike of a neuron that spiked before gives one ISI = (step − its previous step) · dt [ms],
 * reported with the step of the later spike. `last` holds each neuron's previous spike step (−1:
 * none yet) and is updated, so a stream cut into frames gives the same ISIs as one whole batch.
 */
export function collectIsis(steps: ArrayLike<number>, indices: ArrayLike<number>, dt: number, last: Int32Array, emit: (step: number, isiMs: number) => void): void {
  const n = last.length;
  for (let s = 0; s < steps.length; s++) {
    const i = indices[s];
    if (i < 0 || i >= n) continue;
    const step = steps[s];
    const prev = last[i];
    if (prev >= 0 && step > prev) emit(step, (step - prev) * dt);
    if (step >= prev) last[i] = step;
  }
}

/** All inter-spike intervals [ms] of a population of n neurons, from spikes in time order. */
export function interSpikeIntervals(steps: ArrayLike<number>, indices: ArrayLike<number>, n: number, dt: number): Float64Array {
  const out: number[] = [];
  collectIsis(steps, indices, dt, new Int32Array(n).fill(-1), (_step, isi) => out.push(isi));
  return Float64Array.from(out);
}

/**
 * Population rates [Hz]: spikes of a population of `n` neurons counted in `bins` bins of
 * `binSteps` steps from step `from` (bin k holds [from + k·binSteps, from + (k+1)·binSteps)),
 * divided by n and the bin width. Spikes outside the bins are ignored.
 */
export function binRates(steps: ArrayLike<number>, n: number, from: number, binSteps: number, bins: number, dt: number): Float64Array {
  const counts = new Float64Array(bins);
  for (let s = 0; s < steps.length; s++) {
    const k = Math.floor((steps[s] - from) / binSteps);
    if (k >= 0 && k < bins) counts[k]++;
  }
  return ratesFromCounts(counts, n, binSteps * dt);
}

/** Counts per bin → rate [Hz] per neuron, for bins of `binMs` [ms] (NaN for an empty population). */
export function ratesFromCounts(counts: ArrayLike<number>, n: number, binMs: number): Float64Array {
  const out = new Float64Array(counts.length);
  const scale = n > 0 && binMs > 0 ? 1000 / (n * binMs) : Number.NaN;
  for (let k = 0; k < counts.length; k++) out[k] = counts[k] * scale;
  return out;
}

/** The smallest factor from 1, 2, 5, 10, 20, 50 … that brings `bins` down to at most `max`. */
export function groupFactor(bins: number, max: number): number {
  let f = 1;
  for (let e = 0; e < 12; e++) {
    for (const m of [1, 2, 5]) {
      f = m * Math.pow(10, e);
      if (Math.ceil(bins / f) <= max) return f;
    }
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// matrices

/**
 * A rows × cols row-major matrix reduced to outRows × outCols cells for display ('mean' or 'max'
 * of the elements falling in a cell; cells with no element are NaN). With `transpose`, the display
 * shows the matrix transposed: display rows are the source columns. `map` transforms each element
 * first (e.g. a log or a division by the endurance).
 */
export function downsampleMatrix(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  outRows: number,
  outCols: number,
  options: { readonly transpose?: boolean; readonly reduce?: 'mean' | 'max'; readonly map?: (v: number) => number } = {},
): Float32Array {
  const transpose = options.transpose ?? false;
  const reduceMax = (options.reduce ?? 'mean') === 'max';
  const map = options.map;
  const dRows = transpose ? cols : rows;
  const dCols = transpose ? rows : cols;
  const oR = Math.max(1, Math.min(outRows, dRows));
  const oC = Math.max(1, Math.min(outCols, dCols));
  const acc = new Float64Array(oR * oC).fill(reduceMax ? Number.NEGATIVE_INFINITY : 0);
  const cnt = new Uint32Array(oR * oC);
  // display row/col → output cell, precomputed
  const rowCell = Int32Array.from({ length: dRows }, (_, r) => Math.min(oR - 1, Math.floor((r * oR) / dRows)));
  const colCell = Int32Array.from({ length: dCols }, (_, c) => Math.min(oC - 1, Math.floor((c * oC) / dCols)));
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      let v = values[base + c];
      if (map) v = map(v);
      if (Number.isNaN(v)) continue;
      const cell = transpose ? rowCell[c] * oC + colCell[r] : rowCell[r] * oC + colCell[c];
      if (reduceMax) {
        if (v > acc[cell]) acc[cell] = v;
      } else acc[cell] += v;
      cnt[cell]++;
    }
  }
  const out = new Float32Array(oR * oC);
  for (let k = 0; k < out.length; k++) out[k] = cnt[k] === 0 ? Number.NaN : reduceMax ? acc[k] : acc[k] / cnt[k];
  return out;
}

/** Smallest and largest finite values (NaN, NaN when there are none). */
export function finiteRange(values: ArrayLike<number>, from = 0, to = values.length): readonly [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [Number.NaN, Number.NaN];
}
