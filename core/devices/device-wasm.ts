/**
 * WebAssembly version of the linear device kernel (pulse-kernels.ts `linearKernel`), bit-identical to it.
 *
 * Why: V8's code for the JavaScript loop re-checks maps and bounds and spills most of its ~60 live
 * values; WebAssembly's types are static, so its code carries no map checks (the same loop in C,
 * for scale: bench/reference/linear-kernel.c; timings: docs/code-history.md).
 *
 * The drift fold's ln and exp are drift-math.ts's `driftLog`/`driftExp`, written out inline here
 * (operation for operation, tables in this memory's header): calling the host's Math.log and
 * Math.exp instead would cross into JavaScript at every folded pulse, and their bits depend on the
 * engine. The fold's floor is the ln + exp themselves, even in C (bench/reference/drift-math.c
 * times them).
 *
 * Two adjacent single pulses on distinct devices that stay below their endurance (the STDP case)
 * run in the two lanes of f64x2 vectors, every lane doing the one-device path's operations in its
 * order: one device's chain of dependent operations is ~80 cycles long, and the one-device loop is
 * too large for the CPU to overlap two of them, so the pair path runs two chains side by side. Long
 * trains without noise or wear (the ideal device) run in a loop of their own: it needs a third of
 * the live values, so energy and g stay in registers.
 *
 * Memory: an accelerated array owns one `WebAssembly.Memory` of fixed size (allocated at creation,
 * never grown, so the typed-array views below never detach). The DeviceArray's state arrays (g,
 * pulseCount, tProg, stepUp, stepDown, boundLo, boundHi, nonlin, driftZ) are views of length n into
 * it, usable like any typed array. Layout: a 6.25 KB header of constants, ziggurat and drift-math
 * tables and offsets (its slots: device-wasm-layout.ts, the table scripts/device-kernels.wat is
 * generated from too); the arrays; one chunk's idx/counts buffer of ≤ 16 384 entries, i.e.
 * ≤ 128 KB per array, 0.13 B per device at 10⁶ devices).
 *
 * A call is run in chunks of the buffer's size: idx/counts are copied in (no allocation), the
 * energy sum and the random stream's state stay in the header between chunks, so the sums are
 * accumulated in exactly the JavaScript kernel's order. Where WebAssembly is unavailable or the
 * memory cannot be reserved, `createDeviceWasm` returns null and the array uses plain typed arrays
 * and the JavaScript kernel. No Node-only API: the module (≈ 1.6 KB) is compiled synchronously.
 */
import { fixedMemory, lazyModule, wasmApi } from '../wasm.js';
import type { DeviceArray, DEVICE_STATE_ARRAYS } from './array.js';
import { DEVICE_WASM_BYTES } from './device-wasm-bytes.js';
import { DEVICE_WASM_LAYOUT } from './device-wasm-layout.js';
import { DRIFT_MATH_CONSTANTS, EXP2_J, LN_C, LN_CJ, LN_INV_C } from './drift-math.js';
import { KN, nfix, WN } from './normal.js';

const L = DEVICE_WASM_LAYOUT.at;
const HEADER = DEVICE_WASM_LAYOUT.header;
/** Entries of the idx/counts chunk buffer (at most). */
export const DEVICE_WASM_CHUNK = 16384;

const deviceModule = lazyModule(DEVICE_WASM_BYTES);

/** True when the WebAssembly device kernel can run here. */
export function deviceWasmAvailable(): boolean {
  return deviceModule() !== null;
}

/** The kernel's constants (the subset of consts.ts DeviceConsts it reads, already folded as the JS kernel folds them). */
export interface DeviceWasmConstants {
  readonly gMin: number;
  readonly gMax: number;
  /** W / BOUND_SCALE */
  readonly wB: number;
  /** invPmax · effUp / FACTOR_ONE, invPmax · effDown / FACTOR_ONE */
  readonly kUp: number;
  readonly kDn: number;
  readonly c2c: number;
  readonly invEndurance: number;
  readonly t0: number;
  readonly eUp: number;
  readonly eDown: number;
  readonly nuMean: number;
  readonly nuStd: number;
  readonly quantLevels: number;
  readonly limit: number;
  readonly finiteEndurance: boolean;
  readonly stuckMode: number;
  readonly drifting: boolean;
  readonly driftPcm: boolean;
}

/** An array's state in WebAssembly memory (the DeviceArray's state arrays are these views) and its kernel. */
export interface DeviceWasm extends Pick<DeviceArray, (typeof DEVICE_STATE_ARRAYS)[number]> {
  /** header as f64 (energy accumulator at DEVICE_WASM_ENERGY; the Alea state: `stream`) */
  readonly h64: Float64Array;
  /** the Alea state in the header (a view of 4 doubles: the JS slow path `nfix` runs on it) */
  readonly stream: Float64Array;
  readonly idxBuf: Int32Array;
  readonly countsBuf: Int32Array;
  /** Runs the kernel on the first m entries of idxBuf/countsBuf; returns the number of pulses. */
  readonly run: (m: number, tNow: number) => number;
  /** The kernel's own copies of drift-math.ts's driftLog/driftExp (for the tests that compare them bit for bit). */
  readonly driftLog: (x: number) => number;
  readonly driftExp: (y: number) => number;
  /** Total bytes of the memory. */
  readonly bytes: number;
}

const align8 = (x: number): number => (x + 7) & ~7;

/** Allocates the state of n devices in a fresh WebAssembly memory (all zero), or returns null. */
export function createDeviceWasm(n: number, c: DeviceWasmConstants): DeviceWasm | null {
  const mod = deviceModule();
  if (mod === null) return null;
  const chunk = Math.max(16, Math.min(n, DEVICE_WASM_CHUNK));
  const offG = HEADER;
  const offPc = align8(offG + 4 * n);
  const offTp = align8(offPc + 4 * n);
  const offSu = align8(offTp + 4 * n);
  const offSd = align8(offSu + 2 * n);
  const offBl = align8(offSd + 2 * n);
  const offBh = align8(offBl + 2 * n);
  const offNl = align8(offBh + 2 * n);
  const offDz = align8(offNl + 2 * n);
  const offIdx = align8(offDz + 2 * n);
  const offCnt = offIdx + 4 * chunk;
  const total = offCnt + 4 * chunk;
  const memory = fixedMemory(total);
  if (memory === null) return null;
  const buf = memory.buffer;
  const h64 = new Float64Array(buf, 0, HEADER / 8);
  const h32 = new Int32Array(buf, 0, HEADER / 4);
  const f64 = (slot: string, x: number): void => void (h64[L[slot]! / 8] = x);
  const i32 = (slot: string, x: number): void => void (h32[L[slot]! / 4] = x);
  f64('gMin', c.gMin);
  f64('gMax', c.gMax);
  f64('wB', c.wB);
  f64('kUp', c.kUp);
  f64('kDown', c.kDn);
  f64('c2c', c.c2c);
  f64('invE', c.invEndurance);
  f64('t0', c.t0);
  f64('eUp', c.eUp);
  f64('eDown', c.eDown);
  f64('nuMean', c.nuMean);
  f64('nuStd', c.nuStd);
  f64('quant', c.quantLevels);
  f64('plusOne', 1);
  f64('minusOne', -1);
  new DataView(buf).setBigUint64(L['limit']!, BigInt(c.limit), true);
  i32('finiteE', c.finiteEndurance ? 1 : 0);
  i32('stuck', c.stuckMode);
  i32('drifting', c.drifting ? 1 : 0);
  i32('driftPcm', c.driftPcm ? 1 : 0);
  i32('c2cOn', c.c2c > 0 ? 1 : 0);
  i32('quantOn', c.quantLevels > 0 ? 1 : 0);
  i32('g', offG);
  i32('pc', offPc);
  i32('tp', offTp);
  i32('su', offSu);
  i32('sd', offSd);
  i32('bl', offBl);
  i32('bh', offBh);
  i32('dz', offDz);
  i32('idx', offIdx);
  i32('counts', offCnt);
  new Uint32Array(buf, L['kn'], 128).set(KN);
  new Float64Array(buf, L['wn'], 128).set(WN);
  new Float64Array(buf, L['lnCj'], 128).set(LN_CJ);
  new Float64Array(buf, L['lnInvC'], 128).set(LN_INV_C);
  new Float64Array(buf, L['lnC'], 128).set(LN_C);
  new Float64Array(buf, L['exp2J'], 128).set(EXP2_J);
  // the pair path's constants by the two devices' polarities: row upA + 2·upB holds (a's, b's)
  const pairE = new Float64Array(buf, L['pairE'], 8);
  const pairK = new Float64Array(buf, L['pairK'], 8);
  const pairSign = new Float64Array(buf, L['pairSign'], 8);
  for (let m = 0; m < 4; m++) {
    const upA = (m & 1) === 1;
    const upB = (m & 2) === 2;
    pairE.set([upA ? c.eUp : c.eDown, upB ? c.eUp : c.eDown], 2 * m);
    pairK.set([upA ? c.kUp : c.kDn, upB ? c.kUp : c.kDn], 2 * m);
    pairSign.set([upA ? 1 : -1, upB ? 1 : -1], 2 * m);
  }
  const dc = DRIFT_MATH_CONSTANTS;
  f64('ln2', dc.LN2);
  f64('ln2NHi', dc.LN2_N_HI);
  f64('ln2NLo', dc.LN2_N_LO);
  f64('invLn2N', dc.INV_LN2_N);
  f64('shift', dc.SHIFT);
  const stream = new Float64Array(buf, L['state'], 4);
  const instance = new (wasmApi()!.Instance)(mod, {
    env: { mem: memory, nfix: (hz: number, iz: number): number => nfix(stream, hz, iz) },
  });
  return {
    g: new Float32Array(buf, offG, n),
    pulseCount: new Uint32Array(buf, offPc, n),
    tProg: new Float32Array(buf, offTp, n),
    stepUp: new Uint16Array(buf, offSu, n),
    stepDown: new Uint16Array(buf, offSd, n),
    boundLo: new Int16Array(buf, offBl, n),
    boundHi: new Int16Array(buf, offBh, n),
    nonlin: new Uint16Array(buf, offNl, n),
    driftZ: new Int16Array(buf, offDz, n),
    h64,
    stream,
    idxBuf: new Int32Array(buf, offIdx, chunk),
    countsBuf: new Int32Array(buf, offCnt, chunk),
    run: instance.exports['linear'] as (m: number, tNow: number) => number,
    driftLog: instance.exports['driftLog'] as (x: number) => number,
    driftExp: instance.exports['driftExp'] as (y: number) => number,
    bytes: memory.buffer.byteLength,
  };
}

/** The energy accumulator's index in `h64` (the array's kernel wrapper reads it). */
export const DEVICE_WASM_ENERGY = L['energy']! / 8;
