/**
 * The MLP's three kernels, over one heap: a WebAssembly SIMD module (scripts/mlp-kernels.wat) and
 * JavaScript twins that give the same Float32 results bit for bit.
 *
 *   axpyRows(out, n, w, offs, xs, m):     out[j] += xs[k]·w[offs[k] + j]   k = 0 … m−1 in order, j < n
 *   scatterRows(out, n, offs, xs, m, src): out[offs[k] + j] += xs[k]·src[j]  k = 0 … m−1 in order, j < n
 *   reluList(z, n, offs, xs, units, stride) → c: z ← max(z, 0) in place, and for each j < n in
 *       order: offs[c] = j·stride, xs[c] = z[j], units[c] = j, then c += 1 if z[j] > 0 (so the
 *       list holds the positive entries, and the slot after it is scratch)
 *   reluMask(d, a, n):                      d[j] ← a[j] > 0 ? d[j] : +0        j < n
 *   adam(w, g, m, v, count, β1, c1, β2, c2, a, e):
 *       m ← β1·m + c1·g;  v ← β2·v + (c2·g)·g;  w ← w − (a·m)/(√v + e)
 *   sgd(w, g, u, count, μ, η):  u ← μ·u + g;  w ← w − η·u
 *
 * Every argument naming an array is an element index into the heap (one ArrayBuffer seen as
 * Float32 and Int32; `offs` holds Int32 element offsets relative to `w`). axpyRows is the one
 * product of training and inference: with a sample's non-zero inputs as the list it is a layer's
 * forward pass (x·W skipping zeros — MNIST images are 81 % zeros, ReLU outputs about half), with the
 * samples that drive an input it is that input's row of the weight gradient, with a row of errors
 * and the transposed weights it back-propagates, with xs = 1 it sums a bias gradient. scatterRows
 * adds one sample's outer product into a gradient (the same sums in the same order as axpyRows over
 * the samples, cheaper for narrow layers); reluMask applies the ReLU's derivative.
 *
 * Arithmetic: IEEE-754 single precision, each operation rounded to Float32, in the order written.
 * The JavaScript twins compute in double and round each result with Math.fround (for +, −, ×, ÷ and
 * √ this gives exactly the Float32 result: double has more than 2·24 + 2 bits). They are the
 * reference and the fallback where WebAssembly SIMD is unavailable; the SIMD module is ≈ 12× faster
 * (docs/benchmarks.md, "MLP training").
 *
 * Memory: the heap is allocated once per engine and never grows (core/wasm.ts `fixedMemory`), so
 * typed-array views into it never detach.
 */
import { fixedMemory, lazyModule, wasmApi } from '../../core/wasm.js';
import { MLP_WASM_BYTES } from './mlp-wasm-bytes.js';

/** Which kernels an engine uses: WebAssembly SIMD, the JavaScript twins, or SIMD where available. */
export type MlpKernelChoice = 'auto' | 'wasm' | 'js';

/** The kernels bound to one heap (see the module header for their definitions). */
export interface MlpKernels {
  /** 'wasm' or 'js' */
  readonly kind: 'wasm' | 'js';
  /** the heap as Float32 and as Int32 (the same bytes) */
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  axpyRows(out: number, n: number, w: number, offs: number, xs: number, m: number): void;
  scatterRows(out: number, n: number, offs: number, xs: number, m: number, src: number): void;
  reluList(z: number, n: number, offs: number, xs: number, units: number, stride: number): number;
  reluMask(d: number, a: number, n: number): void;
  adam(w: number, g: number, m: number, v: number, count: number, b1: number, c1: number, b2: number, c2: number, a: number, e: number): void;
  sgd(w: number, g: number, u: number, count: number, mu: number, eta: number): void;
}

const mlpModule = lazyModule(MLP_WASM_BYTES);

/** True when the WebAssembly SIMD MLP kernels can run here. */
export function mlpWasmAvailable(): boolean {
  return mlpModule() !== null;
}

/**
 * A heap of `elements` 4-byte elements (zeroed) with its kernels: WebAssembly SIMD for 'wasm' (an
 * Error where it is unavailable) and for 'auto' where available, else the JavaScript twins.
 */
export function createMlpKernels(elements: number, choice: MlpKernelChoice = 'auto'): MlpKernels {
  if (choice !== 'js') {
    const k = wasmKernels(elements);
    if (k !== null) return k;
    if (choice === 'wasm') {
      throw new Error(
        `kernel 'wasm': WebAssembly SIMD is not available here (or a fixed memory of ${elements * 4} bytes cannot be reserved); use kernel 'auto' or 'js' (the same results, ≈ 12× slower).`,
      );
    }
  }
  return jsKernels(new ArrayBuffer(elements * 4));
}

function wasmKernels(elements: number): MlpKernels | null {
  const mod = mlpModule();
  if (mod === null) return null;
  const memory = fixedMemory(elements * 4);
  if (memory === null) return null;
  const ex = new (wasmApi()!.Instance)(mod, { env: { mem: memory } }).exports;
  return {
    kind: 'wasm',
    f32: new Float32Array(memory.buffer, 0, elements),
    i32: new Int32Array(memory.buffer, 0, elements),
    axpyRows: ex['axpyRows'] as MlpKernels['axpyRows'],
    scatterRows: ex['scatterRows'] as MlpKernels['scatterRows'],
    reluList: ex['reluList'] as MlpKernels['reluList'],
    reluMask: ex['reluMask'] as MlpKernels['reluMask'],
    adam: ex['adam'] as MlpKernels['adam'],
    sgd: ex['sgd'] as MlpKernels['sgd'],
  };
}

const fr = Math.fround;

/** The JavaScript twins over a plain buffer (exported for the side-by-side tests). */
export function jsKernels(buffer: ArrayBuffer): MlpKernels {
  const F = new Float32Array(buffer);
  const I = new Int32Array(buffer);
  return {
    kind: 'js',
    f32: F,
    i32: I,
    axpyRows: (out, n, w, offs, xs, m) => axpyRowsJs(F, I, out, n, w, offs, xs, m),
    scatterRows: (out, n, offs, xs, m, src) => scatterRowsJs(F, I, out, n, offs, xs, m, src),
    reluList: (z, n, offs, xs, units, stride) => reluListJs(F, I, z, n, offs, xs, units, stride),
    reluMask: (d, a, n) => reluMaskJs(F, d, a, n),
    adam: (w, g, m, v, count, b1, c1, b2, c2, a, e) => adamJs(F, w, g, m, v, count, fr(b1), fr(c1), fr(b2), fr(c2), fr(a), fr(e)),
    sgd: (w, g, u, count, mu, eta) => sgdJs(F, w, g, u, count, fr(mu), fr(eta)),
  };
}

/** out[j] += xs[k]·w[offs[k] + j], k in order, each product and sum rounded to Float32. Four list entries per pass over out. */
export function axpyRowsJs(F: Float32Array, I: Int32Array, out: number, n: number, w: number, offs: number, xs: number, m: number): void {
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    const x0 = F[xs + k];
    const x1 = F[xs + k + 1];
    const x2 = F[xs + k + 2];
    const x3 = F[xs + k + 3];
    const r0 = w + I[offs + k];
    const r1 = w + I[offs + k + 1];
    const r2 = w + I[offs + k + 2];
    const r3 = w + I[offs + k + 3];
    for (let j = 0; j < n; j++) {
      let h = F[out + j];
      h = fr(h + fr(x0 * F[r0 + j]));
      h = fr(h + fr(x1 * F[r1 + j]));
      h = fr(h + fr(x2 * F[r2 + j]));
      h = fr(h + fr(x3 * F[r3 + j]));
      F[out + j] = h;
    }
  }
  for (; k < m; k++) {
    const x = F[xs + k];
    const r = w + I[offs + k];
    for (let j = 0; j < n; j++) F[out + j] = fr(F[out + j] + fr(x * F[r + j]));
  }
}

/** out[offs[k] + j] += xs[k]·src[j], k in order, each product and sum rounded to Float32. */
export function scatterRowsJs(F: Float32Array, I: Int32Array, out: number, n: number, offs: number, xs: number, m: number, src: number): void {
  for (let k = 0; k < m; k++) {
    const x = F[xs + k];
    const r = out + I[offs + k];
    for (let j = 0; j < n; j++) F[r + j] = fr(F[r + j] + fr(x * F[src + j]));
  }
}

/**
 * ReLU of z[0, n) in place and the list of its positive entries; returns their number. Like the
 * SIMD module (which writes without a branch), every entry is written at the list's end, which
 * moves on only for a positive value: the slot after the list may hold a non-positive entry.
 */
export function reluListJs(F: Float32Array, I: Int32Array, z: number, n: number, offs: number, xs: number, units: number, stride: number): number {
  let c = 0;
  for (let j = 0; j < n; j++) {
    const a = F[z + j];
    I[offs + c] = j * stride;
    F[xs + c] = a;
    I[units + c] = j;
    if (a > 0) c++;
    else F[z + j] = 0;
  }
  return c;
}

/** d[j] ← d[j] where a[j] > 0, else +0. */
export function reluMaskJs(F: Float32Array, d: number, a: number, n: number): void {
  for (let j = 0; j < n; j++) if (!(F[a + j] > 0)) F[d + j] = 0;
}

/** Adam's update over count values (β1, c1, β2, c2, a, e already Float32). */
export function adamJs(F: Float32Array, w: number, g: number, m: number, v: number, count: number, b1: number, c1: number, b2: number, c2: number, a: number, e: number): void {
  for (let k = 0; k < count; k++) {
    const gk = F[g + k];
    const mk = fr(fr(b1 * F[m + k]) + fr(c1 * gk));
    const vk = fr(fr(b2 * F[v + k]) + fr(fr(c2 * gk) * gk));
    F[m + k] = mk;
    F[v + k] = vk;
    F[w + k] = fr(F[w + k] - fr(fr(a * mk) / fr(fr(Math.sqrt(vk)) + e)));
  }
}

/** SGD with momentum over count values (μ, η already Float32). */
export function sgdJs(F: Float32Array, w: number, g: number, u: number, count: number, mu: number, eta: number): void {
  for (let k = 0; k < count; k++) {
    const uk = fr(fr(mu * F[u + k]) + F[g + k]);
    F[u + k] = uk;
    F[w + k] = fr(F[w + k] - fr(eta * uk));
  }
}
