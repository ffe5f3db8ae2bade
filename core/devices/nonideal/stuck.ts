/**
 * Stuck-at faults: a fraction of the devices, drawn at creation (after the device's d2d and drift
 * draws, from the same stream), is stuck at its high (probability `high`) or low bound. Encoded
 * without a flag: pulseCount = FAULT_COUNT (≥ any endurance, so pulses change nothing), g at the
 * stuck bound, tProg = +Infinity (never drifts).
 */
import type { RandomStream } from '../../random.js';
import type { DeviceParams } from '../params.js';
import { FAULT_COUNT } from './endurance.js';

/** The state arrays a fault is written into. */
export interface FaultArrays {
  readonly g: Float32Array;
  readonly pulseCount: Uint32Array;
  readonly tProg: Float32Array;
}

/** Draws whether device i (window [gLo, gHi]) is a stuck-at fault and, if so, makes it one. */
export function drawStuckAt(a: FaultArrays, i: number, p: DeviceParams, gLo: number, gHi: number, d2d: RandomStream): void {
  const { fraction, high } = p.stuckAt;
  if (fraction > 0 && d2d.uniform() < fraction) {
    a.g[i] = d2d.uniform() < high ? gHi : gLo;
    a.pulseCount[i] = FAULT_COUNT;
    a.tProg[i] = Infinity;
  }
}
