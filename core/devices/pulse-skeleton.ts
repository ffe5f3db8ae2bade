/**
 * The device pulse kernels, written once: one skeleton and, per law, its constants, its per-device
 * set-up and its step. scripts/build-device-kernels.mjs writes core/devices/pulse-kernels.ts from
 * them — one flat, monomorphic loop per law, as fast as hand-written copies (a law passed in as a
 * function, or chosen by a switch inside the loop, would not be). Edit here, then run
 * `node scripts/build-device-kernels.mjs` (`--check` in .ci/run tells when it was forgotten).
 * The golden trajectory hashes (test/core/devices/golden.test.ts) pin every kernel bit for bit.
 *
 * The skeleton, per call: skip worn-out/faulty devices (their pulses still cost energy); fold in the
 * drifted conductance at tNow; decode the device's d2d window; the law's per-device set-up; then per
 * pulse:
 *   energy += V²·t·g  (energy.ts);  g ← law(g);  g += σ_c2c·ξ  (c2c.ts);
 *   wear: p += 1, the window shrinks towards the stuck conductance by (p/endurance)², at the limit
 *   g ← stuck and the device is frozen  (endurance.ts);  quantise to the device's levels (levels.ts);
 *   clip to the (worn) window.
 * Finally store g, the pulse count and tProg = tNow (programming restarts drift, drift.ts).
 *
 * A law gives: `arrays` (extra state arrays it reads, as `name = a.field`), `consts` (statements run
 * once per call, reading `c`, the DeviceConsts), `device` (statements per device, with lo0, hi0, up,
 * i in scope; they may declare names the step uses) and `step` (statements advancing gi by one pulse).
 * The skeleton's own names (gi, lo, hi, lo0, hi0, gs, qs, iqs, p, q, k, i, up, cnt, ec, s0…s3, z, t,
 * hz, iz, w, dt, energy, pulses) are not for the laws to declare.
 *
 * This module imports nothing and is imported by nothing at run time (the build script reads it).
 */

/**
 * Helpers of the non-idealities that the skeleton calls and the generator writes out in place (each
 * is one `return` of an expression; its parameters are replaced by the call's arguments), so that
 * the kernels are the code a hand-written copy would be whatever V8's inlining budget decides for a
 * function this size. Open-loop programming (program.ts) calls the same functions.
 */
export const INLINE: Readonly<Record<string, readonly string[]>> = {
  'core/devices/nonideal/endurance.ts': ['clip', 'stuckConductance', 'wear', 'wornLo', 'wornHi'],
  'core/devices/nonideal/levels.ts': ['levelStep', 'quantise'],
};

/** One law's pieces of its kernel. */
export interface LawKernelSource {
  /** DeviceParams['kind'] */
  readonly kind: string;
  /** Name of the generated kernel function. */
  readonly fn: string;
  readonly doc: string;
  readonly arrays?: string;
  readonly consts: string;
  readonly device: string;
  readonly step: string;
}

export const LAWS: readonly LawKernelSource[] = [
  {
    kind: 'linear',
    fn: 'linearKernel',
    doc: 'Linear step: every pulse moves g by a fixed step of the device (W_i·e/Pmax, its d2d factor).',
    consts: `const kUp = c.invPmax * c.effUp * INV_FACTOR, kDn = c.invPmax * c.effDown * INV_FACTOR;`,
    device: `const step = up ? (hi0 - lo0) * kUp * su[i] : -(hi0 - lo0) * kDn * sd[i];`,
    step: `gi += step;`,
  },
  {
    kind: 'softBounds',
    fn: 'softBoundsKernel',
    doc: 'Soft bounds (NeuroSim G(P) = B(1 − e^(−P/A)) + Gmin, aihwkit SoftBoundsPmax): one pulse multiplies the distance to the asymptote by e^(−e/A).',
    arrays: `nlA = a.nonlin`,
    consts: `const nlVaries = c.nlVaries, pmax = c.pmax;`,
    device: `// One pulse multiplies the distance to the asymptote (lo0 + B up, hi0 − B down) by e^(−e/A):
// g ← g·decay + asym·(1 − decay), with B = W_i/(1 − e^(−Pmax/A)).
const A = (up ? c.nlUp : c.nlDown) * (nlVaries ? nlA[i] * INV_FACTOR : 1);
const e = (up ? c.effUp * su[i] : c.effDown * sd[i]) * INV_FACTOR;
const bf = nlVaries ? 1 / -expm1(-pmax / A) : up ? c.bUp : c.bDown;
const asym = up ? lo0 + (hi0 - lo0) * bf : hi0 - (hi0 - lo0) * bf;
const decay = exp(-e / A);
const add = asym * (1 - decay);`,
    step: `gi = gi * decay + add;`,
  },
  {
    kind: 'power',
    fn: 'powerKernel',
    doc: 'Power step (aihwkit PowStep): u = normalised distance to the target bound; u^(1/k) falls by e/Pmax per pulse.',
    arrays: `nlA = a.nonlin`,
    consts: `const nlVaries = c.nlVaries, invPmax = c.invPmax;`,
    device: `const Wi = hi0 - lo0;
// u = normalised distance to the target bound; u^(1/k) falls by e/Pmax per pulse (exact PowStep).
const kk = (up ? c.nlUp : c.nlDown) * (nlVaries ? nlA[i] * INV_FACTOR : 1);
const invK = 1 / kk;
const de = (up ? c.effUp * su[i] : c.effDown * sd[i]) * INV_FACTOR * invPmax;`,
    step: `let u = up ? (hi0 - gi) / Wi : (gi - lo0) / Wi;
u = u < 0 ? 0 : u > 1 ? 1 : u;
const ur = pow(u, invK) - de;
const u2 = ur > 0 ? pow(ur, kk) : 0;
gi = up ? hi0 - Wi * u2 : lo0 + Wi * u2;`,
  },
  {
    kind: 'table',
    fn: 'tableKernel',
    doc: 'Table: Δg versus g, measured (fitTableModel), linearly interpolated on the device\'s window.',
    consts: `const m1 = c.tabM1;`,
    device: `const Wi = hi0 - lo0;
const tab = up ? c.tabUp : c.tabDown;
// the table holds Δg/W of the nominal window; a device with window W_i scales it by W_i
const scale = (up ? c.effUp * su[i] : -c.effDown * sd[i]) * INV_FACTOR * Wi;
const toGrid = m1 / Wi;`,
    step: `let u = (gi - lo0) * toGrid;
u = u < 0 ? 0 : u > m1 ? m1 : u;
let j = u | 0;
if (j >= m1) j = m1 - 1;
gi += scale * (tab[j] + (tab[j + 1] - tab[j]) * (u - j));`,
  },
];

/** The generated module's head: imports and the helpers every kernel shares. */
export const PRELUDE = `import type { DeviceArray } from './array.js';
import { exp, expm1, pow } from '../math.js';
import { driftExp, driftLog } from './drift-math.js';
import { KN, nfix, WN } from './normal.js';
import { BOUND_SCALE, FACTOR_ONE } from './nonideal/d2d.js';
import { DRIFT_Z_SCALE, pcmNu } from './nonideal/drift.js';
import { COUNT_CEIL } from './nonideal/endurance.js';
import { roundHalfUp } from './nonideal/levels.js';

// the d2d and drift scales' inverses as constants of this module (as module-level consts of the
// kernels' own module, V8 can fold them into the code)
const INV_FACTOR = 1 / FACTOR_ONE;
const INV_BOUND = 1 / BOUND_SCALE;
const INV_Z = 1 / DRIFT_Z_SCALE;

/** The last dt seen by a kernel's drift fold and ln(dt/t0) for it (reset at each call; kept out of registers). */
const LN_CACHE = new Float64Array(2);

/** Writes the Alea state back (a helper so that prologue, slow path and epilogue share type feedback). */
export function saveStream(st: Float64Array, s0: number, s1: number, s2: number, s3: number): void {
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
}

/** Adds a call's energy and pulse totals to the array (see saveStream). */
export function addTotals(a: DeviceArray, energy: number, pulses: number): void {
  a.energyPulse_nJ += energy;
  a.pulses += pulses;
}
`;

/**
 * The skeleton of one kernel. @FN, @DOC, @ARRAYS, @CONSTS, @DEVICE and @STEP are replaced by the
 * law's pieces (indented to their place).
 */
export const SKELETON = `/** @DOC */
export function @FN(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const c = a.consts;
  const g = a.g, pcA = a.pulseCount, tp = a.tProg, su = a.stepUp, sd = a.stepDown, bl = a.boundLo, bh = a.boundHi, @ARRAYSdz = a.driftZ;
  const st = a.c2cStream.state;
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  // Run the epilogue's helpers once up front: when the loop is OSR-compiled on a first, long call,
  // code that has never run carries no type feedback and would deoptimise at every call's exit (and
  // V8 re-enters the cached OSR code on the next call). The helpers share their feedback between calls.
  saveStream(st, s0, s1, s2, s3);
  addTotals(a, 0, 0);
  const gMin = c.gMin, gMax = c.gMax, wB = c.W * INV_BOUND;
  const c2c = c.c2c, limit = c.limit, finiteE = c.finiteEndurance, invE = c.invEndurance, stuck = c.stuckMode;
  const drifting = c.drifting, t0 = c.t0, quant = c.quantLevels, eUp = c.eUp, eDown = c.eDown;
  @CONSTS
  const driftPcm = c.driftPcm, nuMean = c.nuMean, nuStd = c.nuStd;
  const lnCache = LN_CACHE;
  lnCache[0] = NaN;
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
    if (drifting) {
      const dt = tNow - tp[i];
      if (dt > t0) {
        // = driftFactor(c, dz[i], gi, dt), with ln(dt/t0) reused while dt repeats (devices programmed together)
        if (dt !== lnCache[0]) { lnCache[0] = dt; lnCache[1] = driftLog(dt / t0); }
        gi *= driftExp(-(driftPcm ? pcmNu(gi, gMax, dz[i]) : nuMean + nuStd * dz[i] * INV_Z) * lnCache[1]);
      }
    }
    const lo0 = gMin + bl[i] * wB;
    const hi0 = gMax + bh[i] * wB;
    @DEVICE
    const gs = stuckConductance(stuck, lo0, hi0);
    const qs = levelStep(lo0, hi0, quant);
    const iqs = quant > 0 ? 1 / qs : 0;
    let lo = lo0;
    let hi = hi0;
    for (let q = 0; q < cnt; q++) {
      energy += ec * gi;
      @STEP
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
          saveStream(st, s0, s1, s2, s3);
          z = nfix(st, hz, iz);
          s0 = st[0]; s1 = st[1]; s2 = st[2]; s3 = st[3];
        }
        gi += c2c * z;
      }
      p++;
      if (finiteE) {
        if (p >= limit) {
          p = limit;
          gi = stuck === 2 ? clip(gi, lo, hi) : gs;
          energy += (cnt - q - 1) * ec * gi;
          break;
        }
        const w = wear(p, invE);
        lo = wornLo(lo0, gs, w);
        hi = wornHi(hi0, gs, w);
      }
      if (quant > 0) gi = quantise(gi, lo0, qs, iqs);
      gi = clip(gi, lo, hi);
    }
    g[i] = gi;
    pcA[i] = p > COUNT_CEIL ? COUNT_CEIL : p;
    tp[i] = tNow;
  }
  saveStream(st, s0, s1, s2, s3);
  addTotals(a, energy, pulses);
}
`;
