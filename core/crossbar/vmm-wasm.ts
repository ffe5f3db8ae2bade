/**
 * WebAssembly SIMD column sums for the crossbar vmm (kernel.ts `vmmKernel`), bit-identical to its
 * JavaScript loops (scripts/vmm-kernels.wat states why).
 *
 * Why: the column sums are the vmm's cost — rows × cols multiply-adds per product, 313 600 for
 * 784 × 400. The JavaScript loop loads and stores acc[j] for every driven row and column; the
 * SIMD kernel keeps eight columns' sums in registers over all driven rows of a tile.
 *
 * Memory: a Crossbar of at least VMM_WASM_MIN_CELLS cells owns one `WebAssembly.Memory` of a fixed
 * size (allocated at build, never grown, so the views below never detach) holding ŵ and ŝ²
 * (Float32, rows × cols), acc and var (Float64, cols) and the driven-row list of one tile (Int32
 * row indices, Float64 inputs; rows entries). The VmmState's arrays are these views. Where
 * WebAssembly SIMD is unavailable or the memory cannot be reserved, `createVmmWasm` returns null and
 * the Crossbar uses plain typed arrays and the JavaScript loops.
 */
import { fixedMemory, lazyModule, wasmApi } from '../wasm.js';
import { VMM_WASM_BYTES } from './vmm-wasm-bytes.js';

/** Smallest crossbar (rows × cols) that gets the WebAssembly kernel by default: below it a call is too short to gain. */
export const VMM_WASM_MIN_CELLS = 4096;

const vmmModule = lazyModule(VMM_WASM_BYTES);

/** True when the WebAssembly SIMD vmm kernel can run here. */
export function vmmWasmAvailable(): boolean {
  return vmmModule() !== null;
}

/** The crossbar's kernel arrays in WebAssembly memory and the column-sum entry points (byte offsets bound). */
export interface VmmWasm {
  readonly w: Float32Array;
  readonly s2: Float32Array;
  readonly acc: Float64Array;
  readonly var: Float64Array;
  /** driven rows of the current tile, in row order */
  readonly listRows: Int32Array;
  /** their quantised inputs */
  readonly listInputs: Float64Array;
  /** acc[j] += Σ_k u_k·ŵ[row_k, j] over the first m list entries */
  columns(m: number): void;
  /** the same, and var[j] += Σ_k u_k²·ŝ²[row_k, j] */
  columnsNoisy(m: number): void;
  /** bytes of the memory */
  readonly bytes: number;
}

/** The WebAssembly arrays and kernel of a rows × cols crossbar, or null where unavailable. */
export function createVmmWasm(rows: number, cols: number): VmmWasm | null {
  const mod = vmmModule();
  if (mod === null) return null;
  const n = rows * cols;
  const align8 = (b: number): number => Math.ceil(b / 8) * 8;
  // f64 arrays first (8-byte aligned), then the Int32 and Float32 ones.
  const offAcc = 0;
  const offVar = offAcc + 8 * cols;
  const offU = offVar + 8 * cols;
  const offRows = offU + 8 * rows;
  const offW = align8(offRows + 4 * rows);
  const offS2 = align8(offW + 4 * n);
  const end = offS2 + 4 * n;
  const memory = fixedMemory(end);
  if (memory === null) return null;
  const buf = memory.buffer;
  const instance = new (wasmApi()!.Instance)(mod, { env: { mem: memory } });
  const columns = instance.exports['columns'] as (m: number, cols: number, w: number, rows: number, us: number, acc: number) => void;
  const columnsNoisy = instance.exports['columnsNoisy'] as (m: number, cols: number, w: number, s2: number, rows: number, us: number, acc: number, v: number) => void;
  return {
    w: new Float32Array(buf, offW, n),
    s2: new Float32Array(buf, offS2, n),
    acc: new Float64Array(buf, offAcc, cols),
    var: new Float64Array(buf, offVar, cols),
    listRows: new Int32Array(buf, offRows, rows),
    listInputs: new Float64Array(buf, offU, rows),
    columns: (m: number): void => columns(m, cols, offW, offRows, offU, offAcc),
    columnsNoisy: (m: number): void => columnsNoisy(m, cols, offW, offS2, offRows, offU, offAcc, offVar),
    bytes: buf.byteLength,
  };
}
