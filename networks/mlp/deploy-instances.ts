/**
 * Accuracy over device instances: one call per table row ({@link evaluateDeployment}), the
 * device-to-device sweep ({@link dtodSweep}) and the drift curve ({@link driftCurve}), each
 * reported as mean ± sample standard deviation over ≥ 1 instances (default 10), as aihwkit users
 * repeat inference over noise instances.
 *
 * Instance k of a row is deployed with seed `${seed}/instance/${k}` (deploy.ts): every row of a
 * table built with the same seed uses the same device instances, so the rows differ only by what
 * the row changes (common random numbers; the d2d sweep scales the same normal draws), and the
 * same call gives the same numbers bit for bit.
 */
import { format } from '../../core/units.js';
import { checkMlpWeights } from './mapping.js';
import { checkData, deploySettings, DeployedMlp, type DeployOptions, type MlpData } from './deploy.js';
import type { MlpWeights } from './types.js';

/** mean ± sample std (n − 1; 0 for one value) of per-instance figures, with the values. */
export interface InstanceStats {
  readonly mean: number;
  readonly std: number;
  readonly values: readonly number[];
}

/** mean and sample standard deviation. */
export function instanceStats(values: readonly number[]): InstanceStats {
  const n = values.length;
  let m = 0;
  for (const v of values) m += v;
  m = n > 0 ? m / n : NaN;
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return Object.freeze({ mean: m, std: n > 1 ? Math.sqrt(s / (n - 1)) : 0, values: Object.freeze([...values]) });
}

/** The seed of device instance k of a row seeded `seed`. */
export function instanceSeed(seed: number | string, k: number): string {
  return `${seed}/instance/${k}`;
}

/** Options of a row: a deployment (its seed is the row's) plus how to read it and how many instances. */
export interface RowOptions extends DeployOptions {
  /** device instances (default 10) */
  readonly instances?: number;
  /** time since programming [ms] (default 0) */
  readonly ageMs?: number;
  /** global drift compensation (default true unless io.driftCompensation is 'none') */
  readonly compensate?: boolean;
  /** first `count` images of the data (default all) */
  readonly count?: number;
  /** called after each instance (progress): k = 0 … instances − 1 and its accuracy */
  readonly onInstance?: (k: number, accuracy: number) => void;
}

/** One table row. */
export interface DeploymentRow {
  readonly accuracy: InstanceStats;
  readonly instances: number;
  readonly count: number;
  readonly ageMs: number;
  readonly compensate: boolean;
  readonly energyPerInference_nJ: number;
  readonly latencyPerInference_ms: number;
  /** mean programming pulses and energy per deployment (all layers) */
  readonly programmingPulses: number;
  readonly programmingEnergy_nJ: number;
  /** the settings of instance 0 (device, program, dtod, pairsPerWeight, tile, io, …) */
  readonly settings: DeployedMlp['settings'];
}

function checkInstances(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Error(`instances = ${format(n)} is not a whole number ≥ 1; give how many device instances to average (≥ 10 for a reported figure).`);
  return n;
}

/** Validates everything a row needs (weights, options, data) before any device is created. */
function checkRow(weights: MlpWeights, data: MlpData, o: RowOptions): number {
  checkMlpWeights(weights);
  deploySettings(weights.sizes, o);
  if (data === null || typeof data !== 'object') throw new Error(`data = ${format(data)} is not { images, labels }; give the test images and their labels.`);
  const nIn = weights.sizes[0], nOut = weights.sizes[weights.sizes.length - 1];
  const count = checkData(data.images, data.labels, nIn, nOut, o.count);
  if (o.ageMs !== undefined && (typeof o.ageMs !== 'number' || !Number.isFinite(o.ageMs) || o.ageMs < 0)) {
    throw new Error(`ageMs = ${format(o.ageMs)} must be a finite time ≥ 0 in ms since programming.`);
  }
  if (o.compensate !== undefined && typeof o.compensate !== 'boolean') throw new Error(`compensate = ${format(o.compensate)} is not a boolean; give true or false.`);
  return count;
}

/**
 * One table row: deploys `instances` device instances of the options and evaluates each on the
 * data at `ageMs`; accuracy mean ± std, energy and latency per inference, programming cost.
 * Everything is validated before the first instance is deployed.
 */
export function evaluateDeployment(weights: MlpWeights, data: MlpData, o: RowOptions): DeploymentRow {
  const instances = checkInstances(o.instances ?? 10);
  const count = checkRow(weights, data, o);
  const acc: number[] = [];
  let energy = 0, pulses = 0, progEnergy = 0;
  let first: DeployedMlp | null = null;
  let compensate = true;
  for (let k = 0; k < instances; k++) {
    const d = new DeployedMlp(weights, deploySettings(weights.sizes, { ...o, seed: instanceSeed(o.seed, k) }));
    const ev = d.evaluate(data.images, data.labels, { ageMs: o.ageMs ?? 0, count, ...(o.compensate !== undefined ? { compensate: o.compensate } : {}) });
    acc.push(ev.accuracy);
    energy += ev.energyPerInference_nJ;
    compensate = ev.compensate;
    for (const r of d.programming) pulses += r.pulses;
    progEnergy += d.programmingEnergy_nJ;
    first ??= d;
    o.onInstance?.(k, ev.accuracy);
  }
  return Object.freeze({
    accuracy: instanceStats(acc),
    instances,
    count,
    ageMs: o.ageMs ?? 0,
    compensate,
    energyPerInference_nJ: energy / instances,
    latencyPerInference_ms: first!.latencyPerInference_ms,
    programmingPulses: pulses / instances,
    programmingEnergy_nJ: progEnergy / instances,
    settings: first!.settings,
  });
}

/** The paper's device-to-device levels: 0, 10, 20, 30, 40, 50 %. */
export const DTOD_LEVELS: readonly number[] = Object.freeze([0, 0.1, 0.2, 0.3, 0.4, 0.5]);

/** One point of the d2d sweep. */
export interface DtodPoint extends DeploymentRow {
  readonly dtod: number;
}

/** Accuracy versus device-to-device level (one row per level; same instances in every row). */
export function dtodSweep(weights: MlpWeights, data: MlpData, o: RowOptions & { readonly levels?: readonly number[] }): DtodPoint[] {
  const levels = o.levels ?? DTOD_LEVELS;
  if (!Array.isArray(levels) || levels.length === 0) throw new Error(`levels = ${format(levels)} is not a list of device-to-device levels; give e.g. [0, 0.1, 0.2, 0.3, 0.4, 0.5].`);
  for (const v of levels) checkRow(weights, data, { ...o, dtod: v }); // every level validated before the first
  return levels.map((dtod) => Object.freeze({ dtod, ...evaluateDeployment(weights, data, { ...o, dtod }) }));
}

/** A time after programming, with its label. */
export interface DriftTime {
  readonly label: string;
  readonly ms: number;
}

/** The paper's times (Fig. 3c–d): 1 s, 1 h, 1 day, 1 month (30 d), 1 year (365.25 d), 10 years. */
export const DRIFT_TIMES: readonly DriftTime[] = Object.freeze([
  { label: '1 s', ms: 1e3 },
  { label: '1 h', ms: 3.6e6 },
  { label: '1 day', ms: 8.64e7 },
  { label: '1 month', ms: 30 * 8.64e7 },
  { label: '1 year', ms: 365.25 * 8.64e7 },
  { label: '10 years', ms: 3652.5 * 8.64e7 },
].map((t) => Object.freeze(t)));

/** One point of the drift curve: accuracy with and without global drift compensation. */
export interface DriftPoint {
  readonly label: string;
  readonly ageMs: number;
  readonly compensated: InstanceStats;
  readonly uncompensated: InstanceStats;
  /** per-instance mean γ over the layers (the compensation factor applied) */
  readonly gamma: InstanceStats;
}

/**
 * Accuracy versus time after programming, with and without global drift compensation: each
 * instance is programmed once and read at every time (as a deployed chip ages), both ways.
 * `ageMs`/`compensate` of the options are ignored (the curve sets them).
 */
export function driftCurve(weights: MlpWeights, data: MlpData, o: RowOptions & { readonly times?: readonly DriftTime[] }): DriftPoint[] {
  const instances = checkInstances(o.instances ?? 10);
  const times = o.times ?? DRIFT_TIMES;
  if (!Array.isArray(times) || times.length === 0) throw new Error(`times = ${format(times)} is not a list of { label, ms }; give e.g. DRIFT_TIMES.`);
  for (const t of times) {
    if (t === null || typeof t !== 'object' || typeof t.ms !== 'number' || !Number.isFinite(t.ms) || t.ms < 0) throw new Error(`times: ${format(t)} is not { label, ms ≥ 0 }; give the time after programming in ms.`);
  }
  const count = checkRow(weights, data, { ...o, ageMs: 0 });
  const comp = times.map(() => [] as number[]), unc = times.map(() => [] as number[]), gam = times.map(() => [] as number[]);
  for (let k = 0; k < instances; k++) {
    const d = new DeployedMlp(weights, deploySettings(weights.sizes, { ...o, seed: instanceSeed(o.seed, k) }));
    times.forEach((t, q) => {
      const a = d.evaluate(data.images, data.labels, { ageMs: t.ms, compensate: true, count });
      const b = d.evaluate(data.images, data.labels, { ageMs: t.ms, compensate: false, count });
      comp[q].push(a.accuracy);
      unc[q].push(b.accuracy);
      gam[q].push(a.compensation.reduce((s, g) => s + g, 0) / a.compensation.length);
    });
    o.onInstance?.(k, comp[0][k]);
  }
  return times.map((t, q) => Object.freeze({
    label: t.label ?? `${t.ms} ms`, ageMs: t.ms, compensated: instanceStats(comp[q]), uncompensated: instanceStats(unc[q]), gamma: instanceStats(gam[q]),
  }));
}
