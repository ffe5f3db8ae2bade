/**
 * Device-to-device variation (aihwkit dw_min_dtod, up_down_dtod; bounds and nonlinearity per device):
 * drawn once per device at creation and stored quantised in 10 bytes —
 * step and nonlinearity factors as q/FACTOR_ONE (resolution 6·10⁻⁵, range [0, 4)), bound offsets as
 * q/BOUND_SCALE of the nominal window W (range ±4 W).
 *
 * Draws (from `${label}/d2d`, in this order, each skipped when its σ is 0): f = 1 + σ_step·ξ and
 * δ = σ_upDown·ξ', SET factor f·(1 + δ), RESET factor f·(1 − δ), each clipped to [0, 4); bounds
 * gMin_i = gMin + σ_b·W·ξ₁ (≥ 0), gMax_i = gMax + σ_b·W·ξ₂, and when a pair comes out narrower than
 * 1 % of W, gMax_i is raised to gMin_i + 0.01·W; nonlinearity factor 1 + σ_nl·ξ clipped to [0.05, 4).
 */
import type { RandomStream } from '../../random.js';
import { gaussian } from '../normal.js';
import type { DeviceParams } from '../params.js';

/** Stored step/nonlinearity factor 1.0 (Uint16 value); factor = q / FACTOR_ONE. */
export const FACTOR_ONE = 16384;
/** Bound offset scale: offset [µS] = q / BOUND_SCALE · W_nominal. */
export const BOUND_SCALE = 8192;
export const INV_FACTOR = 1 / FACTOR_ONE;
export const INV_BOUND = 1 / BOUND_SCALE;

/** Math.round(x) clamped to [lo, hi]. */
export function clampInt(x: number, lo: number, hi: number): number {
  const r = Math.round(x);
  return r < lo ? lo : r > hi ? hi : r;
}

/** The d2d state arrays of a device array. */
export interface D2dArrays {
  readonly stepUp: Uint16Array;
  readonly stepDown: Uint16Array;
  readonly boundLo: Int16Array;
  readonly boundHi: Int16Array;
  readonly nonlin: Uint16Array;
}

/** Draws device i's d2d factors from `d2d` into the arrays (see the header for the order). */
export function drawD2d(a: D2dArrays, i: number, p: DeviceParams, W: number, d2d: RandomStream): void {
  const { step, bounds, nonlinearity, upDown } = p.d2d;
  const f = step > 0 ? 1 + step * gaussian(d2d) : 1;
  const ud = upDown > 0 ? upDown * gaussian(d2d) : 0;
  a.stepUp[i] = clampInt(f * (1 + ud) * FACTOR_ONE, 0, 65535);
  a.stepDown[i] = clampInt(f * (1 - ud) * FACTOR_ONE, 0, 65535);
  let lo = bounds > 0 ? clampInt(bounds * gaussian(d2d) * BOUND_SCALE, -32768, 32767) : 0;
  let hi = bounds > 0 ? clampInt(bounds * gaussian(d2d) * BOUND_SCALE, -32768, 32767) : 0;
  if (p.gMin + (lo * INV_BOUND) * W < 0) lo = clampInt(Math.ceil(-p.gMin / W * BOUND_SCALE), -32768, 32767);
  if (BOUND_SCALE + hi - lo < MIN_WIDTH) hi = Math.min(32767, lo - BOUND_SCALE + MIN_WIDTH);
  a.boundLo[i] = lo;
  a.boundHi[i] = hi;
  const nl = nonlinearity > 0 ? 1 + nonlinearity * gaussian(d2d) : 1;
  a.nonlin[i] = clampInt((nl < 0.05 ? 0.05 : nl) * FACTOR_ONE, 1, 65535);
}

const MIN_WIDTH = Math.ceil(0.01 * BOUND_SCALE);

/**
 * The offset [µS] of a stored bound q on a nominal window W, as creation, deviceWindow and
 * open-loop programming decode it: (q / BOUND_SCALE)·W. (The pulse kernels fold W / BOUND_SCALE
 * into one constant first, q·(W / BOUND_SCALE): the two can differ in the last bit; each keeps its
 * own form, which the golden hashes pin.)
 */
export function boundOffset(q: number, W: number): number {
  return q * INV_BOUND * W;
}
