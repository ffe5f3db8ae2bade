/**
 * Leaky integrate-and-fire neurons with exact integration.
 *
 * Membrane (Gerstner et al., "Neuronal Dynamics", 2014, ch. 1; Brian2's `method='exact'`):
 *
 *   τm·dv/dt = (vRest − v) + R·I_bias + I_syn                                 (current-based)
 *   τm·dv/dt = (vRest − v) + R·I_bias + gE·(EE − v) + gI·(EI − v)              (conductance-based)
 *   τE·dgE/dt = −gE,  τI·dgI/dt = −gI   (a presynaptic spike adds its weight to gE or gI)
 *   spike when v > vThresh + θ;  then v ← vReset and v is held for tRef (integer steps);
 *   adaptive threshold (Diehl & Cook 2015): θ ← θ + θ+ per spike, τθ·dθ/dt = −θ.
 *
 * Units: ms, mV, nA, MΩ (R·I in mV). Current-based synaptic variables are voltage-equivalent
 * currents [mV] (Brian2's CUBA `ge`, `gi`); conductance-based ones are relative to the leak
 * conductance (dimensionless, Diehl & Cook's `ge`, `gi`).
 *
 * Integration over one step of length dt, with a = e^(−dt/τm), dE = e^(−dt/τE):
 *
 *  - current-based, exact for the linear system (v, gE, gI):
 *      v(t+dt) = vRest + R·I·(1 − a) + (v − vRest)·a + gE·bE + gI·bI,
 *      bE = τE/(τE − τm)·(dE − a)   (→ (dt/τm)·a when τE = τm)
 *  - conductance-based, exact while gE, gI are held at their start-of-step values
 *    (exponential Euler; Rotter & Diesmann 1999, Brette et al. 2007 §2.2):
 *      k = 1 + gE + gI,  v∞ = (vRest + R·I + gE·EE + gI·EI)/k,  v(t+dt) = v∞ + (v − v∞)·e^(−k·dt/τm)
 *    where e^(−k·dt/τm) = a·e^(−y), y = (gE + gI)·dt/τm, with e^(−y) from its Taylor series to y⁵
 *    for y < 0.05 (error < 2.2·10⁻¹¹), else core/math.ts's exp (the same bits in every engine; so are
 *    the decay factors, computed with it at build); the pure-leak case (gE = gI = 0) uses a exactly, and
 *    conductances below 10⁻¹² are flushed to 0 so that silent neurons take that branch.
 *
 * Refractoriness follows Brian2 (`not_refractory = timestep(t − lastspike) ≥ timestep(tRef)`): a
 * neuron spiking at step s is reset in step s and held at vReset through step s + R − 1, R =
 * round(tRef/dt); it integrates again from step s + R. Synaptic variables keep decaying and
 * accumulating while it is held. The kernels store s + R as an int32 (`refUntil`); the `step` they
 * are given is the population's refractory clock — the network's step minus an epoch, kept below
 * 2³⁰ by core/populations/lif.ts — so that s + R never overflows, however many steps a run has.
 *
 * These two kernels are the reference: core/neurons/lif-wasm.ts runs WebAssembly SIMD copies of
 * them (source scripts/lif-kernels.wat, rebuilt by `node scripts/build-wasm.mjs`), which every
 * population uses where WebAssembly SIMD exists. Change both together, keeping every double
 * operation in the same order: test/core/neurons/lif-wasm.test.ts requires bit-identical results.
 *
 * Single precision (LifParams.precision 'float32', current-based synapses): `lifCurrentStep32` is the
 * same update with every operation rounded to an IEEE-754 single (Math.fround after each +, −, ×,
 * which gives the correctly rounded single result), the constants rounded to singles once, and
 * synaptic variables whose magnitude falls below 2⁻⁶⁴ after their decay set to 0 (singles reach
 * subnormal numbers after 4 400–8 700 steps without input at dt = 0.1 ms and τ = 5–10 ms, which x86
 * computes ≈ 20× slower; 2⁻⁶⁴ mV is 10⁻¹⁴ of a single's resolution at 50 mV). Its WebAssembly
 * twin (f32x4, four neurons per instruction) is scripts/lif32-kernels.wat.
 */
import type { SpikeBuffer } from './spikes.js';
import { exp, log } from '../math.js';

/** Constants of one LIF population at one dt, computed once in build(). */
export interface LifConstants {
  readonly vRest: number;
  readonly vReset: number;
  readonly vThresh: number;
  /** e^(−dt/τm) */
  readonly decayMem: number;
  /** dt/τm (for the conductance-based exponent). */
  readonly dtOverTau: number;
  /** e^(−dt/τE), e^(−dt/τI) */
  readonly decayE: number;
  readonly decayI: number;
  /** current-based coupling of gE, gI into v over one step (see header) [1]. */
  readonly couplingE: number;
  readonly couplingI: number;
  readonly eExc: number;
  readonly eInh: number;
  /** R [MΩ] (R·I_bias in mV). */
  readonly rMem: number;
  /** refractory steps R = round(tRef/dt) */
  readonly refSteps: number;
  /** θ+ [mV] and e^(−dt/τθ) (1 when τθ = ∞). */
  readonly thetaPlus: number;
  readonly decayTheta: number;
}

/**
 * The typed array of a population's continuous state: Float64Array (the default, Brian2's double
 * precision) or Float32Array (LifParams.precision 'float32').
 */
export type StateArray = Float64Array | Float32Array;

/** Struct-of-arrays state of a LIF population. */
export interface LifState {
  readonly n: number;
  /** membrane potential [mV] */
  readonly v: StateArray;
  /** synaptic variables [mV for current-based, 1 for conductance-based] */
  readonly gE: StateArray;
  readonly gI: StateArray;
  /** adaptive threshold θ [mV] (all zero without adaptation) */
  readonly theta: StateArray;
  /** bias current [nA] */
  readonly iBias: StateArray;
  /**
   * the neuron integrates again from this step of the refractory clock on (Brian2's lastspike +
   * refractory); the clock is the network's step minus the population's epoch (a multiple of 2³⁰,
   * see core/populations/lif.ts), so these stay below 2³¹; −(2³¹ − 1): not refractory
   */
  readonly refUntil: Int32Array;
  readonly spikes: SpikeBuffer;
}

/**
 * What the adaptive threshold θ does in a step, chosen when the population is built (the network's
 * plasticity switch picks between a population's learning and frozen mode):
 *   NONE      no adaptation (θ = 0, not read)
 *   HELD      θ is read but frozen (plasticity off)
 *   GROWS     θ += θ+ per spike, no decay (τθ = ∞)
 *   ADAPTS    θ decays by e^(−dt/τθ) every step and grows by θ+ per spike
 */
export const THETA_MODE = Object.freeze({ NONE: 0, HELD: 1, GROWS: 2, ADAPTS: 3 } as const);
export type ThetaMode = (typeof THETA_MODE)[keyof typeof THETA_MODE];

/**
 * One step of a current-based LIF population, in place. Returns the number of spikes, written
 * to `st.spikes.idx`. `step`: the refractory clock (see LifState.refUntil), in [0, 2³⁰) from a
 * population; `theta`: what the adaptive threshold does (THETA_MODE).
 */
export function lifCurrentStep(st: LifState, k: LifConstants, step: number, thetaMode: ThetaMode): number {
  const { n, v, gE, gI, theta, iBias, refUntil } = st;
  const idx = st.spikes.idx;
  const { vRest, vReset, vThresh, decayMem, decayE, decayI, couplingE, couplingI, rMem, refSteps, thetaPlus, decayTheta } = k;
  const biasGain = rMem * (1 - decayMem);
  const adapt = thetaMode !== THETA_MODE.NONE;
  const thetaGrows = thetaMode >= THETA_MODE.GROWS;
  const thetaDecays = thetaMode === THETA_MODE.ADAPTS;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const ge = gE[i];
    const gi = gI[i];
    gE[i] = ge * decayE;
    gI[i] = gi * decayI;
    let th = 0;
    if (adapt) {
      th = theta[i];
      if (thetaDecays) theta[i] = th = th * decayTheta;
    }
    if (step < refUntil[i]) continue; // held at vReset (Brian2's `unless refractory`)
    const vi = vRest + (v[i] - vRest) * decayMem + ge * couplingE + gi * couplingI + iBias[i] * biasGain;
    if (vi > vThresh + th) {
      v[i] = vReset;
      refUntil[i] = step + refSteps;
      idx[count++] = i;
      if (thetaGrows) theta[i] = th + thetaPlus;
    } else {
      v[i] = vi;
    }
  }
  st.spikes.count = count;
  return count;
}

/** Synaptic variables of a single-precision population below this magnitude are set to 0 (header). */
export const F32_FLUSH = 2 ** -64;

/**
 * One step of a current-based LIF population in single precision (state in Float32Array, see the
 * header), in place. Returns the number of spikes, written to `st.spikes.idx`. The same arguments
 * as lifCurrentStep.
 */
export function lifCurrentStep32(st: LifState, k: LifConstants, step: number, thetaMode: ThetaMode): number {
  const { n, v, gE, gI, theta, iBias, refUntil } = st;
  const idx = st.spikes.idx;
  const f = Math.fround;
  const vRest = f(k.vRest);
  const vReset = f(k.vReset);
  const vThresh = f(k.vThresh);
  const decayMem = f(k.decayMem);
  const decayE = f(k.decayE);
  const decayI = f(k.decayI);
  const couplingE = f(k.couplingE);
  const couplingI = f(k.couplingI);
  const biasGain = f(k.rMem * (1 - k.decayMem));
  const thetaPlus = f(k.thetaPlus);
  const decayTheta = f(k.decayTheta);
  const refSteps = k.refSteps;
  const adapt = thetaMode !== THETA_MODE.NONE;
  const thetaGrows = thetaMode >= THETA_MODE.GROWS;
  const thetaDecays = thetaMode === THETA_MODE.ADAPTS;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const ge = gE[i];
    const gi = gI[i];
    const geNext = f(ge * decayE);
    const giNext = f(gi * decayI);
    gE[i] = Math.abs(geNext) >= F32_FLUSH ? geNext : 0;
    gI[i] = Math.abs(giNext) >= F32_FLUSH ? giNext : 0;
    let th = 0;
    if (adapt) {
      th = theta[i];
      if (thetaDecays) theta[i] = th = f(th * decayTheta);
    }
    if (step < refUntil[i]) continue;
    const vi = f(f(f(f(vRest + f(f(v[i] - vRest) * decayMem)) + f(ge * couplingE)) + f(gi * couplingI)) + f(iBias[i] * biasGain));
    if (vi > f(vThresh + th)) {
      v[i] = vReset;
      refUntil[i] = step + refSteps;
      idx[count++] = i;
      if (thetaGrows) theta[i] = f(th + thetaPlus);
    } else {
      v[i] = vi;
    }
  }
  st.spikes.count = count;
  return count;
}

/** One step of a conductance-based LIF population, in place (see header). Returns the spike count. */
export function lifConductanceStep(st: LifState, k: LifConstants, step: number, thetaMode: ThetaMode): number {
  const { n, v, gE, gI, theta, iBias, refUntil } = st;
  const idx = st.spikes.idx;
  const { vRest, vReset, vThresh, decayMem, dtOverTau, decayE, decayI, eExc, eInh, rMem, refSteps, thetaPlus, decayTheta } = k;
  const adapt = thetaMode !== THETA_MODE.NONE;
  const thetaGrows = thetaMode >= THETA_MODE.GROWS;
  const thetaDecays = thetaMode === THETA_MODE.ADAPTS;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const ge = gE[i];
    const gi = gI[i];
    // Conductances below 10⁻¹² of the leak are flushed to 0 (their effect on v is < 10⁻¹⁰ mV per
    // step), so that a silent neuron takes the cheap pure-leak branch below.
    const geNext = ge * decayE;
    const giNext = gi * decayI;
    gE[i] = geNext < 1e-12 && geNext > -1e-12 ? 0 : geNext;
    gI[i] = giNext < 1e-12 && giNext > -1e-12 ? 0 : giNext;
    let th = 0;
    if (adapt) {
      th = theta[i];
      if (thetaDecays) theta[i] = th = th * decayTheta;
    }
    if (step < refUntil[i]) continue;
    const drive = vRest + rMem * iBias[i];
    let vi: number;
    if (ge === 0 && gi === 0) {
      vi = drive + (v[i] - drive) * decayMem;
    } else {
      const g = 1 + ge + gi;
      const vInf = (drive + ge * eExc + gi * eInh) / g;
      // e^(−g·dt/τm) = e^(−dt/τm) · e^(−y), y = (gE + gI)·dt/τm; e^(−y) by its Taylor series to y⁵
      // below 0.05 (error < y⁶/720 < 2.2·10⁻¹¹), else core/math.ts's exp.
      const y = (ge + gi) * dtOverTau;
      const e = decayMem * (y < 0.05 ? 1 - y * (1 - y * (0.5 - y * (1 / 6 - y * (1 / 24 - y * (1 / 120))))) : exp(-y));
      vi = vInf + (v[i] - vInf) * e;
    }
    if (vi > vThresh + th) {
      v[i] = vReset;
      refUntil[i] = step + refSteps;
      idx[count++] = i;
      if (thetaGrows) theta[i] = th + thetaPlus;
    } else {
      v[i] = vi;
    }
  }
  st.spikes.count = count;
  return count;
}

/** Current-based coupling coefficient of a synaptic variable with time constant τs into v. */
export function currentCoupling(dt: number, tauMem: number, tauSyn: number): number {
  const a = exp(-dt / tauMem);
  if (!Number.isFinite(tauSyn) || tauSyn <= 0) return 0;
  if (Math.abs(tauSyn - tauMem) < 1e-12 * tauMem) return (dt / tauMem) * a;
  return (tauSyn / (tauSyn - tauMem)) * (exp(-dt / tauSyn) - a);
}

/**
 * Whether no neuron of a population with every synaptic variable 0 (and none refractory) can reach
 * its threshold within `steps` steps: then each v relaxes monotonically from where it is toward its
 * drive vRest + R·I (both synapse models with gE = gI = 0), so it stays at most max(v, drive), and
 * the threshold vThresh + θ stays at least vThresh + θ·e^(−steps·dt/τθ) (θ ≥ 0 decaying) or
 * vThresh + θ. A margin of 10⁻⁹ of the threshold covers the rounding of both. Decides only whether
 * lifQuietSteps is worth trying — that one tests the threshold step by step — so that a population
 * whose neurons fire by their bias is refused at once instead of integrated to its first spike.
 */
export function lifCannotFire(st: LifState, k: LifConstants, thetaMode: ThetaMode, steps: number): boolean {
  const { n, v, theta, iBias } = st;
  const { vRest, vThresh, rMem, decayTheta } = k;
  const adapt = thetaMode !== THETA_MODE.NONE;
  // θ after `steps` decays, from above (e^(steps·ln a); exp and log of core/math.ts, as everywhere)
  const shrink = thetaMode === THETA_MODE.ADAPTS ? exp(steps * log(decayTheta)) * (1 - 1e-9) : 1;
  for (let i = 0; i < n; i++) {
    const th = adapt ? theta[i] : 0;
    const threshold = vThresh + (th > 0 ? th * shrink : th);
    const drive = vRest + rMem * iBias[i];
    const highest = v[i] > drive ? v[i] : drive;
    if (!(highest < threshold - 1e-9 * (1 + Math.abs(threshold)))) return false;
  }
  return true;
}

/**
 * Quiet steps (core/schedule.ts) of a double-precision population: `steps` steps in which every
 * synaptic variable is 0 and no neuron is refractory at the start, and nothing arrives (the network
 * certifies that). Each neuron then takes its kernel's pure-leak update every step, which depends
 * on nothing but its own v (and θ): so it is integrated `steps` steps ahead on its own, with the
 * very operations and constants of lifConductanceStep / lifCurrentStep, into `vOut` (and θ into
 * `thetaOut` when it decays) — the same bits as stepping. Neurons are taken four at a time so that
 * four independent chains of operations overlap. A neuron whose v stops changing (a fixed point of
 * the rounded update, nonzero) while θ is constant keeps that v to the end. Returns false, with
 * vOut and thetaOut unspecified, if some neuron would cross its threshold: those steps are not
 * quiet. The synaptic variables are not written (the caller sets them).
 */
export function lifQuietSteps(st: LifState, k: LifConstants, thetaMode: ThetaMode, conductance: boolean, steps: number, vOut: Float64Array, thetaOut: Float64Array): boolean {
  const { n, v, gE, gI, theta, iBias } = st;
  const decays = thetaMode === THETA_MODE.ADAPTS;
  const adapt = thetaMode !== THETA_MODE.NONE;
  for (let i = 0; i < n; i += 4) {
    // a block of four (the last one possibly shorter: its missing lanes repeat neuron i)
    const i1 = i + 1 < n ? i + 1 : i;
    const i2 = i + 2 < n ? i + 2 : i;
    const i3 = i + 3 < n ? i + 3 : i;
    const ok = conductance
      ? quietLeakBlock(k, decays, adapt, steps, v, theta, iBias, i, i1, i2, i3, vOut, thetaOut)
      : quietCurrentBlock(k, decays, adapt, steps, v, gE, gI, theta, iBias, i, i1, i2, i3, vOut, thetaOut);
    if (!ok) return false;
  }
  return true;
}

/** Four neurons of lifConductanceStep's pure-leak branch: v ← d + (v − d)·a, d = vRest + R·I. */
function quietLeakBlock(
  k: LifConstants, decays: boolean, adapt: boolean, steps: number, v: StateArray, theta: StateArray, iBias: StateArray,
  i0: number, i1: number, i2: number, i3: number, vOut: Float64Array, thetaOut: Float64Array,
): boolean {
  const { vRest, vThresh, decayMem, rMem, decayTheta } = k;
  const d0 = vRest + rMem * iBias[i0];
  const d1 = vRest + rMem * iBias[i1];
  const d2 = vRest + rMem * iBias[i2];
  const d3 = vRest + rMem * iBias[i3];
  let v0 = v[i0], v1 = v[i1], v2 = v[i2], v3 = v[i3];
  let t0 = adapt ? theta[i0] : 0, t1 = adapt ? theta[i1] : 0, t2 = adapt ? theta[i2] : 0, t3 = adapt ? theta[i3] : 0;
  if (decays) {
    for (let j = 0; j < steps; j++) {
      t0 *= decayTheta;
      t1 *= decayTheta;
      t2 *= decayTheta;
      t3 *= decayTheta;
      v0 = d0 + (v0 - d0) * decayMem;
      v1 = d1 + (v1 - d1) * decayMem;
      v2 = d2 + (v2 - d2) * decayMem;
      v3 = d3 + (v3 - d3) * decayMem;
      if (v0 > vThresh + t0 || v1 > vThresh + t1 || v2 > vThresh + t2 || v3 > vThresh + t3) return false;
    }
    thetaOut[i0] = t0;
    thetaOut[i1] = t1;
    thetaOut[i2] = t2;
    thetaOut[i3] = t3;
  } else {
    const h0 = vThresh + t0, h1 = vThresh + t1, h2 = vThresh + t2, h3 = vThresh + t3;
    for (let j = 0; j < steps; j++) {
      const a0 = d0 + (v0 - d0) * decayMem;
      const a1 = d1 + (v1 - d1) * decayMem;
      const a2 = d2 + (v2 - d2) * decayMem;
      const a3 = d3 + (v3 - d3) * decayMem;
      if (a0 > h0 || a1 > h1 || a2 > h2 || a3 > h3) return false;
      // nonzero fixed points of the rounded update stay put (±0 compare equal but need not be)
      const fixed = a0 === v0 && a1 === v1 && a2 === v2 && a3 === v3 && a0 !== 0 && a1 !== 0 && a2 !== 0 && a3 !== 0;
      v0 = a0;
      v1 = a1;
      v2 = a2;
      v3 = a3;
      if (fixed) break;
    }
  }
  vOut[i0] = v0;
  vOut[i1] = v1;
  vOut[i2] = v2;
  vOut[i3] = v3;
  return true;
}

/**
 * Four neurons of lifCurrentStep with gE = gI = 0: v ← vRest + (v − vRest)·a + gE·cE + gI·cI + I·b,
 * the zero terms added as the kernel adds them (their sign can matter to a zero sum).
 */
function quietCurrentBlock(
  k: LifConstants, decays: boolean, adapt: boolean, steps: number, v: StateArray, gE: StateArray, gI: StateArray, theta: StateArray, iBias: StateArray,
  i0: number, i1: number, i2: number, i3: number, vOut: Float64Array, thetaOut: Float64Array,
): boolean {
  const { vRest, vThresh, decayMem, couplingE, couplingI, rMem, decayTheta } = k;
  const biasGain = rMem * (1 - decayMem);
  const e0 = gE[i0] * couplingE, e1 = gE[i1] * couplingE, e2 = gE[i2] * couplingE, e3 = gE[i3] * couplingE;
  const f0 = gI[i0] * couplingI, f1 = gI[i1] * couplingI, f2 = gI[i2] * couplingI, f3 = gI[i3] * couplingI;
  const b0 = iBias[i0] * biasGain, b1 = iBias[i1] * biasGain, b2 = iBias[i2] * biasGain, b3 = iBias[i3] * biasGain;
  let v0 = v[i0], v1 = v[i1], v2 = v[i2], v3 = v[i3];
  let t0 = adapt ? theta[i0] : 0, t1 = adapt ? theta[i1] : 0, t2 = adapt ? theta[i2] : 0, t3 = adapt ? theta[i3] : 0;
  for (let j = 0; j < steps; j++) {
    if (decays) {
      t0 *= decayTheta;
      t1 *= decayTheta;
      t2 *= decayTheta;
      t3 *= decayTheta;
    }
    const a0 = vRest + (v0 - vRest) * decayMem + e0 + f0 + b0;
    const a1 = vRest + (v1 - vRest) * decayMem + e1 + f1 + b1;
    const a2 = vRest + (v2 - vRest) * decayMem + e2 + f2 + b2;
    const a3 = vRest + (v3 - vRest) * decayMem + e3 + f3 + b3;
    if (a0 > vThresh + t0 || a1 > vThresh + t1 || a2 > vThresh + t2 || a3 > vThresh + t3) return false;
    const fixed = !decays && a0 === v0 && a1 === v1 && a2 === v2 && a3 === v3 && a0 !== 0 && a1 !== 0 && a2 !== 0 && a3 !== 0;
    v0 = a0;
    v1 = a1;
    v2 = a2;
    v3 = a3;
    if (fixed) break;
  }
  if (decays) {
    thetaOut[i0] = t0;
    thetaOut[i1] = t1;
    thetaOut[i2] = t2;
    thetaOut[i3] = t3;
  }
  vOut[i0] = v0;
  vOut[i1] = v1;
  vOut[i2] = v2;
  vOut[i3] = v3;
  return true;
}
