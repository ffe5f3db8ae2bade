/**
 * Bit-identity of the device pulse kernels against a frozen reference copy.
 *
 * The reference below is the code of core/devices/array.ts (computeConsts, driftFactor and the four
 * pulse kernels) and core/devices/normal.ts (ziggurat tables, nfix) as of commit 86bbaf7, before the
 * kernels were specialised for speed. Recorded experiment results depend on the exact trajectories,
 * so the optimised kernels must reproduce, bit for bit, every state array (g, pulseCount, tProg),
 * the energy and pulse totals and the c2c stream state after any sequence of applyPulses calls, for
 * every kind and every combination of non-idealities. Do not edit the reference to make a test pass.
 *
 * One deliberate change of the model since 86bbaf7: the drift factor's ln and exp are
 * core/devices/drift-math.ts (driftLog, driftExp: the same bits on every engine and in the
 * WebAssembly kernel) instead of the host's Math.log and Math.exp, so the reference's driftFactor
 * imports them; their accuracy against Math is tested in drift-math.test.ts. Likewise the ziggurat's
 * tables and slow path (normal.ts) use core/math.ts's exp and log instead of Math.exp and Math.log
 * (issue 19: the same bits in every engine), so the reference's zigset and nfix import those;
 * their accuracy is tested in test/core/math.test.ts. Nothing else changed.
 */
import { describe, expect, it } from 'vitest';
import {
  applyPulses,
  createDeviceArray,
  deviceParams,
  DEVICE_PRESETS,
  FAULT_COUNT,
  FACTOR_ONE,
  BOUND_SCALE,
  DRIFT_Z_SCALE,
  efficacy,
  IDEAL_DEVICE,
  type DeviceArray,
  type DeviceOverrides,
  type DeviceParams,
} from '../../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../../core/random.js';
import { DEVICE_WASM_CHUNK, deviceWasmAvailable } from '../../../core/devices/device-wasm.js';
import { driftExp, driftLog } from '../../../core/devices/drift-math.js';
import { exp, log } from '../../../core/math.js';

// ---------------------------------------------------------------------------------------------
// Reference: core/devices/normal.ts (tables, uniformState, nfix) at 86bbaf7
// ---------------------------------------------------------------------------------------------
const KN = new Uint32Array(128);
const WN = new Float64Array(128);
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
function uniformState(s: Float64Array): number {
  const t = 2091639 * s[0] + s[3] * 2.3283064365386963e-10;
  s[0] = s[1];
  s[1] = s[2];
  const c = t | 0;
  s[3] = c;
  return (s[2] = t - c);
}
function nfix(s: Float64Array, hz0: number, iz0: number): number {
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

// ---------------------------------------------------------------------------------------------
// Reference: core/devices/array.ts (computeConsts, driftFactor, kernels) at 86bbaf7
// ---------------------------------------------------------------------------------------------
const INV_FACTOR = 1 / FACTOR_ONE;
const INV_BOUND = 1 / BOUND_SCALE;
const INV_Z = 1 / DRIFT_Z_SCALE;
/** Per-array constants, computed once at creation (the kernels' "build"). */
interface DeviceConsts {
  readonly gMin: number;
  readonly gMax: number;
  readonly W: number;
  readonly pmax: number;
  readonly invPmax: number;
  readonly effUp: number;
  readonly effDown: number;
  readonly c2c: number;
  readonly quantLevels: number;
  /** Pulse count at which a device is worn out (endurance, or FAULT_COUNT when unlimited). */
  readonly limit: number;
  readonly finiteEndurance: boolean;
  readonly invEndurance: number;
  /** 0 = gMin, 1 = gMax, 2 = last */
  readonly stuckMode: number;
  readonly drifting: boolean;
  readonly driftPcm: boolean;
  readonly nuMean: number;
  readonly nuStd: number;
  readonly t0: number;
  readonly readAbs: number;
  readonly readRel: number;
  /** energy per pulse per µS of device conductance [nJ/µS]: V²·t·1e-6 */
  readonly eUp: number;
  readonly eDown: number;
  readonly eRead: number;
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

type PulseKernel = (a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number) => void;

function computeConsts(p: DeviceParams): DeviceConsts {
  const pmax = p.levels - 1;
  const W = p.gMax - p.gMin;
  const finiteEndurance = p.endurance !== Infinity;
  const driftPcm = p.drift.model === 'pcm';
  let nlUp = 1;
  let nlDown = 1;
  let bUp = 1;
  let bDown = 1;
  let tabUp = new Float64Array(2);
  let tabDown = new Float64Array(2);
  if (p.kind === 'softBounds') {
    nlUp = p.normAUp * pmax;
    nlDown = p.normADown * pmax;
    bUp = 1 / -Math.expm1(-pmax / nlUp);
    bDown = 1 / -Math.expm1(-pmax / nlDown);
  } else if (p.kind === 'power') {
    nlUp = p.powUp;
    nlDown = p.powDown;
  } else if (p.kind === 'table') {
    tabUp = Float64Array.from(p.dgUp, (x) => x / W);
    tabDown = Float64Array.from(p.dgDown, (x) => x / W);
  }
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
    limit: finiteEndurance ? p.endurance : FAULT_COUNT,
    finiteEndurance,
    invEndurance: finiteEndurance ? 1 / p.endurance : 0,
    stuckMode: p.stuckState === 'gMin' ? 0 : p.stuckState === 'gMax' ? 1 : 2,
    drifting: driftPcm || p.drift.nuMean !== 0 || p.drift.nuStd !== 0,
    driftPcm,
    nuMean: p.drift.nuMean,
    nuStd: p.drift.nuStd,
    t0: p.drift.t0,
    readAbs: p.readNoise.abs,
    readRel: p.readNoise.rel,
    eUp: p.pulse.vUp * p.pulse.vUp * p.pulse.widthUp * 1e-6,
    eDown: p.pulse.vDown * p.pulse.vDown * p.pulse.widthDown * 1e-6,
    eRead: p.read.v * p.read.v * p.read.width * 1e-6,
    nlUp,
    nlDown,
    nlVaries: p.d2d.nonlinearity > 0,
    bUp,
    bDown,
    tabUp,
    tabDown,
    tabM1: p.kind === 'table' ? p.dgUp.length - 1 : 1,
  });
}


const refConstsCache = new WeakMap<DeviceArray, DeviceConsts>();
function refConsts(a: DeviceArray): DeviceConsts {
  let c = refConstsCache.get(a);
  if (!c) refConstsCache.set(a, (c = computeConsts(a.params)));
  return c;
}

/** Drift factor (max(dt, t0)/t0)^(−ν) for device i at tNow with programmed conductance gi. */
function driftFactor(c: DeviceConsts, z: number, gi: number, dt: number): number {
  if (!(dt > c.t0)) return 1;
  let nu: number;
  if (c.driftPcm) {
    const lx = driftLog(gi > 0 ? gi / c.gMax : 1e-12);
    let mu = -0.0155 * lx + 0.0244;
    mu = mu < 0.049 ? 0.049 : mu > 0.1 ? 0.1 : mu;
    let sd = -0.0125 * lx - 0.0059;
    sd = sd < 0.008 ? 0.008 : sd > 0.045 ? 0.045 : sd;
    nu = mu + sd * z * INV_Z;
  } else {
    nu = c.nuMean + c.nuStd * z * INV_Z;
  }
  return driftExp(-nu * driftLog(dt / c.t0));
}

// The four kernels share one skeleton (written out in each so that every kernel is one flat,
// monomorphic loop): skip worn-out/faulty devices (their pulses still cost energy); fold in the
// drifted conductance at tNow; decode the device's d2d window and factors; then per pulse:
//   energy += V²·t·g;  g ← law(g);  g += σ_c2c·ξ;  wear: p += 1, the window shrinks towards the
//   stuck conductance by (p/endurance)², at the limit g ← stuck and the device is frozen;
//   quantise to the device's levels; clip to the (shrunk) window.
// Finally store g, the pulse count and tProg = tNow (programming restarts drift).

/** Counter ceiling for unlimited endurance: one below the fault marker. */
const COUNT_CEIL = FAULT_COUNT - 1;

function linearKernel(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const c = refConsts(a);
  const g = a.g, pcA = a.pulseCount, tp = a.tProg, su = a.stepUp, sd = a.stepDown, bl = a.boundLo, bh = a.boundHi, dz = a.driftZ;
  const st = a.c2cStream.state;
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  // Touch the epilogue's stores once up front: when the loop is OSR-compiled on a first, long call,
  // stores that have never run carry no type feedback and would deoptimise at every call's exit.
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  a.energyPulse_nJ += 0;
  a.pulses += 0;
  const gMin = c.gMin, gMax = c.gMax, wB = c.W * INV_BOUND;
  const kUp = c.invPmax * c.effUp * INV_FACTOR, kDn = c.invPmax * c.effDown * INV_FACTOR;
  const c2c = c.c2c, limit = c.limit, finiteE = c.finiteEndurance, invE = c.invEndurance, stuck = c.stuckMode;
  const drifting = c.drifting, t0 = c.t0, quant = c.quantLevels, eUp = c.eUp, eDown = c.eDown;
  let energy = 0;
  let pulses = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    let cnt = counts[k];
    if (cnt === 0) continue;
    const up = cnt > 0;
    if (!up) cnt = -cnt;
    pulses += cnt;
    let gi = g[i];
    const ec = up ? eUp : eDown;
    let p = pcA[i];
    if (p >= limit) { energy += cnt * ec * gi; continue; }
    if (drifting) { const dt = tNow - tp[i]; if (dt > t0) gi *= driftFactor(c, dz[i], gi, dt); }
    const lo0 = gMin + bl[i] * wB;
    const hi0 = gMax + bh[i] * wB;
    const step = up ? (hi0 - lo0) * kUp * su[i] : -(hi0 - lo0) * kDn * sd[i];
    const gs = stuck === 0 ? lo0 : stuck === 1 ? hi0 : 0.5 * (lo0 + hi0);
    const qs = quant > 0 ? (hi0 - lo0) / (quant - 1) : 0;
    const iqs = quant > 0 ? 1 / qs : 0;
    let lo = lo0;
    let hi = hi0;
    for (let q = 0; q < cnt; q++) {
      energy += ec * gi;
      gi += step;
      if (c2c > 0) {
        // inlined gaussianState (Alea step on locals + ziggurat fast path); the slow path syncs the state
        const t = 2091639 * s0 + s3 * 2.3283064365386963e-10;
        s0 = s1;
        s1 = s2;
        s3 = t | 0;
        s2 = t - s3;
        const hz = (s2 * 4294967296) | 0;
        const iz = hz & 127;
        let z: number;
        if (Math.abs(hz) < KN[iz]) z = hz * WN[iz];
        else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
          z = nfix(st, hz, iz);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; s3 = st[3];
        }
        gi += c2c * z;
      }
      p++;
      if (finiteE) {
        if (p >= limit) {
          p = limit;
          gi = stuck === 2 ? (gi < lo ? lo : gi > hi ? hi : gi) : gs;
          energy += (cnt - q - 1) * ec * gi;
          break;
        }
        const r = p * invE;
        const r2 = r * r;
        lo = lo0 + (gs - lo0) * r2;
        hi = hi0 - (hi0 - gs) * r2;
      }
      if (quant > 0) gi = lo0 + Math.round((gi - lo0) * iqs) * qs;
      gi = gi < lo ? lo : gi > hi ? hi : gi;
    }
    g[i] = gi;
    pcA[i] = p > COUNT_CEIL ? COUNT_CEIL : p;
    tp[i] = tNow;
  }
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  a.energyPulse_nJ += energy;
  a.pulses += pulses;
}

function softBoundsKernel(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const c = refConsts(a);
  const g = a.g, pcA = a.pulseCount, tp = a.tProg, su = a.stepUp, sd = a.stepDown, bl = a.boundLo, bh = a.boundHi, nlA = a.nonlin, dz = a.driftZ;
  const st = a.c2cStream.state;
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  // Touch the epilogue's stores once up front: when the loop is OSR-compiled on a first, long call,
  // stores that have never run carry no type feedback and would deoptimise at every call's exit.
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  a.energyPulse_nJ += 0;
  a.pulses += 0;
  const gMin = c.gMin, gMax = c.gMax, wB = c.W * INV_BOUND;
  const c2c = c.c2c, limit = c.limit, finiteE = c.finiteEndurance, invE = c.invEndurance, stuck = c.stuckMode;
  const drifting = c.drifting, t0 = c.t0, quant = c.quantLevels, eUp = c.eUp, eDown = c.eDown;
  const nlVaries = c.nlVaries, pmax = c.pmax;
  let energy = 0;
  let pulses = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    let cnt = counts[k];
    if (cnt === 0) continue;
    const up = cnt > 0;
    if (!up) cnt = -cnt;
    pulses += cnt;
    let gi = g[i];
    const ec = up ? eUp : eDown;
    let p = pcA[i];
    if (p >= limit) { energy += cnt * ec * gi; continue; }
    if (drifting) { const dt = tNow - tp[i]; if (dt > t0) gi *= driftFactor(c, dz[i], gi, dt); }
    const lo0 = gMin + bl[i] * wB;
    const hi0 = gMax + bh[i] * wB;
    // One pulse multiplies the distance to the asymptote (lo0 + B up, hi0 − B down) by e^(−e/A):
    // g ← g·decay + asym·(1 − decay), with B = W_i/(1 − e^(−Pmax/A)).
    const A = (up ? c.nlUp : c.nlDown) * (nlVaries ? nlA[i] * INV_FACTOR : 1);
    const e = (up ? c.effUp * su[i] : c.effDown * sd[i]) * INV_FACTOR;
    const bf = nlVaries ? 1 / -Math.expm1(-pmax / A) : up ? c.bUp : c.bDown;
    const asym = up ? lo0 + (hi0 - lo0) * bf : hi0 - (hi0 - lo0) * bf;
    const decay = Math.exp(-e / A);
    const add = asym * (1 - decay);
    const gs = stuck === 0 ? lo0 : stuck === 1 ? hi0 : 0.5 * (lo0 + hi0);
    const qs = quant > 0 ? (hi0 - lo0) / (quant - 1) : 0;
    const iqs = quant > 0 ? 1 / qs : 0;
    let lo = lo0;
    let hi = hi0;
    for (let q = 0; q < cnt; q++) {
      energy += ec * gi;
      gi = gi * decay + add;
      if (c2c > 0) {
        // inlined gaussianState (Alea step on locals + ziggurat fast path); the slow path syncs the state
        const t = 2091639 * s0 + s3 * 2.3283064365386963e-10;
        s0 = s1;
        s1 = s2;
        s3 = t | 0;
        s2 = t - s3;
        const hz = (s2 * 4294967296) | 0;
        const iz = hz & 127;
        let z: number;
        if (Math.abs(hz) < KN[iz]) z = hz * WN[iz];
        else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
          z = nfix(st, hz, iz);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; s3 = st[3];
        }
        gi += c2c * z;
      }
      p++;
      if (finiteE) {
        if (p >= limit) {
          p = limit;
          gi = stuck === 2 ? (gi < lo ? lo : gi > hi ? hi : gi) : gs;
          energy += (cnt - q - 1) * ec * gi;
          break;
        }
        const r = p * invE;
        const r2 = r * r;
        lo = lo0 + (gs - lo0) * r2;
        hi = hi0 - (hi0 - gs) * r2;
      }
      if (quant > 0) gi = lo0 + Math.round((gi - lo0) * iqs) * qs;
      gi = gi < lo ? lo : gi > hi ? hi : gi;
    }
    g[i] = gi;
    pcA[i] = p > COUNT_CEIL ? COUNT_CEIL : p;
    tp[i] = tNow;
  }
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  a.energyPulse_nJ += energy;
  a.pulses += pulses;
}

function powerKernel(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const c = refConsts(a);
  const g = a.g, pcA = a.pulseCount, tp = a.tProg, su = a.stepUp, sd = a.stepDown, bl = a.boundLo, bh = a.boundHi, nlA = a.nonlin, dz = a.driftZ;
  const st = a.c2cStream.state;
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  // Touch the epilogue's stores once up front: when the loop is OSR-compiled on a first, long call,
  // stores that have never run carry no type feedback and would deoptimise at every call's exit.
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  a.energyPulse_nJ += 0;
  a.pulses += 0;
  const gMin = c.gMin, gMax = c.gMax, wB = c.W * INV_BOUND;
  const c2c = c.c2c, limit = c.limit, finiteE = c.finiteEndurance, invE = c.invEndurance, stuck = c.stuckMode;
  const drifting = c.drifting, t0 = c.t0, quant = c.quantLevels, eUp = c.eUp, eDown = c.eDown;
  const nlVaries = c.nlVaries, invPmax = c.invPmax;
  let energy = 0;
  let pulses = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    let cnt = counts[k];
    if (cnt === 0) continue;
    const up = cnt > 0;
    if (!up) cnt = -cnt;
    pulses += cnt;
    let gi = g[i];
    const ec = up ? eUp : eDown;
    let p = pcA[i];
    if (p >= limit) { energy += cnt * ec * gi; continue; }
    if (drifting) { const dt = tNow - tp[i]; if (dt > t0) gi *= driftFactor(c, dz[i], gi, dt); }
    const lo0 = gMin + bl[i] * wB;
    const hi0 = gMax + bh[i] * wB;
    const Wi = hi0 - lo0;
    // u = normalised distance to the target bound; u^(1/k) falls by e/Pmax per pulse (exact PowStep).
    const kk = (up ? c.nlUp : c.nlDown) * (nlVaries ? nlA[i] * INV_FACTOR : 1);
    const invK = 1 / kk;
    const de = (up ? c.effUp * su[i] : c.effDown * sd[i]) * INV_FACTOR * invPmax;
    const gs = stuck === 0 ? lo0 : stuck === 1 ? hi0 : 0.5 * (lo0 + hi0);
    const qs = quant > 0 ? (hi0 - lo0) / (quant - 1) : 0;
    const iqs = quant > 0 ? 1 / qs : 0;
    let lo = lo0;
    let hi = hi0;
    for (let q = 0; q < cnt; q++) {
      energy += ec * gi;
      let u = up ? (hi0 - gi) / Wi : (gi - lo0) / Wi;
      u = u < 0 ? 0 : u > 1 ? 1 : u;
      const r = Math.pow(u, invK) - de;
      const u2 = r > 0 ? Math.pow(r, kk) : 0;
      gi = up ? hi0 - Wi * u2 : lo0 + Wi * u2;
      if (c2c > 0) {
        // inlined gaussianState (Alea step on locals + ziggurat fast path); the slow path syncs the state
        const t = 2091639 * s0 + s3 * 2.3283064365386963e-10;
        s0 = s1;
        s1 = s2;
        s3 = t | 0;
        s2 = t - s3;
        const hz = (s2 * 4294967296) | 0;
        const iz = hz & 127;
        let z: number;
        if (Math.abs(hz) < KN[iz]) z = hz * WN[iz];
        else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
          z = nfix(st, hz, iz);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; s3 = st[3];
        }
        gi += c2c * z;
      }
      p++;
      if (finiteE) {
        if (p >= limit) {
          p = limit;
          gi = stuck === 2 ? (gi < lo ? lo : gi > hi ? hi : gi) : gs;
          energy += (cnt - q - 1) * ec * gi;
          break;
        }
        const rr = p * invE;
        const r2 = rr * rr;
        lo = lo0 + (gs - lo0) * r2;
        hi = hi0 - (hi0 - gs) * r2;
      }
      if (quant > 0) gi = lo0 + Math.round((gi - lo0) * iqs) * qs;
      gi = gi < lo ? lo : gi > hi ? hi : gi;
    }
    g[i] = gi;
    pcA[i] = p > COUNT_CEIL ? COUNT_CEIL : p;
    tp[i] = tNow;
  }
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  a.energyPulse_nJ += energy;
  a.pulses += pulses;
}

function tableKernel(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const c = refConsts(a);
  const g = a.g, pcA = a.pulseCount, tp = a.tProg, su = a.stepUp, sd = a.stepDown, bl = a.boundLo, bh = a.boundHi, dz = a.driftZ;
  const st = a.c2cStream.state;
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  // Touch the epilogue's stores once up front: when the loop is OSR-compiled on a first, long call,
  // stores that have never run carry no type feedback and would deoptimise at every call's exit.
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  a.energyPulse_nJ += 0;
  a.pulses += 0;
  const gMin = c.gMin, gMax = c.gMax, wB = c.W * INV_BOUND;
  const c2c = c.c2c, limit = c.limit, finiteE = c.finiteEndurance, invE = c.invEndurance, stuck = c.stuckMode;
  const drifting = c.drifting, t0 = c.t0, quant = c.quantLevels, eUp = c.eUp, eDown = c.eDown;
  const m1 = c.tabM1;
  let energy = 0;
  let pulses = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    let cnt = counts[k];
    if (cnt === 0) continue;
    const up = cnt > 0;
    if (!up) cnt = -cnt;
    pulses += cnt;
    let gi = g[i];
    const ec = up ? eUp : eDown;
    let p = pcA[i];
    if (p >= limit) { energy += cnt * ec * gi; continue; }
    if (drifting) { const dt = tNow - tp[i]; if (dt > t0) gi *= driftFactor(c, dz[i], gi, dt); }
    const lo0 = gMin + bl[i] * wB;
    const hi0 = gMax + bh[i] * wB;
    const Wi = hi0 - lo0;
    const tab = up ? c.tabUp : c.tabDown;
    // the table holds Δg/W of the nominal window; a device with window W_i scales it by W_i
    const scale = (up ? c.effUp * su[i] : -c.effDown * sd[i]) * INV_FACTOR * Wi;
    const toGrid = m1 / Wi;
    const gs = stuck === 0 ? lo0 : stuck === 1 ? hi0 : 0.5 * (lo0 + hi0);
    const qs = quant > 0 ? (hi0 - lo0) / (quant - 1) : 0;
    const iqs = quant > 0 ? 1 / qs : 0;
    let lo = lo0;
    let hi = hi0;
    for (let q = 0; q < cnt; q++) {
      energy += ec * gi;
      let u = (gi - lo0) * toGrid;
      u = u < 0 ? 0 : u > m1 ? m1 : u;
      let j = u | 0;
      if (j >= m1) j = m1 - 1;
      gi += scale * (tab[j] + (tab[j + 1] - tab[j]) * (u - j));
      if (c2c > 0) {
        // inlined gaussianState (Alea step on locals + ziggurat fast path); the slow path syncs the state
        const t = 2091639 * s0 + s3 * 2.3283064365386963e-10;
        s0 = s1;
        s1 = s2;
        s3 = t | 0;
        s2 = t - s3;
        const hz = (s2 * 4294967296) | 0;
        const iz = hz & 127;
        let z: number;
        if (Math.abs(hz) < KN[iz]) z = hz * WN[iz];
        else {
          st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
          z = nfix(st, hz, iz);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; s3 = st[3];
        }
        gi += c2c * z;
      }
      p++;
      if (finiteE) {
        if (p >= limit) {
          p = limit;
          gi = stuck === 2 ? (gi < lo ? lo : gi > hi ? hi : gi) : gs;
          energy += (cnt - q - 1) * ec * gi;
          break;
        }
        const r = p * invE;
        const r2 = r * r;
        lo = lo0 + (gs - lo0) * r2;
        hi = hi0 - (hi0 - gs) * r2;
      }
      if (quant > 0) gi = lo0 + Math.round((gi - lo0) * iqs) * qs;
      gi = gi < lo ? lo : gi > hi ? hi : gi;
    }
    g[i] = gi;
    pcA[i] = p > COUNT_CEIL ? COUNT_CEIL : p;
    tp[i] = tNow;
  }
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  a.energyPulse_nJ += energy;
  a.pulses += pulses;
}


const REFERENCE: Record<DeviceParams['kind'], PulseKernel> = {
  linear: linearKernel,
  softBounds: softBoundsKernel,
  power: powerKernel,
  table: tableKernel,
};

// ---------------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------------

/** First difference between two arrays' states (bitwise), or null. */
function stateDiff(a: DeviceArray, b: DeviceArray): string | null {
  const gA = new Uint32Array(a.g.buffer, a.g.byteOffset, a.n), gB = new Uint32Array(b.g.buffer, b.g.byteOffset, b.n);
  const tA = new Uint32Array(a.tProg.buffer, a.tProg.byteOffset, a.n), tB = new Uint32Array(b.tProg.buffer, b.tProg.byteOffset, b.n);
  for (let i = 0; i < a.n; i++) {
    if (gA[i] !== gB[i]) return `g[${i}]: ${a.g[i]} vs reference ${b.g[i]}`;
    if (a.pulseCount[i] !== b.pulseCount[i]) return `pulseCount[${i}]: ${a.pulseCount[i]} vs reference ${b.pulseCount[i]}`;
    if (tA[i] !== tB[i]) return `tProg[${i}]: ${a.tProg[i]} vs reference ${b.tProg[i]}`;
  }
  for (const k of ['stepUp', 'stepDown', 'boundLo', 'boundHi', 'nonlin', 'driftZ'] as const) {
    for (let i = 0; i < a.n; i++) if (a[k][i] !== b[k][i]) return `${k}[${i}] differs`;
  }
  if (!Object.is(a.energyPulse_nJ, b.energyPulse_nJ)) return `energyPulse_nJ: ${a.energyPulse_nJ} vs reference ${b.energyPulse_nJ}`;
  if (!Object.is(a.energyRead_nJ, b.energyRead_nJ)) return `energyRead_nJ: ${a.energyRead_nJ} vs reference ${b.energyRead_nJ}`;
  if (a.pulses !== b.pulses) return `pulses: ${a.pulses} vs reference ${b.pulses}`;
  if (a.reads !== b.reads) return `reads: ${a.reads} vs reference ${b.reads}`;
  for (const s of ['c2cStream', 'readStream'] as const) {
    for (let j = 0; j < a[s].state.length; j++) {
      if (!Object.is(a[s].state[j], b[s].state[j])) return `${s}.state[${j}]: ${a[s].state[j]} vs reference ${b[s].state[j]}`;
    }
  }
  return null;
}

interface Combo {
  readonly c2c: boolean;
  readonly d2d: boolean;
  readonly quant: boolean;
  readonly endurance: 'inf' | 'gMin' | 'gMax' | 'last';
  readonly drift: 'off' | 'constant' | 'pcm';
  readonly stuckAt: boolean;
}

function combos(): Combo[] {
  const out: Combo[] = [];
  for (const c2c of [false, true])
    for (const d2d of [false, true])
      for (const quant of [false, true])
        for (const endurance of ['inf', 'gMin', 'gMax', 'last'] as const)
          for (const drift of ['off', 'constant', 'pcm'] as const)
            for (const stuckAt of [false, true]) out.push({ c2c, d2d, quant, endurance, drift, stuckAt });
  return out;
}

const describeCombo = (c: Combo): string =>
  `c2c ${c.c2c ? 'on' : 'off'}, d2d ${c.d2d ? 'on' : 'off'}, quant ${c.quant ? 'on' : 'off'}, endurance ${c.endurance}, drift ${c.drift}, stuckAt ${c.stuckAt ? 'on' : 'off'}`;

const T0 = 1000;

/** A device of `kind` with exactly the non-idealities of `c` (everything set explicitly). */
function comboParams(kind: DeviceParams['kind'], c: Combo, variant: number): DeviceParams {
  const hfs2 = DEVICE_PRESETS['hfs2'];
  const baseOf: Record<DeviceParams['kind'], () => DeviceParams> = {
    linear: () => hfs2,
    softBounds: () => DEVICE_PRESETS['reram-drift'],
    power: () => deviceParams(hfs2, { kind: 'power', powUp: variant ? 0.6 : 2, powDown: variant ? 1.7 : 2 }),
    table: () => {
      const dg = Array.from({ length: 9 + 7 * variant }, (_, j) => 120 - 2.5 * j + 40 * Math.sin(j));
      return deviceParams(hfs2, { kind: 'table', dgUp: dg, dgDown: dg.slice().reverse().map((x) => 0.8 * x) });
    },
  };
  const b = baseOf[kind]();
  const step = (b.gMax - b.gMin) / (b.levels - 1);
  const o: DeviceOverrides = {
    asymmetry: variant ? -0.2 : 0.05,
    c2c: c.c2c ? (variant ? 0.9 : 0.25) * step : 0,
    d2d: c.d2d ? { step: 0.3, bounds: 0.15, nonlinearity: 0.2, upDown: 0.1 } : { step: 0, bounds: 0, nonlinearity: 0, upDown: 0 },
    quantLevels: c.quant ? (variant ? 5 : 33) : 0,
    endurance: c.endurance === 'inf' ? Infinity : variant ? 25 : 60,
    stuckState: c.endurance === 'inf' ? 'gMin' : c.endurance,
    drift:
      c.drift === 'off' ? { nuMean: 0, nuStd: 0, t0: T0, model: 'constant' }
        : c.drift === 'constant' ? { nuMean: 0.05, nuStd: 0.02, t0: T0, model: 'constant' }
          : { nuMean: 0, nuStd: 0, t0: T0, model: 'pcm' },
    readNoise: { abs: 0, rel: 0 },
    stuckAt: c.stuckAt ? { fraction: 0.1, high: 0.5 } : { fraction: 0, high: 0.5 },
  };
  return deviceParams(b, o);
}

/** Runs `batches` random applyPulses calls on two identical arrays (new kernel, reference) and compares after each. */
function runIdentity(p: DeviceParams, seed: number, batches: number, wasm = false): string | null {
  const nDev = 48;
  const rnd = new RandomStream(`identity/${seed}`);
  const initial = new Float32Array(nDev);
  for (let i = 0; i < nDev; i++) initial[i] = p.gMin + (rnd.uniform() * 1.2 - 0.1) * (p.gMax - p.gMin);
  const a = createDeviceArray(p, nDev, new RandomStreams(seed), 'dev', { initial, t0: 0, wasm });
  const b = createDeviceArray(p, nDev, new RandomStreams(seed), 'dev', { initial, t0: 0, wasm: false });
  if (wasm && a.wasm === null) return 'the WebAssembly kernel was not used';
  // Some devices start near their counter's end (near the endurance, or at the 32-bit ceiling).
  const nearEnd = p.endurance === Infinity ? FAULT_COUNT - 4 : p.endurance - 3;
  for (const i of [3, 17, 30]) {
    if (a.pulseCount[i] !== FAULT_COUNT) a.pulseCount[i] = b.pulseCount[i] = nearEnd;
  }
  const diff0 = stateDiff(a, b);
  if (diff0) return `after creation: ${diff0}`;
  const maxLen = 80;
  const idx = new Int32Array(maxLen + 5);
  const counts = new Int32Array(maxLen + 5);
  const dts = [0, 0.25 * T0, T0, 1.5 * T0, 20 * T0, 3e4 * T0, 1e-3];
  let t = 0;
  for (let r = 0; r < batches; r++) {
    t += dts[(rnd.uniform() * dts.length) | 0];
    const len = (rnd.uniform() * maxLen) | 0;
    for (let k = 0; k < idx.length; k++) {
      idx[k] = (rnd.uniform() * nDev) | 0; // duplicates within a batch on purpose
      const u = rnd.uniform();
      const mag = u < 0.15 ? 0 : u < 0.75 ? 1 : u < 0.95 ? 1 + ((rnd.uniform() * 5) | 0) : 10 + ((rnd.uniform() * 60) | 0);
      counts[k] = rnd.uniform() < 0.5 ? mag : -mag;
    }
    applyPulses(a, idx, counts, len, t);
    REFERENCE[p.kind](b, idx, counts, len, t);
    const d = stateDiff(a, b);
    if (d) return `batch ${r} (t = ${t}, n = ${len}): ${d}`;
  }
  return null;
}

describe('pulse kernels are bit-identical to the reference (all kinds × all non-ideality combinations)', () => {
  for (const kind of ['linear', 'softBounds', 'power', 'table'] as const) {
    it(`${kind}`, () => {
      const failures: string[] = [];
      let seed = 1;
      for (const c of combos()) {
        for (const variant of [0, 1]) {
          const p = comboParams(kind, c, variant);
          const d = runIdentity(p, seed++, 40);
          if (d) failures.push(`${describeCombo(c)}, variant ${variant}: ${d}`);
        }
      }
      expect(failures.slice(0, 5)).toEqual([]);
    });
  }

  it('linear as WebAssembly (core/devices/device-wasm.ts)', () => {
    expect(deviceWasmAvailable()).toBe(true); // Node 20 and every current browser have WebAssembly
    const failures: string[] = [];
    let seed = 1;
    for (const c of combos()) {
      for (const variant of [0, 1]) {
        const d = runIdentity(comboParams('linear', c, variant), seed++, 40, true);
        if (d) failures.push(`${describeCombo(c)}, variant ${variant}: ${d}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('a long STDP-like run (one pulse per device per call, the bench case) stays identical', () => {
    for (const kind of ['linear', 'softBounds', 'power', 'table'] as const) {
      const p = comboParams(kind, { c2c: true, d2d: true, quant: true, endurance: 'last', drift: 'constant', stuckAt: true }, 0);
      // linear: above WASM_MIN_DEVICES (so the WebAssembly kernel) and above one chunk of its buffer
      const n = kind === 'linear' ? DEVICE_WASM_CHUNK * 2 + 1234 : 4096;
      const a = createDeviceArray(deviceParams(p, { endurance: 1e9 }), n, new RandomStreams(99), 'bench');
      const b = createDeviceArray(deviceParams(p, { endurance: 1e9 }), n, new RandomStreams(99), 'bench');
      const idx = Int32Array.from({ length: n }, (_, i) => i);
      const counts = new Int32Array(n);
      const pol = new RandomStream('pol');
      for (let i = 0; i < n; i++) counts[i] = pol.uniform() < 0.5 ? 1 : -1;
      let t = 0;
      for (let r = 0; r < 60; r++) {
        t += r % 3 === 0 ? 2 * T0 : 1e-3;
        applyPulses(a, idx, counts, n, t);
        REFERENCE[kind](b, idx, counts, n, t);
      }
      expect(stateDiff(a, b), kind).toBeNull();
      if (kind === 'linear') expect(a.wasm).not.toBeNull();
    }
  });

  it('WebAssembly: the two-device lanes and their fall-backs (same device twice, wear-out inside a pair, odd tails, long trains between single pulses)', () => {
    // The linear WebAssembly kernel runs two adjacent ±1 pulses on distinct devices that stay below
    // their endurance in the two lanes of f64x2 vectors, and everything else one device at a time.
    // Each batch below mixes those cases at every position; endurance 7 makes devices wear out
    // inside pairs within a few batches; the drift law alternates so that some lanes fold and some do not.
    for (const drift of ['constant', 'pcm'] as const) {
      for (const endurance of ['gMin', 'gMax', 'last'] as const) {
        const p = deviceParams(comboParams('linear', { c2c: true, d2d: true, quant: true, endurance, drift, stuckAt: true }, 1), { endurance: 7 });
        const n = 40;
        const a = createDeviceArray(p, n, new RandomStreams(5), 'pairs', { t0: 0, wasm: true });
        const b = createDeviceArray(p, n, new RandomStreams(5), 'pairs', { t0: 0, wasm: false });
        expect(a.wasm).not.toBeNull();
        const rnd = new RandomStream(`pairs/${drift}/${endurance}`);
        const len = 63; // odd: the last entry is always on its own
        const idx = new Int32Array(len);
        const counts = new Int32Array(len);
        let t = 0;
        for (let r = 0; r < 30; r++) {
          for (let k = 0; k < len; k++) {
            const u = rnd.uniform();
            // a repeated device right after itself (u < 0.1), otherwise any device
            idx[k] = k > 0 && u < 0.1 ? idx[k - 1] : (rnd.uniform() * n) | 0;
            const v = rnd.uniform();
            counts[k] = v < 0.8 ? (v < 0.4 ? 1 : -1) : v < 0.9 ? 0 : (v < 0.95 ? 3 : -4);
          }
          t += r % 4 === 0 ? 5 * T0 : 0.5;
          applyPulses(a, idx, counts, len, t);
          REFERENCE.linear(b, idx, counts, len, t);
          expect(stateDiff(a, b), `${drift}, stuck ${endurance}, batch ${r}`).toBeNull();
        }
        // devices did wear out (so pairs met worn-out devices and fell back to the one-device path)
        expect(Array.from(a.pulseCount).some((c) => c === 7)).toBe(true);
      }
    }
  });

  it('WebAssembly: the inline drift ln/exp match the reference over dt/t0 from 1 to 10⁹ and ν of both signs (4096 devices × 8 batches)', () => {
    // Every device gets its own programming time, log-uniform back to 10⁹·t0, before each batch of
    // one ±1 pulse per device, so each pulse folds with a dt of its own, across the whole range of
    // the tables and exponents. (A one-ulp slip of ln or exp would rarely reach a Float32
    // conductance: drift-math.test.ts compares the kernel's ln and exp themselves bit for bit.)
    for (const drift of ['constant', 'pcm'] as const) {
      const p = deviceParams(comboParams('linear', { c2c: true, d2d: true, quant: false, endurance: 'inf', drift, stuckAt: false }, 0), {
        drift: drift === 'constant' ? { nuMean: 0.02, nuStd: 0.05, t0: T0, model: 'constant' } : { nuMean: 0, nuStd: 0, t0: T0, model: 'pcm' },
      });
      const n = 4096;
      const a = createDeviceArray(p, n, new RandomStreams(9), 'fold', { t0: 0, wasm: true });
      const b = createDeviceArray(p, n, new RandomStreams(9), 'fold', { t0: 0, wasm: false });
      expect(a.wasm).not.toBeNull();
      const rnd = new RandomStream(`fold/${drift}`);
      const idx = Int32Array.from({ length: n }, (_, i) => i);
      const counts = new Int32Array(n);
      let t = 2e9 * T0;
      let negative = 0;
      for (let r = 0; r < 8; r++) {
        for (let i = 0; i < n; i++) {
          const back = T0 * 10 ** (9 * rnd.uniform());
          a.tProg[i] = t - back;
          b.tProg[i] = a.tProg[i];
          counts[i] = rnd.uniform() < 0.5 ? 1 : -1;
        }
        applyPulses(a, idx, counts, n, t);
        REFERENCE.linear(b, idx, counts, n, t);
        expect(stateDiff(a, b), `${drift}, batch ${r}`).toBeNull();
        t += 1e3 * T0;
      }
      if (drift === 'constant') {
        for (let i = 0; i < n; i++) if (0.02 + 0.05 * (a.driftZ[i] / DRIFT_Z_SCALE) < 0) negative++;
        expect(negative).toBeGreaterThan(n / 10); // ν < 0 (conductance growing) is exercised too
      }
    }
  });

  it('the reference itself is the frozen code (sanity: efficacy and the ziggurat table match the library)', () => {
    expect(efficacy(IDEAL_DEVICE, true)).toBeGreaterThan(0);
    expect(KN[0]).toBeGreaterThan(0);
    expect(WN[127]).toBeCloseTo(3.442619855899 / 2147483648, 20);
  });
});
