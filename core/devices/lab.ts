/**
 * The device lab: the seed paper's characterisation protocol on simulated devices, and the analysis
 * that turns pulse trains (simulated or measured) into the paper's figures of merit.
 *
 * Protocol (Xhameni & Lombardo 2025, §2): one cycle = a potentiation train of P pulses followed by
 * a depression train of P pulses (P = 20), each pulse followed by a read; 100 cycles. A train is
 * recorded as P + 1 reads: before the first pulse and after each pulse.
 *
 * Analysis of one device's trains (paper Fig. 2e–f):
 *   mean m_k and sample σ_k of the k-th read over the trains;
 *   linear range: the longest run of consecutive states whose mean increments are all ≥ half the
 *   largest mean increment (it ends where the device saturates or its step has halved);
 *   bin width BW = slope of the least-squares line through the means of the linear range, R² of
 *   that fit; σ = mean of σ_k over the states of both linear ranges;
 *   levels L = min(states in the potentiation range, states in the depression range);
 *   bins = 2L − 1 differential values G⁺ − G⁻ when BW > 2σ (neighbours do not overlap); otherwise
 *   only L' = ⌊(L − 1)·BW/(2σ)⌋ + 1 states are distinguishable and bins = 2L' − 1.
 * Pure: no I/O (the CLI reads CSV files and writes SVG).
 */
import type { RandomStreams } from '../random.js';
import { RandomStreams as Streams } from '../random.js';
import { applyPulses, createDeviceArray, readConductances } from './array.js';
import { deviceParams, type DeviceParams } from './params.js';

/** Pulse trains of one device: each train is P + 1 conductance reads [µS]. */
export interface PulseTrains {
  readonly pot: ReadonlyArray<ArrayLike<number>>;
  readonly dep: ReadonlyArray<ArrayLike<number>>;
}

export interface CycleOptions {
  /** Cycles (potentiation + depression train each); default 100. */
  readonly cycles?: number;
  /** Pulses per train; default 20. */
  readonly pulsesPerTrain?: number;
  /** Simulated devices, each characterised separately; default 1. */
  readonly devices?: number;
  /** Seed; default 1. */
  readonly seed?: number | string;
  /**
   * Include device-to-device variation and stuck-at faults (default false: the lab characterises
   * nominal devices, as the paper characterised one device; c2c, drift, read noise etc. stay on).
   */
  readonly d2d?: boolean;
  /** Time between pulses [ms]; default 0.05 (350 ns pulse + 20 µs gap + 30 µs read). */
  readonly period?: number;
}

export interface CycleData {
  readonly params: DeviceParams;
  readonly cycles: number;
  readonly pulsesPerTrain: number;
  /** One PulseTrains per device. */
  readonly devices: readonly PulseTrains[];
  /** Programming energy per cycle per device [nJ]. */
  readonly energyPerCycle_nJ: number;
  /** Read energy per cycle per device [nJ]. */
  readonly readEnergyPerCycle_nJ: number;
}

/** Runs the cycle protocol on `devices` simulated devices of `params`. */
export function runCycleProtocol(params: DeviceParams, options: CycleOptions = {}, random?: RandomStreams): CycleData {
  const cycles = options.cycles ?? 100;
  const P = options.pulsesPerTrain ?? 20;
  const nDev = options.devices ?? 1;
  const period = options.period ?? 0.05;
  for (const [f, v] of [['cycles', cycles], ['pulsesPerTrain', P], ['devices', nDev]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`device lab: ${f} = ${v} must be a whole number ≥ 1.`);
  }
  if (P < 3) throw new Error(`device lab: pulsesPerTrain = ${P} must be ≥ 3 to fit a line; the paper uses 20.`);
  if (!(period > 0)) throw new Error(`device lab: period = ${period} ms must be > 0.`);
  const p = options.d2d ? params : deviceParams(params, { d2d: { step: 0, bounds: 0, nonlinearity: 0 }, stuckAt: { fraction: 0 } });
  const rnd = random ?? new Streams(options.seed ?? 1);
  const arr = createDeviceArray(p, nDev, rnd, 'lab');
  const idx = new Int32Array(nDev);
  for (let i = 0; i < nDev; i++) idx[i] = i;
  const up = new Int32Array(nDev).fill(1);
  const down = new Int32Array(nDev).fill(-1);
  const read = new Float32Array(nDev);
  const pot: Float64Array[][] = [];
  const dep: Float64Array[][] = [];
  for (let d = 0; d < nDev; d++) { pot.push([]); dep.push([]); }
  let t = 0;
  for (let c = 0; c < cycles; c++) {
    for (const [trains, counts] of [[pot, up], [dep, down]] as const) {
      const rows: Float64Array[] = [];
      for (let d = 0; d < nDev; d++) rows.push(new Float64Array(P + 1));
      readConductances(read, arr, t, true);
      for (let d = 0; d < nDev; d++) rows[d][0] = read[d];
      for (let k = 1; k <= P; k++) {
        t += period;
        applyPulses(arr, idx, counts, nDev, t);
        readConductances(read, arr, t, true);
        for (let d = 0; d < nDev; d++) rows[d][k] = read[d];
      }
      for (let d = 0; d < nDev; d++) trains[d].push(rows[d]);
    }
  }
  return {
    params: p,
    cycles,
    pulsesPerTrain: P,
    devices: pot.map((pt, d) => ({ pot: pt, dep: dep[d] })),
    energyPerCycle_nJ: arr.energyPulse_nJ / (cycles * nDev),
    readEnergyPerCycle_nJ: arr.energyRead_nJ / (cycles * nDev),
  };
}

/** Statistics of one polarity's trains. */
export interface TrainStats {
  /** Mean read per state k = 0..P [µS]. */
  readonly mean: Float64Array;
  /** Sample σ per state [µS]. */
  readonly std: Float64Array;
  /** Linear range: states [start, end] (inclusive). */
  readonly start: number;
  readonly end: number;
  /** Least-squares line through the means of the linear range: g ≈ intercept + slope·k [µS]. */
  readonly slope: number;
  readonly intercept: number;
  readonly r2: number;
  /** Mean σ over the linear range [µS]. */
  readonly sigma: number;
}

export interface CycleAnalysis {
  readonly pot: TrainStats;
  readonly dep: TrainStats;
  /** States per device in the linear range (min of both polarities). */
  readonly levels: number;
  /** Distinguishable differential bins. */
  readonly bins: number;
  /** |slope| of the potentiation / depression fits [µS per pulse]. */
  readonly binWidthPot: number;
  readonly binWidthDep: number;
  /** Mean σ per state over both linear ranges [µS]. */
  readonly sigma: number;
}

function trainStats(trains: ReadonlyArray<ArrayLike<number>>, sign: number, what: string): TrainStats {
  const nT = trains.length;
  if (nT < 2) throw new Error(`device lab: ${what}: ${nT} train(s); σ per state needs ≥ 2 trains (cycles).`);
  const len = trains[0].length;
  for (let t = 0; t < nT; t++) {
    if (trains[t].length !== len) throw new Error(`device lab: ${what} train ${t} has ${trains[t].length} reads, train 0 has ${len}; every train must have the same number of pulses.`);
  }
  if (len < 4) throw new Error(`device lab: ${what} trains have ${len} reads; need ≥ 4 (≥ 3 pulses) to find a linear range.`);
  const mean = new Float64Array(len);
  const std = new Float64Array(len);
  for (let k = 0; k < len; k++) {
    let s = 0;
    for (let t = 0; t < nT; t++) s += trains[t][k];
    const m = s / nT;
    let v = 0;
    for (let t = 0; t < nT; t++) v += (trains[t][k] - m) * (trains[t][k] - m);
    mean[k] = m;
    std[k] = Math.sqrt(v / (nT - 1));
  }
  // Linear range: longest run of increments (in the train's direction) ≥ half the largest one.
  let dMax = 0;
  for (let k = 0; k + 1 < len; k++) dMax = Math.max(dMax, sign * (mean[k + 1] - mean[k]));
  if (!(dMax > 0)) throw new Error(`device lab: ${what}: the mean conductance never ${sign > 0 ? 'rises' : 'falls'}; these reads are not a ${what} pulse train (check the polarity column).`);
  let bestStart = 0;
  let bestLen = 0;
  let runStart = -1;
  for (let k = 0; k + 1 < len; k++) {
    const ok = sign * (mean[k + 1] - mean[k]) >= 0.5 * dMax;
    if (ok && runStart < 0) runStart = k;
    if ((!ok || k + 2 === len) && runStart >= 0) {
      const runEnd = ok ? k : k - 1; // last increment index in the run
      if (runEnd - runStart + 1 > bestLen) { bestLen = runEnd - runStart + 1; bestStart = runStart; }
      runStart = -1;
    }
  }
  const start = bestStart;
  const end = bestStart + bestLen; // states start..end
  const m = end - start + 1;
  let sx = 0, sy = 0, sxx = 0, sxy = 0, sig = 0;
  for (let k = start; k <= end; k++) { sx += k; sy += mean[k]; sxx += k * k; sxy += k * mean[k]; sig += std[k]; }
  const slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
  const intercept = (sy - slope * sx) / m;
  let ssr = 0, sst = 0;
  const my = sy / m;
  for (let k = start; k <= end; k++) {
    const r = mean[k] - intercept - slope * k;
    ssr += r * r;
    sst += (mean[k] - my) * (mean[k] - my);
  }
  return { mean, std, start, end, slope, intercept, r2: sst > 0 ? 1 - ssr / sst : 1, sigma: sig / m };
}

/** Analyses one device's trains (see module doc). Throws naming the problem if they are not pulse trains. */
export function analyzeCycles(trains: PulseTrains): CycleAnalysis {
  const pot = trainStats(trains.pot, 1, 'potentiation');
  const dep = trainStats(trains.dep, -1, 'depression');
  const levels = Math.min(pot.end - pot.start + 1, dep.end - dep.start + 1);
  let sum = 0;
  let cnt = 0;
  for (const s of [pot, dep]) for (let k = s.start; k <= s.end; k++) { sum += s.std[k]; cnt++; }
  const sigma = sum / cnt;
  const bw = Math.min(Math.abs(pot.slope), Math.abs(dep.slope));
  const distinguishable = bw > 2 * sigma ? levels : Math.floor(((levels - 1) * bw) / (2 * sigma)) + 1;
  return { pot, dep, levels, bins: 2 * distinguishable - 1, binWidthPot: Math.abs(pot.slope), binWidthDep: Math.abs(dep.slope), sigma };
}

/** The lab's JSON figures (the `device curve --json` line). */
export interface LabReport {
  readonly preset: string;
  readonly cycles: number;
  readonly pulses_per_train: number;
  readonly devices: number;
  readonly levels: number;
  readonly bins: number;
  readonly bin_width_uS_pot: number;
  readonly bin_width_uS_dep: number;
  readonly sigma_uS: number;
  readonly r2_pot: number;
  readonly r2_dep: number;
  readonly energy_nJ_per_cycle: number | null;
  readonly read_energy_nJ_per_cycle: number | null;
  readonly linear_range_pot: readonly [number, number];
  readonly linear_range_dep: readonly [number, number];
}

const r = (x: number, d = 4): number => Number(x.toPrecision(d + 2));

/**
 * Analyses every device and summarises: means over devices for the continuous figures, the median
 * for levels and bins (they are integers).
 */
export function labReport(name: string, cycles: number, pulsesPerTrain: number, devices: readonly PulseTrains[], energy: number | null, readEnergy: number | null): { report: LabReport; analyses: CycleAnalysis[] } {
  const analyses = devices.map(analyzeCycles);
  const mean = (f: (a: CycleAnalysis) => number): number => analyses.reduce((s, a) => s + f(a), 0) / analyses.length;
  const median = (f: (a: CycleAnalysis) => number): number => {
    const v = analyses.map(f).sort((a, b) => a - b);
    return v[Math.floor((v.length - 1) / 2)];
  };
  const a0 = analyses[0];
  return {
    analyses,
    report: {
      preset: name,
      cycles,
      pulses_per_train: pulsesPerTrain,
      devices: devices.length,
      levels: median((a) => a.levels),
      bins: median((a) => a.bins),
      bin_width_uS_pot: r(mean((a) => a.binWidthPot)),
      bin_width_uS_dep: r(mean((a) => a.binWidthDep)),
      sigma_uS: r(mean((a) => a.sigma)),
      r2_pot: r(mean((a) => a.pot.r2), 5),
      r2_dep: r(mean((a) => a.dep.r2), 5),
      energy_nJ_per_cycle: energy === null ? null : r(energy),
      read_energy_nJ_per_cycle: readEnergy === null ? null : r(readEnergy),
      linear_range_pot: [a0.pot.start, a0.pot.end],
      linear_range_dep: [a0.dep.start, a0.dep.end],
    },
  };
}
