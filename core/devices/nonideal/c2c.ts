/**
 * Cycle-to-cycle noise: every pulse adds σ_c2c·ξ (ξ standard normal from the array's `${label}/c2c`
 * stream, the ziggurat of normal.ts). The pulse kernels draw ξ with the Alea step and the ziggurat's
 * fast path written out on local variables (pulse-kernels.ts; the slow path `nfix` syncs the state);
 * open-loop programming adds the noise of m pulses in one draw, σ·√m·ξ.
 */
import type { RandomStream } from '../../random.js';
import { gaussian } from '../normal.js';

/** The c2c noise of m pulses in one draw: σ·√m·ξ. */
export function c2cOfTrain(stream: RandomStream, c2c: number, m: number): number {
  return c2c * Math.sqrt(m) * gaussian(stream);
}
