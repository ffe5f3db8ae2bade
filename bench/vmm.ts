/**
 * `memspike bench vmm --rows 784 --cols 400 [--json]`: crossbar vector-matrix products per second
 * with every IO non-ideality off (ideal device, IO_IDEAL, exact programming) and on (hfs2, IO_HFS2_PAPER: 8-bit DAC/ADC,
 * read noise, output noise, drift at one day with global compensation, IR drop, 256 × 256 tiles),
 * the ideal crossbar's error against an exact float64 matrix product, and the IR-drop
 * approximation's error against the exact nodal solve on a 64 × 64 differential array.
 *
 * Inputs: rate-coded-like vectors — a fraction `--zeros` of entries 0 (MNIST pixels are ~81 % zero),
 * the rest uniform in (0, 1] — and, for the dense figure, every entry uniform in [−1, 1].
 * Weights: uniform in [−1, 1]. All draws seeded. The non-ideal crossbar is also timed with the
 * JavaScript column sums (`wasm: false`; same outputs) so that the WebAssembly kernel's gain is a
 * ratio within one run.
 */
import type { Benchmark } from './types.js';
import { RandomStream } from '../core/random.js';
import { createCrossbar, IO_IDEAL, IO_HFS2_PAPER, irDropEffective, solveWireNetwork } from '../core/crossbar/index.js';
import { devicePreset } from '../core/devices/presets.js';
import { deviceParams } from '../core/devices/params.js';

function timeLoop(fn: (k: number) => void, minMs: number): { perS: number; n: number } {
  for (let k = 0; k < 20; k++) fn(k); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let k = 0; k < 50; k++) fn(n++);
    t = performance.now();
  }
  return { perS: (n * 1000) / (t - t0), n };
}

/** Max over columns of |approx − exact| / max|exact| for `trials` random inputs; also the uncorrected error. */
export function irDropError(nR: number, nLogical: number, gMin: number, gMax: number, ohm: number, seed: string, trials = 3): { approx: number; uncorrected: number } {
  const rs = new RandomStream(seed);
  const nC = 2 * nLogical;
  const g = new Float64Array(nR * nC);
  for (let t = 0; t < g.length; t++) g[t] = gMin + (gMax - gMin) * rs.uniform();
  const ge = new Float64Array(nR * nC);
  irDropEffective(ge, g, nR, nC, ohm, ohm);
  let approx = 0, uncorrected = 0;
  const v = new Float64Array(nR), ex = new Float64Array(nC), ap = new Float64Array(nC), id = new Float64Array(nC);
  for (let trial = 0; trial < trials; trial++) {
    for (let i = 0; i < nR; i++) v[i] = trial === 0 ? 100 : 200 * rs.uniform() - 100;
    solveWireNetwork(ex, g, v, nR, nC, ohm, ohm);
    ap.fill(0); id.fill(0);
    for (let i = 0; i < nR; i++) for (let k = 0; k < nC; k++) { ap[k] += v[i] * ge[i * nC + k]; id[k] += v[i] * g[i * nC + k]; }
    // Differential outputs (G+ − G− columns), as the crossbar reads them.
    let m = 0;
    for (let j = 0; j < nLogical; j++) m = Math.max(m, Math.abs(ex[2 * j] - ex[2 * j + 1]));
    for (let j = 0; j < nLogical; j++) {
      const e = ex[2 * j] - ex[2 * j + 1];
      approx = Math.max(approx, Math.abs(ap[2 * j] - ap[2 * j + 1] - e) / m);
      uncorrected = Math.max(uncorrected, Math.abs(id[2 * j] - id[2 * j + 1] - e) / m);
    }
  }
  return { approx, uncorrected };
}

export const vmmBench: Benchmark = {
  name: 'vmm',
  description: 'crossbar vmm/s with IO non-idealities off and on; ideal error vs an exact product; IR-drop approximation error',
  options: [
    { flag: '--rows <n>', key: 'rows', description: 'inputs (crossbar rows)', type: 'int', min: 1, default: 784 },
    { flag: '--cols <n>', key: 'cols', description: 'outputs (crossbar columns)', type: 'int', min: 1, default: 400 },
    { flag: '--tile <n>', key: 'tile', description: 'largest tile side (rows and columns)', type: 'int', min: 1, default: 256 },
    { flag: '--zeros <fraction>', key: 'zeros', description: 'fraction of zero inputs in the rate-coded vectors', type: 'number', min: 0, default: 0.8 },
    { flag: '--seed <n>', key: 'seed', description: 'seed', type: 'int', min: 0, default: 1 },
    { flag: '--ms <n>', key: 'ms', description: 'minimum timing per figure [ms]', type: 'int', min: 1, default: 1000 },
  ],
  // three crossbars of the same size (ideal, ideal open loop, hfs2 with IO non-idealities), the
  // weights, the IR-drop model: about 300 B per cell (measured: 1.18 GB resident at 2000 × 2000)
  memory: (opts) => {
    const rows = opts['rows'] as number, cols = opts['cols'] as number;
    return rows >= cols
      ? { flag: '--rows', value: rows, bytes: (r) => 300 * r * cols, arrayLength: (r) => r * cols }
      : { flag: '--cols', value: cols, bytes: (c) => 300 * rows * c, arrayLength: (c) => rows * c };
  },
  run(opts: Record<string, unknown>, log: (line: string) => void): Record<string, unknown> {
    const rows = opts['rows'] as number, cols = opts['cols'] as number, tile = opts['tile'] as number;
    const zeros = opts['zeros'] as number, seed = opts['seed'] as number, ms = opts['ms'] as number;
    if (!(zeros < 1)) throw new Error(`--zeros ${zeros}: expected a fraction in [0, 1).`);
    const rs = new RandomStream(`${seed}/bench/vmm`);
    const w = new Float32Array(rows * cols);
    for (let t = 0; t < w.length; t++) w[t] = 2 * rs.uniform() - 1;
    const nVec = 64;
    const sparse: Float64Array[] = [], dense: Float64Array[] = [];
    for (let k = 0; k < nVec; k++) {
      const s = new Float64Array(rows), d = new Float64Array(rows);
      for (let i = 0; i < rows; i++) { s[i] = rs.uniform() < zeros ? 0 : 1 - rs.uniform(); d[i] = 2 * rs.uniform() - 1; }
      sparse.push(s); dense.push(d);
    }
    const out = new Float64Array(cols);

    // 1. Ideal crossbar: ideal device, IO_IDEAL, exact (perfect) programming; and the same device
    //    programmed open loop through its fit (65537 levels: quantised to 1.5e-5 of the window).
    log(`vmm: ${rows} × ${cols}, tiles ≤ ${tile} × ${tile}; programming the ideal crossbar`);
    const ideal = createCrossbar({ rows, cols, device: 'ideal', io: IO_IDEAL, tileRows: tile, tileCols: tile, seed });
    ideal.program(w, { mode: 'exact' });
    const idealOpen = createCrossbar({ rows, cols, device: 'ideal', io: IO_IDEAL, tileRows: tile, tileCols: tile, seed });
    idealOpen.program(w, { mode: 'open-loop' });
    const exact = new Float64Array(cols);
    const errorsOf = (xb: typeof ideal): [number, number] => {
      let maxAbs = 0, maxRel = 0;
      for (const x of [...sparse, ...dense]) {
        exact.fill(0);
        for (let i = 0; i < rows; i++) { const xi = x[i]; if (xi === 0) continue; for (let j = 0; j < cols; j++) exact[j] += xi * w[i * cols + j]; }
        xb.vmm(out, x);
        let m = 0, e = 0;
        for (let j = 0; j < cols; j++) { m = Math.max(m, Math.abs(exact[j])); e = Math.max(e, Math.abs(out[j] - exact[j])); }
        maxAbs = Math.max(maxAbs, e);
        maxRel = Math.max(maxRel, e / m);
      }
      return [maxAbs, maxRel];
    };
    const [maxAbs, maxRel] = errorsOf(ideal);
    const [openAbs, openRel] = errorsOf(idealOpen);
    log(`ideal: max_abs_err ${maxAbs.toExponential(3)}, max_rel_err ${maxRel.toExponential(3)} (relative to max|y|); open-loop on the ideal device ${openRel.toExponential(3)}`);
    const tIdeal = timeLoop((k) => ideal.vmm(out, sparse[k % nVec]), ms);
    log(`ideal: ${tIdeal.perS.toFixed(0)} vmm/s (rate-coded inputs, ${Math.round(zeros * 100)} % zeros)`);

    // 2. Non-ideal: hfs2 + IO_HFS2_PAPER, open loop, one day after programming.
    log('programming the hfs2 crossbar (IO_HFS2_PAPER: 8-bit DAC/ADC, noise, IR drop, drift + global compensation)');
    const hw = createCrossbar({ rows, cols, device: 'hfs2', io: IO_HFS2_PAPER, tileRows: tile, tileCols: tile, seed });
    const t0 = performance.now();
    const rep = hw.program(w, { mode: 'open-loop' });
    const tProg = performance.now() - t0;
    const t1 = performance.now();
    hw.setAge(86_400_000);
    const tAge = performance.now() - t1;
    log(`hfs2: ${rep.pulses} pulses, ${rep.energy_nJ.toExponential(3)} nJ, program ${tProg.toFixed(0)} ms, setAge(1 day) ${tAge.toFixed(0)} ms, compensation γ = ${hw.compensation.toFixed(4)}`);
    // Accuracy of the non-ideal crossbar (information; before the timing loops so the read-noise
    // stream's position, hence the figure, does not depend on the machine's speed): error relative to max|y|, rate-coded inputs.
    let hwRel = 0;
    for (const x of sparse.slice(0, 16)) {
      exact.fill(0);
      for (let i = 0; i < rows; i++) { const xi = x[i]; if (xi === 0) continue; for (let j = 0; j < cols; j++) exact[j] += xi * w[i * cols + j]; }
      hw.vmm(out, x);
      let m = 0, e = 0;
      for (let j = 0; j < cols; j++) { m = Math.max(m, Math.abs(exact[j])); e += (out[j] - exact[j]) ** 2; }
      hwRel = Math.max(hwRel, Math.sqrt(e / cols) / m);
    }

    const tHw = timeLoop((k) => hw.vmm(out, sparse[k % nVec]), ms);
    const energy = hw.lastEnergy_nJ;
    const tHwDense = timeLoop((k) => hw.vmm(out, dense[k % nVec]), ms);
    log(`hfs2: ${tHw.perS.toFixed(0)} vmm/s rate-coded, ${tHwDense.perS.toFixed(0)} vmm/s dense${hw.wasmKernel ? ' (WebAssembly SIMD column sums)' : ''}`);
    // The same crossbar with the JavaScript column sums (same seed, same outputs): the kernel's gain in this run.
    const hwJs = createCrossbar({ rows, cols, device: 'hfs2', io: IO_HFS2_PAPER, tileRows: tile, tileCols: tile, seed, wasm: false });
    hwJs.program(w, { mode: 'open-loop' });
    hwJs.setAge(86_400_000);
    const tJs = timeLoop((k) => hwJs.vmm(out, sparse[k % nVec]), ms);
    const tJsDense = timeLoop((k) => hwJs.vmm(out, dense[k % nVec]), ms);
    log(`hfs2, JavaScript column sums: ${tJs.perS.toFixed(0)} vmm/s rate-coded, ${tJsDense.perS.toFixed(0)} vmm/s dense`);
    // Same with per-device read noise (hfs2 has none: its spread is write noise): σ = 1 % of g.
    const noisyDev = deviceParams(devicePreset('hfs2'), { readNoise: { abs: 0, rel: 0.01 } });
    const hwNoisy = createCrossbar({ rows, cols, device: noisyDev, io: IO_HFS2_PAPER, tileRows: tile, tileCols: tile, seed });
    hwNoisy.program(w, { mode: 'open-loop' });
    hwNoisy.setAge(86_400_000);
    const tHwNoisy = timeLoop((k) => hwNoisy.vmm(out, sparse[k % nVec]), ms);
    log(`hfs2 + 1 % read noise: ${tHwNoisy.perS.toFixed(0)} vmm/s rate-coded`);
    // 3. IR-drop approximation vs the exact nodal solve, 64 × 64 differential.
    const hfs2 = devicePreset('hfs2');
    const irPreset = irDropError(64, 64, hfs2.gMin, hfs2.gMax, IO_HFS2_PAPER.rowWireResistance, `${seed}/ir/a`);
    const irStress = irDropError(64, 64, 1, 25, 2, `${seed}/ir/b`);
    log(`IR drop 64×64: approx err ${irPreset.approx.toExponential(2)} (uncorrected ${irPreset.uncorrected.toExponential(2)}) at the hfs2 preset; ${irStress.approx.toExponential(2)} (uncorrected ${irStress.uncorrected.toExponential(2)}) at 2 Ω, 1–25 µS`);

    return {
      bench: 'vmm',
      rows,
      cols,
      tile,
      input_zero_fraction: zeros,
      vmm_per_s_ideal: Math.round(tIdeal.perS),
      vmm_per_s_nonideal: Math.round(tHw.perS),
      vmm_per_s_nonideal_dense: Math.round(tHwDense.perS),
      vmm_per_s_nonideal_read_noise: Math.round(tHwNoisy.perS),
      vmm_per_s_nonideal_js_kernel: Math.round(tJs.perS),
      vmm_per_s_nonideal_dense_js_kernel: Math.round(tJsDense.perS),
      wasm_kernel: hw.wasmKernel,
      max_abs_err: maxAbs,
      max_rel_err: maxRel,
      max_abs_err_open_loop_ideal_device: openAbs,
      max_rel_err_open_loop_ideal_device: openRel,
      nonideal_rms_rel_err: hwRel,
      ir_drop_max_rel_err: irPreset.approx,
      ir_drop_uncorrected_rel_err: irPreset.uncorrected,
      ir_drop_stress_max_rel_err: irStress.approx,
      ir_drop_stress_uncorrected_rel_err: irStress.uncorrected,
      energy_nJ_per_vmm: energy,
      latency_us_per_vmm: hw.latency * 1000,
      program_pulses: rep.pulses,
      program_energy_nJ: rep.energy_nJ,
      set_age_ms: Math.round(tAge),
      drift_compensation: hw.compensation,
    };
  },
};
