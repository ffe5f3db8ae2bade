/**
 * Bounded history for the time-based panels: every buffer has a fixed capacity chosen at reset,
 * and the oldest data is overwritten, so a panel never grows with the length of a run.
 *
 *   EventRing     (step, value) events in step order: spikes of a population, spikes of one neuron
 *   StepSeries    one value per step per channel over a contiguous run of steps: v and threshold
 *   BinnedCounts  counts per series in bins of fixed steps, with the steps each bin has seen:
 *                 population rates, and ISI histograms per time chunk
 *   ThinnedSeries (x, y) points of a curve that only grows (accuracy against samples): when full,
 *                 every other point goes and later points are kept at twice the spacing
 *
 * Pure and DOM-free (unit-tested in Node).
 */

/** (step, value) events in non-decreasing step order, the last `capacity` of them. */
export class EventRing {
  readonly capacity: number;
  private readonly stepBuf: Int32Array;
  private readonly valueBuf: Int32Array | Float32Array;
  /** next slot to write */
  private head = 0;
  private size = 0;

  constructor(capacity: number, values: 'int' | 'float' = 'int') {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.stepBuf = new Int32Array(this.capacity);
    this.valueBuf = values === 'int' ? new Int32Array(this.capacity) : new Float32Array(this.capacity);
  }

  get length(): number {
    return this.size;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  push(step: number, value: number): void {
    this.stepBuf[this.head] = step;
    this.valueBuf[this.head] = value;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.size < this.capacity) this.size++;
  }

  /** Appends parallel arrays of steps and values (in step order). */
  pushAll(steps: ArrayLike<number>, values: ArrayLike<number>): void {
    const n = steps.length;
    // only the last `capacity` can survive
    for (let s = n > this.capacity ? n - this.capacity : 0; s < n; s++) this.push(steps[s], values[s]);
  }

  private slot(i: number): number {
    let k = this.head - this.size + i;
    if (k < 0) k += this.capacity;
    return k;
  }

  /** Step of the i-th event, oldest first. */
  stepAt(i: number): number {
    return this.stepBuf[this.slot(i)];
  }

  valueAt(i: number): number {
    return this.valueBuf[this.slot(i)];
  }

  /** Index (oldest first) of the first event with step ≥ `step` (length when none). */
  lowerBound(step: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.stepAt(mid) < step) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Calls `fn` for every event with from ≤ step < to, oldest first. */
  forEachIn(from: number, to: number, fn: (step: number, value: number) => void): void {
    for (let i = this.lowerBound(from); i < this.size; i++) {
      const k = this.slot(i);
      const step = this.stepBuf[k];
      if (step >= to) break;
      fn(step, this.valueBuf[k]);
    }
  }

  /** Events with from ≤ step < to. */
  countIn(from: number, to: number): number {
    return this.lowerBound(to) - this.lowerBound(from);
  }

  /** Oldest step held (NaN when empty). */
  get oldestStep(): number {
    return this.size === 0 ? Number.NaN : this.stepAt(0);
  }

  get newestStep(): number {
    return this.size === 0 ? Number.NaN : this.stepAt(this.size - 1);
  }
}

/**
 * Values per step for a contiguous run of steps [lo, hi), at most `capacity` of them (older steps
 * are forgotten); steps that never arrived inside the run read as NaN.
 */
export class StepSeries {
  readonly capacity: number;
  readonly channels: readonly Float32Array[];
  private loStep = 0;
  private hiStep = 0;

  constructor(capacity: number, channels: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.channels = Array.from({ length: channels }, () => new Float32Array(this.capacity));
  }

  /** first step held */
  get lo(): number {
    return this.loStep;
  }

  /** one past the last step held */
  get hi(): number {
    return this.hiStep;
  }

  get length(): number {
    return this.hiStep - this.loStep;
  }

  clear(): void {
    this.loStep = 0;
    this.hiStep = 0;
  }

  private slot(step: number): number {
    const k = step % this.capacity;
    return k < 0 ? k + this.capacity : k;
  }

  /**
   * Writes values for steps [stepFrom, stepFrom + m) (data[ch] has m values per channel). A gap
   * after the last step is filled with NaN; a write before the run restarts it.
   */
  write(stepFrom: number, data: readonly ArrayLike<number>[]): void {
    const m = data.length > 0 ? data[0].length : 0;
    if (m === 0) return;
    const stepTo = stepFrom + m;
    if (this.length === 0 || stepFrom < this.loStep || stepFrom > this.hiStep + this.capacity) {
      this.loStep = stepFrom;
      this.hiStep = stepFrom;
    }
    // gap: fill with NaN
    for (let s = this.hiStep; s < stepFrom; s++) {
      const k = this.slot(s);
      for (const ch of this.channels) ch[k] = Number.NaN;
    }
    const first = Math.max(stepFrom, stepTo - this.capacity);
    for (let s = first; s < stepTo; s++) {
      const k = this.slot(s);
      for (let c = 0; c < this.channels.length; c++) this.channels[c][k] = c < data.length ? data[c][s - stepFrom] : Number.NaN;
    }
    if (stepTo > this.hiStep) this.hiStep = stepTo;
    if (this.hiStep - this.loStep > this.capacity) this.loStep = this.hiStep - this.capacity;
  }

  /**
   * Channel `ch` over steps [from, to) reduced to `cols` columns of equal steps: per column its
   * first, lowest, highest and last finite value (4 numbers per column, NaN where it has none), so
   * a line through them draws the same envelope as every step would.
   */
  envelope(ch: number, from: number, to: number, cols: number): Float64Array {
    const out = new Float64Array(4 * cols).fill(Number.NaN);
    if (to <= from || cols <= 0) return out;
    const a = Math.max(from, this.loStep);
    const b = Math.min(to, this.hiStep);
    const data = this.channels[ch];
    const per = (to - from) / cols;
    let k = this.slot(a);
    for (let step = a; step < b; step++) {
      const v = data[k];
      k = k + 1 === this.capacity ? 0 : k + 1;
      if (Number.isNaN(v)) continue;
      let c = Math.floor((step - from) / per);
      if (c >= cols) c = cols - 1;
      const o = 4 * c;
      if (Number.isNaN(out[o])) {
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
      } else {
        if (v < out[o + 1]) out[o + 1] = v;
        if (v > out[o + 2]) out[o + 2] = v;
      }
      out[o + 3] = v;
    }
    return out;
  }

  /** The value of channel `ch` at `step` (NaN outside [lo, hi)). */
  get(ch: number, step: number): number {
    if (step < this.loStep || step >= this.hiStep) return Number.NaN;
    return this.channels[ch][this.slot(step)];
  }
}

/**
 * Counts per series in bins of `binSteps` steps (bin b holds steps [b·binSteps, (b+1)·binSteps)),
 * over a contiguous run of at most `capacity` bins ending at the newest; and per bin, the steps
 * seen (`cover`), so a partly seen bin still gives a rate and an unseen one gives none.
 */
export class BinnedCounts {
  readonly capacity: number;
  readonly series: number;
  readonly binSteps: number;
  private readonly counts: Float64Array;
  private readonly seen: Float64Array;
  private loBin = 0;
  private hiBin = 0;

  constructor(capacity: number, series: number, binSteps: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.series = Math.max(1, Math.floor(series));
    this.binSteps = Math.max(1, Math.floor(binSteps));
    this.counts = new Float64Array(this.capacity * this.series);
    this.seen = new Float64Array(this.capacity);
  }

  /** first bin held */
  get lo(): number {
    return this.loBin;
  }

  /** one past the newest bin */
  get hi(): number {
    return this.hiBin;
  }

  clear(): void {
    this.loBin = 0;
    this.hiBin = 0;
  }

  binOf(step: number): number {
    return Math.floor(step / this.binSteps);
  }

  private slot(bin: number): number {
    const k = bin % this.capacity;
    return k < 0 ? k + this.capacity : k;
  }

  private clearSlot(bin: number): void {
    const k = this.slot(bin);
    this.seen[k] = 0;
    this.counts.fill(0, k * this.series, (k + 1) * this.series);
  }

  /** Makes `bin` part of the run (new bins start empty); false when it is older than the run. */
  private reach(bin: number): boolean {
    if (this.hiBin === this.loBin) {
      this.loBin = bin;
      this.hiBin = bin + 1;
      this.clearSlot(bin);
      return true;
    }
    if (bin < this.loBin) return false;
    if (bin < this.hiBin) return true;
    if (bin - this.hiBin >= this.capacity) {
      this.loBin = bin;
      this.hiBin = bin + 1;
      this.clearSlot(bin);
      return true;
    }
    for (let b = this.hiBin; b <= bin; b++) this.clearSlot(b);
    this.hiBin = bin + 1;
    if (this.hiBin - this.loBin > this.capacity) this.loBin = this.hiBin - this.capacity;
    return true;
  }

  /** Marks steps [stepFrom, stepTo) as seen. */
  cover(stepFrom: number, stepTo: number): void {
    if (stepTo <= stepFrom) return;
    let b = this.binOf(stepFrom);
    const last = this.binOf(stepTo - 1);
    if (last - b >= this.capacity) b = last - this.capacity + 1;
    for (; b <= last; b++) {
      if (!this.reach(b)) continue;
      const start = Math.max(stepFrom, b * this.binSteps);
      const end = Math.min(stepTo, (b + 1) * this.binSteps);
      this.seen[this.slot(b)] += end - start;
    }
  }

  /** Adds `count` to series `s` in the bin of `step`. */
  add(s: number, step: number, count = 1): void {
    const b = this.binOf(step);
    if (!this.reach(b)) return;
    this.counts[this.slot(b) * this.series + s] += count;
  }

  /** Count of series `s` in bin `bin` (0 outside the run). */
  count(s: number, bin: number): number {
    if (bin < this.loBin || bin >= this.hiBin) return 0;
    return this.counts[this.slot(bin) * this.series + s];
  }

  /** Steps seen of bin `bin` (0 outside the run). */
  covered(bin: number): number {
    if (bin < this.loBin || bin >= this.hiBin) return 0;
    return this.seen[this.slot(bin)];
  }
}

/**
 * Points (x, extra, y) of a growing curve, at most `capacity`: when full, every other point is
 * dropped and later points are kept at twice the spacing; the newest point is always held (as a
 * provisional last point replaced by the next one when it falls between the kept spacing).
 */
export class ThinnedSeries {
  readonly capacity: number;
  readonly xs: Float64Array;
  readonly extra: Float64Array;
  readonly ys: Float64Array;
  n = 0;
  private stride = 1;
  private seen = 0;
  private provisional = false;

  constructor(capacity: number) {
    this.capacity = Math.max(2, Math.floor(capacity));
    this.xs = new Float64Array(this.capacity);
    this.extra = new Float64Array(this.capacity);
    this.ys = new Float64Array(this.capacity);
  }

  push(x: number, extra: number, y: number): void {
    if (this.provisional) this.n--;
    if (this.n === this.capacity) {
      let k = 0;
      for (let i = 0; i < this.n; i += 2, k++) {
        this.xs[k] = this.xs[i];
        this.extra[k] = this.extra[i];
        this.ys[k] = this.ys[i];
      }
      this.n = k;
      this.stride *= 2;
    }
    this.xs[this.n] = x;
    this.extra[this.n] = extra;
    this.ys[this.n] = y;
    this.n++;
    this.provisional = this.seen % this.stride !== 0;
    this.seen++;
  }
}
