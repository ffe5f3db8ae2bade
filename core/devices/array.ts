/**
 * Device arrays: the state of n memristive devices in typed arrays, and the batched kernels that
 * pulse, read and age them. Laws, non-idealities and units: see params.ts.
 *
 * Memory: 24 bytes per device with every non-ideality enabled (they are always allocated):
 *   g Float32 (4) · pulseCount Uint32 (4) · tProg Float32 (4) · stepUp, stepDown Uint16 (2 + 2)
 *   · boundLo, boundHi Int16 (2 + 2) · nonlin Uint16 (2) · driftZ Int16 (2).
 * The d2d draws are stored quantised: step and nonlinearity factors as q/16384 (resolution 6·10⁻⁵,
 * range [0, 4)), bound offsets as q/8192 of the nominal window (range ±4 W), the drift draw z as
 * q/4096 (range ±8). tProg is Float32 ms: 1 ms resolution at 3 h, 8 ms at a day — far below any
 * drift t0. Stuck-at faults are encoded without a flag: pulseCount = 0xFFFFFFFF (≥ any endurance,
 * so pulses change nothing), g at its stuck bound, tProg = +Infinity (never drifts).
 *
 * Kernels: one module-level function per model kind, chosen in createDeviceArray and stored on the
 * array (the linear kind runs as WebAssembly for arrays of ≥ WASM_MIN_DEVICES devices, bit-identical:
 * device-wasm.ts); they allocate nothing, validate nothing, and draw randomness only from the array's streams
 * (`${label}/c2c` per pulse, `${label}/read` per read; d2d and faults from `${label}/d2d` at
 * construction). Same seed and label → bit-identical devices and trajectories.
 */
import type { RandomStream, RandomStreams } from '../random.js';
import { lawAfter, pulsesToReach, efficacy } from './models.js';
import { gaussian, gaussianState, KN, nfix, WN } from './normal.js';
import { createDeviceWasm, DEVICE_WASM_ENERGY, type DeviceWasm } from './device-wasm.js';
import { driftExp, driftLog } from './drift-math.js';
import type { DeviceParams } from './params.js';

/** Stored step/nonlinearity factor 1.0 (Uint16 value); factor = q / FACTOR_ONE. */
export const FACTOR_ONE = 16384;
/** Bound offset scale: offset [µS] = q / BOUND_SCALE · W_nominal. */
export const BOUND_SCALE = 8192;
/** Drift draw scale: z = q / DRIFT_Z_SCALE (standard normal). */
export const DRIFT_Z_SCALE = 4096;
/** Pulse count of a stuck-at fault (and of a device whose 32-bit counter saturated). */
export const FAULT_COUNT = 0xffffffff;
/** Bytes of state per device. */
export const BYTES_PER_DEVICE = 24;

const INV_FACTOR = 1 / FACTOR_ONE;
const INV_BOUND = 1 / BOUND_SCALE;
const INV_Z = 1 / DRIFT_Z_SCALE;

/** Per-array constants, computed once at creation (the kernels' "build"). */
export interface DeviceConsts {
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

/** A kernel: applies counts[k] pulses (sign = polarity) to device idx[k], k < n, at time tNow [ms]. */
export type PulseKernel = (a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number) => void;

/** n devices of one kind. All typed arrays have length n. */
export interface DeviceArray {
  readonly n: number;
  readonly params: DeviceParams;
  readonly label: string;
  /** Programmed conductance before drift [µS]. */
  readonly g: Float32Array;
  /** Pulses received (saturating; FAULT_COUNT for stuck-at faults). */
  readonly pulseCount: Uint32Array;
  /** Time of the last programming [ms] (+Infinity for faults: no drift). */
  readonly tProg: Float32Array;
  /** d2d step-size factor for SET / RESET pulses (q/FACTOR_ONE). */
  readonly stepUp: Uint16Array;
  readonly stepDown: Uint16Array;
  /** d2d offsets of gMin / gMax (q/BOUND_SCALE of the nominal window). */
  readonly boundLo: Int16Array;
  readonly boundHi: Int16Array;
  /** d2d nonlinearity factor (q/FACTOR_ONE; multiplies A or k). */
  readonly nonlin: Uint16Array;
  /** Standard-normal draw of the drift exponent (q/DRIFT_Z_SCALE): ν = μ + σ·z. */
  readonly driftZ: Int16Array;
  /** Constants of the kernels. */
  readonly consts: DeviceConsts;
  /** The pulse kernel of this kind (chosen at creation). */
  readonly kernel: PulseKernel;
  /** The WebAssembly memory holding the state arrays, when the kernel runs as WebAssembly (else null). */
  readonly wasm: DeviceWasm | null;
  readonly c2cStream: RandomStream;
  readonly readStream: RandomStream;
  /** Accumulated programming energy [nJ]. */
  energyPulse_nJ: number;
  /** Accumulated read energy [nJ]. */
  energyRead_nJ: number;
  /** Pulses applied (including those to worn-out or faulty devices). */
  pulses: number;
  /** Device reads performed. */
  reads: number;
}

export interface DeviceArrayOptions {
  /** Initial programmed conductance per device [µS] (default: each device's own gMin). Faults override it. */
  readonly initial?: Float32Array;
  /** Time of the initial programming [ms] (default 0). */
  readonly t0?: number;
  /**
   * Run the pulse kernel as WebAssembly (bit-identical; linear kind only) with the state in a
   * WebAssembly memory. Default: when n ≥ WASM_MIN_DEVICES and WebAssembly is available. Arrays that
   * are rarely pulsed (crossbars) pass false: each memory reserves address space of its own.
   */
  readonly wasm?: boolean;
}

/** Smallest array that gets the WebAssembly kernel by default (below it a call is too short to gain). */
export const WASM_MIN_DEVICES = 256;

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

function clampInt(x: number, lo: number, hi: number): number {
  const r = Math.round(x);
  return r < lo ? lo : r > hi ? hi : r;
}

/**
 * Creates n devices of `params`. Device-to-device factors and stuck-at faults are drawn here from
 * stream `${label}/d2d` (in a fixed order per device: step, up/down split, bounds, nonlinearity,
 * drift z, fault; a draw is skipped when its σ is 0), so they depend only on (seed, label, params, n).
 *
 * d2d draws: f = 1 + σ_step·ξ (aihwkit dw_min_dtod) and δ = σ_upDown·ξ' (aihwkit up_down_dtod):
 * SET factor f·(1 + δ), RESET factor f·(1 − δ), each clipped to [0, 4); bounds gMin_i = gMin + σ_b·W·ξ₁ (≥ 0), gMax_i = gMax + σ_b·W·ξ₂, and when a pair
 * comes out narrower than 1 % of W, gMax_i is raised to gMin_i + 0.01·W; nonlinearity factor
 * 1 + σ_nl·ξ clipped to [0.05, 4).
 */
export function createDeviceArray(params: DeviceParams, n: number, random: RandomStreams, label: string, options: DeviceArrayOptions = {}): DeviceArray {
  if (!Number.isInteger(n) || n < 0) throw new Error(`createDeviceArray('${label}'): n = ${n} must be a whole number ≥ 0 (the number of devices).`);
  if (options.initial && options.initial.length !== n) {
    throw new Error(`createDeviceArray('${label}'): options.initial has length ${options.initial.length}, expected n = ${n}; give one conductance per device.`);
  }
  const t0 = options.t0 ?? 0;
  const c = computeConsts(params);
  const wantWasm = params.kind === 'linear' && (options.wasm ?? n >= WASM_MIN_DEVICES);
  const wasm = wantWasm
    ? createDeviceWasm(n, {
        ...c,
        wB: c.W * INV_BOUND,
        kUp: c.invPmax * c.effUp * INV_FACTOR, // the very doubles linearKernel computes
        kDn: c.invPmax * c.effDown * INV_FACTOR,
      })
    : null;
  const g = wasm ? wasm.g : new Float32Array(n);
  const pulseCount = wasm ? wasm.pulseCount : new Uint32Array(n);
  const tProg = (wasm ? wasm.tProg : new Float32Array(n)).fill(t0);
  const stepUp = wasm ? wasm.stepUp : new Uint16Array(n);
  const stepDown = wasm ? wasm.stepDown : new Uint16Array(n);
  const boundLo = wasm ? wasm.boundLo : new Int16Array(n);
  const boundHi = wasm ? wasm.boundHi : new Int16Array(n);
  const nonlin = wasm ? wasm.nonlin : new Uint16Array(n);
  const driftZ = wasm ? wasm.driftZ : new Int16Array(n);
  const d2d = random.stream(`${label}/d2d`);
  const { step, bounds, nonlinearity, upDown } = params.d2d;
  const { fraction, high } = params.stuckAt;
  const W = c.W;
  const minWidth = Math.ceil(0.01 * BOUND_SCALE);
  for (let i = 0; i < n; i++) {
    const f = step > 0 ? 1 + step * gaussian(d2d) : 1;
    const ud = upDown > 0 ? upDown * gaussian(d2d) : 0;
    stepUp[i] = clampInt(f * (1 + ud) * FACTOR_ONE, 0, 65535);
    stepDown[i] = clampInt(f * (1 - ud) * FACTOR_ONE, 0, 65535);
    let lo = bounds > 0 ? clampInt(bounds * gaussian(d2d) * BOUND_SCALE, -32768, 32767) : 0;
    let hi = bounds > 0 ? clampInt(bounds * gaussian(d2d) * BOUND_SCALE, -32768, 32767) : 0;
    if (params.gMin + (lo * INV_BOUND) * W < 0) lo = clampInt(Math.ceil(-params.gMin / W * BOUND_SCALE), -32768, 32767);
    if (BOUND_SCALE + hi - lo < minWidth) hi = Math.min(32767, lo - BOUND_SCALE + minWidth);
    boundLo[i] = lo;
    boundHi[i] = hi;
    const nl = nonlinearity > 0 ? 1 + nonlinearity * gaussian(d2d) : 1;
    nonlin[i] = clampInt((nl < 0.05 ? 0.05 : nl) * FACTOR_ONE, 1, 65535);
    driftZ[i] = c.drifting ? clampInt(gaussian(d2d) * DRIFT_Z_SCALE, -32767, 32767) : 0;
    const gLo = params.gMin + lo * INV_BOUND * W;
    const gHi = params.gMax + hi * INV_BOUND * W;
    let gi = options.initial ? options.initial[i] : gLo;
    if (gi < gLo) gi = gLo;
    else if (gi > gHi) gi = gHi;
    g[i] = gi;
    if (fraction > 0 && d2d.uniform() < fraction) {
      g[i] = d2d.uniform() < high ? gHi : gLo;
      pulseCount[i] = FAULT_COUNT;
      tProg[i] = Infinity;
    }
  }
  const kernel = wasm ? linearWasmKernel : params.kind === 'linear' ? linearKernel : params.kind === 'softBounds' ? softBoundsKernel : params.kind === 'power' ? powerKernel : tableKernel;
  return {
    n, params, label, g, pulseCount, tProg, stepUp, stepDown, boundLo, boundHi, nonlin, driftZ,
    consts: c,
    kernel,
    wasm,
    c2cStream: random.stream(`${label}/c2c`),
    readStream: random.stream(`${label}/read`),
    energyPulse_nJ: 0,
    energyRead_nJ: 0,
    pulses: 0,
    reads: 0,
  };
}

/**
 * Batched programming: for k < n, device idx[k] receives |counts[k]| pulses, SET (potentiation) if
 * counts[k] > 0, RESET (depression) if < 0, at time tNow [ms]. Per pulse: energy V²·G·t is counted,
 * the law advances, c2c noise is added, the (endurance-shrunk) window clips, levels quantise. The
 * pulses act on the drifted conductance at tNow; programming restarts drift (tProg = tNow).
 * Worn-out and faulty devices do not change (their pulses still cost energy). Allocation-free.
 */
export function applyPulses(arr: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  arr.kernel(arr, idx, counts, n, tNow);
}

/** Drift factor (max(dt, t0)/t0)^(−ν) for device i at tNow with programmed conductance gi. */
function driftFactor(c: DeviceConsts, z: number, gi: number, dt: number): number {
  if (!(dt > c.t0)) return 1;
  const nu = c.driftPcm ? pcmNu(gi, c.gMax, z) : c.nuMean + c.nuStd * z * INV_Z;
  return driftExp(-nu * driftLog(dt / c.t0));
}

/** The drift exponent ν of the 'pcm' model (aihwkit PCMLikeNoiseModel) for programmed conductance gi and stored draw z. */
function pcmNu(gi: number, gMax: number, z: number): number {
  const lx = driftLog(gi > 0 ? gi / gMax : 1e-12);
  let mu = -0.0155 * lx + 0.0244;
  mu = mu < 0.049 ? 0.049 : mu > 0.1 ? 0.1 : mu;
  let sd = -0.0125 * lx - 0.0059;
  sd = sd < 0.008 ? 0.008 : sd > 0.045 ? 0.045 : sd;
  return mu + sd * z * INV_Z;
}

/**
 * Math.round(x) without a data-dependent branch (V8 lowers Math.round to roundup + compare +
 * branch, mispredicted half the time on noisy conductances). Equal to Math.round(x) for every x,
 * up to the sign of a zero result (Math.round gives −0 on [−0.5, 0), this +0): x − ⌊x⌋ is exact for
 * |x| ≥ 1 and for x ≥ 0, and on (−1, 0) its rounding cannot cross 0.5; NaN and ±∞ pass through.
 * Callers add the result times a step to an offset ≥ +0, where the two zeros give the same sum.
 */
function roundHalfUp(x: number): number {
  const r = Math.floor(x);
  return r + +(x - r >= 0.5);
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

/** The last dt seen by a kernel's drift fold and ln(dt/t0) for it (reset at each call; kept out of registers). */
const LN_CACHE = new Float64Array(2);

/** Writes the Alea state back (a helper so that prologue, slow path and epilogue share type feedback). */
function saveStream(st: Float64Array, s0: number, s1: number, s2: number, s3: number): void {
  st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
}

/** Adds a call's energy and pulse totals to the array (see saveStream). */
function addTotals(a: DeviceArray, energy: number, pulses: number): void {
  a.energyPulse_nJ += energy;
  a.pulses += pulses;
}

function linearKernel(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const c = a.consts;
  const g = a.g, pcA = a.pulseCount, tp = a.tProg, su = a.stepUp, sd = a.stepDown, bl = a.boundLo, bh = a.boundHi, dz = a.driftZ;
  const st = a.c2cStream.state;
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  // Run the epilogue's helpers once up front: when the loop is OSR-compiled on a first, long call,
  // code that has never run carries no type feedback and would deoptimise at every call's exit (and
  // V8 re-enters the cached OSR code on the next call). The helpers share their feedback between calls.
  saveStream(st, s0, s1, s2, s3);
  addTotals(a, 0, 0);
  const gMin = c.gMin, gMax = c.gMax, wB = c.W * INV_BOUND;
  const kUp = c.invPmax * c.effUp * INV_FACTOR, kDn = c.invPmax * c.effDown * INV_FACTOR;
  const c2c = c.c2c, limit = c.limit, finiteE = c.finiteEndurance, invE = c.invEndurance, stuck = c.stuckMode;
  const drifting = c.drifting, t0 = c.t0, quant = c.quantLevels, eUp = c.eUp, eDown = c.eDown;
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
          gi = stuck === 2 ? (gi < lo ? lo : gi > hi ? hi : gi) : gs;
          energy += (cnt - q - 1) * ec * gi;
          break;
        }
        const r = p * invE;
        const r2 = r * r;
        lo = lo0 + (gs - lo0) * r2;
        hi = hi0 - (hi0 - gs) * r2;
      }
      if (quant > 0) gi = lo0 + roundHalfUp((gi - lo0) * iqs) * qs;
      gi = gi < lo ? lo : gi > hi ? hi : gi;
    }
    g[i] = gi;
    pcA[i] = p > COUNT_CEIL ? COUNT_CEIL : p;
    tp[i] = tNow;
  }
  saveStream(st, s0, s1, s2, s3);
  addTotals(a, energy, pulses);
}

/** Longest call whose idx/counts linearWasmKernel copies element by element (see there). */
const COPY_LOOP_MAX = 256;

/**
 * linearKernel as WebAssembly (device-wasm.ts, scripts/device-kernels.wat): idx/counts go through
 * the memory's chunk buffer; the c2c stream's state and the energy sum stay in the header across
 * chunks, so the result is bit-identical to linearKernel's.
 */
function linearWasmKernel(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const w = a.wasm!;
  const st = a.c2cStream.state;
  const ws = w.stream;
  ws[0] = st[0]; ws[1] = st[1]; ws[2] = st[2]; ws[3] = st[3];
  const h = w.h64;
  h[DEVICE_WASM_ENERGY] = 0;
  const ib = w.idxBuf, cb = w.countsBuf, cap = ib.length, run = w.run;
  let pulses = 0;
  for (let k0 = 0; k0 < n; k0 += cap) {
    const m = n - k0 < cap ? n - k0 : cap;
    if (m <= COPY_LOOP_MAX) {
      // the usual STDP call (a few to a few hundred synapses): an element loop, no allocation
      for (let j = 0; j < m; j++) {
        ib[j] = idx[k0 + j];
        cb[j] = counts[k0 + j];
      }
    } else {
      // TypedArray.set is a memcpy, much cheaper per entry than the element loop: for long calls two
      // view objects per chunk are the cheaper price (none when the arrays are exactly n long)
      ib.set(k0 === 0 && m === idx.length ? idx : idx.subarray(k0, k0 + m));
      cb.set(k0 === 0 && m === counts.length ? counts : counts.subarray(k0, k0 + m));
    }
    pulses += run(m, tNow);
  }
  st[0] = ws[0]; st[1] = ws[1]; st[2] = ws[2]; st[3] = ws[3];
  addTotals(a, h[DEVICE_WASM_ENERGY]!, pulses);
}

function softBoundsKernel(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const c = a.consts;
  const g = a.g, pcA = a.pulseCount, tp = a.tProg, su = a.stepUp, sd = a.stepDown, bl = a.boundLo, bh = a.boundHi, nlA = a.nonlin, dz = a.driftZ;
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
  const nlVaries = c.nlVaries, pmax = c.pmax;
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
          gi = stuck === 2 ? (gi < lo ? lo : gi > hi ? hi : gi) : gs;
          energy += (cnt - q - 1) * ec * gi;
          break;
        }
        const r = p * invE;
        const r2 = r * r;
        lo = lo0 + (gs - lo0) * r2;
        hi = hi0 - (hi0 - gs) * r2;
      }
      if (quant > 0) gi = lo0 + roundHalfUp((gi - lo0) * iqs) * qs;
      gi = gi < lo ? lo : gi > hi ? hi : gi;
    }
    g[i] = gi;
    pcA[i] = p > COUNT_CEIL ? COUNT_CEIL : p;
    tp[i] = tNow;
  }
  saveStream(st, s0, s1, s2, s3);
  addTotals(a, energy, pulses);
}

function powerKernel(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const c = a.consts;
  const g = a.g, pcA = a.pulseCount, tp = a.tProg, su = a.stepUp, sd = a.stepDown, bl = a.boundLo, bh = a.boundHi, nlA = a.nonlin, dz = a.driftZ;
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
  const nlVaries = c.nlVaries, invPmax = c.invPmax;
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
          gi = stuck === 2 ? (gi < lo ? lo : gi > hi ? hi : gi) : gs;
          energy += (cnt - q - 1) * ec * gi;
          break;
        }
        const rr = p * invE;
        const r2 = rr * rr;
        lo = lo0 + (gs - lo0) * r2;
        hi = hi0 - (hi0 - gs) * r2;
      }
      if (quant > 0) gi = lo0 + roundHalfUp((gi - lo0) * iqs) * qs;
      gi = gi < lo ? lo : gi > hi ? hi : gi;
    }
    g[i] = gi;
    pcA[i] = p > COUNT_CEIL ? COUNT_CEIL : p;
    tp[i] = tNow;
  }
  saveStream(st, s0, s1, s2, s3);
  addTotals(a, energy, pulses);
}

function tableKernel(a: DeviceArray, idx: Int32Array, counts: Int32Array, n: number, tNow: number): void {
  const c = a.consts;
  const g = a.g, pcA = a.pulseCount, tp = a.tProg, su = a.stepUp, sd = a.stepDown, bl = a.boundLo, bh = a.boundHi, dz = a.driftZ;
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
  const m1 = c.tabM1;
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
          gi = stuck === 2 ? (gi < lo ? lo : gi > hi ? hi : gi) : gs;
          energy += (cnt - q - 1) * ec * gi;
          break;
        }
        const r = p * invE;
        const r2 = r * r;
        lo = lo0 + (gs - lo0) * r2;
        hi = hi0 - (hi0 - gs) * r2;
      }
      if (quant > 0) gi = lo0 + roundHalfUp((gi - lo0) * iqs) * qs;
      gi = gi < lo ? lo : gi > hi ? hi : gi;
    }
    g[i] = gi;
    pcA[i] = p > COUNT_CEIL ? COUNT_CEIL : p;
    tp[i] = tNow;
  }
  saveStream(st, s0, s1, s2, s3);
  addTotals(a, energy, pulses);
}

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
    if (noisy) gi += (c.readAbs + c.readRel * (gi < 0 ? -gi : gi)) * gaussianState(rs);
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
    if (noisy) gi += (c.readAbs + c.readRel * (gi < 0 ? -gi : gi)) * gaussianState(rs);
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

/** Device i's own window [µS] (its d2d bounds): writes [lo, hi] into out, returns out. */
export function deviceWindow(out: Float64Array, arr: DeviceArray, i: number): Float64Array {
  const c = arr.consts;
  out[0] = c.gMin + arr.boundLo[i] * INV_BOUND * c.W;
  out[1] = c.gMax + arr.boundHi[i] * INV_BOUND * c.W;
  return out;
}

/** True when device i is a stuck-at fault or worn out. */
export function isStuck(arr: DeviceArray, i: number): boolean {
  return arr.pulseCount[i] >= arr.consts.limit;
}

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
    const lo0 = c.gMin + boundLo[i] * INV_BOUND * c.W;
    const hi0 = c.gMax + boundHi[i] * INV_BOUND * c.W;
    const e = (up ? c.effUp * stepUp[i] : c.effDown * stepDown[i]) * INV_FACTOR;
    let gi = lawAfter(p, g0, m, lo0, hi0, e, nonlin[i] * INV_FACTOR);
    if (c.c2c > 0) gi += c.c2c * Math.sqrt(am) * gaussian(c2cStream);
    let pc = pulseCount[i] + am;
    if (c.finiteEndurance && pc >= c.limit) {
      pc = c.limit;
      gi = c.stuckMode === 0 ? lo0 : c.stuckMode === 1 ? hi0 : gi;
    } else if (pc > FAULT_COUNT - 1) pc = FAULT_COUNT - 1;
    if (c.quantLevels > 0) {
      const q = (hi0 - lo0) / (c.quantLevels - 1);
      gi = lo0 + Math.round((gi - lo0) / q) * q;
    }
    let lo = lo0;
    let hi = hi0;
    if (c.finiteEndurance && pc < c.limit) {
      const r = (pc * c.invEndurance) ** 2;
      const gs = c.stuckMode === 0 ? lo0 : c.stuckMode === 1 ? hi0 : 0.5 * (lo0 + hi0);
      lo = lo0 + (gs - lo0) * r;
      hi = hi0 - (hi0 - gs) * r;
    }
    gi = gi < lo ? lo : gi > hi ? hi : gi;
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

/** The names of the state arrays, in snapshot order. */
export const DEVICE_STATE_ARRAYS = ['g', 'pulseCount', 'tProg', 'stepUp', 'stepDown', 'boundLo', 'boundHi', 'nonlin', 'driftZ'] as const;

/** Total bytes of an array's state (BYTES_PER_DEVICE × n). */
export function deviceArrayBytes(arr: DeviceArray): number {
  let b = 0;
  for (const k of DEVICE_STATE_ARRAYS) b += arr[k].byteLength;
  return b;
}
