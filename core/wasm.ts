/**
 * What the WebAssembly kernels share (core/neurons/lif-wasm.ts, core/devices/device-wasm.ts,
 * core/synapses/weights-wasm.ts): synchronous compilation from bytes (no Node-only API) and fixed-size
 * memories, allocated once and never grown, so that typed-array views into them never detach; and
 * the weight memories of the synapse stores, which kernels import to work on weights in place.
 */

/** The slice of the WebAssembly JS API used here (lib "dom" is not in this project's tsconfig). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
}

const PAGE = 65536;

/** The host's WebAssembly API, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** Compiles `bytes`; null where WebAssembly, or a feature the module uses (SIMD), is unavailable. */
export function compileWasm(bytes: Uint8Array): object | null {
  const wa = wasmApi();
  try {
    if (wa !== undefined && typeof wa.validate === 'function' && wa.validate(bytes)) return new wa.Module(bytes);
  } catch {
    // fall through: no module
  }
  return null;
}

/**
 * `bytes` compiled on first use and kept: the returned function gives the module, or null where
 * WebAssembly (or a feature the module uses) is unavailable — the same answer on every call.
 */
export function lazyModule(bytes: Uint8Array): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) compiled = compileWasm(bytes);
    return compiled;
  };
}

/** The memories fixedMemory made, by their buffer (a fixed memory's buffer never changes). */
const memories = new WeakMap<ArrayBuffer, { readonly buffer: ArrayBuffer }>();

/**
 * A memory of at least `bytes` bytes that never grows, or null when one 32-bit memory cannot hold
 * it or the address space is exhausted (each memory reserves guard pages): callers then fall back
 * to plain typed arrays and their JavaScript kernel.
 */
export function fixedMemory(bytes: number): { readonly buffer: ArrayBuffer } | null {
  const wa = wasmApi();
  if (wa === undefined || bytes > 0x7fff0000) return null;
  const pages = Math.ceil(bytes / PAGE);
  try {
    const memory = new wa.Memory({ initial: pages, maximum: pages });
    memories.set(memory.buffer, memory);
    return memory;
  } catch {
    return null;
  }
}

/**
 * The fixed memory that holds `view` (made by fixedMemory), or null for a plain typed array: a
 * kernel module can then import that memory and work on the array in place.
 */
export function memoryOf(view: ArrayBufferView): { readonly buffer: ArrayBuffer } | null {
  return memories.get(view.buffer as ArrayBuffer) ?? null;
}

/**
 * Bytes at the start of a weight memory (weightArrays) left to kernels that work on the weights in
 * place (core/synapses/weights-wasm.ts lays out its constants, per-column sums and pulse lists there).
 */
export const WEIGHT_WORK_BYTES = 131072;

/**
 * Stores smaller than this keep plain arrays: their normalisation costs little either way, and
 * every WebAssembly memory reserves its own guard region of address space (V8 allows about a
 * hundred alive at once), so small projections should not spend one.
 */
export const WEIGHT_MEMORY_MIN_SIZE = 4096;

/**
 * `count` Float32Arrays of `size` zeros — a store's weights (and its residual) — in one fixed
 * memory after a WEIGHT_WORK_BYTES work area, 16-byte aligned, so that SIMD kernels can read and
 * write them in place; plain Float32Arrays below WEIGHT_MEMORY_MIN_SIZE, where WebAssembly is
 * unavailable or when the memory cannot be had.
 */
export function weightArrays(size: number, count: number): Float32Array[] {
  const stride = (4 * size + 15) & ~15;
  const memory = size < WEIGHT_MEMORY_MIN_SIZE ? null : fixedMemory(WEIGHT_WORK_BYTES + count * stride);
  const out: Float32Array[] = [];
  for (let c = 0; c < count; c++) out.push(memory === null ? new Float32Array(size) : new Float32Array(memory.buffer, WEIGHT_WORK_BYTES + c * stride, size));
  return out;
}
