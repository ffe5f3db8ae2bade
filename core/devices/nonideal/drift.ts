/**
 * Conductance drift (aihwkit PCMLikeNoiseModel / power law): g(t) = g0·(max(t − tProg, t0)/t0)^(−ν)
 * with a per-device ν = μ + σ·z ('constant') or ν(g0) of the 'pcm' model, z a standard-normal draw
 * per device stored as q/DRIFT_Z_SCALE (range ±8). ln and exp are drift-math.ts's (the same bits on
 * every engine and in the WebAssembly kernel). Programming restarts drift (tProg = tNow); stuck-at
 * faults have tProg = +Infinity and never drift. The pulse kernels fold drift in before a device's
 * pulses (core/devices/pulse-kernels.ts); reads and ageTo apply driftFactor.
 */
import type { RandomStream } from '../../random.js';
import { driftExp, driftLog } from '../drift-math.js';
import { gaussian } from '../normal.js';
import type { DeviceParams } from '../params.js';
import { clampInt } from './d2d.js';

/** Drift draw scale: z = q / DRIFT_Z_SCALE (standard normal). */
export const DRIFT_Z_SCALE = 4096;
export const INV_Z = 1 / DRIFT_Z_SCALE;

/** The drift constants of an array. */
export interface DriftConsts {
  readonly drifting: boolean;
  readonly driftPcm: boolean;
  readonly nuMean: number;
  readonly nuStd: number;
  readonly t0: number;
}

export function driftConsts(p: DeviceParams): DriftConsts {
  const driftPcm = p.drift.model === 'pcm';
  return {
    drifting: driftPcm || p.drift.nuMean !== 0 || p.drift.nuStd !== 0,
    driftPcm,
    nuMean: p.drift.nuMean,
    nuStd: p.drift.nuStd,
    t0: p.drift.t0,
  };
}

/** Device i's stored drift draw (q/DRIFT_Z_SCALE), drawn from `d2d` when drifting, else 0. */
export function drawDriftZ(c: DriftConsts, d2d: RandomStream): number {
  return c.drifting ? clampInt(gaussian(d2d) * DRIFT_Z_SCALE, -32767, 32767) : 0;
}

/** Drift factor (max(dt, t0)/t0)^(−ν) for a device with stored draw z and programmed conductance gi, dt after programming. */
export function driftFactor(c: DriftConsts & { readonly gMax: number }, z: number, gi: number, dt: number): number {
  if (!(dt > c.t0)) return 1;
  const nu = c.driftPcm ? pcmNu(gi, c.gMax, z) : c.nuMean + c.nuStd * z * INV_Z;
  return driftExp(-nu * driftLog(dt / c.t0));
}

/** The drift exponent ν of the 'pcm' model (aihwkit PCMLikeNoiseModel) for programmed conductance gi and stored draw z. */
export function pcmNu(gi: number, gMax: number, z: number): number {
  const lx = driftLog(gi > 0 ? gi / gMax : 1e-12);
  let mu = -0.0155 * lx + 0.0244;
  mu = mu < 0.049 ? 0.049 : mu > 0.1 ? 0.1 : mu;
  let sd = -0.0125 * lx - 0.0059;
  sd = sd < 0.008 ? 0.008 : sd > 0.045 ? 0.045 : sd;
  return mu + sd * z * INV_Z;
}
