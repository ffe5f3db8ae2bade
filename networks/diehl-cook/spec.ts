/**
 * The Diehl & Cook experiment as plain JSON: what the CLI builds from its flags, what a model file
 * embeds, what a sweep varies. `resolveSpec` is the one validation function: it fills in the
 * defaults, checks every field and every combination, and returns a frozen spec whose keys are
 * always in the same order (so that JSON.stringify of it is canonical). Its errors are SpecErrors
 * naming the field, the value and the fix.
 *
 * Defaults — the best setting validated (docs/results.md), by store:
 *   device 'float'    ideal software weights in [0, 1] (Diehl & Cook's wmax), exact normalisation;
 *                     the device fields (cell, wMax, rounding, deviceNormalisation, d2d,
 *                     deviceOverrides) do not apply and must be left out (or null)
 *   a device preset   differential pairs driven set-only, wMax 0.5 per device window, weight
 *                     normalisation carried out by device pulses, 'feedback' rounding (the
 *                     mixed-precision accumulator closed through the read after programming)
 * The default device is 'hfs2', the HfOxSy/HfS2 memristor of the seed paper.
 *
 * Schedule: a list of phases run in order —
 *   { phase: 'train', samples, epochs }     learning on; each epoch shows `samples` training images
 *                                           from where training last stopped
 *   { phase: 'label', samples }             Diehl & Cook's labelling: the frozen network is shown the
 *                                           last `samples` images of the training set (≤ 10 000) and
 *                                           each neuron takes the class it answered most; images the
 *                                           network was not trained on unless training reached them
 *                                           (labels from held-out images generalise at least as well:
 *                                           docs/results.md)
 *   { phase: 'evaluate', mode: 'temporal', samples, images }   the full spiking simulation, frozen,
 *                                           on the first `samples` test images; `images`:
 *                                           'sequential' (the default) runs them one after the other
 *                                           as one simulation — the state an image leaves (membrane,
 *                                           conductances, input stream) carries into the next —;
 *                                           'independent' starts every image from the trained state
 *                                           with its own input stream, seeded from (seed, image
 *                                           index), so that images can be split across threads
 *                                           (independent.ts). The default is left out of the resolved
 *                                           spec, which therefore reads as it did before the field.
 *   { phase: 'evaluate', mode: 'crossbar', samples, program, age, compensate, readout,
 *     columnCorrection, device }            rate-coded inference on a simulated crossbar (crossbar.ts)
 * Frozen phases (label, evaluate) start from the trained state and leave it as it was, so an
 * evaluation gives the same result wherever it stands in a schedule, and training continued after
 * a labelling pass is the same training as without it.
 */
import { DEVICE_PRESETS, devicePreset } from '../../core/devices/presets.js';
import { deviceParams, type DeviceOverrides, type DeviceParams } from '../../core/devices/params.js';
import { buildLif, lif } from '../../core/populations/lif.js';
import { RandomStreams } from '../../core/random.js';
import { parseQuantity } from '../../core/units.js';
import { RULES, ruleParams, type RuleName, type RuleParams } from '../../learning/rules.js';
import { ROUNDINGS, type Rounding } from '../../learning/apply.js';
import { dataSource, type DataSource } from '../experiment/data.js';
import { checkKnownKeys, finiteIn, isPlainObject, oneOf, SpecError, wholeNumber } from '../experiment/spec-error.js';
import { LABEL_WINDOW } from './readout.js';
import { READOUTS, type Readout } from './crossbar.js';
import { DIEHL_COOK, type DiehlCookExcitatory } from './network.js';

/** The experiment kind a spec describes. */
export const DIEHL_COOK_EXPERIMENT = 'diehl-cook-2015';

export const PROGRAMMING = Object.freeze(['open-loop', 'write-verify'] as const);
export type Programming = (typeof PROGRAMMING)[number];
export const CELLS = Object.freeze(['single', 'pair'] as const);
export type Cell = (typeof CELLS)[number];

export interface TrainPhaseSpec {
  readonly phase: 'train';
  /** training images per epoch */
  readonly samples: number;
  readonly epochs: number;
}
export interface LabelPhaseSpec {
  readonly phase: 'label';
  /** the last `samples` images of the training set are shown to the frozen network (≤ LABEL_WINDOW) */
  readonly samples: number;
}
/** How a temporal evaluation runs its test images (see the module doc). */
export const EVALUATION_IMAGES = Object.freeze(['sequential', 'independent'] as const);
export type EvaluationImages = (typeof EVALUATION_IMAGES)[number];

export interface TemporalPhaseSpec {
  readonly phase: 'evaluate';
  readonly mode: 'temporal';
  /** test images (the first `samples`) */
  readonly samples: number;
  /**
   * 'independent': every image starts from the trained state with its own input stream; absent:
   * 'sequential' (the default, never written out, so specs and model files read as before the field)
   */
  readonly images?: 'independent';
}
export interface CrossbarPhaseSpec {
  readonly phase: 'evaluate';
  readonly mode: 'crossbar';
  readonly samples: number;
  readonly program: Programming;
  /** age of the array at read time [ms] (drift) */
  readonly age: number;
  /** global drift compensation */
  readonly compensate: boolean;
  readonly readout: Readout;
  /** per-column affine correction of the ADC outputs, fitted on training images */
  readonly columnCorrection: boolean;
  /** device preset of the inference array; null: the model's device ('ideal' for float weights) */
  readonly device: string | null;
}
export type EvaluatePhaseSpec = TemporalPhaseSpec | CrossbarPhaseSpec;
export type PhaseSpec = TrainPhaseSpec | LabelPhaseSpec | EvaluatePhaseSpec;

/** Overrides of the excitatory neurons' parameters [ms, mV] (any subset). */
export type ExcitatoryOverrides = Partial<DiehlCookExcitatory>;

/** A Diehl & Cook experiment. Fields that do not apply (device fields with float weights) are null. */
export interface ExperimentSpec {
  readonly experiment: typeof DIEHL_COOK_EXPERIMENT;
  /** excitatory (= inhibitory) neurons */
  readonly neurons: number;
  /** seed of every random stream */
  readonly seed: number;
  readonly rule: RuleName;
  /** changes to the rule's published parameters, e.g. { "nuPost": 0.02 } */
  readonly ruleParams: Readonly<Record<string, number>> | null;
  /** multiplies the rule's learning rates (annealing) */
  readonly rateScale: number;
  /** changes to the excitatory neurons' parameters, e.g. { "thetaPlus": 0.1 } */
  readonly excitatory: ExcitatoryOverrides | null;
  /** column-sum normalisation target (Diehl & Cook: 78), or null for none */
  readonly normalisation: number | null;
  /** 'float' (ideal software weights) or a device preset */
  readonly device: string;
  /** changes to the preset's parameters (core/devices/params.ts DeviceOverrides), e.g. { "c2c": 0 } */
  readonly deviceOverrides: DeviceOverrides | null;
  /** device-to-device variation: σ of the step as a fraction (0.3 = 30 %), the bounds get σ/2; null: the preset's */
  readonly d2d: number | null;
  /** one device per synapse or a differential pair (set-only) */
  readonly cell: Cell | null;
  /** the weight mapped to a device's full window */
  readonly wMax: number | null;
  /** how a rule's weight change becomes whole pulses */
  readonly rounding: Rounding | null;
  /** weight normalisation on devices: by pulses, or off */
  readonly deviceNormalisation: 'pulses' | 'off' | null;
  readonly data: { readonly train: DataSource; readonly test: DataSource };
  readonly schedule: readonly PhaseSpec[];
}

/** What `resolveSpec` accepts: any subset of the fields (defaults fill the rest). */
export type SpecInput = { readonly [K in keyof ExperimentSpec]?: unknown };

/** Defaults that do not depend on the store. */
export const COMMON_DEFAULTS = Object.freeze({
  experiment: DIEHL_COOK_EXPERIMENT,
  neurons: 400,
  seed: 1,
  rule: 'diehlCook' as RuleName,
  ruleParams: null,
  rateScale: 1,
  excitatory: null,
  normalisation: DIEHL_COOK.normalisationTarget,
  device: 'hfs2',
  data: Object.freeze({ train: 'mnist' as DataSource, test: 'mnist' as DataSource }),
});

/** Defaults of the device fields with a device preset (the best validated setting; docs/results.md). */
export const DEVICE_DEFAULTS = Object.freeze({
  deviceOverrides: null,
  d2d: null,
  cell: 'pair' as Cell,
  wMax: 0.5,
  rounding: 'feedback' as Rounding,
  deviceNormalisation: 'pulses' as const,
});

/** The default schedule: train on 10 000 images, label from the last 10 000, evaluate on the 10 000 test images. */
export const DEFAULT_SCHEDULE: readonly PhaseSpec[] = Object.freeze([
  Object.freeze({ phase: 'train', samples: 10_000, epochs: 1 } as const),
  Object.freeze({ phase: 'label', samples: LABEL_WINDOW } as const),
  Object.freeze({ phase: 'evaluate', mode: 'temporal', samples: 10_000 } as const),
]);

/** Crossbar evaluation defaults (fields left out of a crossbar phase). */
export const CROSSBAR_DEFAULTS = Object.freeze({ program: 'write-verify' as Programming, age: 0, compensate: true, readout: 'winner' as Readout, columnCorrection: true, device: null });

const SPEC_KEYS: readonly (keyof ExperimentSpec)[] = [
  'experiment', 'neurons', 'seed', 'rule', 'ruleParams', 'rateScale', 'excitatory', 'normalisation',
  'device', 'deviceOverrides', 'd2d', 'cell', 'wMax', 'rounding', 'deviceNormalisation', 'data', 'schedule',
];
const DEVICE_FIELDS = ['deviceOverrides', 'd2d', 'cell', 'wMax', 'rounding', 'deviceNormalisation'] as const;

/** The largest device-to-device σ the device model takes (core/devices/params.ts). */
export const MAX_D2D = 1;

export interface ResolveOptions {
  /** the spec continues a trained model (an evaluation may come first); default false */
  readonly trained?: boolean;
  /**
   * the spec stored in a model file: the limits that keep a run's state finite (MAX_W_MAX,
   * maxNormalisation, MAX_RATE_STEP) are not applied, so models saved before them still load
   * (their state is checked for finiteness instead); default false
   */
  readonly stored?: boolean;
}

/**
 * The largest wMax of a device preset: 1, the leak conductance. Weights are conductances relative
 * to the leak (Diehl & Cook's units; their weights lie in [0, 1]). A differential pair holds weights
 * down to −wMax: with wMax > 1 one input spike on a depressed pair makes a neuron's total
 * conductance 1 + gE + gI negative, and its membrane potential then grows without bound instead of
 * relaxing (at wMax 1000 it reaches −Infinity within 20 training images, NaN at 10⁶); above about
 * 1.5 this happens thousands of times per 100 images. The published runs use 0.4–1.
 */
export const MAX_W_MAX = DIEHL_COOK.wInputMax;
/**
 * The largest change one spike may ask of a weight, learning rate × rateScale [weight units]: a
 * whole weight range (Diehl & Cook's weights lie in [0, 1]). Beyond it a rule only flips weights
 * between their bounds, and its pulse counts and statistics overflow (rateScale 10⁶ drove the
 * membrane potentials to −Infinity; 10³⁰⁰ made the pulse statistics infinite).
 */
export const MAX_RATE_STEP = 1;
/** The learning-rate fields of each rule (the others are time constants and switches). */
const RATE_FIELDS: Readonly<Record<RuleName, readonly string[]>> = {
  pair: ['aPlus', 'aMinus'],
  triplet: ['a2Plus', 'a3Plus', 'a2Minus', 'a3Minus'],
  diehlCook: ['nuPre', 'nuPost'],
  querlioz: ['alphaPlus', 'alphaMinus'],
};
/** Inputs of the network: 28 × 28 pixels. */
const INPUTS = 784;

/**
 * The largest normalisation target: the column sum of 784 weights at their largest (1 for float
 * weights, wMax for devices). A larger target cannot be met; float weights then overflow to NaN
 * (10³⁰⁰) and device pulse counts to infinity.
 */
export function maxNormalisation(wMax: number | null): number {
  return INPUTS * (wMax ?? DIEHL_COOK.wInputMax);
}

/**
 * Validates a spec and fills in the defaults (see the module doc). Throws a SpecError naming the
 * first bad field. Everything that can be checked without the data is checked here; the image
 * counts are checked against the loaded data before any work (experiment.ts).
 */
export function resolveSpec(input: unknown, options: ResolveOptions = {}): ExperimentSpec {
  if (!isPlainObject(input)) throw new SpecError('spec', input, 'must be a JSON object of experiment fields (see `memspike train --print-spec`).');
  checkKnownKeys(input, SPEC_KEYS, '');
  const get = (k: keyof ExperimentSpec): unknown => input[k];
  const experiment = get('experiment') ?? COMMON_DEFAULTS.experiment;
  if (experiment !== DIEHL_COOK_EXPERIMENT) throw new SpecError('experiment', experiment, `is unknown; this memspike runs '${DIEHL_COOK_EXPERIMENT}'.`);
  const neurons = wholeNumber(get('neurons') ?? COMMON_DEFAULTS.neurons, 'neurons', 1, 100_000, 'give the number of excitatory neurons, e.g. 400');
  const seed = wholeNumber(get('seed') ?? COMMON_DEFAULTS.seed, 'seed', 0, 2 ** 32 - 1, 'give a whole number ≥ 0');
  const rule = oneOf(get('rule') ?? COMMON_DEFAULTS.rule, 'rule', Object.keys(RULES) as RuleName[]);
  const ruleOverrides = numberRecord(get('ruleParams'), 'ruleParams');
  try {
    ruleParams(rule, ruleOverrides ?? {});
  } catch (e) {
    throw new SpecError('ruleParams', ruleOverrides, (e as Error).message);
  }
  const rateScale = finiteIn(get('rateScale') ?? COMMON_DEFAULTS.rateScale, 'rateScale', { min: 0 }, "give the factor on the rule's learning rates (1 = as published)");
  const excitatory = numberRecord(get('excitatory'), 'excitatory') as ExcitatoryOverrides | null;
  if (excitatory) {
    checkKnownKeys(excitatory, Object.keys(DIEHL_COOK.exc), 'excitatory');
    try {
      const p = { ...DIEHL_COOK.exc, ...excitatory };
      buildLif(lif(1, { tauMem: p.tauMem, vRest: p.vRest, vReset: p.vReset, vThresh: p.vThresh, tRef: p.tRef, synapse: { type: 'conductance', tauExc: p.tauGe, tauInh: p.tauGi, eExc: p.eExc, eInh: p.eInh }, adaptation: { thetaPlus: p.thetaPlus, tauTheta: p.tauTheta, thetaInit: p.thetaInit } }, 'excitatory'), DIEHL_COOK.dt, new RandomStreams(0));
    } catch (e) {
      throw new SpecError('excitatory', excitatory, (e as Error).message);
    }
  }
  const rawNorm = get('normalisation');
  const normalisation = rawNorm === null ? null : finiteIn(rawNorm ?? COMMON_DEFAULTS.normalisation, 'normalisation', { min: 0, minOpen: true }, 'give the column-sum target (Diehl & Cook: 78), or null for none');

  const device = get('device') ?? COMMON_DEFAULTS.device;
  const presets = Object.keys(DEVICE_PRESETS);
  if (typeof device !== 'string' || (device !== 'float' && !presets.includes(device))) throw new SpecError('device', device, `is unknown; give 'float' (ideal software weights) or a device preset: ${presets.join(', ')}.`);
  let deviceFields: Pick<ExperimentSpec, (typeof DEVICE_FIELDS)[number]>;
  if (device === 'float') {
    for (const f of DEVICE_FIELDS) {
      const v = get(f);
      if (v !== undefined && v !== null) throw new SpecError(f, v, `does not apply to float weights (device 'float' takes every weight change exactly); leave it out, or choose a device preset.`);
    }
    deviceFields = { deviceOverrides: null, d2d: null, cell: null, wMax: null, rounding: null, deviceNormalisation: null };
  } else {
    const orDefault = <K extends (typeof DEVICE_FIELDS)[number]>(k: K): unknown => (get(k) === undefined ? DEVICE_DEFAULTS[k] : get(k));
    const overridesIn = orDefault('deviceOverrides');
    if (overridesIn !== null && !isPlainObject(overridesIn)) throw new SpecError('deviceOverrides', overridesIn, 'give an object of device parameters to change (core/devices DeviceOverrides), e.g. { "c2c": 0 }, or null.');
    const d2dIn = orDefault('d2d');
    const d2d = d2dIn === null ? null : finiteIn(d2dIn, 'd2d', { min: 0, max: MAX_D2D }, `give the device-to-device σ of the step as a fraction in [0, ${MAX_D2D}] (0.3 = 30 %), or null for the preset's own`);
    const cell = oneOf(orDefault('cell'), 'cell', CELLS, 'single: one device per synapse, pair: a differential pair');
    const wMax = finiteIn(
      orDefault('wMax'),
      'wMax',
      { min: 0, minOpen: true, ...(options.stored ? {} : { max: MAX_W_MAX }) },
      `give the weight mapped to a device's full window in (0, ${MAX_W_MAX}], e.g. 0.5 — weights are conductances relative to the leak, and beyond ${MAX_W_MAX} a differential pair at −wMax makes a neuron's total conductance negative on one input spike, where its membrane potential diverges`,
    );
    const rounding = oneOf(orDefault('rounding'), 'rounding', ROUNDINGS);
    const deviceNormalisation = oneOf(orDefault('deviceNormalisation'), 'deviceNormalisation', ['pulses', 'off'] as const);
    deviceFields = { deviceOverrides: overridesIn as DeviceOverrides | null, d2d, cell, wMax, rounding, deviceNormalisation };
    // the device the store will build, with its own checks (d2d range, overrides' fields and units)
    try {
      deviceOf({ device, ...deviceFields });
    } catch (e) {
      // d2d is range-checked above, so what the device model refuses is in the overrides
      throw new SpecError('deviceOverrides', deviceFields.deviceOverrides, (e as Error).message);
    }
  }
  if (!options.stored) {
    // the limits that keep the state finite (see MAX_W_MAX, MAX_RATE_STEP, maxNormalisation)
    const top = maxNormalisation(deviceFields.wMax);
    if (normalisation !== null && normalisation > top) {
      throw new SpecError('normalisation', normalisation, `must be ≤ ${top} (${INPUTS} inputs × the largest weight, ${deviceFields.wMax ?? DIEHL_COOK.wInputMax}): a column of ${INPUTS} weights cannot sum to more; give the column-sum target (Diehl & Cook: 78), or null for none.`);
    }
    checkRates(rule, ruleOverrides, rateScale);
  }
  const data = dataSources(get('data'));
  const schedule = phases(get('schedule') ?? DEFAULT_SCHEDULE, options.trained === true);
  return Object.freeze({
    experiment: DIEHL_COOK_EXPERIMENT,
    neurons,
    seed,
    rule,
    ruleParams: ruleOverrides,
    rateScale,
    excitatory,
    normalisation,
    device,
    ...deviceFields,
    data,
    schedule,
  });
}

/** The device a spec's store is built of (preset + overrides + d2d); null for float weights. */
export function deviceOf(spec: Pick<ExperimentSpec, 'device' | 'deviceOverrides' | 'd2d'>): DeviceParams | null {
  if (spec.device === 'float') return null;
  let d = devicePreset(spec.device);
  if (spec.deviceOverrides) d = deviceParams(d, spec.deviceOverrides);
  if (spec.d2d !== null) d = deviceParams(d, { d2d: { step: spec.d2d, bounds: spec.d2d / 2 } });
  return d;
}

/** The rule a spec trains with. */
export function ruleOf(spec: Pick<ExperimentSpec, 'rule' | 'ruleParams'>): RuleParams {
  return ruleParams(spec.rule, spec.ruleParams ?? {});
}

/** Canonical JSON of a resolved spec (its keys are always in the same order). */
export function canonicalSpec(spec: ExperimentSpec): string {
  return JSON.stringify(spec);
}

/** Whether two specs build the same network (everything but the schedule, the data sources and rateScale). */
export function sameNetwork(a: ExperimentSpec, b: ExperimentSpec): boolean {
  const strip = (s: ExperimentSpec) => JSON.stringify({ ...s, schedule: null, data: null, rateScale: null });
  return strip(a) === strip(b);
}

/** The fields where two specs build different networks (for messages). */
export function networkDifferences(a: ExperimentSpec, b: ExperimentSpec): string[] {
  const out: string[] = [];
  for (const k of SPEC_KEYS) {
    if (k === 'schedule' || k === 'data' || k === 'rateScale') continue;
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(k);
  }
  return out;
}

/** Refuses a learning rate × rateScale beyond MAX_RATE_STEP, blaming ruleParams if the rate was changed there, else rateScale. */
function checkRates(rule: RuleName, overrides: Readonly<Record<string, number>> | null, rateScale: number): void {
  const p = ruleOf({ rule, ruleParams: overrides }) as unknown as Record<string, number>;
  let field = '';
  let rate = 0;
  for (const f of RATE_FIELDS[rule]) {
    if (p[f] > rate) {
      rate = p[f];
      field = f;
    }
  }
  if (!(rate * rateScale > MAX_RATE_STEP)) return;
  const step = rate * rateScale;
  if (overrides !== null && field in overrides) {
    throw new SpecError('ruleParams', overrides, `${field} ${rate} × rateScale ${rateScale} = ${step} is more than a whole weight range per spike: must be ≤ ${MAX_RATE_STEP}; give a smaller ${field}.`);
  }
  const most = Math.floor((MAX_RATE_STEP / rate) * 1e4) / 1e4;
  throw new SpecError('rateScale', rateScale, `must be ≤ ${most}: the rule's largest learning rate, ${field} = ${rate}, times the scale must not ask more than a whole weight range (${MAX_RATE_STEP}) of one spike; give a smaller factor.`);
}

function numberRecord(v: unknown, field: string): Record<string, number> | null {
  if (v === undefined || v === null) return null;
  if (!isPlainObject(v)) throw new SpecError(field, v, 'give an object of parameter names and numbers, or null.');
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new SpecError(`${field}.${k}`, x, 'must be a finite number.');
  }
  return Object.freeze({ ...v }) as Record<string, number>;
}

function dataSources(v: unknown): ExperimentSpec['data'] {
  if (v === undefined) return COMMON_DEFAULTS.data;
  if (!isPlainObject(v)) throw new SpecError('data', v, `give { "train": <source>, "test": <source> } with sources 'mnist' or { "images", "labels" } IDX paths.`);
  checkKnownKeys(v, ['train', 'test'], 'data');
  return Object.freeze({ train: dataSource(v['train'] ?? 'mnist', 'data.train'), test: dataSource(v['test'] ?? 'mnist', 'data.test') });
}

/** An age: milliseconds, or a string with a unit ('1 h', '1d', '1 year'). */
function age(v: unknown, field: string): number {
  if (typeof v === 'number') return finiteIn(v, field, { min: 0 }, 'give the age of the array at read time in ms, or a string with a unit (e.g. "1 y")');
  if (typeof v === 'string') {
    let ms: number;
    try {
      ms = parseQuantity(v, 'time', field);
    } catch (e) {
      throw new SpecError(field, v, (e as Error).message);
    }
    return finiteIn(ms, field, { min: 0 }, 'an age is ≥ 0');
  }
  throw new SpecError(field, v, 'give the age of the array at read time in ms, or a string with a unit (e.g. "1 y").');
}

function phases(v: unknown, trained: boolean): readonly PhaseSpec[] {
  if (!Array.isArray(v) || v.length === 0) throw new SpecError('schedule', v, `give a list of phases, e.g. [{ "phase": "train", "samples": 10000 }, { "phase": "label", "samples": 10000 }, { "phase": "evaluate", "mode": "temporal", "samples": 10000 }].`);
  let labelled = trained;
  return Object.freeze(
    v.map((p: unknown, i: number): PhaseSpec => {
      const at = `schedule[${i}]`;
      if (!isPlainObject(p)) throw new SpecError(at, p, `give a phase object such as { "phase": "train", "samples": 10000 }.`);
      const kind = oneOf(p['phase'], `${at}.phase`, ['train', 'label', 'evaluate'] as const);
      switch (kind) {
        case 'train': {
          checkKnownKeys(p, ['phase', 'samples', 'epochs'], at);
          labelled = true; // training assigns labels from its responses as it goes
          return Object.freeze({ phase: 'train', samples: wholeNumber(p['samples'], `${at}.samples`, 1, Number.MAX_SAFE_INTEGER, 'give the number of training images per epoch'), epochs: wholeNumber(p['epochs'] ?? 1, `${at}.epochs`, 1, 10_000, 'give the number of passes') });
        }
        case 'label':
          checkKnownKeys(p, ['phase', 'samples'], at);
          labelled = true;
          return Object.freeze({ phase: 'label', samples: wholeNumber(p['samples'], `${at}.samples`, 1, LABEL_WINDOW, `the label window of Diehl & Cook's assignment holds at most ${LABEL_WINDOW} images`) });
        case 'evaluate': {
          const mode = oneOf(p['mode'] ?? 'temporal', `${at}.mode`, ['temporal', 'crossbar'] as const);
          if (!labelled) throw new SpecError(at, p, `an evaluation needs labelled neurons: put a 'train' or 'label' phase before it, or evaluate a trained model.`);
          const samples = wholeNumber(p['samples'], `${at}.samples`, 1, Number.MAX_SAFE_INTEGER, 'give the number of test images');
          if (mode === 'temporal') {
            const extra = Object.keys(p).filter((k) => k !== 'phase' && k !== 'mode' && k !== 'samples' && k !== 'images');
            if (extra.length > 0) throw new SpecError(`${at}.${extra[0]}`, p[extra[0]], `applies to crossbar evaluations only (mode 'crossbar'); the temporal simulation has no array to age, program or read out.`);
            const images = oneOf(p['images'] ?? 'sequential', `${at}.images`, EVALUATION_IMAGES, "'sequential': one simulation through all images (the default); 'independent': each image from the trained state with its own input stream");
            return Object.freeze(images === 'independent' ? { phase: 'evaluate', mode, samples, images } : { phase: 'evaluate', mode, samples });
          }
          if (p['images'] !== undefined) throw new SpecError(`${at}.images`, p['images'], `applies to temporal evaluations only (mode 'temporal'); crossbar inference carries no state from one image to the next — leave it out.`);
          checkKnownKeys(p, ['phase', 'mode', 'samples', 'program', 'age', 'compensate', 'readout', 'columnCorrection', 'device'], at);
          const d = CROSSBAR_DEFAULTS;
          const bool = (k: string, dflt: boolean): boolean => {
            const x = p[k] ?? dflt;
            if (typeof x !== 'boolean') throw new SpecError(`${at}.${k}`, x, 'must be true or false.');
            return x;
          };
          const dev = p['device'] ?? d.device;
          if (dev !== null && (typeof dev !== 'string' || !(dev in DEVICE_PRESETS))) throw new SpecError(`${at}.device`, dev, `is not a device preset; give one of ${Object.keys(DEVICE_PRESETS).join(', ')}, or null for the model's own.`);
          return Object.freeze({
            phase: 'evaluate',
            mode,
            samples,
            program: oneOf(p['program'] ?? d.program, `${at}.program`, PROGRAMMING),
            age: age(p['age'] ?? d.age, `${at}.age`),
            compensate: bool('compensate', d.compensate),
            readout: oneOf(p['readout'] ?? d.readout, `${at}.readout`, READOUTS),
            columnCorrection: bool('columnCorrection', d.columnCorrection),
            device: dev as string | null,
          });
        }
      }
    }),
  );
}
