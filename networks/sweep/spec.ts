/**
 * Sweeps as plain JSON: a base experiment spec, axes and repeats, expanded into trials whose id is
 * the hash of their canonical spec. Pure and browser-safe: the CLI's local pool, array-job shards
 * and the queue mode all expand a sweep with these functions, so they agree on every trial and id.
 *
 *   {
 *     "base":    <an experiment spec: what `memspike train --print-spec` prints; any subset of its fields>,
 *     "axes":    { "<field>": [v1, v2, …], … },   the grid: every combination of one value per axis
 *     "repeats": 1                                 runs of every grid point (default 1)
 *   }
 *
 * Axes name a spec field (`d2d`, `neurons`, `device`, `rounding`, `seed`, …) or a field inside one,
 * by a dotted path in the words of SpecError fields: `ruleParams.nuPost`, `excitatory.thetaPlus`,
 * `deviceOverrides.levels`, `deviceOverrides.d2d.step`, `data.train`, `schedule[0].samples`
 * (`schedule.0.samples` also reads). A value replaces the base's value there; missing objects on
 * the way (a null `ruleParams`) are created.
 *
 * Trials are numbered in grid order — the first axis varies slowest, repeats fastest:
 * index = point × repeats + repeat. Repeat r (0-based) of a grid point runs with seed = the point's
 * seed + r, so repeats differ in their spec and hence in their id; `seed` as an axis and repeats > 1
 * would run the same spec twice, and is refused.
 *
 * Changing the store along an axis: where an axis sets `device` and the device fields (cell, wMax,
 * rounding, deviceNormalisation, d2d, deviceOverrides) are not axes themselves, a trial on float
 * weights leaves them out (they do not apply), and a trial on a device preset whose base was float
 * takes their defaults.
 *
 * Every trial's spec is validated by the experiment's own `resolveSpec` before anything runs; the
 * trials it refuses are reported all at once, each with its axis values (SweepTrialsError).
 * Shards: `shardTrials(trials, i, n)` with 1-based i takes every n-th trial from the i-th (round
 * robin by index, so that an axis of growing cost spreads over the shards).
 */
import { RULES } from '../../learning/rules.js';
import { DIEHL_COOK } from '../diehl-cook/network.js';
import { canonicalSpec, resolveSpec, type ExperimentSpec } from '../diehl-cook/spec.js';
import { checkKnownKeys, isPlainObject, showValue, SpecError, wholeNumber } from '../experiment/spec-error.js';
import { sha256Hex } from './sha256.js';

/** A validated sweep: the resolved base spec, the axes (in the order given) and the repeats. */
export interface SweepSpec {
  readonly base: ExperimentSpec;
  /** axis path → its values (at least one each, no two equal) */
  readonly axes: Readonly<Record<string, readonly unknown[]>>;
  /** runs of every grid point (≥ 1), differing in seed */
  readonly repeats: number;
}

/** One run of a sweep. */
export interface Trial {
  /** the hash of the trial's canonical spec (TRIAL_ID_LENGTH hex digits of SHA-256) */
  readonly id: string;
  /** position in the sweep (grid order, repeats fastest), 0-based */
  readonly index: number;
  /** the value of every axis for this trial */
  readonly axes: Readonly<Record<string, unknown>>;
  /** 0-based repeat of its grid point */
  readonly repeat: number;
  readonly spec: ExperimentSpec;
}

/** Hex digits of a trial id and of a sweep id (64 bits of SHA-256). */
export const TRIAL_ID_LENGTH = 16;
/** The most repeats of a grid point. */
export const MAX_REPEATS = 1000;
/** The most trials of one sweep (a grid beyond it is a typo, not an experiment). */
export const MAX_TRIALS = 100_000;

/** The fields of a sweep file. */
const SWEEP_KEYS = ['base', 'axes', 'repeats'] as const;
/** The device fields that follow the store when `device` is an axis. */
const DEVICE_FIELDS = ['deviceOverrides', 'd2d', 'cell', 'wMax', 'rounding', 'deviceNormalisation'] as const;
/** The fields of a schedule's phases. */
const PHASE_FIELDS = ['phase', 'mode', 'samples', 'epochs', 'images', 'program', 'age', 'compensate', 'readout', 'columnCorrection', 'device'];

/** One trial the experiment spec refused. */
export interface RejectedTrial {
  readonly index: number;
  readonly axes: Readonly<Record<string, unknown>>;
  readonly repeat: number;
  readonly error: SpecError;
}

/** Refused trials named one by one in a SweepTrialsError's message (all of them are in `rejected`). */
export const MAX_LISTED = 100;

/** The trials of a sweep that the experiment spec refuses, all of them, each with its axis values. */
export class SweepTrialsError extends SpecError {
  readonly rejected: readonly RejectedTrial[];

  constructor(rejected: readonly RejectedTrial[], trials: number) {
    const shown = rejected.slice(0, MAX_LISTED).map((r) => `  trial ${r.index} (${describeTrialAxes(r.axes, r.repeat)}): ${r.error.message}`);
    const more = rejected.length > shown.length ? [`  … and ${rejected.length - shown.length} more`] : [];
    super(
      'axes',
      Object.fromEntries(Object.keys(rejected[0].axes).map((k) => [k, [...new Set(rejected.map((r) => JSON.stringify(r.axes[k])))].map((s) => JSON.parse(s) as unknown)])),
      `${rejected.length} of ${trials} trials are refused by the experiment spec:\n${[...shown, ...more].join('\n')}\nchange or remove these values of the axes (or the base they combine with); nothing was run.`,
    );
    this.name = 'SweepTrialsError';
    this.rejected = rejected;
  }
}

/** `d2d = 0.3, seed = 2, repeat 1` — a trial's axis values for messages and tables. */
export function describeTrialAxes(axes: Readonly<Record<string, unknown>>, repeat: number): string {
  const parts = Object.entries(axes).map(([k, v]) => `${k} = ${showValue(v)}`);
  if (repeat > 0 || parts.length === 0) parts.push(`repeat ${repeat}`);
  return parts.join(', ');
}

/** A path segment: a field name or a list index. */
type Segment = string | number;

/** `schedule[0].samples` or `schedule.0.samples` → ['schedule', 0, 'samples']; null if malformed. */
export function parseAxisPath(path: string): Segment[] | null {
  if (path === '') return null;
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([A-Za-z_$][\w$]*)?((?:\[\d+\])*)$/.exec(part);
    if (m === null) {
      if (/^\d+$/.test(part) && out.length > 0) {
        out.push(Number(part));
        continue;
      }
      return null;
    }
    if (m[1] === undefined && (m[2] === '' || out.length === 0)) return null;
    if (m[1] !== undefined) out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** The known fields of an experiment spec (those of a resolved one). */
function specFields(): string[] {
  return Object.keys(resolveSpec({ schedule: [{ phase: 'train', samples: 1 }] }));
}

/** The parameter names of every learning rule (a rule axis may change which apply; each trial checks its own). */
function ruleParamNames(): string[] {
  return [...new Set(Object.values(RULES).flatMap((r) => Object.keys(r).filter((k) => k !== 'kind')))];
}

/** Throws unless `path` names a field of the base spec (or one inside an object-valued field). */
function checkAxisPath(name: string, path: Segment[], base: ExperimentSpec, fields: readonly string[]): void {
  const field = `axes.${name}`;
  const top = path[0];
  if (typeof top !== 'string') throw new SpecError(field, name, 'is not a field path; give a spec field such as "d2d" or a dotted path such as "ruleParams.nuPost" or "schedule[0].samples".');
  try {
    checkKnownKeys({ [top]: null }, fields, '');
  } catch (e) {
    throw new SpecError(field, name, `names no field of an experiment spec${(e as SpecError).problem.replace(/^is not a field of an experiment spec/, '')}`);
  }
  if (path.length === 1) return;
  const sub = path[1];
  const known = (names: readonly string[]): void => {
    if (typeof sub !== 'string') throw new SpecError(field, name, `${top} is an object, not a list; give one of its fields: ${names.join(', ')}.`);
    try {
      checkKnownKeys({ [sub]: null }, names, top);
    } catch (e) {
      throw new SpecError(field, name, `${sub} ${(e as SpecError).problem}`);
    }
  };
  switch (top) {
    case 'ruleParams':
      known(ruleParamNames());
      break;
    case 'excitatory':
      known(Object.keys(DIEHL_COOK.exc));
      break;
    case 'data':
      known(['train', 'test']);
      if (path.length > 2 && !(path.length === 3 && (path[2] === 'images' || path[2] === 'labels'))) throw new SpecError(field, name, `a data source has only the fields images and labels (IDX file paths); give "data.${String(sub)}", "data.${String(sub)}.images" or "data.${String(sub)}.labels".`);
      break;
    case 'schedule': {
      if (typeof sub !== 'number' || sub >= base.schedule.length) throw new SpecError(field, name, `the base schedule has ${base.schedule.length} phases (schedule[0] … schedule[${base.schedule.length - 1}]); give the index of one of them, e.g. "schedule[0].samples".`);
      if (path.length > 3 || (path.length === 3 && (typeof path[2] !== 'string' || !PHASE_FIELDS.includes(path[2])))) throw new SpecError(field, name, `give a field of a phase: ${PHASE_FIELDS.join(', ')}, e.g. "schedule[${sub}].samples".`);
      break;
    }
    case 'deviceOverrides':
      // the device model knows its fields by kind; each trial's spec is checked by it
      if (typeof sub !== 'string') throw new SpecError(field, name, 'give a device parameter, e.g. "deviceOverrides.levels" or "deviceOverrides.d2d.step".');
      break;
    default:
      throw new SpecError(field, name, `${top} is a plain value; it has no fields inside — give "${top}" as the axis.`);
  }
}

/** A deep copy of JSON data (specs and axis values are JSON). */
function copy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Sets `value` at `path` in the plain object `target`, creating objects on the way (a null or missing one). */
function setPath(target: Record<string, unknown>, path: readonly Segment[], value: unknown): void {
  let at: Record<string | number, unknown> = target;
  for (let k = 0; k < path.length - 1; k++) {
    const key = path[k];
    const next = at[key];
    if (next === null || next === undefined || typeof next !== 'object') at[key] = typeof path[k + 1] === 'number' ? [] : {};
    at = at[key] as Record<string | number, unknown>;
  }
  at[path[path.length - 1]] = copy(value);
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * Validates a sweep (see the module doc): its fields, the base spec (errors name `base.<field>`),
 * every axis (a field of the spec, a non-empty list of distinct values), the repeats, and every
 * trial's spec — all refused trials at once (SweepTrialsError). Throws SpecErrors naming the field,
 * the value and the fix; returns a frozen SweepSpec.
 */
export function resolveSweepSpec(input: unknown): SweepSpec {
  if (!isPlainObject(input)) throw new SpecError('sweep', input, 'must be a JSON object { "base": <experiment spec>, "axes": { "<field>": [values…] }, "repeats": 1 } (docs/sweeps.md).');
  checkKnownKeys(input, SWEEP_KEYS, 'sweep');
  const baseIn = input['base'] ?? {};
  if (!isPlainObject(baseIn)) throw new SpecError('base', baseIn, 'must be an experiment spec: a JSON object of its fields, e.g. what `memspike train --print-spec` prints.');
  let base: ExperimentSpec;
  try {
    base = resolveSpec(baseIn);
  } catch (e) {
    if (e instanceof SpecError) throw new SpecError(`base.${e.field}`, e.value, e.problem);
    throw e;
  }
  const axesIn = input['axes'] ?? {};
  if (!isPlainObject(axesIn)) throw new SpecError('axes', axesIn, 'must be an object of axes, each a spec field and its list of values, e.g. { "d2d": [0, 0.25, 0.5], "seed": [1, 2, 3] }.');
  const fields = specFields();
  const paths: Segment[][] = [];
  const names = Object.keys(axesIn);
  for (const name of names) {
    const path = parseAxisPath(name);
    if (path === null) throw new SpecError(`axes.${name}`, name, 'is not a field path; give a spec field such as "d2d" or a dotted path such as "ruleParams.nuPost" or "schedule[0].samples".');
    checkAxisPath(name, path, base, fields);
    const values = axesIn[name];
    if (!Array.isArray(values)) throw new SpecError(`axes.${name}`, values, `must be a list of values, e.g. [${showValue(valueAt(base, path))}]; for a single value put it in the base spec instead.`);
    if (values.length === 0) throw new SpecError(`axes.${name}`, values, 'is empty: an axis needs at least one value (an empty axis would make an empty sweep); give its values, or remove the axis.');
    const seen = new Map<string, number>();
    values.forEach((v, k) => {
      const key = JSON.stringify(v);
      if (key === undefined) throw new SpecError(`axes.${name}[${k}]`, v, 'is not a JSON value; give numbers, strings, booleans, null, lists or objects.');
      const first = seen.get(key);
      if (first !== undefined) throw new SpecError(`axes.${name}[${k}]`, v, `repeats axes.${name}[${first}]; every value of an axis must be different (the same trial is never run twice) — remove one.`);
      seen.set(key, k);
    });
    paths.push(path);
  }
  // an axis inside another axis' field would be overwritten by it
  for (let a = 0; a < names.length; a++) {
    for (let b = 0; b < names.length; b++) {
      if (a !== b && paths[b].length > paths[a].length && paths[a].every((s, k) => paths[b][k] === s)) {
        throw new SpecError(`axes.${names[b]}`, names[b], `lies inside the axis ${names[a]}, which sets the whole of it; merge them into ${names[a]}'s values, or remove one.`);
      }
    }
  }
  const repeats = wholeNumber(input['repeats'] ?? 1, 'repeats', 1, MAX_REPEATS, 'give the number of runs of every grid point (their seeds are seed, seed + 1, …)');
  if (repeats > 1 && names.some((n) => n === 'seed')) {
    throw new SpecError('repeats', repeats, 'seed is an axis, and repeats differ only in their seed: they would run the same specs again; give repeats 1 (the seeds are the axis) or remove the seed axis.');
  }
  const count = names.reduce((n, k) => n * (axesIn[k] as unknown[]).length, repeats);
  if (count > MAX_TRIALS) throw new SpecError('axes', Object.fromEntries(names.map((k) => [k, (axesIn[k] as unknown[]).length])), `make ${count} trials with ${repeats} repeats; a sweep runs at most ${MAX_TRIALS} — split it into several sweeps or use fewer values.`);
  const sweep: SweepSpec = deepFreeze({ base, axes: copy(axesIn) as Record<string, unknown[]>, repeats });
  expandTrials(sweep);
  return sweep;
}

/** The value at `path` in a spec (undefined where it does not exist). */
function valueAt(spec: unknown, path: readonly Segment[]): unknown {
  let at: unknown = spec;
  for (const s of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[s];
  }
  return at;
}

/**
 * The trials of a sweep in grid order (first axis slowest, repeats fastest), each with its resolved
 * spec and id. Throws a SweepTrialsError listing every trial the experiment spec refuses, and a
 * SpecError if two trials have the same spec.
 */
export function expandTrials(sweep: SweepSpec): Trial[] {
  const names = Object.keys(sweep.axes);
  const paths = names.map((n) => parseAxisPath(n)!);
  const sizes = names.map((n) => sweep.axes[n].length);
  const points = sizes.reduce((a, b) => a * b, 1);
  const deviceIsAxis = names.includes('device');
  const trials: Trial[] = [];
  const rejected: RejectedTrial[] = [];
  const byId = new Map<string, Trial>();
  for (let point = 0; point < points; point++) {
    // the point's value index on each axis (mixed radix, last axis fastest)
    const pick: number[] = new Array<number>(names.length);
    let rest = point;
    for (let a = names.length - 1; a >= 0; a--) {
      pick[a] = rest % sizes[a];
      rest = Math.floor(rest / sizes[a]);
    }
    const axes: Record<string, unknown> = {};
    names.forEach((n, a) => (axes[n] = sweep.axes[n][pick[a]]));
    for (let repeat = 0; repeat < sweep.repeats; repeat++) {
      const index = point * sweep.repeats + repeat;
      const input = copy(sweep.base) as unknown as Record<string, unknown>;
      names.forEach((n, a) => setPath(input, paths[a], axes[n]));
      if (deviceIsAxis) {
        for (const f of DEVICE_FIELDS) {
          if (names.some((n) => n === f || n.startsWith(`${f}.`))) continue;
          if (input['device'] === 'float') input[f] = null;
          else if (sweep.base.device === 'float') delete input[f];
        }
      }
      if (repeat > 0) input['seed'] = (input['seed'] as number) + repeat;
      let spec: ExperimentSpec;
      try {
        spec = resolveSpec(input);
      } catch (e) {
        const error = e instanceof SpecError ? e : new SpecError('spec', null, (e as Error).message);
        rejected.push({ index, axes: Object.freeze({ ...axes }), repeat, error });
        continue;
      }
      const trial: Trial = Object.freeze({ id: trialId(spec), index, axes: Object.freeze({ ...axes }), repeat, spec });
      const twin = byId.get(trial.id);
      if (twin !== undefined) {
        throw new SpecError('axes', { ...axes }, `trials ${twin.index} (${describeTrialAxes(twin.axes, twin.repeat)}) and ${index} (${describeTrialAxes(axes, repeat)}) have the same experiment spec (the values make no difference there); remove one of the values.`);
      }
      byId.set(trial.id, trial);
      trials.push(trial);
    }
  }
  if (rejected.length > 0) throw new SweepTrialsError(rejected, points * sweep.repeats);
  return trials;
}

/** The id of an experiment spec: the first TRIAL_ID_LENGTH hex digits of the SHA-256 of its canonical JSON. */
export function trialId(spec: ExperimentSpec): string {
  return sha256Hex(canonicalSpec(spec)).slice(0, TRIAL_ID_LENGTH);
}

/** Canonical JSON of a sweep: the resolved base (its keys in the spec's order), the axes in their order, the repeats. */
export function canonicalSweep(sweep: SweepSpec): string {
  return JSON.stringify({ base: sweep.base, axes: sweep.axes, repeats: sweep.repeats });
}

/** The id of a sweep: the first TRIAL_ID_LENGTH hex digits of the SHA-256 of its canonical JSON. */
export function sweepId(sweep: SweepSpec): string {
  return sha256Hex(canonicalSweep(sweep)).slice(0, TRIAL_ID_LENGTH);
}

/**
 * Shard i of n (1-based: 1/n … n/n) of a sweep's trials: those whose index ≡ i − 1 (mod n). The n
 * shards are disjoint and together hold every trial; the same trials give the same shards on every
 * machine. Throws a SpecError naming `shard` for i outside 1 … n or n < 1.
 */
export function shardTrials(trials: readonly Trial[], i: number, n: number): Trial[] {
  if (!Number.isSafeInteger(n) || n < 1) throw new SpecError('shard', `${i}/${n}`, 'n, the number of shards, must be a whole number ≥ 1; give i/n such as 1/4.');
  if (!Number.isSafeInteger(i) || i < 1 || i > n) throw new SpecError('shard', `${i}/${n}`, `i must be a whole number in 1 … ${n} (shards are numbered from 1); give 1/${n} … ${n}/${n}.`);
  return trials.filter((t) => t.index % n === i - 1);
}
