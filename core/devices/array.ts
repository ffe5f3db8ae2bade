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
 * Kernels: one module-level function per model kind (pulse-kernels.ts, generated from the one
 * skeleton of pulse-skeleton.ts), chosen in createDeviceArray and stored on the array (the linear
 * kind runs as WebAssembly for arrays of ≥ WASM_MIN_DEVICES devices, bit-identical: device-wasm.ts);
 * they allocate nothing, validate nothing, and draw randomness only from the array's streams
 * (`${label}/c2c` per pulse, `${label}/read` per read; d2d and faults from `${label}/d2d` at
 * construction). Same seed and label → bit-identical devices and trajectories.
 *
 * Where the physics lives: the laws' pulse steps in pulse-skeleton.ts (their closed forms in
 * models.ts); each non-ideality in nonideal/ (c2c, d2d, levels, endurance, drift, read-noise,
 * stuck, energy: its constants, its draws at creation, the helpers kernels, reads and open-loop
 * programming share); the array's constants in consts.ts; reads in read.ts; open-loop programming
 * in program.ts.
 */
import type { RandomStream, RandomStreams } from '../random.js';
import { computeConsts, type DeviceConsts } from './consts.js';
import { createDeviceWasm, DEVICE_WASM_ENERGY, type DeviceWasm } from './device-wasm.js';
import { BOUND_SCALE, boundOffset, drawD2d, FACTOR_ONE, INV_BOUND, INV_FACTOR } from './nonideal/d2d.js';
import { DRIFT_Z_SCALE, drawDriftZ } from './nonideal/drift.js';
import { FAULT_COUNT } from './nonideal/endurance.js';
import { drawStuckAt } from './nonideal/stuck.js';
import type { DeviceParams } from './params.js';
import { addTotals, PULSE_KERNELS } from './pulse-kernels.js';

export { FACTOR_ONE, BOUND_SCALE, DRIFT_Z_SCALE, FAULT_COUNT };
export type { DeviceConsts };
export { programOpenLoop } from './program.js';
export { ageTo, conductanceAt, readConductances, readSome } from './read.js';

/** Bytes of state per device. */
export const BYTES_PER_DEVICE = 24;

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

/**
 * Creates n devices of `params`. Device-to-device factors and stuck-at faults are drawn here from
 * stream `${label}/d2d` (in a fixed order per device: step, up/down split, bounds, nonlinearity,
 * drift z, fault; a draw is skipped when its σ is 0), so they depend only on (seed, label, params, n).
 *
 * The draws: nonideal/d2d.ts, nonideal/drift.ts (z), nonideal/stuck.ts.
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
  const d2dArrays = { stepUp, stepDown, boundLo, boundHi, nonlin };
  const faultArrays = { g, pulseCount, tProg };
  const W = c.W;
  for (let i = 0; i < n; i++) {
    drawD2d(d2dArrays, i, params, W, d2d);
    driftZ[i] = drawDriftZ(c, d2d);
    const gLo = params.gMin + boundOffset(boundLo[i], W);
    const gHi = params.gMax + boundOffset(boundHi[i], W);
    let gi = options.initial ? options.initial[i] : gLo;
    if (gi < gLo) gi = gLo;
    else if (gi > gHi) gi = gHi;
    g[i] = gi;
    drawStuckAt(faultArrays, i, params, gLo, gHi, d2d);
  }
  const kernel = wasm ? linearWasmKernel : PULSE_KERNELS[params.kind];
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

/** Device i's own window [µS] (its d2d bounds): writes [lo, hi] into out, returns out. */
export function deviceWindow(out: Float64Array, arr: DeviceArray, i: number): Float64Array {
  const c = arr.consts;
  out[0] = c.gMin + boundOffset(arr.boundLo[i], c.W);
  out[1] = c.gMax + boundOffset(arr.boundHi[i], c.W);
  return out;
}

/** True when device i is a stuck-at fault or worn out. */
export function isStuck(arr: DeviceArray, i: number): boolean {
  return arr.pulseCount[i] >= arr.consts.limit;
}

/** The names of the state arrays, in snapshot order. */
export const DEVICE_STATE_ARRAYS = ['g', 'pulseCount', 'tProg', 'stepUp', 'stepDown', 'boundLo', 'boundHi', 'nonlin', 'driftZ'] as const;

/** Total bytes of an array's state (BYTES_PER_DEVICE × n). */
export function deviceArrayBytes(arr: DeviceArray): number {
  let b = 0;
  for (const k of DEVICE_STATE_ARRAYS) b += arr[k].byteLength;
  return b;
}
