/**
 * Crossbar: rows × columns of memristive cells of one device preset, programmed open-loop or by
 * write-verify and read as a vector-matrix product with the peripheral non-idealities of
 * {@link IoParams}. The kernel is {@link vmmKernel}; this class is the thin stateful shell that owns
 * the device arrays, the clock (age) and the caches the kernel reads.
 *
 * Weight mapping (Xhameni & Lombardo 2025, arXiv 2506.17174, §3): a differential pair encodes
 *
 *   w_ij = wScale·(G+_ij − G−_ij)/ΔG,   ΔG = gEnd − gStart (the device's linear range),
 *
 * with weight 0 at the start of the linear range (both devices at gStart), positive weights on G+
 * (G− stays at gStart) and negative weights on G−. wScale is the weight encoded by the full span
 * (`weightRange`, default max|w| of the programmed matrix). A single-device cell encodes
 * w = wScale·(G − gStart)/ΔG for w ≥ 0; the offset gStart·Σ x is subtracted digitally (an ideal
 * reference, stated). Weights are turned into pulse numbers by the device's nominal fit
 * (`pulsesToReach`), as the paper maps weights to pulse numbers with its linear fit.
 *
 * Layout: weights[i·cols + j] connects input (row) i to output (column) j, so vmm computes
 * y_j = Σ_i x_i·w_ij. Physical tiles hold at most tileRows × tileCols logical cells (2·tileCols
 * physical columns for pairs, G+ and G− interleaved); each tile has its own DACs and ADCs and the
 * partial column sums of the row tiles are added digitally after their ADCs.
 *
 * Age and caches: programming happens at the crossbar's clock; `setAge(t)` / `age(dt)` move the
 * clock to t ms after programming and rebuild, once, the drifted effective weight matrix (drift,
 * then the IR-drop effective conductances, then the normalisation), the per-cell read-noise
 * variances and the global drift-compensation factor. vmm then never recomputes drift.
 *
 * Global drift compensation (aihwkit GlobalDriftCompensation): right after programming a probe —
 * every row driven at DAC code p, p chosen once so the probe does not saturate the ADC — is read
 * through the whole non-ideal path and m₀ = mean_j|y_j| stored; at age t the same probe gives m_t
 * and outputs are multiplied by γ = m₀/m_t.
 *
 * Energy and latency per vmm: see kernel.ts (array energy V²·G·t_read + DAC/ADC conversions) and
 * {@link Crossbar.latency}: tiles work in parallel; latency = t_read + ⌈tileCols/colsPerAdc⌉·t_ADC
 * (digital additions neglected).
 */
import { RandomStreams, type RandomStream } from '../random.js';
import { format } from '../units.js';
import {
  applyPulses, ageTo, createDeviceArray, programOpenLoop as deviceOpenLoop, readSome, pulsesToReach, resolveDevice,
  FAULT_COUNT, type DeviceArray, type DeviceParams,
} from '../devices/index.js';
import { ioParams, converterLevels, IO_HFS2_PAPER, type IoParams } from './params.js';
import { irDropEffective, irDropScratch, type IrDropScratch } from './irdrop.js';
import { vmmKernel, type VmmState } from './kernel.js';
import { createVmmWasm, VMM_WASM_MIN_CELLS } from './vmm-wasm.js';
import { deviceLinearRange, deviceReadNoise } from './device-adapter.js';

/** How a weight is stored: a differential pair (G+ − G−) or one device (w ≥ 0). */
export type CellKind = 'differential' | 'single';

/** Options of {@link createCrossbar}. */
export interface CrossbarOptions {
  /** logical rows (inputs) */
  readonly rows: number;
  /** logical columns (outputs) */
  readonly cols: number;
  /** device parameters, or a preset name ('hfs2', 'ideal', …) */
  readonly device: DeviceParams | string;
  /** peripheral parameters: a full IoParams or overrides of IO_HFS2_PAPER */
  readonly io?: Partial<IoParams>;
  /** 'differential' (default) or 'single' */
  readonly cell?: CellKind;
  /** largest tile [rows], default 256 */
  readonly tileRows?: number;
  /** largest tile [logical columns], default 256 */
  readonly tileCols?: number;
  /** seed (or the owner's streams); device variation, read noise and programming draw from it */
  readonly seed?: number | string;
  readonly random?: RandomStreams;
  /** label of this crossbar's streams, default 'crossbar' */
  readonly label?: string;
  /**
   * Column sums as WebAssembly SIMD (bit-identical), the kernel arrays in a WebAssembly memory of
   * their own. Default: when rows × cols ≥ VMM_WASM_MIN_CELLS and WebAssembly SIMD is available.
   */
  readonly wasm?: boolean;
}

/** Options of {@link Crossbar.program}. */
export interface ProgramOptions {
  /**
   * 'open-loop': pulse counts m = round(pulsesToReach(nominal fit, g, target)) from the device's
   * current state (a fresh array: the start of the range), no verify read; each device responds
   * with its own d2d law and c2c noise (core/devices programOpenLoop, closed form);
   * 'write-verify': pulse, read, repeat until |G − target| ≤ tolerance·ΔG or the pulse budget is spent
   * (a device whose read does not move after pulses sits at a bound or cannot move and is left
   * there). Differential cells are verified as pairs: the reference device (G− for w > 0, G+ for
   * w ≤ 0) goes to the start of the range first, and the other device is then written to the
   * reference's verified read plus |w|·ΔG, so that G+ − G− is right even where the devices' own
   * bounds (d2d) keep the reference above the nominal start; where the other device's floor lies
   * above that target, the reference is raised to its read minus |w|·ΔG instead;
   * 'exact': writes the target conductances directly (the ideal reference, aihwkit's perfect
   * programming; no pulses, no energy).
   */
  readonly mode?: 'open-loop' | 'write-verify' | 'exact';
  /** write-verify tolerance, relative to ΔG (default 0.02) */
  readonly tolerance?: number;
  /** write-verify pulse budget per device (default max(200, 4 × levels)) */
  readonly maxPulses?: number;
  /** weight encoded by the full conductance span; default max|w| (1 for an all-zero matrix) */
  readonly weightRange?: number;
}

/** What programming cost and achieved. */
export interface ProgramReport {
  readonly mode: 'open-loop' | 'write-verify' | 'exact';
  /** programming pulses applied (all devices) */
  readonly pulses: number;
  /** largest number of pulses any one device received */
  readonly maxPulsesPerDevice: number;
  /** verify reads (device reads, write-verify only) */
  readonly reads: number;
  /** verify iterations (write-verify only) */
  readonly iterations: number;
  /** pulse + verify-read energy [nJ] */
  readonly energy_nJ: number;
  /** fraction of cells whose programmed weight (G, or G+ − G− for pairs) is within tolerance·ΔG of its target */
  readonly withinTolerance: number;
  /** max |weight error| over cells, relative to ΔG (programmed state, before drift) */
  readonly maxAbsError: number;
  /** the weight encoded by the full span */
  readonly weightRange: number;
}

/** A validated weight matrix: rows × cols, row-major (row = input). */
function weightMatrix(weights: unknown, rows: number, cols: number): Float64Array {
  const w = new Float64Array(rows * cols);
  if (Array.isArray(weights) && weights.length > 0 && typeof weights[0] === 'object' && weights[0] !== null) {
    if (weights.length !== rows) {
      throw new Error(`weights has ${weights.length} rows; this crossbar has rows = ${rows} (inputs): give a ${rows} × ${cols} matrix (weights[i][j] from input i to output j), or transpose it.`);
    }
    for (let i = 0; i < rows; i++) {
      const r = weights[i] as ArrayLike<number>;
      if (!r || typeof r.length !== 'number' || r.length !== cols) {
        throw new Error(`weights[${i}] has length ${r && typeof r.length === 'number' ? r.length : format(r)}; every row needs cols = ${cols} entries.`);
      }
      for (let j = 0; j < cols; j++) w[i * cols + j] = r[j];
    }
  } else if (weights && typeof (weights as ArrayLike<number>).length === 'number') {
    const a = weights as ArrayLike<number>;
    if (a.length !== rows * cols) {
      throw new Error(`weights has ${a.length} entries; a ${rows} × ${cols} crossbar needs rows·cols = ${rows * cols} (row-major, weights[i·cols + j] from input i to output j).`);
    }
    for (let t = 0; t < a.length; t++) w[t] = a[t];
  } else {
    throw new Error(`weights = ${format(weights)} is not a matrix; give a flat array of rows·cols = ${rows * cols} numbers or an array of ${rows} rows of ${cols}.`);
  }
  for (let t = 0; t < w.length; t++) {
    if (!Number.isFinite(w[t])) {
      const i = Math.floor(t / cols), j = t - i * cols;
      throw new Error(`weights[${i}][${j}] = ${w[t]} is not a finite number; replace NaN/Infinity (e.g. clip or zero it) before programming.`);
    }
  }
  return w;
}

function positiveInt(v: unknown, name: string, fix: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${name} = ${format(v)} is not a whole number ≥ 1; ${fix}.`);
  return v;
}

/**
 * A crossbar of memristive cells. Build with {@link createCrossbar}.
 */
export class Crossbar {
  readonly rows: number;
  readonly cols: number;
  readonly cell: CellKind;
  readonly device: DeviceParams;
  readonly io: IoParams;
  readonly tileRows: number;
  readonly tileCols: number;
  /** G+ (or the single device) and G− (null for single cells), rows·cols each, row-major */
  readonly plus: DeviceArray;
  readonly minus: DeviceArray | null;
  /** start and end of the device's linear range [µS]; ΔG = gEnd − gStart */
  readonly gStart: number;
  readonly gEnd: number;
  /** crossbar clock [ms]; programming time; age = now − tProgrammed */
  private now = 0;
  private tProgrammed = 0;
  private programmed = false;
  private wScale = 1;
  private gamma = 1;
  private probeRef = 0;
  private probeCode = 1;
  private readonly st: VmmState;
  private readonly gp: Float32Array;
  private readonly gm: Float32Array;
  private readonly phys: Float64Array;
  private readonly physEff: Float64Array;
  private readonly irScratch: IrDropScratch;
  private readonly probe: Float64Array;
  private readonly probeOut: Float64Array;
  private readonly programStream: RandomStream;

  constructor(o: CrossbarOptions) {
    if (o === null || typeof o !== 'object') throw new Error(`crossbar options = ${format(o)} is not an object; pass { rows, cols, device, io }.`);
    this.rows = positiveInt(o.rows, 'rows', 'give the number of inputs');
    this.cols = positiveInt(o.cols, 'cols', 'give the number of outputs');
    const cell = o.cell ?? 'differential';
    if (cell !== 'differential' && cell !== 'single') throw new Error(`cell = ${format(cell)} is not a cell kind; give 'differential' or 'single'.`);
    this.cell = cell;
    this.tileRows = Math.min(this.rows, positiveInt(o.tileRows ?? 256, 'tileRows', 'give the largest tile height, e.g. 256'));
    this.tileCols = Math.min(this.cols, positiveInt(o.tileCols ?? 256, 'tileCols', 'give the largest tile width, e.g. 256'));
    this.io = ioParams(o.io ?? {}, IO_HFS2_PAPER);
    this.device = resolveDevice(o.device);
    const label = o.label ?? 'crossbar';
    if (o.random !== undefined && !(o.random instanceof RandomStreams)) throw new Error(`random = ${format(o.random)} is not a RandomStreams; pass new RandomStreams(seed) or a seed.`);
    const random = o.random ?? new RandomStreams(o.seed ?? 1);
    const { gStart, gEnd } = deviceLinearRange(this.device);
    this.gStart = gStart;
    this.gEnd = gEnd;
    const n = this.rows * this.cols;
    this.plus = createDeviceArray(this.device, n, random, `${label}/${cell === 'single' ? 'g' : 'plus'}`, { wasm: false });
    this.minus = cell === 'differential' ? createDeviceArray(this.device, n, random, `${label}/minus`, { wasm: false }) : null;
    this.programStream = random.stream(`${label}/program`);
    this.gp = new Float32Array(n);
    this.gm = new Float32Array(n);
    const pc = cell === 'differential' ? 2 : 1;
    this.phys = new Float64Array(this.tileRows * this.tileCols * pc);
    this.physEff = new Float64Array(this.tileRows * this.tileCols * pc);
    this.irScratch = irDropScratch(this.tileRows, this.tileCols * pc);
    this.probe = new Float64Array(this.rows);
    this.probeOut = new Float64Array(this.cols);
    const io = this.io;
    const span = Math.max(this.tileCols, 1);
    if (o.wasm !== undefined && typeof o.wasm !== 'boolean') throw new Error(`wasm = ${format(o.wasm)} is not a boolean; pass true, false or leave it out.`);
    const wasm = (o.wasm ?? n >= VMM_WASM_MIN_CELLS) ? createVmmWasm(this.rows, this.cols) : null;
    this.st = {
      rows: this.rows, cols: this.cols, tileRows: this.tileRows, colTiles: Math.ceil(this.cols / span),
      w: wasm?.w ?? new Float32Array(n), s2: wasm?.s2 ?? new Float32Array(n), rowG: new Float64Array(this.rows),
      xq: new Float64Array(this.rows), acc: wasm?.acc ?? new Float64Array(this.cols), var: wasm?.var ?? new Float64Array(this.cols),
      noise: random.stream(`${label}/read`),
      wasm,
      noisePerCell: false,
      outVar: io.outNoise * io.outNoise,
      dacRange: io.dacRange === 'absMax' ? 0 : io.dacRange,
      dacLevels: converterLevels(io.dacBits),
      adcLevels: converterLevels(io.adcBits),
      adcRange: io.adcRange,
      outScale: 1,
      energyPerG: io.readTime * io.readVoltage * io.readVoltage * 1e-6,
      dacEnergy: io.dacEnergy,
      adcEnergy: io.adcEnergy,
      lastEnergy: 0,
    };
  }

  /** Time since programming [ms]. */
  get ageMs(): number { return this.now - this.tProgrammed; }
  /** The weight encoded by the full conductance span. */
  get weightRange(): number { return this.wScale; }
  /** The global drift-compensation factor γ in use (1 when off). */
  get compensation(): number { return this.gamma; }
  /** True when the column sums run as WebAssembly SIMD (vmm-wasm.ts). */
  get wasmKernel(): boolean { return this.st.wasm !== null; }
  /** Energy of the last vmm [nJ]. */
  get lastEnergy_nJ(): number { return this.st.lastEnergy; }
  /** Latency of one vmm [ms]: t_read + ⌈tileCols/colsPerAdc⌉·t_ADC (tiles in parallel). */
  get latency(): number { return this.io.readTime + Math.ceil(this.tileCols / this.io.colsPerAdc) * this.io.adcTime; }

  /**
   * Programs the weight matrix (rows × cols, row-major or nested; row = input). Starts the clock:
   * age 0 is right after programming.
   */
  program(weights: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>, opts: ProgramOptions = {}): ProgramReport {
    const mode = opts.mode ?? 'open-loop';
    if (mode !== 'open-loop' && mode !== 'write-verify' && mode !== 'exact') {
      throw new Error(`program mode = ${format(mode)} is not a mode; give 'open-loop', 'write-verify' or 'exact'.`);
    }
    const tolerance = opts.tolerance ?? 0.02;
    if (typeof tolerance !== 'number' || !(tolerance > 0) || !Number.isFinite(tolerance)) {
      throw new Error(`tolerance = ${format(tolerance)} must be a positive number (relative to the conductance span ΔG); e.g. 0.02.`);
    }
    // Default budget: 4 full sweeps of the window (a device with 65 540 levels needs more than 200).
    const maxPulses = opts.maxPulses ?? Math.max(200, 4 * Math.ceil(this.device.levels));
    positiveInt(maxPulses, 'maxPulses', 'give the pulse budget per device, e.g. 200');
    const w = weightMatrix(weights, this.rows, this.cols);
    let wMax = 0;
    for (let t = 0; t < w.length; t++) { const a = Math.abs(w[t]); if (a > wMax) wMax = a; }
    if (opts.weightRange !== undefined) {
      const r = opts.weightRange;
      if (typeof r !== 'number' || !Number.isFinite(r) || !(r > 0)) throw new Error(`weightRange = ${format(r)} must be a positive finite number (the weight encoded by the full conductance span).`);
      wMax = r;
    }
    if (wMax === 0) wMax = 1;
    if (this.cell === 'single') {
      for (let t = 0; t < w.length; t++) {
        if (w[t] < 0) {
          const i = Math.floor(t / this.cols);
          throw new Error(`weights[${i}][${t - i * this.cols}] = ${w[t]} is negative; a 'single' cell stores only w ≥ 0: use cell: 'differential' or shift the weights.`);
        }
      }
    }
    this.wScale = wMax;
    const dG = this.gEnd - this.gStart;
    const n = this.rows * this.cols;
    const tPlus = new Float32Array(n), tMinus = new Float32Array(n);
    for (let t = 0; t < n; t++) {
      const u = w[t] / wMax;
      tPlus[t] = this.gStart + (u > 0 ? Math.min(u, 1) : 0) * dG;
      tMinus[t] = this.gStart + (u < 0 ? Math.min(-u, 1) : 0) * dG;
    }
    const tNow = this.now;
    const minus = this.minus;
    const e0 = deviceEnergy(this.plus) + (minus ? deviceEnergy(minus) : 0);
    let r: ProgramResult;
    if (mode === 'exact') {
      r = programExact(this.plus, tPlus, tNow);
      if (minus) r = combine(r, programExact(minus, tMinus, tNow), false);
    } else if (mode === 'open-loop') {
      r = programOpenLoop(this.plus, tPlus, tNow);
      if (minus) r = combine(r, programOpenLoop(minus, tMinus, tNow), false);
    } else if (!minus) {
      const used = new Int32Array(n);
      r = programWriteVerify(this.plus, this.device, tPlus, tNow, tolerance * dG, maxPulses, new Float32Array(n), used);
      r.maxPer = maxOf(used);
    } else {
      // Pairs: the reference device of each cell (G− for w > 0, G+ for w ≤ 0; NaN = not in this
      // pass) to the start of the range, then the other device to the reference's verified read
      // plus the weight's span (then, where that device's floor is too high, the reference up to it).
      const refPlus = new Float32Array(n).fill(NaN), refMinus = new Float32Array(n).fill(NaN);
      for (let t = 0; t < n; t++) {
        if (w[t] > 0) refMinus[t] = this.gStart;
        else refPlus[t] = this.gStart;
      }
      const readPlus = new Float32Array(n), readMinus = new Float32Array(n);
      const usedPlus = new Int32Array(n), usedMinus = new Int32Array(n);
      const tol = tolerance * dG;
      r = combine(
        programWriteVerify(this.plus, this.device, refPlus, tNow, tol, maxPulses, readPlus, usedPlus),
        programWriteVerify(minus, this.device, refMinus, tNow, tol, maxPulses, readMinus, usedMinus), false);
      const sigPlus = refMinus, sigMinus = refPlus; // reused: the signal targets are NaN where the ref targets are set
      for (let t = 0; t < n; t++) {
        if (w[t] > 0) { sigPlus[t] = readMinus[t] + (tPlus[t] - tMinus[t]); sigMinus[t] = NaN; }
        else { sigMinus[t] = readPlus[t] + (tMinus[t] - tPlus[t]); sigPlus[t] = NaN; }
      }
      r = combine(r, combine(
        programWriteVerify(this.plus, this.device, sigPlus, tNow, tol, maxPulses, readPlus, usedPlus),
        programWriteVerify(minus, this.device, sigMinus, tNow, tol, maxPulses, readMinus, usedMinus), false), true);
      // A signal device whose own floor lies above its target (a small weight on a device with a
      // high floor) stalls at the floor: raise the reference to the signal's read minus the span.
      const fixPlus = sigMinus.fill(NaN), fixMinus = sigPlus.fill(NaN);
      let fixes = 0;
      for (let t = 0; t < n; t++) {
        const positive = w[t] > 0;
        const span = positive ? tPlus[t] - tMinus[t] : tMinus[t] - tPlus[t];
        const excess = positive ? readPlus[t] - readMinus[t] - span : readMinus[t] - readPlus[t] - span;
        if (excess <= tol) continue;
        if (positive) fixMinus[t] = readPlus[t] - span;
        else fixPlus[t] = readMinus[t] - span;
        fixes++;
      }
      if (fixes > 0) {
        r = combine(r, combine(
          programWriteVerify(this.plus, this.device, fixPlus, tNow, tol, maxPulses, readPlus, usedPlus),
          programWriteVerify(minus, this.device, fixMinus, tNow, tol, maxPulses, readMinus, usedMinus), false), true);
      }
      r.maxPer = Math.max(maxOf(usedPlus), maxOf(usedMinus));
    }
    const energy = deviceEnergy(this.plus) + (minus ? deviceEnergy(minus) : 0) - e0;
    // Accuracy of the programmed weights: per cell, on G (single) or G+ − G− (pairs), relative to ΔG.
    let within = 0, maxErr = 0;
    const gp = this.plus.g;
    for (let t = 0; t < n; t++) {
      const e = Math.abs(minus ? (gp[t] - minus.g[t]) - (tPlus[t] - tMinus[t]) : gp[t] - tPlus[t]) / dG;
      if (e <= tolerance) within++;
      if (e > maxErr) maxErr = e;
    }
    const { pulses, maxPer, reads, iterations } = r;
    this.tProgrammed = tNow;
    this.programmed = true;
    // Probe amplitude for global compensation: chosen once, so the probe does not saturate the ADC.
    this.gamma = 1;
    this.refresh();
    this.probeRef = 0;
    if (this.io.driftCompensation === 'global') {
      this.probeCode = this.chooseProbeCode();
      this.probeRef = this.readProbe();
    }
    return Object.freeze({
      mode, pulses, maxPulsesPerDevice: maxPer, reads, iterations, energy_nJ: energy,
      withinTolerance: within / n, maxAbsError: maxErr, weightRange: wMax,
    });
  }

  /** Sets the age (time since programming) [ms] and rebuilds the read caches. Returns this. */
  setAge(t: number): this {
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new Error(`age = ${format(t)} must be a finite time ≥ 0 in ms since programming (e.g. 86400000 for one day).`);
    this.now = this.tProgrammed + t;
    if (this.programmed) this.refresh();
    return this;
  }

  /** Advances the age by dt [ms]. Returns this. */
  age(dt: number): this {
    if (typeof dt !== 'number' || !Number.isFinite(dt) || dt < 0) throw new Error(`dt = ${format(dt)} must be a finite time ≥ 0 in ms.`);
    return this.setAge(this.ageMs + dt);
  }

  /**
   * out = crossbar·x: y_j ≈ Σ_i x_i·w_ij through DAC, drifted noisy conductances, IR drop, ADC,
   * tiling and compensation. `x`: rows finite numbers (an array or typed array); `out`: a
   * Float64Array or Float32Array of length cols, not sharing memory with x. Both are checked first
   * (O(rows + cols), nothing drawn or written when they are wrong); the product itself allocates
   * nothing. Returns out. (The crossbar's own reads — the drift-compensation probe — call the
   * unchecked kernel.)
   */
  vmm<T extends Float32Array | Float64Array>(out: T, x: ArrayLike<number>): T {
    if (!this.programmed) throw new Error('crossbar.vmm before program(): program a weight matrix first.');
    checkVmmArguments(out, x, this.rows, this.cols);
    return vmmKernel(out, x, this.st) as T;
  }

  /** The effective weight matrix the kernel uses now (copy; weight units, noise-free, before DAC/ADC). */
  effectiveWeights(): Float32Array {
    const out = new Float32Array(this.st.w.length);
    const s = this.wScale * this.gamma;
    for (let t = 0; t < out.length; t++) out[t] = this.st.w[t] * s;
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Caches

  /** Rebuilds w, s2, rowG and γ for the current clock. */
  private refresh(): void {
    const { rows, cols, io } = this;
    const n = rows * cols;
    const st = this.st;
    const dG = this.gEnd - this.gStart;
    // 1. Drifted conductances (µS), no read noise.
    if (io.drift) {
      ageTo(this.gp, this.plus, this.now);
      if (this.minus) ageTo(this.gm, this.minus, this.now);
    } else {
      this.gp.set(this.plus.g);
      if (this.minus) this.gm.set(this.minus.g);
    }
    if (!this.minus) this.gm.fill(this.gStart);
    // 2. Row sums for energy; read-noise variances.
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += this.gp[i * cols + j] + (this.minus ? this.gm[i * cols + j] : 0);
      st.rowG[i] = s;
    }
    const noise = io.readNoise ? deviceReadNoise(this.device) : null;
    st.noisePerCell = noise !== null && (noise.absolute > 0 || noise.relative > 0);
    if (st.noisePerCell && noise) {
      const inv2 = 1 / (dG * dG);
      for (let t = 0; t < n; t++) {
        const sp = noise.absolute + noise.relative * this.gp[t];
        const sm = this.minus ? noise.absolute + noise.relative * this.gm[t] : 0;
        st.s2[t] = (sp * sp + sm * sm) * inv2;
      }
    }
    // 3. Effective conductances: IR drop per physical tile, then normalised differences.
    const irOn = io.rowWireResistance > 0 || io.colWireResistance > 0;
    if (!irOn) {
      const inv = 1 / dG;
      for (let t = 0; t < n; t++) st.w[t] = (this.gp[t] - this.gm[t]) * inv;
    } else {
      this.irDropTiles();
    }
    // 4. Compensation factor and output scale.
    this.gamma = 1;
    st.outScale = this.wScale;
    if (io.driftCompensation === 'global' && this.probeRef > 0) {
      const m = this.readProbe();
      this.gamma = m > 0 ? this.probeRef / m : 1;
    }
    st.outScale = this.wScale * this.gamma;
  }

  /** Fills st.w with IR-drop-effective normalised weights, tile by tile. */
  private irDropTiles(): void {
    const { rows, cols, tileRows, tileCols, io } = this;
    const pair = this.minus !== null;
    const pc = pair ? 2 : 1;
    const dG = this.gEnd - this.gStart;
    const w = this.st.w;
    for (let r0 = 0; r0 < rows; r0 += tileRows) {
      const nR = Math.min(tileRows, rows - r0);
      for (let c0 = 0; c0 < cols; c0 += tileCols) {
        const nc = Math.min(tileCols, cols - c0);
        const nC = nc * pc;
        for (let i = 0; i < nR; i++) {
          for (let j = 0; j < nc; j++) {
            const t = (r0 + i) * cols + c0 + j;
            if (pair) { this.phys[i * nC + 2 * j] = this.gp[t]; this.phys[i * nC + 2 * j + 1] = this.gm[t]; }
            else this.phys[i * nC + j] = this.gp[t];
          }
        }
        irDropEffective(this.physEff, this.phys, nR, nC, io.rowWireResistance, io.colWireResistance, this.irScratch);
        for (let i = 0; i < nR; i++) {
          for (let j = 0; j < nc; j++) {
            const t = (r0 + i) * cols + c0 + j;
            // Single cells: the digital offset subtracts the nominal gStart (ideal reference).
            const d = pair ? this.physEff[i * nC + 2 * j] - this.physEff[i * nC + 2 * j + 1] : this.physEff[i * nC + j] - this.gStart;
            w[t] = d / dG;
          }
        }
      }
    }
  }

  /** Probe DAC code p ∈ (0, 1]: largest code (≤ 1) whose noise-free tile sums stay within half the ADC range. */
  private chooseProbeCode(): number {
    const { rows, cols, tileRows } = this;
    const w = this.st.w;
    let worst = 0;
    for (let r0 = 0; r0 < rows; r0 += tileRows) {
      const r1 = Math.min(rows, r0 + tileRows);
      const acc = this.probeOut.fill(0);
      for (let i = r0; i < r1; i++) for (let j = 0; j < cols; j++) acc[j] += w[i * cols + j];
      for (let j = 0; j < cols; j++) worst = Math.max(worst, Math.abs(acc[j]));
    }
    let p = this.io.adcRange === Infinity || worst === 0 ? 1 : Math.min(1, (0.5 * this.io.adcRange) / worst);
    const L = this.st.dacLevels;
    if (L > 0) p = Math.max(1, Math.floor(p * L)) / L;
    return p;
  }

  /** Reads the probe through the non-ideal path (uncompensated); returns mean_j |y_j| (normalised). */
  private readProbe(): number {
    const st = this.st;
    const saveRange = st.dacRange, saveScale = st.outScale, saveEnergy = st.lastEnergy;
    st.dacRange = 1;
    st.outScale = 1;
    this.probe.fill(this.probeCode);
    vmmKernel(this.probeOut, this.probe, st);
    st.dacRange = saveRange;
    st.outScale = saveScale;
    st.lastEnergy = saveEnergy;
    let m = 0;
    for (let j = 0; j < this.cols; j++) m += Math.abs(this.probeOut[j]);
    return m / this.cols;
  }
}

/** Builds a crossbar; validates every option once (errors name the field, the value and the fix). */
export function createCrossbar(o: CrossbarOptions): Crossbar {
  return new Crossbar(o);
}

// -------------------------------------------------------------------------------------------------
// Programming

interface ProgramResult { pulses: number; maxPer: number; reads: number; iterations: number; }

function deviceEnergy(arr: DeviceArray): number {
  return arr.energyPulse_nJ + arr.energyRead_nJ;
}

/** Writes the targets directly (ideal reference): no pulses, no energy; restarts drift. */
function programExact(arr: DeviceArray, target: Float32Array, tNow: number): ProgramResult {
  for (let t = 0; t < arr.n; t++) {
    if (arr.pulseCount[t] === FAULT_COUNT) continue; // stuck-at faults stay stuck
    arr.g[t] = target[t];
    arr.tProg[t] = tNow;
  }
  return { pulses: 0, maxPer: 0, reads: 0, iterations: 0 };
}

/**
 * Open loop: pulse counts m = round(pulsesToReach(nominal fit, current g, target)) applied in
 * closed form by the device module (each device responds with its own d2d law and c2c noise
 * σ·√m); energy counted.
 */
function programOpenLoop(arr: DeviceArray, target: Float32Array, tNow: number): ProgramResult {
  const n = arr.n;
  const idx = new Int32Array(n);
  for (let t = 0; t < n; t++) idx[t] = t;
  const before = Uint32Array.from(arr.pulseCount);
  const pulses = deviceOpenLoop(arr, idx, target, n, tNow, true);
  let maxPer = 0;
  for (let t = 0; t < n; t++) {
    if (before[t] === FAULT_COUNT) continue;
    const d = arr.pulseCount[t] - before[t];
    if (d > maxPer) maxPer = d;
  }
  return { pulses, maxPer, reads: 0, iterations: 0 };
}

/**
 * Write-verify: read (with read noise), pulse toward the target by the nominal fit (at least one
 * pulse), repeat until |G_read − target| ≤ tol or the device's pulse budget is spent. Only devices
 * still short of their target are read again. A device whose read did not move after its pulses
 * sits at a bound of its window (or cannot move: a dead or stuck device) and is left there.
 * target[t] NaN: device t is not programmed in this pass. lastRead[t]: the last verify read of
 * each programmed device (what the controller knows of it). used[t]: pulses device t has had in
 * all passes so far (the budget is per device, over all passes).
 */
function programWriteVerify(arr: DeviceArray, p: DeviceParams, target: Float32Array, tNow: number, tol: number, maxPulses: number, lastRead: Float32Array, used: Int32Array): ProgramResult {
  const n = arr.n;
  const active = new Int32Array(n), counts = new Int32Array(n);
  const pulsed = new Uint8Array(n); // pulsed in this pass: its next read must differ from the last
  const g = new Float32Array(n);
  let m = 0;
  for (let t = 0; t < n; t++) if (target[t] === target[t]) active[m++] = t;
  let pulses = 0, reads = 0, iterations = 0;
  while (m > 0) {
    readSome(g, arr, active, m, tNow, true);
    reads += m;
    let k = 0; // compacted in place: the devices that get pulses this iteration
    for (let q = 0; q < m; q++) {
      const t = active[q];
      const gq = g[q];
      const stalled = pulsed[t] === 1 && gq === lastRead[t];
      lastRead[t] = gq;
      const err = target[t] - gq;
      if (Math.abs(err) <= tol || stalled) continue;
      const left = maxPulses - used[t];
      if (left <= 0) continue;
      let c = Math.round(pulsesToReach(p, gq, target[t]));
      if (c === 0) c = err > 0 ? 1 : -1;
      if (c > left) c = left; else if (c < -left) c = -left;
      active[k] = t; counts[k] = c; k++;
      used[t] += Math.abs(c);
      pulsed[t] = 1;
      pulses += Math.abs(c);
    }
    m = k;
    if (m === 0) break;
    applyPulses(arr, active, counts, m, tNow);
    iterations++;
  }
  return { pulses, maxPer: 0, reads, iterations };
}

function maxOf(a: Int32Array): number {
  let m = 0;
  for (let t = 0; t < a.length; t++) if (a[t] > m) m = a[t];
  return m;
}

/** Two programming passes' costs: in sequence (iterations add) or side by side (they overlap). */
function combine(a: ProgramResult, b: ProgramResult, sequential: boolean): ProgramResult {
  return {
    pulses: a.pulses + b.pulses,
    maxPer: Math.max(a.maxPer, b.maxPer),
    reads: a.reads + b.reads,
    iterations: sequential ? a.iterations + b.iterations : Math.max(a.iterations, b.iterations),
  };
}

/** What vmm accepts: out a Float64Array/Float32Array of length cols, x rows finite numbers, no shared memory. */
function checkVmmArguments(out: unknown, x: unknown, rows: number, cols: number): void {
  if (!(out instanceof Float64Array || out instanceof Float32Array)) {
    const kind = out !== null && typeof out === 'object' ? (out as object).constructor?.name ?? 'object' : null;
    const what = kind === null ? `out = ${format(out)} is not an array` : `out is ${/^[AEIO]/.test(kind) ? 'an' : 'a'} ${kind}`;
    throw new Error(`crossbar.vmm: ${what}; give a Float64Array or a Float32Array of length cols = ${cols} (an integer array would truncate the outputs).`);
  }
  if (out.length !== cols) throw new Error(`crossbar.vmm: out has length ${out.length}; give an output array of length cols = ${cols}.`);
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<number>).length !== 'number') {
    throw new Error(`crossbar.vmm: x = ${format(x)} is not an array; give ${rows} inputs, one per row.`);
  }
  const v = x as ArrayLike<unknown>;
  if (v.length !== rows) throw new Error(`crossbar.vmm: x has length ${v.length}; give one input per row, rows = ${rows}.`);
  for (let i = 0; i < rows; i++) {
    const xi = v[i];
    if (typeof xi !== 'number' || !Number.isFinite(xi)) throw new Error(`crossbar.vmm: x[${i}] = ${format(xi)} is not a finite number; replace it (one NaN or infinity would spread to every output).`);
  }
  if (ArrayBuffer.isView(x)) {
    const a0 = out.byteOffset, a1 = a0 + out.byteLength;
    const b0 = x.byteOffset, b1 = b0 + x.byteLength;
    if (x.buffer === out.buffer && a0 < b1 && b0 < a1) throw new Error('crossbar.vmm: out and x share memory; give out an array of its own (the outputs are written while the inputs are still read).');
  }
}
