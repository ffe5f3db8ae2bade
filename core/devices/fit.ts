/**
 * Fitting a table device model to measured pulse trains — how a device group brings its own data.
 *
 * Input: potentiation and depression trains, each an array of conductance reads [µS]: before the
 * first pulse and after each pulse (as `device curve --from-csv` reads them).
 *
 *   window     gMin = min(mean pot. start, mean dep. end), gMax = max(mean pot. end, mean dep. start)
 *   Δg(g)      from the *mean* train m_k: points (m_k, m_{k+1} − m_k) for every k before the mean
 *              stops moving (to Float32 precision), except steps that end exactly on the
 *              bound (clipped: the window clips them again when the table is used); linearly interpolated onto a uniform
 *              grid of `nodes` conductances over [gMin, gMax], extended flat beyond the first/last
 *              point. The mean train removes c2c noise; for laws with Δg linear in g (linear, soft
 *              bounds) the table reproduces the law exactly.
 *   c2c σ      the σ of the per-pulse residuals g_{k+1} − g_k − Δg(g_k) over the pulses of the
 *              linear range (where no bound clips), in µS per pulse (it includes two reads' noise).
 *   NeuroSim   A fitted by least squares to the mean train with G(P) = B(1 − e^(−P/A)) + gMin,
 *              B = W/(1 − e^(−Pmax/A)) (Pmax = pulses until the mean stops moving), and likewise the
 *              LTD law; reported as normA = A/Pmax and NeuroSim's nonlinearity label.
 */
import { tableAt } from './models.js';
import { deviceParams, neurosimNonlinearity, NO_NONIDEALITIES, type DeviceOverrides, type DeviceParams, type TableDevice } from './params.js';
import type { PulseTrains } from './lab.js';
import { exp, expm1, log } from '../math.js';

export interface FitOptions {
  /** Grid nodes of the table; default 32. */
  readonly nodes?: number;
  readonly name?: string;
  readonly citation?: string;
  /** Further fields of the fitted device (energy, drift, …); the fit sets gMin, gMax, levels, c2c, dgUp, dgDown. */
  readonly overrides?: DeviceOverrides;
}

export interface NeuroSimFit {
  /** A in pulses. */
  readonly A: number;
  /** A / Pmax. */
  readonly normA: number;
  /** NeuroSim's nonlinearity label for normA (positive; LTD labels are conventionally quoted negative). */
  readonly nonlinearity: number;
  /** Pulses across the window (Pmax). */
  readonly pmax: number;
  /** RMS error of the law against the mean train [µS]. */
  readonly rmse: number;
}

export interface TableFit {
  readonly params: TableDevice;
  readonly c2c: number;
  readonly up: NeuroSimFit;
  readonly down: NeuroSimFit;
}

function meanTrain(trains: ReadonlyArray<ArrayLike<number>>, what: string): Float64Array {
  if (!Array.isArray(trains) || trains.length < 1) throw new Error(`fitTableModel: ${what} has no trains; give ≥ 1 array of conductances per pulse.`);
  const len = trains[0].length;
  if (len < 3) throw new Error(`fitTableModel: ${what} train 0 has ${len} reads; need ≥ 3 (a read before and after ≥ 2 pulses).`);
  const m = new Float64Array(len);
  for (let t = 0; t < trains.length; t++) {
    const tr = trains[t];
    if (tr.length !== len) throw new Error(`fitTableModel: ${what} train ${t} has ${tr.length} reads but train 0 has ${len}; all trains need the same number of pulses.`);
    for (let k = 0; k < len; k++) {
      const v = tr[k];
      if (!Number.isFinite(v) || v < 0) throw new Error(`fitTableModel: ${what} train ${t} read ${k} = ${v} is not a conductance ≥ 0 µS; fix or drop that read.`);
      m[k] += v / trains.length;
    }
  }
  return m;
}

/** Index after which the mean stops moving in direction sign (increment ≤ 1e-6 of the largest: Float32 reads). */
function movingEnd(m: Float64Array, sign: number): number {
  let dMax = 0;
  for (let k = 0; k + 1 < m.length; k++) dMax = Math.max(dMax, sign * (m[k + 1] - m[k]));
  if (!(dMax > 0)) return 0;
  let end = 0;
  for (let k = 0; k + 1 < m.length; k++) {
    if (sign * (m[k + 1] - m[k]) > 1e-6 * dMax) end = k + 1;
    else break;
  }
  return end;
}

/** Δg magnitudes on `nodes` grid points over [lo, hi] from the mean train. */
function gridTable(m: Float64Array, end: number, sign: number, lo: number, hi: number, nodes: number): number[] {
  const xs: number[] = [];
  const ys: number[] = [];
  const bound = sign > 0 ? hi : lo;
  const eps = 1e-6 * (hi - lo) + 4e-7 * Math.abs(bound); // Float32 reads
  for (let k = 0; k < end; k++) {
    const x = m[k];
    const y = sign * (m[k + 1] - m[k]);
    // a step that ends exactly on the bound was clipped by it: the device's window does that, the
    // table must not learn the shortened step (it would smear a kink over a grid cell)
    if (sign * (bound - m[k + 1]) <= eps && xs.length > 0) continue;
    if (xs.length && sign * (x - xs[xs.length - 1]) <= 0) continue; // keep the abscissae monotone
    xs.push(x);
    ys.push(y > 0 ? y : 0);
  }
  if (sign < 0) { xs.reverse(); ys.reverse(); }
  const out: number[] = [];
  for (let j = 0; j < nodes; j++) {
    const g = lo + ((hi - lo) * j) / (nodes - 1);
    let y: number;
    if (xs.length === 1 || g <= xs[0]) y = ys[0];
    else if (g >= xs[xs.length - 1]) y = ys[ys.length - 1];
    else {
      let i = 1;
      while (xs[i] < g) i++;
      const f = (g - xs[i - 1]) / (xs[i] - xs[i - 1]);
      y = ys[i - 1] + (ys[i] - ys[i - 1]) * f;
    }
    out.push(y);
  }
  return out;
}

/**
 * Least-squares NeuroSim law for the mean train: G(k) = gMin + B(1 − e^(−k/A)) (LTP) or
 * gMax − B(1 − e^(−k/A)) (LTD, NeuroSim's P = Pmax − k), held at the bound for k > Pmax;
 * B = W/(1 − e^(−Pmax/A)). Searches every whole Pmax ≤ the train length and log A (scan + golden section).
 */
function fitNeuroSim(m: Float64Array, up: boolean, lo: number, hi: number): NeuroSimFit {
  const W = hi - lo;
  const last = m.length - 1;
  const sse = (A: number, pmax: number): number => {
    const B = W / -expm1(-pmax / A);
    let s = 0;
    for (let k = 0; k <= last; k++) {
      const kk = k < pmax ? k : pmax;
      const d = B * -expm1(-kk / A);
      const r = m[k] - (up ? lo + d : hi - d);
      s += r * r;
    }
    return s;
  };
  let best = { A: 1, pmax: last, v: Infinity };
  for (let pmax = 1; pmax <= last; pmax++) {
    let a = log(0.01 * pmax);
    let b = log(1000 * pmax);
    let x0 = a;
    let v0 = Infinity;
    for (let i = 0; i <= 120; i++) {
      const x = a + ((b - a) * i) / 120;
      const v = sse(exp(x), pmax);
      if (v < v0) { v0 = v; x0 = x; }
    }
    const h = (b - a) / 120;
    a = x0 - h;
    b = x0 + h;
    const gr = (Math.sqrt(5) - 1) / 2;
    for (let it = 0; it < 50; it++) {
      const c = b - gr * (b - a);
      const d = a + gr * (b - a);
      if (sse(exp(c), pmax) < sse(exp(d), pmax)) b = d;
      else a = c;
    }
    const A = exp((a + b) / 2);
    const v = sse(A, pmax);
    if (v < best.v) best = { A, pmax, v };
  }
  const normA = best.A / best.pmax;
  return { A: best.A, normA, nonlinearity: neurosimNonlinearity(normA), pmax: best.pmax, rmse: Math.sqrt(best.v / (last + 1)) };
}

/** Fits a table model (and NeuroSim A's) to measured pulse trains. Errors name the train, read and fix. */
export function fitTableModel(trains: PulseTrains, options: FitOptions = {}): TableFit {
  const nodes = options.nodes ?? 32;
  if (!Number.isInteger(nodes) || nodes < 2) throw new Error(`fitTableModel: nodes = ${nodes} must be a whole number ≥ 2.`);
  const mp = meanTrain(trains.pot, 'potentiation');
  const md = meanTrain(trains.dep, 'depression');
  const endP = movingEnd(mp, 1);
  const endD = movingEnd(md, -1);
  if (endP < 1) throw new Error('fitTableModel: the mean potentiation train never rises; these are not potentiation pulses (check polarity).');
  if (endD < 1) throw new Error('fitTableModel: the mean depression train never falls; these are not depression pulses (check polarity).');
  const lo = Math.min(mp[0], md[md.length - 1]);
  const hi = Math.max(mp[mp.length - 1], md[0]);
  if (!(hi > lo)) throw new Error(`fitTableModel: the trains span no window (gMin = ${lo}, gMax = ${hi} µS).`);
  const dgUp = gridTable(mp, endP, 1, lo, hi, nodes);
  const dgDown = gridTable(md, endD, -1, lo, hi, nodes);

  // c2c: residuals over the pulses where the mean still moves by ≥ half its largest step (no clipping).
  const residualSigma = (trs: ReadonlyArray<ArrayLike<number>>, m: Float64Array, tab: number[], sign: number): [number, number] => {
    let dMax = 0;
    for (let k = 0; k + 1 < m.length; k++) dMax = Math.max(dMax, sign * (m[k + 1] - m[k]));
    let s = 0;
    let n = 0;
    for (let k = 0; k + 1 < m.length; k++) {
      if (sign * (m[k + 1] - m[k]) < 0.5 * dMax) continue;
      for (const tr of trs) {
        const pred = sign * tableAt(tab, nodes - 1, (tr[k] - lo) / (hi - lo));
        const r = tr[k + 1] - tr[k] - pred;
        s += r * r;
        n++;
      }
    }
    return [s, n];
  };
  const [s1, n1] = residualSigma(trains.pot, mp, dgUp, 1);
  const [s2, n2] = residualSigma(trains.dep, md, dgDown, -1);
  const c2c = n1 + n2 > 1 ? Math.sqrt((s1 + s2) / (n1 + n2 - 1)) : 0;

  const up = fitNeuroSim(mp, true, lo, hi);
  const down = fitNeuroSim(md, false, lo, hi);
  const base = { ...NO_NONIDEALITIES, kind: 'table', name: options.name ?? 'fitted', citation: options.citation ?? 'fitted from measured pulse trains', gMin: lo, gMax: hi, levels: Math.max(2, endP + 1), dgUp, dgDown } as unknown as DeviceParams;
  const params = deviceParams(base, { c2c, ...(options.overrides ?? {}) }) as TableDevice;
  return { params, c2c, up, down };
}
