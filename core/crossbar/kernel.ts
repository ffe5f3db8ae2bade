/**
 * The crossbar vmm kernel: tiled, quantised, noisy vector-matrix product over a cached effective
 * weight matrix. Allocation-free; no validation (the Crossbar validated everything at build).
 *
 * For each row tile r (rows [r0, r1)) — all column tiles of that row band at once, since every
 * logical column belongs to exactly one tile of the band:
 *
 *   α_r   = dacRange, or max_{i∈r}|x_i| (ABS_MAX; the tile is skipped when α_r = 0)
 *   x̂_i   = q_DAC(clip(x_i/α_r, −1, 1)),   q_b(u) = round(u·L_b)/L_b,  L_b = 2^(b−1) − 1
 *   a_j   = Σ_{i∈r} x̂_i·ŵ_ij                                   (analog column sum, normalised)
 *   v_j   = Σ_{i∈r} x̂_i²·ŝ²_ij + outNoise²                     (read noise + output noise variance)
 *   ŷ_j   = a_j + √v_j·ξ_j,   ξ_j ~ N(0, 1), one draw per column per tile
 *   y_j  += α_r·q_ADC(clip(ŷ_j, −B, B))·B⁻¹·B                   (digital accumulation over row tiles)
 *   out_j = γ·wScale·y_j
 *
 * ŵ_ij = (Ĝ+_ij − Ĝ−_ij)/ΔG is the drifted, IR-drop-effective conductance difference in units of the
 * span ΔG that encodes the largest weight; ŝ²_ij the per-cell read-noise variance in the same units.
 * Per-device Gaussian read noise summed along a column is exactly Gaussian with variance
 * Σ_i x̂_i²σ_ij² (independent devices), so one normal per column replaces rows × cols draws.
 * Rows with x̂_i = 0 are skipped (rate-coded inputs are mostly zeros). The column sums run as
 * WebAssembly SIMD where available (vmm-wasm.ts; bit-identical to the loops below).
 *
 * Energy per vmm [nJ]: t_read·Σ_i (x̂_i·V_read)²·Σ_j (G+_ij + G−_ij)·10⁻⁶ (mV²·µS·ms = 10⁻⁶ nJ; IR
 * drop ignored, an upper bound) + DAC conversions (driven rows × column tiles)·E_DAC + ADC
 * conversions (columns × row tiles)·E_ADC.
 */
import type { RandomStream } from '../random.js';
import type { VmmWasm } from './vmm-wasm.js';

/** Everything the kernel reads, prepared by the Crossbar (fixed shape; arrays reused). */
export interface VmmState {
  readonly rows: number;
  readonly cols: number;
  /** rows per row tile */
  readonly tileRows: number;
  /** number of column tiles (for DAC counting) */
  readonly colTiles: number;
  /** effective normalised weights ŵ, row-major rows × cols (row = input) */
  readonly w: Float32Array;
  /** per-cell normalised read-noise variance ŝ², row-major; used when noisePerCell */
  readonly s2: Float32Array;
  /** Σ_j (G+_ij + G−_ij) per row [µS] (energy) */
  readonly rowG: Float64Array;
  /** scratch: quantised inputs, column sums, variances */
  readonly xq: Float64Array;
  readonly acc: Float64Array;
  readonly var: Float64Array;
  readonly noise: RandomStream;
  /** the SIMD column sums (vmm-wasm.ts), whose memory holds w, s2, acc and var; null: JavaScript loops */
  readonly wasm: VmmWasm | null;
  // Settings resolved at build / setAge (numbers, no strings in the loop).
  /** true when read noise is on */
  noisePerCell: boolean;
  /** outNoise² */
  outVar: number;
  /** fixed DAC range, or 0 for ABS_MAX */
  dacRange: number;
  /** DAC levels L (0 = no quantisation) */
  dacLevels: number;
  /** ADC levels L (0 = no quantisation) */
  adcLevels: number;
  /** ADC bound B (Infinity = no saturation) */
  adcRange: number;
  /** wScale·γ: normalised output → weight units × input units */
  outScale: number;
  /** t_read·V_read²·10⁻⁶ [nJ/µS] */
  energyPerG: number;
  dacEnergy: number;
  adcEnergy: number;
  /** energy of the last vmm [nJ] */
  lastEnergy: number;
}

/**
 * out = crossbar(x): the tiled vmm. `out` has length cols, `x` length rows. Returns out.
 */
export function vmmKernel(out: Float32Array | Float64Array, x: ArrayLike<number>, st: VmmState): Float32Array | Float64Array {
  const { rows, cols, tileRows, w, s2, xq, acc, noise, wasm } = st;
  const vr = st.var;
  const noisy = st.noisePerCell;
  const outVar = st.outVar;
  const dacLevels = st.dacLevels, adcLevels = st.adcLevels, adcRange = st.adcRange;
  const anyNoise = noisy || outVar > 0;
  const saturate = adcRange !== Infinity;
  let energyG = 0;
  let driven = 0;
  let rowTiles = 0;
  for (let j = 0; j < cols; j++) out[j] = 0;
  for (let r0 = 0; r0 < rows; r0 += tileRows) {
    const r1 = r0 + tileRows < rows ? r0 + tileRows : rows;
    rowTiles++;
    // DAC: range α and quantised, normalised inputs.
    let alpha = st.dacRange;
    if (alpha === 0) {
      for (let i = r0; i < r1; i++) { const a = x[i] < 0 ? -x[i] : x[i]; if (a > alpha) alpha = a; }
      if (alpha === 0) continue;
    }
    const inv = 1 / alpha;
    let any = false;
    for (let i = r0; i < r1; i++) {
      let u = x[i] * inv;
      if (u > 1) u = 1; else if (u < -1) u = -1;
      if (dacLevels > 0) u = Math.round(u * dacLevels) / dacLevels;
      xq[i] = u;
      if (u !== 0) { any = true; driven++; energyG += u * u * st.rowG[i]; }
    }
    if (!any && !anyNoise) continue;
    // Analog column sums (and read-noise variances), skipping zero inputs.
    for (let j = 0; j < cols; j++) acc[j] = 0;
    if (noisy) for (let j = 0; j < cols; j++) vr[j] = outVar;
    if (wasm !== null) {
      // The same sums by the SIMD kernel (vmm-wasm.ts) over the list of driven rows.
      const listRows = wasm.listRows, listInputs = wasm.listInputs;
      let m = 0;
      for (let i = r0; i < r1; i++) {
        const u = xq[i];
        if (u !== 0) { listRows[m] = i; listInputs[m] = u; m++; }
      }
      if (noisy) wasm.columnsNoisy(m);
      else wasm.columns(m);
    } else if (noisy) {
      for (let i = r0; i < r1; i++) {
        const u = xq[i];
        if (u === 0) continue;
        const u2 = u * u;
        const row = i * cols;
        for (let j = 0; j < cols; j++) { acc[j] += u * w[row + j]; vr[j] += u2 * s2[row + j]; }
      }
    } else {
      for (let i = r0; i < r1; i++) {
        const u = xq[i];
        if (u === 0) continue;
        const row = i * cols;
        // Unrolled by 4 (one loop test and one index computation per four multiply-adds); every acc[j]
        // sees the same operations in the same order.
        let j = 0;
        for (; j + 3 < cols; j += 4) {
          const b = row + j;
          acc[j] += u * w[b]; acc[j + 1] += u * w[b + 1]; acc[j + 2] += u * w[b + 2]; acc[j + 3] += u * w[b + 3];
        }
        for (; j < cols; j++) acc[j] += u * w[row + j];
      }
    }
    // Noise, ADC saturation and quantisation, digital accumulation.
    for (let j = 0; j < cols; j++) {
      let y = acc[j];
      if (noisy) y += Math.sqrt(vr[j]) * noise.normal();
      else if (outVar > 0) y += Math.sqrt(outVar) * noise.normal();
      if (saturate) { if (y > adcRange) y = adcRange; else if (y < -adcRange) y = -adcRange; }
      if (adcLevels > 0) y = (Math.round((y / adcRange) * adcLevels) / adcLevels) * adcRange;
      out[j] += alpha * y;
    }
  }
  const scale = st.outScale;
  for (let j = 0; j < cols; j++) out[j] *= scale;
  st.lastEnergy = energyG * st.energyPerG + driven * st.colTiles * st.dacEnergy + rowTiles * cols * st.adcEnergy;
  return out;
}

/** Signed quantiser with L positive levels over [−range, range], saturating: the DAC/ADC law. */
export function quantizeSigned(value: number, levels: number, range: number): number {
  let u = value / range;
  if (u > 1) u = 1; else if (u < -1) u = -1;
  return levels > 0 ? (Math.round(u * levels) / levels) * range : u * range;
}
