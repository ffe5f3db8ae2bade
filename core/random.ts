/**
 * Seeded random streams.
 *
 * One seed per network; independent streams are derived from it by label
 * (`${seed}/exc/poisson`, `${seed}/devices/d2d`, …), so adding a population or a device never
 * changes another component's draws.
 *
 * Generator: Baagøe's Alea (2010) exactly as `seedrandom.alea` implements it — seeded with
 * seedrandom's own Mash-based seeding (we call `seedrandom.alea(label, { state: true })` once and
 * copy its state), then advanced here by the same recurrence
 *
 *   t = 2091639·s0 + c·2^−32;  s0 ← s1;  s1 ← s2;  c ← ⌊t⌋;  s2 ← t − c
 *
 * on a 6-slot Float64Array (s0, s1, s2, c, spare normal, has-spare flag). Running the recurrence
 * as a class method over a typed array avoids seedrandom's closure chain (two calls per draw) and
 * makes snapshot/restore a copy of six numbers. The output sequence is bit-identical to
 * `seedrandom.alea(label)()` (tested).
 *
 * Draws: uniform [0, 1); normal (Box–Muller, the second value cached); exponential (inversion);
 * Poisson (inversion for λ < 12, Hörmann's PTRS transformed rejection 1993 above, both exact);
 * binomial (exact by geometric waiting times while n·min(p, 1−p) < 30; above that the normal
 * approximation with continuity correction). None allocates. Logarithms, exponentials, sines and
 * cosines are core/math.ts's, so every draw is the same double in every JavaScript engine.
 */
import seedrandom from 'seedrandom';
import { cosTwoPi, exp, log, sinTwoPi } from './math.js';

const TWO_POW_M32 = 2.3283064365386963e-10;

/** The serialisable state of a stream: six numbers. */
export type RandomStreamState = readonly number[];

export class RandomStream {
  /** s0, s1, s2, c, spare normal, has-spare (0/1). */
  readonly state: Float64Array;
  readonly label: string;

  constructor(label: string) {
    this.label = label;
    const st = (seedrandom.alea(label, { state: true }) as unknown as { state(): { s0: number; s1: number; s2: number; c: number } }).state();
    this.state = new Float64Array([st.s0, st.s1, st.s2, st.c, 0, 0]);
  }

  /** Uniform in [0, 1) with 32 bits of resolution (Alea's native output). */
  uniform(): number {
    const s = this.state;
    const t = 2091639 * s[0] + s[3] * TWO_POW_M32;
    s[0] = s[1];
    s[1] = s[2];
    const c = t | 0;
    s[3] = c;
    return (s[2] = t - c);
  }

  /** Uniform in [lo, hi). */
  uniformRange(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1) by Box–Muller; every second call returns the cached partner. */
  normal(): number {
    const s = this.state;
    if (s[5] === 1) {
      s[5] = 0;
      return s[4];
    }
    let u1 = this.uniform();
    while (u1 === 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * log(u1));
    s[4] = r * sinTwoPi(u2);
    s[5] = 1;
    return r * cosTwoPi(u2);
  }

  /** Exponential with the given mean (mean = 1/rate). */
  exponential(mean: number): number {
    return -mean * log(1 - this.uniform());
  }

  /** Poisson(λ). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 12) {
      // Inversion by sequential search: P(0) = e^−λ, P(k) = P(k−1)·λ/k.
      let u = this.uniform();
      let p = exp(-lambda);
      let k = 0;
      while (u > p) {
        u -= p;
        k++;
        p *= lambda / k;
        if (p === 0) break;
      }
      return k;
    }
    // PTRS: W. Hörmann, "The transformed rejection method for generating Poisson random
    // variables", Insurance: Mathematics and Economics 12 (1993) 39–45.
    const slam = Math.sqrt(lambda);
    const loglam = log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((2 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (log(v) + log(invalpha) - log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
    }
  }

  /**
   * Binomial(n, p). Exact for n·min(p, 1−p) < 30 (waiting-time method: sum of geometric gaps);
   * above that the normal approximation with continuity correction, clamped to [0, n] — its
   * error in any probability is below 1/(2·√(n·p·(1−p))) · 0.05 there.
   */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    const flip = p > 0.5;
    const q = flip ? 1 - p : p;
    let k: number;
    if (n * q < 30) {
      // Count successes as the number of geometric(q) waiting times that fit in n trials.
      const lq = log(1 - q);
      k = 0;
      let trials = 0;
      for (;;) {
        trials += Math.floor(log(1 - this.uniform()) / lq) + 1;
        if (trials > n) break;
        k++;
      }
    } else {
      const mean = n * q;
      const sd = Math.sqrt(mean * (1 - q));
      k = Math.round(mean + sd * this.normal());
      if (k < 0) k = 0;
      else if (k > n) k = n;
    }
    return flip ? n - k : k;
  }

  /** A copy of the state (six numbers). */
  save(): number[] {
    return Array.from(this.state);
  }

  /** Restores a state from save(). */
  load(state: RandomStreamState): void {
    if (state.length !== 6 || !state.every((x) => Number.isFinite(x))) {
      throw new Error(`random stream '${this.label}': state must be 6 finite numbers, got ${JSON.stringify(state)}.`);
    }
    this.state.set(state);
  }
}

/** ½·ln(2π) (2·Math.PI is the double nearest 2π: doubling is exact). */
const HALF_LN_2PI = 0.5 * log(2 * Math.PI);

const LOG_FACTORIAL_TABLE = (() => {
  const t = new Float64Array(256);
  for (let i = 2; i < 256; i++) t[i] = t[i - 1] + log(i);
  return t;
})();

/** ln(k!) — table below 256, Stirling series above. */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k];
  const x = k + 1;
  return (x - 0.5) * log(x) - x + HALF_LN_2PI + 1 / (12 * x) - 1 / (360 * x * x * x);
}

/**
 * The random streams of one network (or one crossbar, one device array): a seed and the streams
 * derived from it by label. `stream(label)` returns the same object for the same label, so a
 * component asks for its stream once at build and keeps the reference.
 */
export class RandomStreams {
  readonly seed: string;
  private readonly streams = new Map<string, RandomStream>();

  constructor(seed: number | string) {
    if (typeof seed === 'number' && !Number.isFinite(seed)) {
      throw new Error(`seed = ${seed} is not a finite number; give an integer or a string.`);
    }
    if (typeof seed !== 'number' && typeof seed !== 'string') {
      throw new Error(`seed = ${JSON.stringify(seed)} must be a number or a string.`);
    }
    this.seed = String(seed);
  }

  /** The stream for `label` (created on first use; later calls return the same stream). */
  stream(label: string): RandomStream {
    let s = this.streams.get(label);
    if (!s) {
      s = new RandomStream(`${this.seed}/${label}`);
      this.streams.set(label, s);
    }
    return s;
  }

  /** Labels and states of every stream created so far. */
  save(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [label, s] of this.streams) out[label] = s.save();
    return out;
  }

  /** Throws unless `saved` is what save() returns (labels → 6 finite numbers); changes nothing. */
  check(saved: unknown): asserts saved is Record<string, readonly number[]> {
    if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) {
      throw new Error(`random streams = ${saved === null ? 'null' : Array.isArray(saved) ? 'an array' : typeof saved}: give the object of stream states that save() returned.`);
    }
    for (const [label, state] of Object.entries(saved)) {
      if (!Array.isArray(state) || state.length !== 6 || !state.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new Error(`random stream '${label}': saved state must be 6 finite numbers, got ${JSON.stringify(state)}.`);
      }
    }
  }

  /** Restores states saved by save(); streams not in the saved set are recreated from the seed. Validates first. */
  load(saved: Record<string, readonly number[]>): void {
    this.check(saved);
    for (const [label, s] of this.streams) {
      const st = saved[label];
      if (st) s.load(st);
      else s.state.set(new RandomStream(s.label).state);
    }
    for (const [label, state] of Object.entries(saved)) {
      if (!this.streams.has(label)) this.stream(label).load(state);
    }
  }
}
