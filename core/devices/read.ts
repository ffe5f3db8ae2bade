/**
 * Reading and ageing device arrays: the drifted (nonideal/drift.ts), optionally read-noisy
 * (nonideal/read-noise.ts) conductance, with read energy (nonideal/energy.ts). Allocation-free.
 */
import type { DeviceArray } from './array.js';
import { gaussianState } from './normal.js';
import { driftFactor } from './nonideal/drift.js';
import { readSigma } from './nonideal/read-noise.js';

/**
 * Reads every device at time tNow [ms]: out[i] = g[i]·(max(tNow − tProg[i], t0)/t0)^(−ν_i), plus
 * Gaussian read noise σ = abs + rel·g when `readNoise` (one draw per device per call). Counts one
 * read per device and its energy V_read²·G·t_read. out may be the same length as the array or
 * longer. Allocation-free.
 */
export function readConductances(out: Float32Array, arr: DeviceArray, tNow: number, readNoise: boolean): void {
  const c = arr.consts;
  const { g, tProg, driftZ } = arr;
  const rs = arr.readStream.state;
  const n = arr.n;
  const noisy = readNoise && (c.readAbs > 0 || c.readRel > 0);
  let energy = 0;
  for (let i = 0; i < n; i++) {
    let gi = g[i];
    if (c.drifting) gi *= driftFactor(c, driftZ[i], gi, tNow - tProg[i]);
    energy += gi;
    if (noisy) gi += readSigma(c, gi) * gaussianState(rs);
    out[i] = gi;
  }
  arr.energyRead_nJ += energy * c.eRead;
  arr.reads += n;
}

/**
 * Reads devices idx[k], k < n, into out[k] (same law as readConductances). Allocation-free.
 */
export function readSome(out: Float32Array, arr: DeviceArray, idx: Int32Array, n: number, tNow: number, readNoise: boolean): void {
  const c = arr.consts;
  const { g, tProg, driftZ } = arr;
  const rs = arr.readStream.state;
  const noisy = readNoise && (c.readAbs > 0 || c.readRel > 0);
  let energy = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    let gi = g[i];
    if (c.drifting) gi *= driftFactor(c, driftZ[i], gi, tNow - tProg[i]);
    energy += gi;
    if (noisy) gi += readSigma(c, gi) * gaussianState(rs);
    out[k] = gi;
  }
  arr.energyRead_nJ += energy * c.eRead;
  arr.reads += n;
}

/**
 * The "age the array" pass: writes each device's drifted conductance at tNow [ms] into out — no read
 * noise, no read energy (it is the physical state, not a measurement). Callers keep `out` as their
 * cache (the memristive store's weights, a crossbar's conductance matrix) and call this after a
 * jump in time instead of re-evaluating drift per step.
 */
export function ageTo(out: Float32Array, arr: DeviceArray, tNow: number): void {
  const c = arr.consts;
  const { g, tProg, driftZ } = arr;
  const n = arr.n;
  if (!c.drifting) {
    out.set(g);
    return;
  }
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    out[i] = gi * driftFactor(c, driftZ[i], gi, tNow - tProg[i]);
  }
}

/** The drifted conductance of device i at tNow [ms] (no noise, no energy). */
export function conductanceAt(arr: DeviceArray, i: number, tNow: number): number {
  const c = arr.consts;
  const gi = arr.g[i];
  return c.drifting ? gi * driftFactor(c, arr.driftZ[i], gi, tNow - arr.tProg[i]) : gi;
}
