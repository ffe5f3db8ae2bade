/**
 * WebAssembly SIMD (f64x2) versions of `lifCurrentStep` and `lifConductanceStep`
 * (core/neurons/lif.ts), bit-identical to them; and (f32x4) of `lifCurrentStep32` for populations
 * in single precision (`createLifWasm(n, 'float32')`, scripts/lif32-kernels.wat).
 *
 * Why: the CUBA loop is dominated by the LIF integrate pass (40 M neuron-steps against ~2 M
 * synaptic events per simulated second at 4000 neurons); its neurons are independent, so f64x2
 * vectors integrate two at a time (timings: docs/code-history.md).
 * The conductance kernel evaluates core/math.ts's exp — the function lif.ts calls — for the rare
 * lanes with y ≥ 0.05 (lif.ts header) with a WebAssembly copy of it ($expM), operation for operation,
 * whose constants and tables this loader writes into the header.
 *
 * Memory: each population owns one `WebAssembly.Memory` of a fixed size (allocated at build, never
 * grown, so the typed-array views below never detach). The public state stays struct-of-arrays:
 * `v`, `gE`, `gI`, `theta`, `iBias` (Float64Array), `refUntil` and the spike `idx` (Int32Array) are
 * views of length n into that memory, usable like any typed array (`.slice()`, `.set()`, …).
 * Layout (scripts/lif-kernels.wat): a 2304-byte header of constants, array offsets and exp's tables, then the
 * arrays, each with room for n rounded up to a multiple of 4 (the kernels work on pairs or quads;
 * padding neurons have refUntil = 2³¹ − 1 and never integrate or spike).
 *
 * Bit identity: IEEE-754 double operations in the JavaScript kernel's order, no fused multiply-add,
 * no relaxed SIMD (test/core/neurons/lif-wasm.test.ts runs both kernels side by side). Where
 * WebAssembly or its SIMD proposal is unavailable (`WebAssembly.validate` of the module fails),
 * `createLifWasm` returns null and the population uses plain typed arrays and the JavaScript kernel.
 * No Node-only API: the modules are compiled synchronously from bytes (4057 and 730 bytes, under
 * the 4 KB that browsers allow for synchronous compilation on the main thread; test/core/neurons/
 * lif32.test.ts keeps them there).
 */
import { LIF_WASM_BYTES } from './lif-wasm-bytes.js';
import { LIF32_WASM_BYTES } from './lif32-wasm-bytes.js';
import { F32_FLUSH, lifCurrentStep32, THETA_MODE, type LifConstants, type LifState, type ThetaMode } from './lif.js';
import { fixedMemory, lazyModule, wasmApi } from '../wasm.js';
import { EXP2_J, EXP2_J_LO, INV_LN2_N, LN2_N_HI, LN2_N_LO, SHIFT } from '../math.js';

/** Kernel entry points → spike count, for the step in the header; the θ mode as in THETA_MODE. */
type CurrentKernel = () => number;
type ModeKernel = (mode: number) => number;
/** A kernel with lifCurrentStep's / lifConductanceStep's signature. */
export type LifStepFunction = (st: LifState, k: LifConstants, step: number, thetaMode: ThetaMode) => number;

const HEADER = 2304;
/** Header byte offsets (scripts/lif-kernels.wat). */
const F64 = {
  vRest: 0, vReset: 8, vThresh: 16, decayMem: 24, decayE: 32, decayI: 40, couplingE: 48, couplingI: 56, biasGain: 64, decayTheta: 72, thetaPlus: 80,
  dtOverTau: 88, eExc: 96, eInh: 104, rMem: 112, c6: 176, c24: 184, c120: 192,
  invLn2N: 200, shift: 208, ln2NHi: 216, ln2NLo: 224, exp2J: 256, exp2JLo: 1280,
} as const;
const I32 = { n: 128, refSteps: 132, v: 136, gE: 140, gI: 144, theta: 148, iBias: 152, refUntil: 156, idx: 160 } as const;
/** Int32 index of the step (i64, little-endian: low word, high word) in the header. */
const STEP_LO = 168 / 4;

/** The compiled kernel module, or null where WebAssembly SIMD is unavailable. Compiled once. */
const lifModule = lazyModule(LIF_WASM_BYTES);

/**
 * Header of the single-precision module (scripts/lif32-kernels.wat): byte offsets of its f32
 * constants and i32 fields, and its size.
 */
const LIF32_LAYOUT = {
  f32: { vRest: 0, vReset: 4, vThresh: 8, decayMem: 12, decayE: 16, decayI: 20, couplingE: 24, couplingI: 28, biasGain: 32, flush: 36 },
  i32: { n: 64, refSteps: 68, v: 72, gE: 76, gI: 80, theta: 84, iBias: 88, refUntil: 92, idx: 96, step: 100 },
  bytes: 128,
} as const;
const lif32Module = lazyModule(LIF32_WASM_BYTES);

/** True when the WebAssembly SIMD LIF kernel can run here. */
export function lifWasmAvailable(): boolean {
  return lifModule() !== null;
}

/** A LIF population's state in WebAssembly memory, and its SIMD current-based kernel. */
export interface LifWasm {
  /** struct-of-arrays views (length n) into the population's memory */
  readonly state: LifState;
  /**
   * Returns a kernel bound to this state and to `k` (written into the memory's header once, here),
   * bit-identical to `lifConductanceStep` when `conductance`, else to `lifCurrentStep`. The returned
   * function ignores its `st`/`k` arguments: it always steps this population with these constants.
   */
  kernel(k: LifConstants, conductance: boolean): LifStepFunction;
}

/**
 * Allocates the state of an n-neuron LIF population in a fresh fixed-size WebAssembly memory
 * (all zero, refUntil = −(2³¹ − 1) as in buildLif), or returns null without WebAssembly SIMD.
 */
export function createLifWasm(n: number, precision: 'float64' | 'float32' = 'float64'): LifWasm | null {
  if (precision === 'float32') return createLifWasm32(n);
  const mod = lifModule();
  if (mod === null) return null;
  const layout = allocateState(n, (n + 3) & ~3, HEADER, Float64Array, I32);
  if (layout === null) return null;
  const { memory, header, state } = layout;
  const buf = memory.buffer;
  writeExpTables(header);
  const instance = new (wasmApi()!.Instance)(mod, { env: { mem: memory } });
  const current = instance.exports['current'] as CurrentKernel;
  const currentTheta = instance.exports['currentTheta'] as ModeKernel;
  const conductanceStep = instance.exports['conductance'] as ModeKernel;
  return {
    state,
    kernel(k: LifConstants, conductance: boolean): LifStepFunction {
      header.setFloat64(F64.vRest, k.vRest, true);
      header.setFloat64(F64.vReset, k.vReset, true);
      header.setFloat64(F64.vThresh, k.vThresh, true);
      header.setFloat64(F64.decayMem, k.decayMem, true);
      header.setFloat64(F64.decayE, k.decayE, true);
      header.setFloat64(F64.decayI, k.decayI, true);
      header.setFloat64(F64.couplingE, k.couplingE, true);
      header.setFloat64(F64.couplingI, k.couplingI, true);
      header.setFloat64(F64.biasGain, k.rMem * (1 - k.decayMem), true); // the same double as lifCurrentStep's biasGain
      header.setFloat64(F64.decayTheta, k.decayTheta, true);
      header.setFloat64(F64.thetaPlus, k.thetaPlus, true);
      header.setFloat64(F64.dtOverTau, k.dtOverTau, true);
      header.setFloat64(F64.eExc, k.eExc, true);
      header.setFloat64(F64.eInh, k.eInh, true);
      header.setFloat64(F64.rMem, k.rMem, true);
      header.setInt32(I32.refSteps, k.refSteps, true);
      const spikeBuffer = state.spikes;
      const h32 = new Int32Array(buf, 0, HEADER / 4);
      if (conductance) {
        return function lifConductanceStepWasm(_st: LifState, _k: LifConstants, step: number, thetaMode: ThetaMode): number {
          h32[STEP_LO] = step >>> 0;
          h32[STEP_LO + 1] = Math.floor(step / 4294967296);
          const count = conductanceStep(thetaMode);
          spikeBuffer.count = count;
          return count;
        };
      }
      return function lifCurrentStepWasm(_st: LifState, _k: LifConstants, step: number, thetaMode: ThetaMode): number {
        // step as i64; populations pass their refractory clock (< 2³⁰, core/populations/lif.ts), so
        // refUntil = step + refSteps fits the int32 it is stored in, as in lifCurrentStep
        h32[STEP_LO] = step >>> 0;
        h32[STEP_LO + 1] = Math.floor(step / 4294967296);
        const count = thetaMode === THETA_MODE.NONE ? current() : currentTheta(thetaMode);
        spikeBuffer.count = count;
        return count;
      };
    },
  };
}

/**
 * The single-precision population (createLifWasm(n, 'float32')): Float32Array views of v, gE, gI,
 * θ, iBias in the memory of scripts/lif32-kernels.wat. Its kernel is the f32x4 module for
 * current-based synapses without adaptive threshold and lifCurrentStep32 (on the same views) with
 * one; conductance-based synapses have no single-precision kernel (core/populations/lif.ts refuses
 * them before this is called).
 */
function createLifWasm32(n: number): LifWasm | null {
  const mod = lif32Module();
  if (mod === null) return null;
  const L = LIF32_LAYOUT;
  const layout = allocateState(n, (n + 7) & ~7, L.bytes, Float32Array, L.i32); // two quads at a time
  if (layout === null) return null;
  const { memory, header, state } = layout;
  const buf = memory.buffer;
  header.setFloat32(L.f32.flush, F32_FLUSH, true);
  const instance = new (wasmApi()!.Instance)(mod, { env: { mem: memory } });
  const current32 = instance.exports['current32'] as CurrentKernel;
  const h32 = new Int32Array(buf, 0, L.bytes / 4);
  const stepIndex = L.i32.step / 4;
  return {
    state,
    kernel(k: LifConstants, conductance: boolean): LifStepFunction {
      if (conductance) throw new Error('single-precision LIF state has no conductance-based kernel; use precision float64 with conductance synapses.');
      header.setFloat32(L.f32.vRest, k.vRest, true); // setFloat32 rounds to the nearest single, as Math.fround
      header.setFloat32(L.f32.vReset, k.vReset, true);
      header.setFloat32(L.f32.vThresh, k.vThresh, true);
      header.setFloat32(L.f32.decayMem, k.decayMem, true);
      header.setFloat32(L.f32.decayE, k.decayE, true);
      header.setFloat32(L.f32.decayI, k.decayI, true);
      header.setFloat32(L.f32.couplingE, k.couplingE, true);
      header.setFloat32(L.f32.couplingI, k.couplingI, true);
      header.setFloat32(L.f32.biasGain, Math.fround(k.rMem * (1 - k.decayMem)), true); // lifCurrentStep32's biasGain
      header.setInt32(L.i32.refSteps, k.refSteps, true);
      const spikeBuffer = state.spikes;
      return function lifCurrentStep32Wasm(st: LifState, kk: LifConstants, step: number, thetaMode: ThetaMode): number {
        if (thetaMode !== THETA_MODE.NONE) return lifCurrentStep32(st, kk, step, thetaMode);
        h32[stepIndex] = step; // < 2³⁰ (core/populations/lif.ts), an int32
        const count = current32();
        spikeBuffer.count = count;
        return count;
      };
    },
  };
}

/** Header byte offsets of the int32 slots that hold n and the arrays' byte offsets. */
interface StateSlots {
  readonly n: number;
  readonly v: number;
  readonly gE: number;
  readonly gI: number;
  readonly theta: number;
  readonly iBias: number;
  readonly refUntil: number;
  readonly idx: number;
}

/**
 * A population's state in a fresh fixed-size memory: a header of `headerBytes`, then v, gE, gI, θ
 * and iBias (`Arr`, room for `padded` neurons each), refUntil and the spike indices (int32, room for
 * `padded` rounded up to 16 bytes). n and the arrays' offsets are written to the header's slots;
 * refUntil is −(2³¹ − 1) (not held), and 2³¹ − 1 for the padding neurons, which never integrate or
 * spike. Null when the memory cannot be had (too large for one memory, or address space exhausted).
 */
function allocateState(n: number, padded: number, headerBytes: number, Arr: Float64ArrayConstructor | Float32ArrayConstructor, slots: StateSlots): { memory: NonNullable<ReturnType<typeof fixedMemory>>; header: DataView; state: LifState } | null {
  const floatBytes = Arr.BYTES_PER_ELEMENT * padded;
  const intBytes = (4 * padded + 15) & ~15;
  const offV = headerBytes;
  const offGE = offV + floatBytes;
  const offGI = offGE + floatBytes;
  const offTh = offGI + floatBytes;
  const offIB = offTh + floatBytes;
  const offRef = offIB + floatBytes;
  const offIdx = offRef + intBytes;
  const memory = fixedMemory(offIdx + intBytes);
  if (memory === null) return null;
  const buf = memory.buffer;
  const header = new DataView(buf, 0, headerBytes);
  header.setInt32(slots.n, n, true);
  header.setInt32(slots.v, offV, true);
  header.setInt32(slots.gE, offGE, true);
  header.setInt32(slots.gI, offGI, true);
  header.setInt32(slots.theta, offTh, true);
  header.setInt32(slots.iBias, offIB, true);
  header.setInt32(slots.refUntil, offRef, true);
  header.setInt32(slots.idx, offIdx, true);
  const refAll = new Int32Array(buf, offRef, padded);
  refAll.fill(-0x7fffffff);
  refAll.fill(0x7fffffff, n);
  const state: LifState = {
    n,
    v: new Arr(buf, offV, n),
    gE: new Arr(buf, offGE, n),
    gI: new Arr(buf, offGI, n),
    theta: new Arr(buf, offTh, n),
    iBias: new Arr(buf, offIB, n),
    refUntil: new Int32Array(buf, offRef, n),
    spikes: { idx: new Int32Array(buf, offIdx, n), count: 0 },
  };
  return { memory, header, state };
}

/** core/math.ts's exp constants and tables, and the Taylor coefficients it shares, into a header. */
function writeExpTables(header: DataView): void {
  header.setFloat64(F64.invLn2N, INV_LN2_N, true);
  header.setFloat64(F64.shift, SHIFT, true);
  header.setFloat64(F64.ln2NHi, LN2_N_HI, true);
  header.setFloat64(F64.ln2NLo, LN2_N_LO, true);
  header.setFloat64(F64.c6, 1 / 6, true); // exactly as core/math.ts and lif.ts write them
  header.setFloat64(F64.c24, 1 / 24, true);
  header.setFloat64(F64.c120, 1 / 120, true);
  for (let j = 0; j < 128; j++) {
    header.setFloat64(F64.exp2J + 8 * j, EXP2_J[j], true);
    header.setFloat64(F64.exp2JLo + 8 * j, EXP2_J_LO[j], true);
  }
}

/**
 * The WebAssembly copy of core/math.ts's exp that the conductance kernel uses ($expM), on its own
 * (for the test that compares the two bit for bit); null without WebAssembly SIMD.
 */
export function lifWasmExp(): ((x: number) => number) | null {
  const mod = lifModule();
  const memory = mod === null ? null : fixedMemory(HEADER);
  if (mod === null || memory === null) return null;
  writeExpTables(new DataView(memory.buffer, 0, HEADER));
  const instance = new (wasmApi()!.Instance)(mod, { env: { mem: memory } });
  return instance.exports['exp'] as (x: number) => number;
}
