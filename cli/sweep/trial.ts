/**
 * One trial of a sweep, run in this thread, and its result file.
 *
 * runTrial(trial)          loads the trial's data (cached per thread: a worker that runs many
 *                          trials on MNIST loads it once), runs its Diehl & Cook experiment to the
 *                          end with the experiment runner (networks/experiment/runner.ts) and
 *                          returns its metrics — flattened to numbers with stable names (see
 *                          trialMetrics) — with the trial's provenance. It throws on any error (a
 *                          corrupt data file, a spec the data cannot serve, a run that blows up);
 *                          retrying is the caller's decision (the local pool, a queue).
 * writeTrialResult(dir, r) writes DIR/trials/<id>.json atomically (temp file + rename).
 * readTrialResults(dir)    reads them back, each validated: its fields, and its id against the
 *                          hash of the spec it records.
 *
 * The optional model file of a trial is DIR/models/<id>.mspk, written atomically too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { MEMSPIKE_VERSION } from '../../core/version.js';
import { loadDataSource } from '../../networks/datasets/idx-node.js';
import type { ImageDataset } from '../../networks/datasets/image-dataset.js';
import { dataIdentity, type DataSource } from '../../networks/experiment/data.js';
import { runExperiment, type ExperimentProgress } from '../../networks/experiment/runner.js';
import { isPlainObject } from '../../networks/experiment/spec-error.js';
import { DiehlCookExperiment, phaseName, type ExperimentData } from '../../networks/diehl-cook/experiment.js';
import { saveModel } from '../../networks/diehl-cook/model-file.js';
import type { ExperimentResult } from '../../networks/diehl-cook/results.js';
import { resolveSpec, type ExperimentSpec } from '../../networks/diehl-cook/spec.js';
import { encodeModel } from '../../networks/persist/model-file.js';
import { TRIAL_ID_LENGTH, trialId, type Trial } from '../../networks/sweep/spec.js';
import { writeOutputFile } from '../output-path.js';

/** Where and on what a trial ran. */
export interface TrialProvenance {
  /** the memspike version that ran it */
  readonly memspike: string;
  readonly spec: ExperimentSpec;
  readonly seed: number;
  readonly machine: { readonly hostname: string; readonly platform: string; readonly arch: string; readonly cpus: number; readonly node: string };
  /** when its last attempt started (ISO 8601, UTC) */
  readonly startedAt: string;
  /** wall time of its last attempt [s] */
  readonly wallSeconds: number;
}

/** The outcome of one trial: its metrics, or (failed) the error of its last attempt. */
export interface TrialResult {
  readonly id: string;
  readonly index: number;
  readonly axes: Readonly<Record<string, unknown>>;
  readonly repeat: number;
  readonly status: 'done' | 'failed';
  /** the trial's metrics (empty when failed); names: see trialMetrics */
  readonly metrics: Readonly<Record<string, number>>;
  /** the error of the last attempt (failed trials) */
  readonly error?: string;
  /** attempts made, this one included */
  readonly attempts: number;
  /** the model file, relative to DIR (models/<id>.mspk), when models are saved */
  readonly model?: string;
  readonly provenance: TrialProvenance;
}

export interface RunTrialOptions {
  /** the sweep's folder (for the model file) */
  readonly outDir?: string;
  /** write the trained model to DIR/models/<id>.mspk (needs outDir) */
  readonly saveModel?: boolean;
  readonly onProgress?: (p: ExperimentProgress) => void;
  /** asked between samples; true stops the trial, which then throws a TrialStopped */
  readonly shouldStop?: () => boolean;
}

/** Thrown by runTrial when `shouldStop` ended it before its end (not a failure of the trial: it runs again later). */
export class TrialStopped extends Error {
  constructor(id: string) {
    super(`trial ${id} was stopped before its end; it runs again from the start.`);
    this.name = 'TrialStopped';
  }
}

/** The machine this process runs on. */
export function machine(): TrialProvenance['machine'] {
  return { hostname: hostname(), platform: process.platform, arch: process.arch, cpus: availableParallelism(), node: process.version };
}

/** Datasets loaded by this thread, by source and file state (a file replaced between trials is read again). */
const datasets = new Map<string, ImageDataset>();

function fileKey(path: string): string {
  try {
    const st = statSync(path);
    return `${path}:${st.size}:${st.mtimeMs}`;
  } catch {
    return `${path}:missing`;
  }
}

function cachedDataset(source: DataSource, split: 'train' | 'test'): ImageDataset {
  const key = source === 'mnist' ? `mnist:${split}` : `${fileKey(source.images)}|${fileKey(source.labels)}`;
  let ds = datasets.get(key);
  if (ds === undefined) {
    ds = loadDataSource(source, split);
    dataIdentity(ds); // hashed once, here, not in every trial
    datasets.set(key, ds);
  }
  return ds;
}

/** Loads a spec's images (the test set only when the schedule evaluates), from this thread's cache. */
function trialData(spec: ExperimentSpec): ExperimentData {
  const train = cachedDataset(spec.data.train, 'train');
  const test = spec.schedule.some((p) => p.phase === 'evaluate') ? cachedDataset(spec.data.test, 'test') : null;
  return { train, test };
}

/** Fields of phase results that describe the schedule, not the outcome (they are axes or base, not metrics). */
const NOT_METRICS = new Set(['samples', 'epochs', 'first', 'age', 'trainedSamples']);

/** A phase's display name as a metric prefix: 'crossbar w-v 1 year +comp' → 'crossbar_w-v_1_year_comp'. */
function metricPrefix(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .trim()
    .replace(/\s+/g, '_');
}

/**
 * The metrics of an experiment's result, flattened to numbers with stable names:
 *   accuracy                 the first evaluation's accuracy (the sweep's headline; absent without one)
 *   <phase>.<field>          every numeric field of every phase result (accuracy, runningAccuracy,
 *                            pulses, programmingEnergy_nJ, silentRate, unlabelled, seconds, …) but
 *                            the schedule's own counts; <phase> is the phase's display name made a
 *                            name (train, label, temporal, crossbar_w-v_1_year_comp, …), with #2,
 *                            #3 … after it when the schedule has it more than once
 *   model.<field>            pulses and programming energy of all training
 *   seconds                  wall time of all phases
 * Fields that are null (a running accuracy before any labels) are left out.
 */
export function trialMetrics(result: ExperimentResult): Record<string, number> {
  const out: Record<string, number> = {};
  const seen = new Map<string, number>();
  result.phases.forEach((r, k) => {
    const base = metricPrefix(phaseName(result.spec.schedule[k]));
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const prefix = n === 1 ? base : `${base}#${n}`;
    if (r.phase === 'evaluate' && out['accuracy'] === undefined) out['accuracy'] = r.accuracy;
    for (const [field, v] of Object.entries(r)) {
      if (typeof v === 'number' && Number.isFinite(v) && !NOT_METRICS.has(field)) out[`${prefix}.${field}`] = v;
    }
  });
  for (const [field, v] of Object.entries(result.model)) if (typeof v === 'number' && Number.isFinite(v) && field !== 'neurons' && field !== 'trainedSamples') out[`model.${field}`] = v;
  out['seconds'] = result.seconds;
  return out;
}

/** The model file of a trial, relative to the sweep's folder. */
export function trialModelPath(id: string): string {
  return join('models', `${id}.mspk`);
}

/**
 * Runs a trial to its end in this thread (see the module doc). Throws the trial's error; a
 * TrialStopped if `shouldStop` ended it first.
 */
export async function runTrial(trial: Trial, opts: RunTrialOptions = {}): Promise<TrialResult> {
  if (opts.saveModel && opts.outDir === undefined) throw new Error('runTrial: saveModel needs outDir, the sweep folder the model is written into.');
  const startedAt = new Date();
  const t0 = performance.now();
  const spec = trial.spec;
  const exp = new DiehlCookExperiment(spec, trialData(spec));
  const sub = opts.onProgress ? exp.progress$.subscribe(opts.onProgress) : null;
  let finished: boolean;
  try {
    finished = await runExperiment(exp, opts.shouldStop ? { shouldStop: opts.shouldStop } : {});
  } finally {
    sub?.unsubscribe();
  }
  if (!finished) throw new TrialStopped(trial.id);
  const result = exp.result();
  let model: string | undefined;
  if (opts.saveModel) {
    model = trialModelPath(trial.id);
    const bytes = encodeModel(saveModel({ spec, trainData: dataIdentity(exp.data.train), trained: exp.trained }));
    writeOutputFile('--save-models', join(opts.outDir!, model), bytes, { createFolders: true });
  }
  return {
    id: trial.id,
    index: trial.index,
    axes: trial.axes,
    repeat: trial.repeat,
    status: 'done',
    metrics: trialMetrics(result),
    attempts: 1,
    ...(model !== undefined ? { model } : {}),
    provenance: {
      memspike: MEMSPIKE_VERSION,
      spec,
      seed: spec.seed,
      machine: machine(),
      startedAt: startedAt.toISOString(),
      wallSeconds: (performance.now() - t0) / 1000,
    },
  };
}

/** The result of a trial whose every attempt threw: its last error, no metrics. */
export function failedTrialResult(trial: Trial, error: string, attempts: number, startedAt: Date, wallSeconds: number): TrialResult {
  return {
    id: trial.id,
    index: trial.index,
    axes: trial.axes,
    repeat: trial.repeat,
    status: 'failed',
    metrics: {},
    error,
    attempts,
    provenance: { memspike: MEMSPIKE_VERSION, spec: trial.spec, seed: trial.spec.seed, machine: machine(), startedAt: startedAt.toISOString(), wallSeconds },
  };
}

/** The folder of a sweep's result files. */
export function trialsDir(outDir: string): string {
  return join(outDir, 'trials');
}

/** Writes DIR/trials/<id>.json atomically (creating DIR/trials); a reader sees the old file or the new one, never a part. */
export function writeTrialResult(outDir: string, r: TrialResult): void {
  writeOutputFile('--out', join(trialsDir(outDir), `${r.id}.json`), `${JSON.stringify(r, null, 1)}\n`, { createFolders: true });
}

const RESULT_FILE = new RegExp(`^[0-9a-f]{${TRIAL_ID_LENGTH}}\\.json$`);

/**
 * Checks a parsed result file; returns the problem, or null if it is a valid TrialResult whose id
 * is the hash of the spec it records.
 */
export function trialResultProblem(v: unknown, id: string): string | null {
  if (!isPlainObject(v)) return 'not a JSON object';
  if (v['id'] !== id) return `its id ${JSON.stringify(v['id'])} is not its file name's ${id}`;
  if (!Number.isSafeInteger(v['index']) || (v['index'] as number) < 0) return 'index is not a whole number ≥ 0';
  if (!Number.isSafeInteger(v['repeat']) || (v['repeat'] as number) < 0) return 'repeat is not a whole number ≥ 0';
  if (!isPlainObject(v['axes'])) return 'axes is not an object';
  if (v['status'] !== 'done' && v['status'] !== 'failed') return `status ${JSON.stringify(v['status'])} is not 'done' or 'failed'`;
  if (!isPlainObject(v['metrics']) || !Object.values(v['metrics']).every((x) => typeof x === 'number' && Number.isFinite(x))) return 'metrics is not an object of finite numbers';
  if (v['status'] === 'failed' && typeof v['error'] !== 'string') return 'a failed trial without its error';
  if (!Number.isSafeInteger(v['attempts']) || (v['attempts'] as number) < 1) return 'attempts is not a whole number ≥ 1';
  if (v['model'] !== undefined && typeof v['model'] !== 'string') return 'model is not a path';
  const p = v['provenance'];
  if (!isPlainObject(p)) return 'provenance is missing';
  if (typeof p['memspike'] !== 'string' || typeof p['startedAt'] !== 'string' || Number.isNaN(Date.parse(p['startedAt'] as string)) || typeof p['wallSeconds'] !== 'number' || !isPlainObject(p['machine'])) return 'provenance is incomplete (memspike, startedAt, wallSeconds, machine)';
  let spec: ExperimentSpec;
  try {
    spec = resolveSpec(p['spec']);
  } catch (e) {
    return `its spec is not valid (${(e as Error).message})`;
  }
  if (trialId(spec) !== id) return 'its spec does not hash to its id (the file was changed)';
  if (p['seed'] !== spec.seed) return 'provenance.seed is not its spec’s seed';
  return null;
}

/**
 * The valid result files of DIR/trials, by trial index. A file that is not valid is passed to
 * `onInvalid` with its problem (default: an error naming the file) and left out.
 */
export function readTrialResults(outDir: string, onInvalid: (file: string, problem: string) => void = (file, problem) => {
  throw new Error(`${file}: not a valid trial result (${problem}); remove it, and the trial runs again.`);
}): TrialResult[] {
  const dir = trialsDir(outDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${dir}: cannot read the folder of trial results (${(e as Error).message}).`);
  }
  const out: TrialResult[] = [];
  for (const name of names.filter((n) => RESULT_FILE.test(n)).sort()) {
    const file = join(dir, name);
    let v: unknown;
    try {
      v = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      onInvalid(file, `not JSON: ${(e as Error).message}`);
      continue;
    }
    const problem = trialResultProblem(v, name.slice(0, TRIAL_ID_LENGTH));
    if (problem !== null) {
      onInvalid(file, problem);
      continue;
    }
    out.push(v as TrialResult);
  }
  return out.sort((a, b) => a.index - b.index);
}
