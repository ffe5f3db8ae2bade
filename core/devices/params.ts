/**
 * Memristive device parameters: one frozen plain object per device type, discriminated by `kind`.
 *
 * Units (internal, see core/units.ts): conductance µS · time ms · voltage mV · energy nJ.
 * Pulse widths are therefore in ms too (255 ns = 2.55e-4 ms); `deviceParams` accepts strings with
 * units ('255 ns', '0.85 V', '81 uS') and converts them once.
 *
 * Every model is a law in *pulse-number space* on the device's own window [gMin, gMax] of width
 * W = gMax − gMin with Pmax = levels − 1 pulses across it (NeuroSim's convention):
 *
 *   linear      G(P) = gMin + W·P/Pmax                                   (aihwkit ConstantStep)
 *   softBounds  G_LTP(P) = B(1 − e^(−P/A_up)) + gMin,  B = W/(1 − e^(−Pmax/A_up)),
 *               G_LTD(P) = −B'(1 − e^((P − Pmax)/A_down)) + gMax,  A = normA·Pmax
 *               (MLP+NeuroSim V3.0 manual Eqs. 1–3; the law of aihwkit's SoftBoundsPmax)
 *   power       G_LTP(P) = gMax − W·(1 − P/Pmax)^k_up,  G_LTD(P) = gMin + W·(1 − P/Pmax)^k_down
 *               (the exact solution of aihwkit's PowStep, dG/dP ∝ ((gMax − G)/W)^γ, k = 1/(1 − γ);
 *               Fusi & Abbott 2007); k = 1 is linear
 *   table       Δg(g) per pulse, measured, linearly interpolated on a uniform grid over [gMin, gMax]
 *               (like aihwkit's PiecewiseStep); built by `fitTableModel` from pulse trains.
 *
 * A pulse advances the device by e = f·(1 ± β) in pulse-number space (+ for potentiation/SET,
 * − for depression/RESET): β is the up/down asymmetry (aihwkit `up_down`), f the device's
 * step-size factor (d2d, drawn at construction). For the linear model the step is
 * Δg = ±e·W/Pmax; for soft bounds one pulse multiplies the distance to the asymptote by e^(−e/A).
 *
 * Non-idealities, each off when its parameter is 0 (or Infinity for endurance):
 *   c2c          additive Gaussian noise per pulse, σ in µS (NeuroSim: σ_C2C·W per write × √pulses)
 *   d2d          relative σ of step size, of the bounds (as a fraction of W), of the
 *                nonlinearity (A or k) and of a per-device up/down asymmetry, drawn once per device
 *                at construction
 *   asymmetry    β above
 *   quantLevels  the conductance snaps to one of quantLevels evenly spaced values in the window
 *   endurance    after `endurance` pulses the device is stuck; before, the window shrinks towards the
 *                stuck conductance as W·(1 − (p/endurance)²) (assumed shape: slow at first, then fast)
 *   drift        g(t) = g0·(max(t − t_prog, t0)/t0)^(−ν), ν ~ N(nuMean, nuStd) per device, restarted by
 *                every programming (g0 is the value read at t0 after programming, as in aihwkit)
 *   readNoise    Gaussian per read, σ = abs + rel·g
 *   stuckAt      a fraction of devices is stuck from construction (at gMax with probability `high`)
 *   energy       per pulse V²·G·t_pulse (NeuroSim), per read V_read²·G·t_read, G the device's
 *                conductance before the pulse / at the read: E[nJ] = V[mV]²·G[µS]·t[ms]·1e-6
 */
import { format, toInternal, type Quantity } from '../units.js';
import { exp, log } from '../math.js';

/** The model families. */
export type DeviceKind = 'linear' | 'softBounds' | 'power' | 'table';

/** Where a worn-out device ends: at gMin, at gMax, or frozen wherever it was ('last'). */
export type StuckState = 'gMin' | 'gMax' | 'last';

/** Device-to-device variation, drawn once per device at construction (relative σ's, ≥ 0). */
export interface D2dParams {
  /** σ of the step-size factor f (aihwkit dw_min_dtod) [relative]. */
  readonly step: number;
  /** σ of gMin and of gMax, each independently, as a fraction of the window W [relative]. */
  readonly bounds: number;
  /** σ of the nonlinearity (A for softBounds, k for power; no effect on linear/table) [relative]. */
  readonly nonlinearity: number;
  /**
   * σ of a per-device up/down asymmetry δ (aihwkit up_down_dtod): SET steps × (1 + δ), RESET steps
   * × (1 − δ), on top of the global β [relative]; default 0.
   */
  readonly upDown: number;
}

/** Power-law conductance drift. Off when nuMean = nuStd = 0. */
export interface DriftParams {
  /** Mean drift exponent ν [dimensionless]. */
  readonly nuMean: number;
  /** Device-to-device σ of ν [dimensionless]. */
  readonly nuStd: number;
  /** Reference time t0 after programming [ms]; no drift before it. */
  readonly t0: number;
  /**
   * 'constant': ν ~ N(nuMean, nuStd). 'pcm': aihwkit's PCMLikeNoiseModel statistics (Nandakumar 2019)
   * with x = g/gMax: μ = clamp(−0.0155·ln x + 0.0244, 0.049, 0.1), σ = clamp(−0.0125·ln x − 0.0059,
   * 0.008, 0.045); nuMean/nuStd are then ignored.
   */
  readonly model: 'constant' | 'pcm';
}

/** Read noise per read: σ = abs + rel·g. */
export interface ReadNoiseParams {
  /** absolute σ [µS] */ readonly abs: number;
  /** relative σ [fraction of g] */ readonly rel: number;
}

/** Stuck-at faults drawn at construction. */
export interface StuckAtParams {
  /** Fraction of faulty devices [0, 1]. */
  readonly fraction: number;
  /** Fraction of the faulty devices stuck at gMax (the others at gMin) [0, 1]. */
  readonly high: number;
}

/** Programming pulses (magnitudes; polarity is the sign of the count). */
export interface PulseParams {
  /** potentiation (SET) amplitude [mV] */ readonly vUp: number;
  /** depression (RESET) amplitude, magnitude [mV] */ readonly vDown: number;
  /** potentiation pulse width [ms] */ readonly widthUp: number;
  /** depression pulse width [ms] */ readonly widthDown: number;
}

/** Read pulses. */
export interface ReadParams {
  /** read amplitude, magnitude [mV] */ readonly v: number;
  /** read pulse width [ms] */ readonly width: number;
}

/** Fields every device kind has. */
export interface DeviceCommon {
  readonly kind: DeviceKind;
  /** Short name ('hfs2'); presets use their key. */
  readonly name: string;
  /** Source of the numbers (paper + DOI/arXiv, and which model it is a fit of). */
  readonly citation: string;
  /** Lower bound of the conductance window [µS] (≥ 0). */
  readonly gMin: number;
  /** Upper bound of the conductance window [µS] (> gMin). */
  readonly gMax: number;
  /** Conductance states a nominal device visits from gMin to gMax under potentiation: Pmax = levels − 1 pulses (≥ 2; need not be an integer). */
  readonly levels: number;
  /** Up/down asymmetry β ∈ (−1, 1): a SET pulse counts as (1 + β) pulses, a RESET pulse as (1 − β). */
  readonly asymmetry: number;
  /** Cycle-to-cycle noise σ per pulse [µS] (additive, Gaussian). */
  readonly c2c: number;
  readonly d2d: D2dParams;
  /** Finite levels: 0 = continuous, else the number of evenly spaced states the conductance snaps to (≥ 2). */
  readonly quantLevels: number;
  /** Pulses a device survives [count]; Infinity = no wear-out. At most 4294967295 (the pulse counter is 32-bit). */
  readonly endurance: number;
  /** Where a worn-out device ends. */
  readonly stuckState: StuckState;
  readonly drift: DriftParams;
  readonly readNoise: ReadNoiseParams;
  readonly stuckAt: StuckAtParams;
  readonly pulse: PulseParams;
  readonly read: ReadParams;
}

/** Constant step: G(P) = gMin + W·P/Pmax. */
export interface LinearDevice extends DeviceCommon { readonly kind: 'linear'; }

/** NeuroSim exponential law; A = normA·Pmax pulses (NeuroSim's "normA"; see `neurosimNormA`). */
export interface SoftBoundsDevice extends DeviceCommon {
  readonly kind: 'softBounds';
  /** A_LTP / Pmax (> 0); large = linear. */
  readonly normAUp: number;
  /** A_LTD / Pmax (> 0). */
  readonly normADown: number;
}

/** Power law in pulse number (exact PowStep): exponents k (> 0; 1 = linear, > 1 saturating). */
export interface PowerDevice extends DeviceCommon {
  readonly kind: 'power';
  readonly powUp: number;
  readonly powDown: number;
}

/** Measured Δg versus g on a uniform grid of dgUp.length nodes from gMin to gMax. */
export interface TableDevice extends DeviceCommon {
  readonly kind: 'table';
  /** Δg per potentiation pulse at each node [µS, ≥ 0]. */
  readonly dgUp: readonly number[];
  /** |Δg| per depression pulse at each node [µS, ≥ 0]. */
  readonly dgDown: readonly number[];
}

export type DeviceParams = LinearDevice | SoftBoundsDevice | PowerDevice | TableDevice;

/** A value that may carry a unit string at the API boundary. */
type Q = Quantity;

/** What `deviceParams` accepts as overrides: any field, nested groups partially, quantities as strings. */
export interface DeviceOverrides {
  readonly kind?: DeviceKind;
  readonly name?: string;
  readonly citation?: string;
  readonly gMin?: Q;
  readonly gMax?: Q;
  readonly levels?: number;
  readonly asymmetry?: number;
  readonly c2c?: Q;
  readonly d2d?: Partial<D2dParams>;
  readonly quantLevels?: number;
  readonly endurance?: number;
  readonly stuckState?: StuckState;
  readonly drift?: { readonly nuMean?: number; readonly nuStd?: number; readonly t0?: Q; readonly model?: 'constant' | 'pcm' };
  readonly readNoise?: { readonly abs?: Q; readonly rel?: number };
  readonly stuckAt?: Partial<StuckAtParams>;
  readonly pulse?: { readonly vUp?: Q; readonly vDown?: Q; readonly widthUp?: Q; readonly widthDown?: Q };
  readonly read?: { readonly v?: Q; readonly width?: Q };
  readonly normAUp?: number;
  readonly normADown?: number;
  readonly powUp?: number;
  readonly powDown?: number;
  readonly dgUp?: readonly number[];
  readonly dgDown?: readonly number[];
}

/** Largest endurance the 32-bit pulse counter can represent. */
export const MAX_ENDURANCE = 0xffffffff;

/**
 * NeuroSim's nonlinearity label → normA (A/Pmax) lookup (MLP+NeuroSim V3.0 manual), interpolated
 * log-linearly in between; the sign of the label (LTD labels are often written negative) is ignored.
 */
export const NEUROSIM_NL_TABLE: ReadonlyArray<readonly [nl: number, normA: number]> = Object.freeze([
  [0.04, 31.57], [0.5, 2.52], [0.61, 2.06], [0.63, 2.0], [1.0, 1.25], [1.94, 0.629], [2.4, 0.499],
  [3.68, 0.301], [4.88, 0.2], [6.76, 0.1],
] as const);

/** normA for a NeuroSim nonlinearity label (|nl| in [0.04, 6.76]; clamped outside). */
export function neurosimNormA(nl: number): number {
  const x = Math.abs(nl);
  const t = NEUROSIM_NL_TABLE;
  if (x <= t[0][0]) return t[0][1];
  if (x >= t[t.length - 1][0]) return t[t.length - 1][1];
  for (let i = 1; i < t.length; i++) {
    if (x <= t[i][0]) {
      const [x0, y0] = t[i - 1];
      const [x1, y1] = t[i];
      const u = (log(x) - log(x0)) / (log(x1) - log(x0));
      return exp(log(y0) + u * (log(y1) - log(y0)));
    }
  }
  return t[t.length - 1][1];
}

/** Inverse of `neurosimNormA`: the nonlinearity label for a normA (clamped to the table's range). */
export function neurosimNonlinearity(normA: number): number {
  const t = NEUROSIM_NL_TABLE;
  if (!(normA > 0)) return t[t.length - 1][0];
  if (normA >= t[0][1]) return t[0][0];
  if (normA <= t[t.length - 1][1]) return t[t.length - 1][0];
  for (let i = 1; i < t.length; i++) {
    if (normA >= t[i][1]) {
      const [x0, y0] = t[i - 1];
      const [x1, y1] = t[i];
      const u = (log(normA) - log(y0)) / (log(y1) - log(y0));
      return exp(log(x0) + u * (log(x1) - log(x0)));
    }
  }
  return t[t.length - 1][0];
}

/** Defaults for every non-ideality: all off (the ideal corner). */
export const NO_NONIDEALITIES = Object.freeze({
  asymmetry: 0,
  c2c: 0,
  d2d: Object.freeze({ step: 0, bounds: 0, nonlinearity: 0, upDown: 0 }),
  quantLevels: 0,
  endurance: Infinity,
  stuckState: 'gMin' as StuckState,
  drift: Object.freeze({ nuMean: 0, nuStd: 0, t0: 1000, model: 'constant' as const }),
  readNoise: Object.freeze({ abs: 0, rel: 0 }),
  stuckAt: Object.freeze({ fraction: 0, high: 0.5 }),
  pulse: Object.freeze({ vUp: 0, vDown: 0, widthUp: 0, widthDown: 0 }),
  read: Object.freeze({ v: 0, width: 0 }),
});

const KINDS: readonly DeviceKind[] = ['linear', 'softBounds', 'power', 'table'];
const COMMON_KEYS = new Set(['kind', 'name', 'citation', 'gMin', 'gMax', 'levels', 'asymmetry', 'c2c', 'd2d', 'quantLevels', 'endurance', 'stuckState', 'drift', 'readNoise', 'stuckAt', 'pulse', 'read']);
const KIND_KEYS: Record<DeviceKind, readonly string[]> = {
  linear: [],
  softBounds: ['normAUp', 'normADown'],
  power: ['powUp', 'powDown'],
  table: ['dgUp', 'dgDown'],
};

/**
 * Returns a new validated, frozen DeviceParams: `base` (an object or a preset name resolved by the
 * caller — see `devicePreset`) with `overrides` applied. Nested groups (d2d, drift, readNoise,
 * stuckAt, pulse, read) merge field by field. Quantities may be strings with units.
 * Throws an Error naming the field, the value and the fix; nothing is returned half-checked.
 */
export function deviceParams(base: DeviceParams, overrides: DeviceOverrides = {}): DeviceParams {
  if (overrides === null || typeof overrides !== 'object') {
    throw new Error(`device overrides = ${format(overrides)} must be an object of fields to change, e.g. { c2c: 0 }.`);
  }
  const name = String(overrides.name ?? base.name ?? 'device');
  const where = (f: string) => `device '${name}': ${f}`;
  for (const key of Object.keys(overrides)) {
    const kind = (overrides.kind ?? base.kind) as DeviceKind;
    if (!COMMON_KEYS.has(key) && !(KIND_KEYS[kind] ?? []).includes(key)) {
      const owner = KINDS.find((k) => KIND_KEYS[k].includes(key));
      throw new Error(owner
        ? where(`${key} belongs to kind '${owner}', but the device is kind '${kind}'; set kind: '${owner}' as well or drop ${key}.`)
        : where(`unknown field '${key}'; known fields: ${[...COMMON_KEYS, ...KIND_KEYS[kind] ?? []].join(', ')}.`));
    }
  }
  const kind = overrides.kind ?? base.kind;
  if (!KINDS.includes(kind)) throw new Error(where(`kind = ${format(kind)} is not a device kind; use one of ${KINDS.join(', ')}.`));

  const num = (field: string, v: unknown): number => {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(where(`${field} = ${format(v)} is not a number; give a number.`));
    return v;
  };
  const q = (field: string, v: Q | undefined, fallback: number, dim: 'conductance' | 'time' | 'voltage'): number =>
    v === undefined ? fallback : toInternal(v, dim, `device '${name}'.${field}`);

  const gMin = q('gMin', overrides.gMin, base.gMin, 'conductance');
  const gMax = q('gMax', overrides.gMax, base.gMax, 'conductance');
  if (!(gMin >= 0)) throw new Error(where(`gMin = ${gMin} µS is negative; conductances are ≥ 0 — give gMin ≥ 0 (e.g. the device's high-resistance state, 1/R_OFF).`));
  if (!(gMax > gMin)) throw new Error(where(`gMax = ${gMax} µS must be > gMin = ${gMin} µS (the bounds are inverted or equal); swap them or widen the window.`));
  if (!Number.isFinite(gMax)) throw new Error(where(`gMax = ${gMax} must be finite; give the low-resistance-state conductance 1/R_ON in µS.`));

  const levels = num('levels', overrides.levels ?? base.levels);
  if (!(levels >= 2) || !Number.isFinite(levels)) throw new Error(where(`levels = ${levels} must be a finite number ≥ 2 (states from gMin to gMax; Pmax = levels − 1 pulses); use e.g. 16 or 64.`));
  const asymmetry = num('asymmetry', overrides.asymmetry ?? base.asymmetry);
  if (!(asymmetry > -1 && asymmetry < 1)) throw new Error(where(`asymmetry = ${asymmetry} must be in (−1, 1) (SET pulses count as 1 + β, RESET as 1 − β); use 0 for a symmetric device.`));
  const c2c = q('c2c', overrides.c2c, base.c2c, 'conductance');
  if (!(c2c >= 0)) throw new Error(where(`c2c = ${c2c} µS is a σ and must be ≥ 0; use 0 to switch cycle-to-cycle noise off.`));

  const d2dIn = { ...base.d2d, ...(overrides.d2d ?? {}) };
  if (d2dIn.upDown === undefined) (d2dIn as { upDown: number }).upDown = 0;
  for (const f of ['step', 'bounds', 'nonlinearity', 'upDown'] as const) {
    const v = num(`d2d.${f}`, d2dIn[f]);
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(where(`d2d.${f} = ${v} is a σ and must be ≥ 0 and finite; use 0 to switch it off (0.3 = 30 %).`));
    if (v > 1) throw new Error(where(`d2d.${f} = ${v} exceeds 1 (100 % variation); the stored factors cover ±4σ only up to σ = 1 — use a value ≤ 1.`));
  }
  const d2d: D2dParams = Object.freeze({ step: d2dIn.step, bounds: d2dIn.bounds, nonlinearity: d2dIn.nonlinearity, upDown: d2dIn.upDown });

  const quantLevels = num('quantLevels', overrides.quantLevels ?? base.quantLevels);
  if (!(quantLevels === 0 || (Number.isInteger(quantLevels) && quantLevels >= 2))) {
    throw new Error(where(`quantLevels = ${quantLevels} must be 0 (continuous) or a whole number ≥ 2 (levels < 2 cannot store anything); use e.g. 32.`));
  }
  const endurance = num('endurance', overrides.endurance ?? base.endurance);
  if (!(endurance > 0)) throw new Error(where(`endurance = ${endurance} must be > 0 pulses; use Infinity to switch wear-out off, or e.g. 1e6 for ReRAM.`));
  if (endurance !== Infinity && (endurance > MAX_ENDURANCE || !Number.isInteger(endurance))) {
    throw new Error(where(`endurance = ${endurance} must be a whole number ≤ ${MAX_ENDURANCE} (32-bit pulse counter) or Infinity; round it or use Infinity.`));
  }
  const stuckState = overrides.stuckState ?? base.stuckState;
  if (stuckState !== 'gMin' && stuckState !== 'gMax' && stuckState !== 'last') {
    throw new Error(where(`stuckState = ${format(stuckState)} is not one of 'gMin', 'gMax', 'last'; pick where a worn-out device ends.`));
  }

  const dIn = { ...base.drift, ...(overrides.drift ?? {}) };
  const nuMean = num('drift.nuMean', dIn.nuMean);
  const nuStd = num('drift.nuStd', dIn.nuStd);
  const t0 = q('drift.t0', dIn.t0 as Q, 1000, 'time');
  if (!(Math.abs(nuMean) < 1)) throw new Error(where(`drift.nuMean = ${nuMean} must be in (−1, 1) (PCM ≈ 0.05, ReRAM ≈ 0.01); use 0 to switch drift off.`));
  if (!(nuStd >= 0 && nuStd < 0.125)) throw new Error(where(`drift.nuStd = ${nuStd} is a σ and must be in [0, 0.125) (the stored draw covers ±8σ ≤ 1); use 0 for identical devices.`));
  if (!(t0 > 0) || !Number.isFinite(t0)) throw new Error(where(`drift.t0 = ${t0} ms must be > 0 and finite; use e.g. '1 s' (NeuroSim) or '20 s' (aihwkit PCM).`));
  if (dIn.model !== 'constant' && dIn.model !== 'pcm') throw new Error(where(`drift.model = ${format(dIn.model)} is not 'constant' or 'pcm'.`));
  const drift: DriftParams = Object.freeze({ nuMean, nuStd, t0, model: dIn.model });

  const rIn = { ...base.readNoise, ...(overrides.readNoise ?? {}) };
  const rAbs = q('readNoise.abs', rIn.abs as Q, 0, 'conductance');
  const rRel = num('readNoise.rel', rIn.rel);
  if (!(rAbs >= 0)) throw new Error(where(`readNoise.abs = ${rAbs} µS is a σ and must be ≥ 0; use 0 to switch it off.`));
  if (!(rRel >= 0) || !Number.isFinite(rRel)) throw new Error(where(`readNoise.rel = ${rRel} is a σ and must be ≥ 0; use 0 to switch it off.`));
  const readNoise: ReadNoiseParams = Object.freeze({ abs: rAbs, rel: rRel });

  const sIn = { ...base.stuckAt, ...(overrides.stuckAt ?? {}) };
  for (const f of ['fraction', 'high'] as const) {
    const v = num(`stuckAt.${f}`, sIn[f]);
    if (!(v >= 0 && v <= 1)) throw new Error(where(`stuckAt.${f} = ${v} must be a fraction in [0, 1]; e.g. 0.01 for 1 % faulty devices.`));
  }
  const stuckAt: StuckAtParams = Object.freeze({ fraction: sIn.fraction, high: sIn.high });

  const pIn = { ...base.pulse, ...(overrides.pulse ?? {}) };
  const pulse: PulseParams = Object.freeze({
    vUp: q('pulse.vUp', pIn.vUp as Q, 0, 'voltage'),
    vDown: Math.abs(q('pulse.vDown', pIn.vDown as Q, 0, 'voltage')),
    widthUp: q('pulse.widthUp', pIn.widthUp as Q, 0, 'time'),
    widthDown: q('pulse.widthDown', pIn.widthDown as Q, 0, 'time'),
  });
  if (!(pulse.widthUp >= 0 && pulse.widthDown >= 0)) throw new Error(where(`pulse widths (${pulse.widthUp}, ${pulse.widthDown} ms) must be ≥ 0; give e.g. '255 ns'.`));
  const rdIn = { ...base.read, ...(overrides.read ?? {}) };
  const read: ReadParams = Object.freeze({ v: Math.abs(q('read.v', rdIn.v as Q, 0, 'voltage')), width: q('read.width', rdIn.width as Q, 0, 'time') });
  if (!(read.width >= 0)) throw new Error(where(`read.width = ${read.width} ms must be ≥ 0; give e.g. '30 us'.`));

  const common = {
    name,
    citation: String(overrides.citation ?? base.citation ?? ''),
    gMin, gMax, levels, asymmetry, c2c, d2d, quantLevels, endurance, stuckState, drift, readNoise, stuckAt, pulse, read,
  };
  const from = <T>(key: string): T | undefined =>
    (overrides as Record<string, unknown>)[key] as T ?? (base.kind === kind ? (base as unknown as Record<string, unknown>)[key] as T : undefined);
  switch (kind) {
    case 'linear':
      return Object.freeze({ kind, ...common });
    case 'softBounds': {
      const normAUp = from<number>('normAUp');
      const normADown = from<number>('normADown');
      for (const [f, v] of [['normAUp', normAUp], ['normADown', normADown]] as const) {
        if (typeof v !== 'number' || !(v > 0)) throw new Error(where(`${f} = ${format(v)} must be > 0 (NeuroSim A/Pmax; 2.52 ≈ nonlinearity 0.5, 31.6 ≈ linear); see neurosimNormA(label).`));
      }
      return Object.freeze({ kind, ...common, normAUp: normAUp as number, normADown: normADown as number });
    }
    case 'power': {
      const powUp = from<number>('powUp');
      const powDown = from<number>('powDown');
      for (const [f, v] of [['powUp', powUp], ['powDown', powDown]] as const) {
        if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new Error(where(`${f} = ${format(v)} must be a finite number > 0 (1 = linear, 2 = saturating).`));
      }
      return Object.freeze({ kind, ...common, powUp: powUp as number, powDown: powDown as number });
    }
    case 'table': {
      const dgUp = from<readonly number[]>('dgUp');
      const dgDown = from<readonly number[]>('dgDown');
      for (const [f, v] of [['dgUp', dgUp], ['dgDown', dgDown]] as const) {
        if (!Array.isArray(v) && !(v instanceof Float64Array) && !(v instanceof Float32Array)) {
          throw new Error(where(`${f} = ${format(v)} must be an array of Δg per pulse [µS] on a uniform grid from gMin to gMax; build one with fitTableModel().`));
        }
        if (v.length < 2) throw new Error(where(`${f} has ${v.length} node(s); a table needs ≥ 2 nodes spanning gMin..gMax.`));
        for (let i = 0; i < v.length; i++) {
          if (!(v[i] >= 0) || !Number.isFinite(v[i])) throw new Error(where(`${f}[${i}] = ${v[i]} must be a finite magnitude ≥ 0 µS (the sign comes from the pulse polarity).`));
        }
      }
      if (dgUp!.length !== dgDown!.length) throw new Error(where(`dgUp has ${dgUp!.length} nodes but dgDown has ${dgDown!.length}; both tables share the same grid — give equal lengths.`));
      let anyUp = false;
      let anyDown = false;
      for (let i = 0; i < dgUp!.length; i++) { if (dgUp![i] > 0) anyUp = true; if (dgDown![i] > 0) anyDown = true; }
      if (!anyUp || !anyDown) throw new Error(where(`the table has no ${anyUp ? 'depression' : 'potentiation'} step (all zeros); a device must move both ways — check the measured trains.`));
      return Object.freeze({ kind, ...common, dgUp: Object.freeze(Array.from(dgUp!)), dgDown: Object.freeze(Array.from(dgDown!)) });
    }
  }
}
