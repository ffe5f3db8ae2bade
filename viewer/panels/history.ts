/**
 * The kept window: the spikes of the last `keepSteps` steps, frame by frame, so that panels can
 * draw any time range of it (the scrubber looks back). Frames' spike steps are ascending (the tap
 * records step by step), so a range is found by binary search. Bounded: frames older than the
 * window are let go, and so is everything beyond `maxSpikes`.
 */
import type { LiveFrame } from '../../networks/live/frame.js';

interface Kept {
  readonly stepFrom: number;
  readonly stepTo: number;
  readonly steps: readonly Int32Array[];
  readonly indices: readonly Int32Array[];
  readonly count: number;
}

/** First k in [lo, hi) with a[k] ≥ x. */
function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SpikeHistory {
  private kept: Kept[] = [];
  private spikes = 0;
  private populations = 0;
  constructor(
    /** steps kept */
    public keepSteps = 60_000,
    private readonly maxSpikes = 8_000_000,
  ) {}

  reset(populations: number): void {
    this.kept = [];
    this.spikes = 0;
    this.populations = populations;
  }

  /** oldest and newest kept step (newest = the live edge) */
  get oldest(): number {
    return this.kept.length ? this.kept[0].stepFrom : 0;
  }
  get newest(): number {
    return this.kept.length ? this.kept[this.kept.length - 1].stepTo : 0;
  }
  get spikeCount(): number {
    return this.spikes;
  }

  add(f: LiveFrame): void {
    const count = f.spikes.reduce((s, p) => s + p.steps.length, 0);
    // copies: a decoded frame's arrays are views into its whole message (weights and device state
    // included), which must not be kept alive for the window's 30 s of simulated time
    this.kept.push({ stepFrom: f.stepFrom, stepTo: f.stepTo, steps: f.spikes.map((s) => s.steps.slice()), indices: f.spikes.map((s) => s.indices.slice()), count });
    this.spikes += count;
    const limit = f.stepTo - this.keepSteps;
    while (this.kept.length > 1 && (this.kept[0].stepTo <= limit || this.spikes > this.maxSpikes)) this.spikes -= this.kept.shift()!.count;
  }

  /** Calls `each(population, steps, indices, k0, k1)` for the kept spikes with s0 ≤ step < s1. */
  forEach(s0: number, s1: number, each: (population: number, steps: Int32Array, indices: Int32Array, k0: number, k1: number) => void): void {
    for (const f of this.kept) {
      if (f.stepTo <= s0 || f.stepFrom >= s1) continue;
      for (let p = 0; p < this.populations; p++) {
        const steps = f.steps[p];
        if (!steps || steps.length === 0) continue;
        const k0 = lowerBound(steps, s0);
        const k1 = lowerBound(steps, s1);
        if (k1 > k0) each(p, steps, f.indices[p], k0, k1);
      }
    }
  }
}
