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
 * or larger than nominal (d2d variation, c2c noise, a set-only pair's refresh) is corrected by later
 * pulses instead of keeping a permanent error — the error-feedback form of mixed-precision training
 * (Nandakumar et al. 2020; compare write-verify, which repeats pulses at once). Where a device
 * cannot follow (at its own bound, which d2d variation puts below the nominal one), the request
 * stays pending in χ, so later requests the other way are absorbed instead of ratcheting the weight
 * down — open loop books the failed pulse as done and the next depression goes through (its
 * effect on accuracy: docs/code-history.md).
 * Two holds keep the loop from spending pulses where they do nothing:
 *   - when the pulses did not get halfway in the asked direction, χ is held just inside one step
 *     (FEEDBACK_HOLD_STEPS), so a device that cannot follow gets one pulse per event that asks,
 *     not a growing train;
 *   - an overshoot leaves χ at most that far against the pulses' direction, so a device whose
 *     step is more than twice the nominal one cannot answer each correction with a larger
 *     opposite one (it would be pulsed up and down at every event).
 * (A plain bound on χ instead of the holds multiplies the pulses sent; see docs/code-history.md.)
 * Then queued, and applied once per step by `store.pulse(...)`. What a pulse really does —
 * nonlinearity, asymmetry, noise, finite levels, endurance, energy — is the device's business.
 */
import type { RandomStream } from '../core/random.js';
import type { SynapseStore } from '../core/synapses/store.js';
import type { MemristiveStore } from '../core/devices/store.js';

/**
 * A synapse store that changes only by pulses: the memristive store. What the rules use of it:
 * `pulse(idx, counts, n, tNow)`, the nominal weight steps `wStepUp`/`wStepDown`, and the
 * per-synapse accumulator `residual` ('accumulate'/'feedback' rounding).
 */
export type PulsedStore = MemristiveStore;

export type Rounding = 'stochastic' | 'deterministic' | 'accumulate' | 'feedback';
/** The rounding modes, for validation and help texts. */
export const ROUNDINGS: readonly Rounding[] = ['stochastic', 'deterministic', 'accumulate', 'feedback'];

/** Whether a rounding mode keeps the per-synapse accumulator χ (the store's `residual`). */
export function usesAccumulator(rounding: Rounding): boolean {
  return rounding === 'accumulate' || rounding === 'feedback';
}

/** 'feedback': χ is held within this many nominal steps where a device did not follow, and after an overshoot (module doc). */
export const FEEDBACK_HOLD_STEPS = 1 - 1 / 128;

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
  /**
   * 'feedback' only (else null): per queued entry the synapse's weight before the flush and (on a
   * synapse's first entry) the nominal change of all its entries; per synapse the flush it was last
   * seen in and its first entry there.
   */
  readonly before: Float32Array | null;
  readonly planned: Float64Array | null;
  readonly stamp: Uint32Array | null;
  readonly firstEntry: Int32Array | null;
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
    residual: usesAccumulator(rounding) ? store.residual : null,
    stepUp: store.wStepUp,
    stepDown: store.wStepDown,
    before: rounding === 'feedback' ? new Float32Array(capacity) : null,
    planned: rounding === 'feedback' ? new Float64Array(capacity) : null,
    stamp: rounding === 'feedback' ? new Uint32Array(store.size) : null,
    firstEntry: rounding === 'feedback' ? new Int32Array(store.size) : null,
    flushes: 0,
    requested: 0,
  };
}

/**
 * The signed pulse count for a desired change dw of synapse k, rounded as the queue's mode says;
 * with an accumulator, χ (the residual) is updated here. Stochastic rounding draws one uniform
 * from the queue's stream per call, so calls must come in a fixed order; the other modes draw
 * nothing, and synapses are then independent of each other.
 */
export function pulseCount(q: PulseQueue, k: number, dw: number): number {
  const res = q.residual;
  if (res !== null) {
    // mixed precision: χ += Δw; whole steps of χ become pulses (truncated towards 0, so χ stays
    // within one step and a weight does not dither between two levels)
    const r = res[k] + dw;
    const count = Math.trunc(r > 0 ? r * q.invStepUp : r * q.invStepDown);
    res[k] = count === 0 ? r : r - (count > 0 ? count * q.stepUp : count * q.stepDown);
    return count;
  }
  const c = dw > 0 ? dw * q.invStepUp : dw * q.invStepDown;
  return q.stochastic ? Math.floor(c + q.rng.uniform()) : Math.round(c);
}

/** Queues the pulses for a desired change dw of synapse k (no-op when the rounded count is 0). */
export function queueChange(q: PulseQueue, k: number, dw: number, store: PulsedStore, tNow: number): void {
  const count = pulseCount(q, k, dw);
  if (count !== 0) enqueuePulses(q, k, count, store, tNow);
}

/** Queues `count` pulses (sign = polarity) for synapse k, flushing first when the queue is full. */
export function enqueuePulses(q: PulseQueue, k: number, count: number, store: PulsedStore, tNow: number): void {
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
 * 'feedback': replaces the nominal change taken off χ at queue time by the change read after the
 * pulses (module doc). A synapse queued several times in one flush has one read change, set against
 * the nominal change of all its entries (its entries all recorded the same `before`: weights change
 * only at a flush).
 */
function feedBack(q: PulseQueue, w: Float32Array): void {
  const res = q.residual!;
  const before = q.before!;
  const planned = q.planned!;
  const stamp = q.stamp!;
  const firstEntry = q.firstEntry!;
  let epoch = q.flushes + 1;
  if (epoch > 0xffffffff) {
    stamp.fill(0);
    epoch = 1;
  }
  q.flushes = epoch;
  const n = q.n;
  for (let e = 0; e < n; e++) {
    const k = q.idx[e];
    const c = q.counts[e];
    const nominal = c > 0 ? c * q.stepUp : c * q.stepDown;
    if (stamp[k] !== epoch) {
      stamp[k] = epoch;
      firstEntry[k] = e;
      planned[e] = nominal;
    } else {
      planned[firstEntry[k]] += nominal;
    }
  }
  const hi = FEEDBACK_HOLD_STEPS * q.stepUp;
  const lo = -FEEDBACK_HOLD_STEPS * q.stepDown;
  for (let e = 0; e < n; e++) {
    const k = q.idx[e];
    if (firstEntry[k] !== e) continue;
    const p = planned[e];
    const moved = w[k] - before[e];
    const followed = moved * p >= 0.5 * p * p; // got at least halfway in the asked direction
    const r = res[k] + p - moved; // χ had p taken off at queue time: book the read change instead
    // held just inside one step where the device did not follow, and after an overshoot
    res[k] = !followed || (p > 0 && r < lo) || (p < 0 && r > hi) ? (r > hi ? hi : r < lo ? lo : r) : r;
  }
}

export function isPulsed(store: SynapseStore): store is PulsedStore {
  return store.kind === 'memristive';
}
