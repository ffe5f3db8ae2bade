/**
 * Fast standard normal draws for device kernels: Marsaglia & Tsang's ziggurat (RNOR, 128 layers),
 * "The ziggurat method for generating random variables", J. Stat. Softw. 5(8) (2000).
 *
 * Each draw takes one 32-bit uniform from a RandomStream (Alea, core/random.ts): its low 7 bits pick
 * the layer, the whole signed word the abscissa; ≈ 98.8 % of draws return after one table compare.
 * The tail (|x| > 3.4426) uses Marsaglia's exponential method. Using the low bits for the layer and
 * the full word for the value correlates them only below 2^−24 relative (Doornik 2005's caveat is
 * about SHR3's weak low bits; Alea's are full-quality). Mean, σ and kurtosis are tested.
 * Box–Muller (RandomStream.normal) needs a log, a square root, a sine and a cosine per pair of
 * draws, which matters at one draw per pulse. The tables and the slow path use core/math.ts's exp and
 * log, so every draw is the same double in every engine (the WebAssembly kernel calls nfix itself).
 */
import type { RandomStream } from '../random.js';
import { exp, log } from '../math.js';

/** Ziggurat tables (exported for kernels that inline the fast path). */
export const KN = new Uint32Array(128);
export const WN = new Float64Array(128);
const FN = new Float64Array(128);
const R = 3.442619855899;

(function zigset(): void {
  const m1 = 2147483648.0;
  let dn = R;
  let tn = dn;
  const vn = 9.91256303526217e-3;
  const q = vn / exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1.0;
  FN[127] = exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2.0 * log(vn / dn + exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    FN[i] = exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
})();

/**
 * Alea's step on a RandomStream's state array (s0, s1, s2, c, …) — the recurrence of
 * RandomStream.uniform, inlined so the kernels pay no method call; the sequence is the stream's own.
 */
export function uniformState(s: Float64Array): number {
  const t = 2091639 * s[0] + s[3] * 2.3283064365386963e-10;
  s[0] = s[1];
  s[1] = s[2];
  const c = t | 0;
  s[3] = c;
  return (s[2] = t - c);
}

/** The ziggurat's slow path (≈ 1.2 % of draws), on a stream's state array. */
export function nfix(s: Float64Array, hz0: number, iz0: number): number {
  let hz = hz0;
  let iz = iz0;
  for (;;) {
    const x = hz * WN[iz];
    if (iz === 0) {
      let xt: number;
      let y: number;
      do {
        xt = -log(1 - uniformState(s)) / R;
        y = -log(1 - uniformState(s));
      } while (y + y < xt * xt);
      return hz > 0 ? R + xt : -R - xt;
    }
    if (FN[iz] + uniformState(s) * (FN[iz - 1] - FN[iz]) < exp(-0.5 * x * x)) return x;
    hz = (uniformState(s) * 4294967296) | 0;
    iz = hz & 127;
    if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
  }
}

/** One N(0, 1) draw from a stream's state array (see uniformState). Allocation-free. */
export function gaussianState(s: Float64Array): number {
  const hz = (uniformState(s) * 4294967296) | 0;
  const iz = hz & 127;
  return Math.abs(hz) < KN[iz] ? hz * WN[iz] : nfix(s, hz, iz);
}

/** One N(0, 1) draw from a RandomStream. Allocation-free. */
export function gaussian(s: RandomStream): number {
  return gaussianState(s.state);
}
