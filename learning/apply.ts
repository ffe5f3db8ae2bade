/**
 * How a rule's desired weight change reaches the synapses.
 *
 * A rule computes Δw for each synapse an event touches. On a `float` store the change is applied
 * directly and clipped to [wMin, wMax] (additive rules) — the ideal reference. On a `memristive`
 * store the rule only *chooses pulses*: Δw is turned into a signed pulse count with the device's
 * nominal weight step per pulse (Δw/step_up for potentiation, Δw/step_down for depression),
 * rounded deterministically (to nearest) or stochastically (⌊c + u⌋, u ~ U[0,1): unbiased, so
 * small changes still happen on average — Gokmen & Vlasov 2016; Querlioz et al. 2013), or
 * accumulated (mixed precision — Nandakumar et al., "Mixed-precision deep learning based on
 * computational memory", Front. Neurosci. 14:406 (2020), first in ISCAS 2018; aihwkit's
 * MixedPrecisionCompound): a digital accumulator χ per synapse (the store's `residual`) collects
 * Δw, and when |χ| reaches whole steps, n = trunc(χ/step) pulses are sent and χ −= n·step.
 * 'feedback' is the same accumulator closed through the read that follows every programming (the
 * store reads the touched devices after each batch anyway, and that read's energy is counted): χ is
 * decremented by the weight change the pulses *actually* made, so a device whose step is smaller
 * or larger than nominal (d2d variation, nonlinearity, c2c noise, a set-only pair's refresh) is
 * corrected by later pulses instead of leaving a permanent error — the error-feedback form of
 * mixed-precision training (Nandakumar et al. 2020, Sec. 2.3 "the programming error is fed back";
 * compare write-verify, which repeats pulses at once). χ is held within ±FEEDBACK_LIMIT_STEPS
 * steps so that a device stuck at a bound does not pile up requests.
 * Then queued, and applied once per step by `store.pulse(...)`. What a pulse really does —
 * nonlinearity, asymmetry, noise, finite levels, endurance, energy — is the device's business.
 */
import type { RandomStream } from '../core/random.js';
import type { SynapseStore } from '../core/synapses/store.js';

/** A synapse store that changes only by pulses (core/devices' memristive store satisfies it). */
export interface PulsedStore extends SynapseStore {
  readonly kind: 'memristive';
  /** Applies counts[k] pulses (sign = polarity) to synapse idx[k], k < n, at time tNow [ms]. */
  pulse(idx: Int32Array, counts: Int32Array, n: number, tNow: number): void;
  /** Nominal change of the effective weight per potentiating / depressing pulse (both > 0) [weight units]. */
  readonly wStepUp: number;
  readonly wStepDown: number;
  /** Per-synapse accumulator of desired change not yet sent as pulses (for 'accumulate' rounding). */
  readonly residual: Float32Array;
}

export type Rounding = 'stochastic' | 'deterministic' | 'accumulate' | 'feedback';
/** The rounding modes, for validation and help texts. */
export const ROUNDINGS: readonly Rounding[] = ['stochastic', 'deterministic', 'accumulate', 'feedback'];

/** 'feedback': the accumulator's bound, in nominal steps (a stuck device's requests stop growing there). */
export const FEEDBACK_LIMIT_STEPS = 2;

/** Queue of pulses gathered during one plasticity step. */
export interface PulseQueue {
  readonly idx: Int32Array;
  readonly counts: Int32Array;
  n: number;
  readonly invStepUp: number;
  readonly invStepDown: number;
  readonly stochastic: boolean;
  readonly rng: RandomStream;
  /** 'accumulate' and 'feedback': the store's residual (else null), and the steps it is counted in */
  readonly residual: Float32Array | null;
  readonly stepUp: number;
  readonly stepDown: number;
  /** 'feedback' only (else null): each queued entry's weight before the flush, and per-synapse flush stamps */
  readonly before: Float32Array | null;
  readonly stamp: Uint32Array | null;
  flushes: number;
  /** pulses requested so far (|counts| summed) */
  requested: number;
}

export function createPulseQueue(store: PulsedStore, capacity: number, rounding: Rounding, rng: RandomStream): PulseQueue {
  if (!(store.wStepUp > 0) || !(store.wStepDown > 0)) {
    throw new Error(`memristive store: weight steps per pulse must be > 0 (got up ${store.wStepUp}, down ${store.wStepDown}); check the device's window and levels.`);
  }
  return {
    idx: new Int32Array(capacity),
    counts: new Int32Array(capacity),
    n: 0,
    invStepUp: 1 / store.wStepUp,
    invStepDown: 1 / store.wStepDown,
    stochastic: rounding === 'stochastic',
    rng,
    residual: rounding === 'accumulate' || rounding === 'feedback' ? store.residual : null,
    stepUp: store.wStepUp,
    stepDown: store.wStepDown,
    before: rounding === 'feedback' ? new Float32Array(capacity) : null,
    stamp: rounding === 'feedback' ? new Uint32Array(store.size) : null,
    flushes: 0,
    requested: 0,
  };
}

/** Queues the pulses for a desired change dw of synapse k (no-op when the rounded count is 0). */
export function queueChange(q: PulseQueue, k: number, dw: number, store: PulsedStore, tNow: number): void {
  let count: number;
  const res = q.residual;
  if (res !== null) {
    // mixed precision: χ += Δw; whole steps of χ become pulses (truncated towards 0, so χ stays
    // within one step and a weight does not dither between two levels)
    const r = res[k] + dw;
    count = Math.trunc(r > 0 ? r * q.invStepUp : r * q.invStepDown);
    res[k] = count === 0 ? r : r - (count > 0 ? count * q.stepUp : count * q.stepDown);
  } else {
    const c = dw > 0 ? dw * q.invStepUp : dw * q.invStepDown;
    count = q.stochastic ? Math.floor(c + q.rng.uniform()) : Math.round(c);
  }
  if (count === 0) return;
  if (q.n === q.idx.length) flushPulses(q, store, tNow);
  if (q.before !== null) q.before[q.n] = store.weights[k];
  q.idx[q.n] = k;
  q.counts[q.n] = count;
  q.n++;
  q.requested += count < 0 ? -count : count;
}

/** Applies and empties the queue. */
export function flushPulses(q: PulseQueue, store: PulsedStore, tNow: number): void {
  if (q.n > 0) {
    store.pulse(q.idx, q.counts, q.n, tNow);
    if (q.before !== null) feedBack(q, store.weights);
    q.n = 0;
  }
}

/**
 * 'feedback': replaces the nominal n·step taken off χ at queue time by the change read after the
 * pulses. A synapse queued twice in one flush has one read change (its first entry's `before` is
 * the weight before the flush; both entries recorded the same value) and two nominal ones.
 */
function feedBack(q: PulseQueue, w: Float32Array): void {
  const res = q.residual!;
  const before = q.before!;
  const stamp = q.stamp!;
  let epoch = q.flushes + 1;
  if (epoch > 0xffffffff) {
    stamp.fill(0);
    epoch = 1;
  }
  q.flushes = epoch;
  const hi = FEEDBACK_LIMIT_STEPS * q.stepUp;
  const lo = -FEEDBACK_LIMIT_STEPS * q.stepDown;
  for (let e = 0; e < q.n; e++) {
    const k = q.idx[e];
    const c = q.counts[e];
    let r = res[k] + (c > 0 ? c * q.stepUp : c * q.stepDown);
    if (stamp[k] !== epoch) {
      stamp[k] = epoch;
      r -= w[k] - before[e];
    }
    res[k] = r > hi ? hi : r < lo ? lo : r;
  }
}

export function isPulsed(store: SynapseStore): store is PulsedStore {
  return store.kind === 'memristive' && typeof (store as PulsedStore).pulse === 'function';
}
