/**
 * What the WebAssembly kernels share (core/neurons/lif-wasm.ts, core/devices/device-wasm.ts):
 * synchronous compilation from bytes (no Node-only API; modules under the 4 KB that browsers allow
 * on the main thread) and fixed-size memories, allocated once and never grown, so that typed-array
 * views into them never detach.
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
    return new wa.Memory({ initial: pages, maximum: pages });
  } catch {
    return null;
  }
}
