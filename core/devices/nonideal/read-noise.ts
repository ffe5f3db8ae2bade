/**
 * Read noise: every read adds Gaussian noise of σ = abs + rel·|g| (one draw per device per read,
 * from the array's `${label}/read` stream). Reads also count energy (energy.ts).
 */
import type { DeviceParams } from '../params.js';

export interface ReadNoiseConsts {
  readonly readAbs: number;
  readonly readRel: number;
}

export function readNoiseConsts(p: DeviceParams): ReadNoiseConsts {
  return { readAbs: p.readNoise.abs, readRel: p.readNoise.rel };
}

/** σ of a read of conductance g. */
export function readSigma(c: ReadNoiseConsts, g: number): number {
  return c.readAbs + c.readRel * (g < 0 ? -g : g);
}
