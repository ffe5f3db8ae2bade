/**
 * Open-loop programming in closed form (initialisation, bulk writes). Its wear, stuck conductance,
 * quantisation step and clipping are the pulse kernels' helpers (nonideal/endurance.ts, levels.ts).
 */
import type { DeviceArray } from './array.js';
import { lawAfter, pulsesToReach } from './models.js';
import { c2cOfTrain } from './nonideal/c2c.js';
import { boundOffset, INV_FACTOR } from './nonideal/d2d.js';
import { clip, COUNT_CEIL, stuckConductance, wear, wornHi, wornLo } from './nonideal/endurance.js';
import { levelStep, quantiseByDivision } from './nonideal/levels.js';
import { conductanceAt } from './read.js';

/**
 * Open-loop programming in closed form, for initialisation and for bulk writes that would take too
 * many single pulses (e.g. the ideal device's 65536 levels): for k < n, the controller computes
 * from the *nominal* law the whole number of pulses m = round(pulsesToReach(params, read g, target))
 * (from the drifted value at tNow), then device idx[k] responds with *its own* law (d2d factors) in
 * closed form, c2c noise σ·√m in one draw, clipping and quantisation; m is added to its pulse count
 * (wear-out beyond the endurance leaves it stuck). Energy is counted only if `countEnergy`
 * (approximated as m·V²·t·(g_before + g_after)/2). Returns the total number of pulses.
 * Distributionally equal to pulse-by-pulse programming for the linear law away from the bounds.
 */
export function programOpenLoop(arr: DeviceArray, idx: Int32Array, targets: Float32Array, n: number, tNow: number, countEnergy = false): number {
  const c = arr.consts;
  const p = arr.params;
  const { g, pulseCount, tProg, stepUp, stepDown, boundLo, boundHi, nonlin, c2cStream } = arr;
  let total = 0;
  let energy = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    if (pulseCount[i] >= c.limit) continue;
    const g0 = conductanceAt(arr, i, tNow);
    const mReal = pulsesToReach(p, g0, targets[k]);
    if (!Number.isFinite(mReal)) continue;
    const m = Math.round(mReal);
    if (m === 0) continue;
    const up = m > 0;
    const am = up ? m : -m;
    const lo0 = c.gMin + boundOffset(boundLo[i], c.W);
    const hi0 = c.gMax + boundOffset(boundHi[i], c.W);
    const e = (up ? c.effUp * stepUp[i] : c.effDown * stepDown[i]) * INV_FACTOR;
    let gi = lawAfter(p, g0, m, lo0, hi0, e, nonlin[i] * INV_FACTOR);
    if (c.c2c > 0) gi += c2cOfTrain(c2cStream, c.c2c, am);
    let pc = pulseCount[i] + am;
    // worn out: frozen at the stuck bound (mode 'last': where the train left it, within the window)
    if (c.finiteEndurance && pc >= c.limit) {
      pc = c.limit;
      gi = c.stuckMode === 0 ? lo0 : c.stuckMode === 1 ? hi0 : gi;
    } else if (pc > COUNT_CEIL) pc = COUNT_CEIL;
    if (c.quantLevels > 0) gi = quantiseByDivision(gi, lo0, levelStep(lo0, hi0, c.quantLevels));
    let lo = lo0;
    let hi = hi0;
    if (c.finiteEndurance && pc < c.limit) {
      const w = wear(pc, c.invEndurance);
      const gs = stuckConductance(c.stuckMode, lo0, hi0);
      lo = wornLo(lo0, gs, w);
      hi = wornHi(hi0, gs, w);
    }
    gi = clip(gi, lo, hi);
    if (countEnergy) energy += am * (up ? c.eUp : c.eDown) * 0.5 * (g0 + gi);
    g[i] = gi;
    pulseCount[i] = pc;
    tProg[i] = tNow;
    total += am;
  }
  if (countEnergy) {
    arr.energyPulse_nJ += energy;
    arr.pulses += total;
  }
  return total;
}
