/**
 * A Diehl & Cook model in the model file format (networks/persist/model-file.ts): the spec it was
 * trained with, the identity of its training data, the network's whole state, its labels and
 * training bookkeeping — and, in a checkpoint, where an interrupted run stood.
 *
 * params (JSON):
 *   format        MODEL_PARAMS_FORMAT
 *   memspike      the version that wrote it (a checkpoint is resumed only by the same version)
 *   spec          the resolved experiment spec (spec.ts) whose schedule trained it
 *   data.train    the identity of the training images (experiment/data.ts)
 *   state         trainedSamples, trainCursor, responseCount
 *   snapshot      the network snapshot's skeleton (snapshot-codec.ts; its arrays and scalars are
 *                 the file's `net.*` entries)
 *   runner        null, or a checkpoint's RunnerState (experiment.ts)
 * arrays: net.* (network state), runningLabels (i8), responses (u16, responseCount × neurons:
 * spike counts of the recent training samples), responseClasses (u8); labels: the evaluation labels.
 *
 * loadModel validates everything (kind, format, spec, identity, every array's type and length,
 * that the network state is finite, the snapshot against the rebuilt network) before returning; a
 * file that fails is an Error naming the source and the field, never a half-loaded model. saveModel
 * refuses a network whose state is not finite (NaN, or ±Infinity outside the arrays where it means
 * "never"), so such a state is never written over a good file.
 */
import { MEMSPIKE_VERSION } from '../../core/version.js';
import type { NetworkSnapshot } from '../../core/network.js';
import type { JsonValue, ModelDoc } from '../persist/model-file.js';
import { firstNonFinite, flattenTree, unflattenTree, type NonFinite } from '../snapshot-codec.js';
import { checkIdentity, type DataIdentity } from '../experiment/data.js';
import { isPlainObject } from '../experiment/spec-error.js';
import { resolveSpec, type ExperimentSpec } from './spec.js';
import type { Instrument } from './network.js';
import { buildModel, type RunnerState, type TrainedModel, type TrainProgress } from './experiment.js';

/** The model file `kind` of a Diehl & Cook network. */
export const DIEHL_COOK_KIND = 'memspike/diehl-cook-2015';
/** Layout of `params` this memspike writes and reads. */
export const MODEL_PARAMS_FORMAT = 2;

/** What a model file holds, loaded. */
export interface SavedModel {
  readonly spec: ExperimentSpec;
  readonly trainData: DataIdentity;
  readonly trained: TrainedModel;
  /** a checkpoint's progress, or null for a finished model */
  readonly runner: RunnerState | null;
  /** the memspike version that wrote it */
  readonly memspike: string;
}

/** What to save: a model, and for a checkpoint where its run stood (and the trained state if a frozen phase was under way). */
export interface ModelToSave {
  readonly spec: ExperimentSpec;
  readonly trainData: DataIdentity;
  readonly trained: TrainedModel;
  readonly runner?: RunnerState | null;
  readonly snapshot?: NetworkSnapshot | null;
}

/**
 * Arrays of a network snapshot whose ±Infinity is a time that never comes, not a blown-up value:
 * a Poisson input's next event at rate 0, the Querlioz rule's last input spike before any, the
 * programming time of a stuck device (never drifts).
 */
const INFINITY_MEANS_NEVER: ReadonlySet<string> = new Set(['nextEvent', 'lastPre', 'tProg']);

/** Words for the state arrays of a Diehl & Cook snapshot (net.populations.K.F / net.stores.K.arrays.F). */
const POPULATIONS = ['input', 'excitatory', 'inhibitory'];
const PROJECTIONS = ['input→excitatory', 'excitatory→inhibitory', 'inhibitory→excitatory'];
const FIELDS: Readonly<Record<string, string>> = {
  v: 'membrane potential [mV]',
  gE: 'excitatory conductance',
  gI: 'inhibitory conductance',
  theta: 'adaptive threshold θ [mV]',
  iBias: 'bias current [nA]',
  rates: 'rates [Hz]',
  weights: 'weights',
  residual: 'digital accumulator χ',
  'g+.g': 'conductances G⁺ [µS]',
  'g-.g': 'conductances G⁻ [µS]',
  'g.g': 'conductances [µS]',
};

/** `net.populations.1.v[3] = NaN (the excitatory neurons' membrane potential [mV])`. */
export function describeNonFinite(f: NonFinite): string {
  const where = `${f.name}${f.index === null ? '' : `[${f.index}]`} = ${String(f.value)}`;
  let what: string | null = null;
  let m = /^net\.populations\.(\d+)\.(.+)$/.exec(f.name);
  if (m && POPULATIONS[Number(m[1])]) what = `the ${POPULATIONS[Number(m[1])]} neurons' ${FIELDS[m[2]] ?? m[2]}`;
  m = /^net\.stores\.(\d+)\.arrays\.(.+)$/.exec(f.name);
  if (m && PROJECTIONS[Number(m[1])]) what = `the ${PROJECTIONS[Number(m[1])]} synapses' ${FIELDS[m[2]] ?? m[2]}`;
  return what === null ? where : `${where} (${what})`;
}

/** The model file document of a model (or checkpoint); refuses a network whose state is not finite. */
export function saveModel(m: ModelToSave): ModelDoc {
  const { spec, trained } = m;
  const snap = m.snapshot ?? trained.model.net.snapshot();
  const flat = flattenTree(snap, 'net');
  const bad = firstNonFinite(flat.arrays, flat.scalars, INFINITY_MEANS_NEVER);
  if (bad !== null) {
    throw new Error(`the network's state is not finite: ${describeNonFinite(bad)}; the run blew up (see the spec's wMax, rule and learning rates), so it is not saved.`);
  }
  const window = trained.window.read();
  const responses = new Uint16Array(window.responses.length);
  for (let k = 0; k < responses.length; k++) responses[k] = Math.min(65535, window.responses[k]);
  return {
    kind: DIEHL_COOK_KIND,
    params: {
      format: MODEL_PARAMS_FORMAT,
      memspike: MEMSPIKE_VERSION,
      spec: spec as unknown as JsonValue,
      data: { train: m.trainData as unknown as JsonValue },
      state: { trainedSamples: trained.trainedSamples, trainCursor: trained.trainCursor, responseCount: window.count },
      snapshot: flat.skeleton,
      runner: (m.runner ?? null) as unknown as JsonValue,
    },
    shapes: { responses: [window.count, spec.neurons] },
    scalars: flat.scalars,
    labels: Array.from(trained.labels),
    rng: snap.random,
    arrays: { ...flat.arrays, runningLabels: trained.runningLabels.slice(), responses, responseClasses: window.classes },
  };
}

/**
 * Rebuilds a model from a file's document, validated before anything is returned. A checkpoint
 * written by another memspike version is refused (its run would not continue bit for bit).
 */
export function loadModel(doc: ModelDoc, source: string, instrument?: Instrument): SavedModel {
  const spec = storedSpec(doc, source);
  const params = doc.params as Record<string, JsonValue>;
  const memspike = typeof params['memspike'] === 'string' ? params['memspike'] : '?';
  const data = params['data'] as Record<string, JsonValue> | null;
  const trainData = checkIdentity(isPlainObject(data) ? data['train'] : null, source);
  const state = params['state'] as Record<string, JsonValue> | null;
  const whole = (k: string): number => {
    const v = isPlainObject(state) ? state[k] : undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Error(`${source}: state.${k} is missing or not a whole number ≥ 0 (corrupt file).`);
    return v;
  };
  const trainedSamples = whole('trainedSamples');
  const trainCursor = whole('trainCursor');
  const responseCount = whole('responseCount');
  const n = spec.neurons;
  const labels = doc.labels;
  if (labels.length !== n) throw new Error(`${source}: ${labels.length} labels for ${n} neurons (corrupt file).`);
  for (let i = 0; i < n; i++) if (!Number.isInteger(labels[i]) || labels[i] < -1 || labels[i] > 9) throw new Error(`${source}: label ${i} = ${labels[i]} is not a class (corrupt file).`);
  const running = doc.arrays['runningLabels'];
  if (!(running instanceof Int8Array) || running.length !== n || running.some((l) => l < -1 || l > 9)) throw new Error(`${source}: runningLabels is missing or not ${n} classes (corrupt file).`);
  const responses = doc.arrays['responses'];
  const classes = doc.arrays['responseClasses'];
  if (!(responses instanceof Uint16Array) || !(classes instanceof Uint8Array) || responses.length !== responseCount * n || classes.length !== responseCount || classes.some((c) => c > 9)) {
    throw new Error(`${source}: the recorded training responses are missing or inconsistent (corrupt file).`);
  }
  const runner = params['runner'] === null || params['runner'] === undefined ? null : checkRunner(params['runner'], spec, source);
  if (runner && memspike !== MEMSPIKE_VERSION) {
    throw new Error(`${source}: a checkpoint written by memspike ${memspike}; this is memspike ${MEMSPIKE_VERSION}, whose run would not continue bit for bit — resume it with memspike ${memspike}, or start the run again.`);
  }
  if (!isPlainObject(params['snapshot'])) throw new Error(`${source}: params.snapshot (the network's state) is missing or not an object (corrupt file).`);
  const bad = firstNonFinite(doc.arrays, doc.scalars, INFINITY_MEANS_NEVER);
  if (bad !== null) throw new Error(`${source}: ${describeNonFinite(bad)} is not finite; the file is corrupt, or was saved from a run whose state blew up — train the model again.`);
  for (const [label, st] of Object.entries(doc.rng)) {
    if (!st.every((x) => Number.isFinite(x))) throw new Error(`${source}: the state of random stream '${label}' is not finite (corrupt file).`);
  }
  const snapshot = unflattenTree(params['snapshot'] as JsonValue, doc.arrays, doc.scalars, source) as NetworkSnapshot;
  const trained = buildModel(spec, instrument);
  try {
    trained.model.net.restore({ ...snapshot, random: doc.rng as Record<string, number[]> });
    trained.window.load(responses, classes, responseCount);
  } catch (e) {
    throw new Error(`${source}: the saved network does not fit its spec: ${(e as Error).message}`);
  }
  trained.labels.set(labels);
  trained.runningLabels.set(running);
  trained.trainedSamples = trainedSamples;
  trained.trainCursor = trainCursor;
  return { spec, trainData, trained, runner, memspike };
}

/**
 * The experiment spec a model file holds, validated (kind and format first), without building
 * anything: what a caller needs to check sizes before loadModel builds the network. The limits
 * that new runs get (spec.ts: wMax, normalisation, learning rates) are not applied to a stored
 * spec, so models saved before them still load; their state is checked for finiteness instead.
 */
export function storedSpec(doc: ModelDoc, source: string): ExperimentSpec {
  if (doc.kind !== DIEHL_COOK_KIND) throw new Error(`${source}: holds a '${doc.kind}' model, not a Diehl & Cook network ('${DIEHL_COOK_KIND}').`);
  const params = doc.params as Record<string, JsonValue>;
  const format = params['format'];
  if (format === undefined) throw new Error(`${source}: written by memspike 0.1 (no experiment spec or data identity in it); this memspike reads model files of format ${MODEL_PARAMS_FORMAT} — train the model again (\`memspike train … --out ${source}\`).`);
  if (format !== MODEL_PARAMS_FORMAT) throw new Error(`${source}: model format ${String(format)}; this memspike reads format ${MODEL_PARAMS_FORMAT}${typeof format === 'number' && format > MODEL_PARAMS_FORMAT ? ' — upgrade memspike' : ''}.`);
  try {
    return resolveSpec(params['spec'], { trained: true, stored: true });
  } catch (e) {
    throw new Error(`${source}: the stored spec is invalid (${(e as Error).message}).`);
  }
}

function checkRunner(v: JsonValue, spec: ExperimentSpec, source: string): RunnerState {
  const bad = (what: string): never => {
    throw new Error(`${source}: checkpoint ${what} (corrupt file).`);
  };
  if (!isPlainObject(v)) return bad('state is not an object');
  const r = v as Record<string, unknown>;
  const index = r['phaseIndex'];
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index > spec.schedule.length) bad(`phaseIndex ${String(index)} is outside the schedule`);
  const results = r['results'];
  if (!Array.isArray(results) || results.length !== index || !results.every((x, i) => isPlainObject(x) && x['phase'] === spec.schedule[i].phase)) bad('results do not match the schedule');
  let train: TrainProgress | null = null;
  if (r['train'] !== null && r['train'] !== undefined) {
    const t = r['train'];
    const keys: (keyof TrainProgress)[] = ['epoch', 'k', 'start', 'presentations', 'judged', 'correct', 'seconds', 'pulsesBefore', 'energyBefore_nJ', 'haveLabels'];
    if (!isPlainObject(t) || !keys.every((k) => typeof t[k] === 'number' && Number.isFinite(t[k]))) bad('training progress is incomplete');
    train = t as unknown as TrainProgress;
    const p = spec.schedule[index as number];
    if (!p || p.phase !== 'train' || train.epoch >= p.epochs || train.k > p.samples) bad('training progress does not fit its phase');
  }
  return { phaseIndex: index as number, train, results: results as RunnerState['results'] };
}
