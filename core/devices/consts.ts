/**
 * An array's constants (the kernels' "build"): computed once at creation from its DeviceParams, one
 * part per law and per non-ideality (nonideal/*.ts).
 */
import { expm1 } from '../math.js';
import { efficacy } from './models.js';
import type { DeviceParams } from './params.js';
import { driftConsts, type DriftConsts } from './nonideal/drift.js';
import { enduranceConsts, type EnduranceConsts } from './nonideal/endurance.js';
import { energyConsts, type EnergyConsts } from './nonideal/energy.js';
import { readNoiseConsts, type ReadNoiseConsts } from './nonideal/read-noise.js';

/** The laws' constants. */
export interface LawConsts {
  /** softBounds: A_up, A_down in pulses; power: k_up, k_down. */
  readonly nlUp: number;
  readonly nlDown: number;
  readonly nlVaries: boolean;
  /** softBounds: 1/(1 − e^(−Pmax/A)) for the nominal A. */
  readonly bUp: number;
  readonly bDown: number;
  /** table: Δg nodes per nominal µS of window, and the number of intervals. */
  readonly tabUp: Float64Array;
  readonly tabDown: Float64Array;
  readonly tabM1: number;
}

/** Per-array constants, computed once at creation (the kernels' "build"). */
export interface DeviceConsts extends LawConsts, EnduranceConsts, DriftConsts, ReadNoiseConsts, EnergyConsts {
  readonly gMin: number;
  readonly gMax: number;
  readonly W: number;
  readonly pmax: number;
  readonly invPmax: number;
  readonly effUp: number;
  readonly effDown: number;
  readonly c2c: number;
  readonly quantLevels: number;
}

function lawConsts(p: DeviceParams, pmax: number, W: number): LawConsts {
  let nlUp = 1;
  let nlDown = 1;
  let bUp = 1;
  let bDown = 1;
  let tabUp = new Float64Array(2);
  let tabDown = new Float64Array(2);
  if (p.kind === 'softBounds') {
    nlUp = p.normAUp * pmax;
    nlDown = p.normADown * pmax;
    bUp = 1 / -expm1(-pmax / nlUp);
    bDown = 1 / -expm1(-pmax / nlDown);
  } else if (p.kind === 'power') {
    nlUp = p.powUp;
    nlDown = p.powDown;
  } else if (p.kind === 'table') {
    tabUp = Float64Array.from(p.dgUp, (x) => x / W);
    tabDown = Float64Array.from(p.dgDown, (x) => x / W);
  }
  return { nlUp, nlDown, nlVaries: p.d2d.nonlinearity > 0, bUp, bDown, tabUp, tabDown, tabM1: p.kind === 'table' ? p.dgUp.length - 1 : 1 };
}

/**
 * The constants of `p`. One object literal with every field named (not spreads of the parts): V8
 * then gives it one in-object layout, and the kernels read some fields per device.
 */
export function computeConsts(p: DeviceParams): DeviceConsts {
  const pmax = p.levels - 1;
  const W = p.gMax - p.gMin;
  const e = enduranceConsts(p);
  const d = driftConsts(p);
  const r = readNoiseConsts(p);
  const en = energyConsts(p);
  const l = lawConsts(p, pmax, W);
  return Object.freeze({
    gMin: p.gMin,
    gMax: p.gMax,
    W,
    pmax,
    invPmax: 1 / pmax,
    effUp: efficacy(p, true),
    effDown: efficacy(p, false),
    c2c: p.c2c,
    quantLevels: p.quantLevels,
    limit: e.limit,
    finiteEndurance: e.finiteEndurance,
    invEndurance: e.invEndurance,
    stuckMode: e.stuckMode,
    drifting: d.drifting,
    driftPcm: d.driftPcm,
    nuMean: d.nuMean,
    nuStd: d.nuStd,
    t0: d.t0,
    readAbs: r.readAbs,
    readRel: r.readRel,
    eUp: en.eUp,
    eDown: en.eDown,
    eRead: en.eRead,
    nlUp: l.nlUp,
    nlDown: l.nlDown,
    nlVaries: l.nlVaries,
    bUp: l.bUp,
    bDown: l.bDown,
    tabUp: l.tabUp,
    tabDown: l.tabDown,
    tabM1: l.tabM1,
  });
}
