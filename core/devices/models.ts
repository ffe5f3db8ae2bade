/**
 * Closed forms of the device laws for a *nominal* device (no variation, no noise): what n pulses do
 * to a conductance, how many pulses reach a target, the step at the start of the range. Used by
 * open-loop programming (crossbar, store initialisation), by STDP rules to turn a desired Δg into a
 * signed pulse count, and by the tests as the reference for the kernels. Laws and units: params.ts.
 *
 * `lawAfter` is the same closed form on an arbitrary window with an arbitrary efficacy and
 * nonlinearity factor — what one *particular* device (with its d2d draws) does.
 */
import { exp, expm1, log, pow } from '../math.js';
import type { DeviceParams } from './params.js';

/** Efficacy of one pulse in pulse-number space for polarity ±: 1 ± β. */
export function efficacy(p: DeviceParams, up: boolean): number {
  return up ? 1 + p.asymmetry : 1 - p.asymmetry;
}

/**
 * Deterministic conductance after `count` pulses (sign = polarity) from g, on window [lo, hi],
 * with pulse efficacy e (> 0) and nonlinearity factor nlf (multiplies A or k), clipped to the
 * window. The table law is applied pulse by pulse (it is defined per pulse).
 */
export function lawAfter(p: DeviceParams, g: number, count: number, lo: number, hi: number, e: number, nlf: number): number {
  if (count === 0) return g;
  const up = count > 0;
  const n = up ? count : -count;
  const W = hi - lo;
  const pmax = p.levels - 1;
  let out: number;
  switch (p.kind) {
    case 'linear':
      out = g + (up ? 1 : -1) * n * e * W / pmax;
      break;
    case 'softBounds': {
      const A = (up ? p.normAUp : p.normADown) * pmax * nlf;
      const B = W / -expm1(-pmax / A);
      const decay = exp(-n * e / A);
      out = up ? lo + B - (lo + B - g) * decay : hi - B + (g - (hi - B)) * decay;
      break;
    }
    case 'power': {
      const k = (up ? p.powUp : p.powDown) * nlf;
      let u = up ? (hi - g) / W : (g - lo) / W;
      if (u < 0) u = 0;
      else if (u > 1) u = 1;
      const r = pow(u, 1 / k) - n * e / pmax;
      const u2 = r > 0 ? pow(r, k) : 0;
      out = up ? hi - W * u2 : lo + W * u2;
      break;
    }
    case 'table': {
      const tab = up ? p.dgUp : p.dgDown;
      const m1 = tab.length - 1;
      const scale = e * W / (p.gMax - p.gMin);
      let x = g;
      for (let q = 0; q < n; q++) {
        x += (up ? 1 : -1) * scale * tableAt(tab, m1, (x - lo) / W);
        if (x < lo) x = lo;
        else if (x > hi) x = hi;
      }
      out = x;
      break;
    }
  }
  return out < lo ? lo : out > hi ? hi : out;
}

/** Linear interpolation of a uniform-grid table at normalised position x ∈ [0, 1] (clamped). */
export function tableAt(tab: ArrayLike<number>, m1: number, x: number): number {
  let u = x * m1;
  if (u < 0) u = 0;
  else if (u > m1) u = m1;
  let j = u | 0;
  if (j >= m1) j = m1 - 1;
  const f = u - j;
  return tab[j] + (tab[j + 1] - tab[j]) * f;
}

/** Nominal device: conductance after `count` pulses (sign = polarity) from g [µS]; no noise. */
export function gAfterPulses(p: DeviceParams, g: number, count: number): number {
  return lawAfter(p, g, count, p.gMin, p.gMax, efficacy(p, count > 0), 1);
}

/**
 * Magnitude of the first step [µS per pulse] of a nominal device at the start of its range:
 * from gMin for polarity > 0 (SET), from gMax for polarity < 0 (RESET).
 */
export function nominalStep(p: DeviceParams, polarity: number): number {
  return polarity >= 0 ? gAfterPulses(p, p.gMin, 1) - p.gMin : p.gMax - gAfterPulses(p, p.gMax, -1);
}

/**
 * The open-loop mapping: the signed, real (unrounded) number of pulses that takes a nominal device
 * from gFrom to gTo [µS] (+ SET, − RESET). Targets outside the window are clamped to it; a target
 * a saturating law never reaches exactly is reached at its clamped bound. Callers round
 * (deterministically or stochastically).
 */
export function pulsesToReach(p: DeviceParams, gFrom: number, gTo: number): number {
  const lo = p.gMin;
  const hi = p.gMax;
  const a = gFrom < lo ? lo : gFrom > hi ? hi : gFrom;
  const b = gTo < lo ? lo : gTo > hi ? hi : gTo;
  if (a === b) return 0;
  const up = b > a;
  const e = efficacy(p, up);
  const W = hi - lo;
  const pmax = p.levels - 1;
  switch (p.kind) {
    case 'linear':
      return (b - a) * pmax / (W * e);
    case 'softBounds': {
      const A = (up ? p.normAUp : p.normADown) * pmax;
      const B = W / -expm1(-pmax / A);
      const n = up ? (A / e) * log((lo + B - a) / (lo + B - b)) : (A / e) * log((a - (hi - B)) / (b - (hi - B)));
      return up ? n : -n;
    }
    case 'power': {
      const k = up ? p.powUp : p.powDown;
      const ua = up ? (hi - a) / W : (a - lo) / W;
      const ub = up ? (hi - b) / W : (b - lo) / W;
      const n = (pow(ua, 1 / k) - pow(ub, 1 / k)) * pmax / e;
      return up ? n : -n;
    }
    case 'table': {
      const tab = up ? p.dgUp : p.dgDown;
      const m1 = tab.length - 1;
      let x = a;
      let n = 0;
      const cap = 1e7;
      while (n < cap) {
        const dg = e * tableAt(tab, m1, (x - lo) / W);
        if (!(dg > 0)) return up ? Infinity : -Infinity;
        const next = up ? x + dg : x - dg;
        if (up ? next >= b : next <= b) {
          n += (up ? b - x : x - b) / dg;
          break;
        }
        x = next;
        n++;
      }
      return up ? n : -n;
    }
  }
}
