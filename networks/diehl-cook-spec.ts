/**
 * A Diehl & Cook experiment described by plain JSON (what the CLI builds from its flags and what a
 * model file stores), its construction, and its save/load through the model file format.
 *
 * Device mode (`device` a preset name): the plastic input → excitatory synapses are memristive
 * (one device per synapse, weight w = wMax·(G − gMin)/(gMax − gMin), positive weights as in the
 * paper); the rule only chooses pulses (stochastic rounding by default). Weight normalisation is
 * an off-chip step and is OFF in device mode unless `deviceNormalisation: 'pulses'` (then every
 * normalisation is carried out — and paid for — by device pulses). `device: 'float'` is the ideal
 * software reference (Float32 weights, exact normalisation).
 */
import { DIEHL_COOK, diehlCook2015, experiment, type DiehlCookModel, type Experiment } from './diehl-cook.js';
import { floatStore } from '../core/synapses/store.js';
import { memristiveStore } from '../core/devices/store.js';
import { DEVICE_PRESETS, resolveDevice } from '../core/devices/presets.js';
import { deviceParams } from '../core/devices/params.js';
import { ruleByName, type RuleName } from '../learning/rules.js';
import { ROUNDINGS, usesAccumulator, type Rounding } from '../learning/apply.js';
import { positiveInteger, format } from '../core/units.js';
import type { ModelDoc, JsonValue } from './persist/model-file.js';
import { flattenTree, unflattenTree } from './snapshot-codec.js';
import type { NetworkSnapshot } from '../core/network.js';

export const DIEHL_COOK_KIND = 'memspike/diehl-cook-2015';

export interface DiehlCookSpec {
  readonly nExc: number;
  readonly seed: number;
  /** 'float' (ideal software weights) or a device preset name ('ideal', 'hfs2', …) */
  readonly device: string;
  /** weight mapped to the device's full window (device mode); default 1 (Diehl & Cook's wmax) */
  readonly wMax: number;
  readonly rule: RuleName;
  readonly rounding: Rounding;
  /** column-sum target (78) or null */
  readonly normalisation: number | null;
  readonly deviceNormalisation: 'pulses' | 'off';
  /**
   * Device-to-device variation override (device mode): σ of the per-device step size as a fraction
   * (0.3 = 30 %); the bounds get σ/2 of the window, the ratio of the hfs2 preset (aihwkit's
   * w_max_dtod relative to half the range). null keeps the preset's own values.
   */
  readonly d2d: number | null;
  /**
   * Device mode: one device per synapse ('single', w = wMax·(G − gMin)/window) or a differential
   * pair ('pair', w = wMax·(G⁺ − G⁻)/window, the seed paper's cell) driven set-only (Burr et al.
   * 2015: + counts SET G⁺, − counts SET G⁻, both devices refreshed near the top of the window).
   */
  readonly cell: 'single' | 'pair';
}

export const DEFAULT_SPEC: DiehlCookSpec = Object.freeze({ nExc: 400, seed: 1, device: 'float', wMax: 1, rule: 'diehlCook', rounding: 'stochastic', normalisation: 78, deviceNormalisation: 'off', d2d: null, cell: 'single' });

/** Validates a spec (all fields), naming the bad one. */
export function diehlCookSpec(s: Partial<DiehlCookSpec>): DiehlCookSpec {
  const spec = { ...DEFAULT_SPEC, ...s };
  positiveInteger(spec.nExc, '--neurons', 'give the number of excitatory neurons, e.g. 400');
  if (!Number.isInteger(spec.seed) || spec.seed < 0) throw new Error(`--seed ${format(spec.seed)}: give a whole number ≥ 0.`);
  if (spec.device !== 'float' && !(spec.device in DEVICE_PRESETS)) {
    throw new Error(`--device ${format(spec.device)} is unknown; known: float, ${Object.keys(DEVICE_PRESETS).join(', ')}.`);
  }
  ruleByName(spec.rule);
  if (!ROUNDINGS.includes(spec.rounding)) throw new Error(`--rounding ${format(spec.rounding)}: use ${ROUNDINGS.join(', ')}.`);
  if (usesAccumulator(spec.rounding) && spec.device === 'float') throw new Error(`--rounding ${spec.rounding} needs a device preset (--device hfs2, …): float weights take every change exactly.`);
  if (!(spec.wMax > 0) || !Number.isFinite(spec.wMax)) throw new Error(`--w-max ${format(spec.wMax)}: give a positive weight.`);
  if (spec.normalisation !== null && !(spec.normalisation > 0)) throw new Error(`normalisation ${format(spec.normalisation)}: give a positive column sum (78) or null.`);
  if (spec.d2d !== null && !(spec.d2d >= 0 && spec.d2d <= 2)) throw new Error(`--d2d ${format(spec.d2d)}: give the device-to-device σ as a fraction in [0, 2] (0.3 = 30 %).`);
  if (spec.cell !== 'single' && spec.cell !== 'pair') throw new Error(`--cell ${format(spec.cell)}: use single or pair.`);
  if (spec.d2d !== null && spec.device === 'float') throw new Error('--d2d needs a device preset (--device hfs2, …); float weights have no devices.');
  if (spec.deviceNormalisation !== 'pulses' && spec.deviceNormalisation !== 'off') throw new Error(`--device-normalisation ${format(spec.deviceNormalisation)}: use pulses or off.`);
  return Object.freeze(spec);
}

/** Builds the model and its experiment runner from a spec. */
export function buildDiehlCook(spec: DiehlCookSpec): { model: DiehlCookModel; exp: Experiment } {
  let store;
  if (spec.device === 'float') store = floatStore({ wMin: 0, wMax: 1 });
  else {
    const base = resolveDevice(spec.device);
    const device = spec.d2d === null ? base : deviceParams(base, { d2d: { step: spec.d2d, bounds: spec.d2d / 2 } });
    store = spec.cell === 'pair' ? memristiveStore({ device, mode: 'pair', pairPolicy: 'set-only', wMax: spec.wMax }) : memristiveStore({ device, mode: 'single', wMax: spec.wMax });
  }
  // Diehl & Cook's initial weights, (U[0,1) + 0.01)·0.3, capped at the device's wMax when that is lower.
  const top = Math.min(1.01 * DIEHL_COOK.inputWeightScale, spec.device === 'float' ? Infinity : spec.wMax);
  const model = diehlCook2015({
    nExc: spec.nExc,
    seed: spec.seed,
    store,
    inputWeights: { uniform: [Math.min(0.01 * DIEHL_COOK.inputWeightScale, top / 2), top] },
    rule: ruleByName(spec.rule),
    rounding: spec.rounding,
    normalisation: spec.normalisation,
    deviceNormalisation: spec.deviceNormalisation,
  });
  return { model, exp: experiment(model) };
}

/** Everything needed to continue exactly where a model stopped. */
export function saveDiehlCook(spec: DiehlCookSpec, model: DiehlCookModel, exp: Experiment, extra: Record<string, JsonValue> = {}): ModelDoc {
  const snap = model.net.snapshot();
  const flat = flattenTree(snap, 'net');
  const ring = exp.responses();
  const responses = new Uint16Array(ring.responses.length);
  for (let k = 0; k < responses.length; k++) responses[k] = Math.min(65535, ring.responses[k]);
  return {
    kind: DIEHL_COOK_KIND,
    params: { spec: spec as unknown as JsonValue, snapshot: flat.skeleton, trainedSamples: model.trainedSamples, responseCount: ring.count, ...extra },
    shapes: { responses: [ring.count, spec.nExc] },
    scalars: flat.scalars,
    labels: Array.from(model.labels),
    rng: snap.random,
    arrays: { ...flat.arrays, responses, responseClasses: ring.classes },
  };
}

/**
 * Rebuilds a model from a file's document. Everything is validated (kind, spec, the snapshot's
 * structure through net.restore) before the model is returned; on any error nothing escapes.
 */
export function loadDiehlCook(doc: ModelDoc, source: string): { spec: DiehlCookSpec; model: DiehlCookModel; exp: Experiment; params: Record<string, JsonValue> } {
  if (doc.kind !== DIEHL_COOK_KIND) throw new Error(`${source}: holds a '${doc.kind}' model, not a Diehl & Cook network ('${DIEHL_COOK_KIND}').`);
  const params = doc.params as Record<string, JsonValue>;
  if (params == null || typeof params !== 'object' || params['spec'] == null) throw new Error(`${source}: the model parameters are missing (corrupt file).`);
  let spec: DiehlCookSpec;
  try {
    spec = diehlCookSpec(params['spec'] as Partial<DiehlCookSpec>);
  } catch (e) {
    throw new Error(`${source}: invalid stored parameters: ${(e as Error).message}`);
  }
  if (doc.labels.length !== spec.nExc) throw new Error(`${source}: ${doc.labels.length} labels for ${spec.nExc} neurons (corrupt file).`);
  const snapshot = unflattenTree(params['snapshot'] as JsonValue, doc.arrays, doc.scalars, source) as NetworkSnapshot;
  const { model, exp } = buildDiehlCook(spec);
  try {
    model.net.restore({ ...snapshot, random: doc.rng as Record<string, number[]> });
  } catch (e) {
    throw new Error(`${source}: the saved network does not fit its parameters: ${(e as Error).message}`);
  }
  for (let i = 0; i < spec.nExc; i++) {
    const l = doc.labels[i];
    if (!Number.isInteger(l) || l < -1 || l > 9) throw new Error(`${source}: label ${i} = ${l} is not a class (corrupt file).`);
    model.labels[i] = l;
  }
  const trained = params['trainedSamples'];
  if (typeof trained !== 'number' || !Number.isInteger(trained) || trained < 0) throw new Error(`${source}: trainedSamples is missing (corrupt file).`);
  model.trainedSamples = trained;
  const responses = doc.arrays['responses'];
  const classes = doc.arrays['responseClasses'];
  const count = params['responseCount'];
  if (!(responses instanceof Uint16Array) || !(classes instanceof Uint8Array) || typeof count !== 'number' || responses.length !== count * spec.nExc || classes.length !== count) {
    throw new Error(`${source}: the recorded training responses are missing or inconsistent (corrupt file).`);
  }
  exp.restoreResponses(responses, classes, count);
  return { spec, model, exp, params };
}
