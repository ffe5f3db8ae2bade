/**
 * Endurance: a device's pulse counter p (Uint32, saturating) shrinks its window towards the stuck
 * conductance gs by (p/endurance)²; at the endurance it is worn out: g ← gs (or, stuck mode 'last',
 * its conductance clipped to the window) and pulses change nothing more (they still cost energy).
 * Pulse kernels (pulse-kernels.ts) and open-loop programming (program.ts) share these helpers;
 * the kernels get them written out by scripts/build-device-kernels.mjs (each is one `return`).
 */
import type { DeviceParams } from '../params.js';

/** Pulse count of a stuck-at fault (and of a device whose 32-bit counter saturated). */
export const FAULT_COUNT = 0xffffffff;
/** Counter ceiling for unlimited endurance: one below the fault marker. */
export const COUNT_CEIL = FAULT_COUNT - 1;

export interface EnduranceConsts {
  /** Pulse count at which a device is worn out (endurance, or FAULT_COUNT when unlimited). */
  readonly limit: number;
  readonly finiteEndurance: boolean;
  readonly invEndurance: number;
  /** 0 = gMin, 1 = gMax, 2 = last */
  readonly stuckMode: number;
}

export function enduranceConsts(p: DeviceParams): EnduranceConsts {
  const finiteEndurance = p.endurance !== Infinity;
  return {
    limit: finiteEndurance ? p.endurance : FAULT_COUNT,
    finiteEndurance,
    invEndurance: finiteEndurance ? 1 / p.endurance : 0,
    stuckMode: p.stuckState === 'gMin' ? 0 : p.stuckState === 'gMax' ? 1 : 2,
  };
}

/** The conductance a device on window [lo0, hi0] wears out towards (stuck mode 0 gMin, 1 gMax, 2 the middle). */
export function stuckConductance(mode: number, lo0: number, hi0: number): number {
  return mode === 0 ? lo0 : mode === 1 ? hi0 : 0.5 * (lo0 + hi0);
}

/** (p/endurance)²: how far the window has shrunk towards the stuck conductance after p pulses. */
export function wear(p: number, invEndurance: number): number {
  return (p * invEndurance) * (p * invEndurance);
}

/** The worn window's lower bound: lo0 moved towards gs by the wear w. */
export function wornLo(lo0: number, gs: number, w: number): number {
  return lo0 + (gs - lo0) * w;
}

/** The worn window's upper bound: hi0 moved towards gs by the wear w. */
export function wornHi(hi0: number, gs: number, w: number): number {
  return hi0 - (hi0 - gs) * w;
}

/** x clipped to [lo, hi]. */
export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
