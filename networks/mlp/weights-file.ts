/**
 * Trained MLP weights in the memspike model file format (networks/persist/model-file.ts), with
 * what made them: the hyper-parameters (seed included), the identity of the training and test
 * images (networks/experiment/data.ts), the per-epoch history and the final test accuracy.
 *
 *   kind     MLP_KIND ('memspike/mlp')
 *   params   { format: MLP_PARAMS_FORMAT, memspike: version that wrote it, hyper: MlpHyperParams,
 *              data: { train: DataIdentity, test: DataIdentity | null },
 *              history: [{ epoch, learningRate, trainLoss, trainAccuracy, testAccuracy | null,
 *                          trainMs, evalMs }], kernel: 'wasm' | 'js' }
 *   shapes   W<l>: [n_l, n_{l+1}], b<l>: [n_{l+1}]
 *   arrays   W<l>, b<l>: Float32 (W row-major by input, as MlpWeights)
 *   scalars  testAccuracy (NaN without a test set), epochs
 *   labels   the class of each output: 0 … n_last − 1
 *
 * decodeMlpWeights validates everything before returning — the file format (decodeModel: magic,
 * version, length, checksum), the kind, the params format, the hyper-parameters (the same
 * validation as training), both data identities, that every layer's arrays exist with the shape the
 * sizes give, and that every weight is finite — and throws an Error naming the source and what is
 * wrong. encodeMlpWeights refuses weights that are not finite, so a blown-up run is never stored.
 *
 * Pure (bytes in, bytes out): networks/mlp/cache-node.ts reads and writes the files.
 */
import { MEMSPIKE_VERSION } from '../../core/version.js';
import { checkIdentity, type DataIdentity } from '../experiment/data.js';
import { isPlainObject, SpecError } from '../experiment/spec-error.js';
import { decodeModel, encodeModel, type JsonValue, type ModelArray, type ModelDoc } from '../persist/model-file.js';
import { validateMlpWeights } from './model.js';
import { resolveMlpHyper, type MlpEpochResult, type MlpHyperParams } from './train.js';
import type { MlpWeights } from './types.js';

/** The model file `kind` of trained MLP weights. */
export const MLP_KIND = 'memspike/mlp';
/** Layout of `params` this memspike writes and reads. */
export const MLP_PARAMS_FORMAT = 1;

/** How a set of weights was made. */
export interface MlpWeightsMeta {
  readonly hyper: MlpHyperParams;
  readonly data: { readonly train: DataIdentity; readonly test: DataIdentity | null };
  readonly history: readonly MlpEpochResult[];
  /** the test accuracy after the last epoch (NaN without a test set) */
  readonly testAccuracy: number;
  /** the memspike version that trained them */
  readonly memspike: string;
  /** the kernels that trained them (either gives the same weights) */
  readonly kernel: 'wasm' | 'js';
}

/** Weights and how they were made. */
export interface SavedMlp {
  readonly weights: MlpWeights;
  readonly meta: MlpWeightsMeta;
}

/** The model-file document of trained weights; refuses weights that are not finite or not of their sizes. */
export function mlpWeightsDoc(saved: SavedMlp): ModelDoc {
  const { weights, meta } = saved;
  validateMlpWeights(weights, 'weights to save');
  if (weights.sizes.join(',') !== meta.hyper.sizes.join(',')) {
    throw new Error(`weights to save: sizes [${weights.sizes.join(', ')}] differ from the hyper-parameters' sizes [${meta.hyper.sizes.join(', ')}].`);
  }
  const shapes: Record<string, number[]> = {};
  const arrays: Record<string, ModelArray> = {};
  for (let l = 0; l + 1 < weights.sizes.length; l++) {
    shapes[`W${l}`] = [weights.sizes[l], weights.sizes[l + 1]];
    shapes[`b${l}`] = [weights.sizes[l + 1]];
    arrays[`W${l}`] = weights.weights[l];
    arrays[`b${l}`] = weights.biases[l];
  }
  const nOut = weights.sizes[weights.sizes.length - 1];
  return {
    kind: MLP_KIND,
    params: {
      format: MLP_PARAMS_FORMAT,
      memspike: meta.memspike,
      hyper: meta.hyper as unknown as JsonValue,
      data: { train: meta.data.train as unknown as JsonValue, test: (meta.data.test ?? null) as unknown as JsonValue },
      history: meta.history.map((h) => ({ ...h, testAccuracy: Number.isFinite(h.testAccuracy) ? h.testAccuracy : null })) as unknown as JsonValue,
      kernel: meta.kernel,
    },
    shapes,
    scalars: { testAccuracy: meta.testAccuracy, epochs: meta.history.length },
    labels: Array.from({ length: nOut }, (_, k) => k),
    rng: {},
    arrays,
  };
}

/** The bytes of a weights file (see mlpWeightsDoc for what is refused). */
export function encodeMlpWeights(saved: SavedMlp): Uint8Array {
  return encodeModel(mlpWeightsDoc(saved));
}

/**
 * Reads and validates the bytes of a weights file.
 *
 * @param source the file's path (or another name), named in every error
 * @throws Error naming `source` and what is wrong (see the module header)
 */
export function decodeMlpWeights(bytes: Uint8Array, source: string): SavedMlp {
  return mlpFromDoc(decodeModel(bytes, source), source);
}

/** Validates a decoded model document as trained MLP weights. */
export function mlpFromDoc(doc: ModelDoc, source: string): SavedMlp {
  if (doc.kind !== MLP_KIND) {
    throw new Error(`${source}: a memspike model file of kind '${doc.kind}', not MLP weights ('${MLP_KIND}').`);
  }
  const p = doc.params as Record<string, unknown>;
  if (p['format'] !== MLP_PARAMS_FORMAT) {
    const newer = typeof p['format'] === 'number' && p['format'] > MLP_PARAMS_FORMAT;
    throw new Error(
      `${source}: MLP weights format ${JSON.stringify(p['format'])}; this memspike reads format ${MLP_PARAMS_FORMAT}${newer ? ' — written by a newer memspike: upgrade memspike' : ' — the file is corrupt'}.`,
    );
  }
  let hyper: MlpHyperParams;
  try {
    hyper = resolveMlpHyper(p['hyper'] as Partial<MlpHyperParams>);
  } catch (e) {
    throw new Error(`${source}: the stored hyper-parameters are invalid (${e instanceof SpecError ? e.message : (e as Error).message}).`);
  }
  const stored = p['hyper'] as Record<string, unknown>;
  const missing = Object.keys(hyper).filter((k) => !(k in stored));
  if (missing.length > 0) throw new Error(`${source}: the stored hyper-parameters lack ${missing.join(', ')} (corrupt file).`);
  const data = p['data'];
  if (!isPlainObject(data)) throw new Error(`${source}: the data identities are missing (corrupt file).`);
  const train = checkIdentity(data['train'], `${source}: data.train`);
  const test = data['test'] === null ? null : checkIdentity(data['test'], `${source}: data.test`);
  const memspike = p['memspike'];
  if (typeof memspike !== 'string') throw new Error(`${source}: params.memspike (the version that wrote it) is missing (corrupt file).`);
  const kernel = p['kernel'];
  if (kernel !== 'wasm' && kernel !== 'js') throw new Error(`${source}: params.kernel = ${JSON.stringify(kernel)} is not 'wasm' or 'js' (corrupt file).`);
  const history = checkHistory(p['history'], source);
  const sizes = hyper.sizes;
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (const [name, dims, into] of [
      [`W${l}`, [sizes[l], sizes[l + 1]], weights],
      [`b${l}`, [sizes[l + 1]], biases],
    ] as const) {
      const a = doc.arrays[name];
      if (a === undefined) throw new Error(`${source}: array '${name}' is missing; sizes [${sizes.join(', ')}] need it (corrupt or truncated file).`);
      if (!(a instanceof Float32Array)) throw new Error(`${source}: array '${name}' is ${a.constructor.name}, expected Float32 (f32).`);
      const n = dims.reduce((x, y) => x * y, 1);
      const shape = doc.shapes[name];
      if (a.length !== n || shape === undefined || shape.join(',') !== dims.join(',')) {
        throw new Error(`${source}: array '${name}' has shape [${shape?.join(', ') ?? a.length}] (${a.length} values); sizes [${sizes.join(', ')}] need [${dims.join(', ')}].`);
      }
      for (let k = 0; k < n; k++) {
        if (!Number.isFinite(a[k])) throw new Error(`${source}: ${name}[${k}] = ${a[k]} is not finite (corrupt file or a blown-up run).`);
      }
      (into as Float32Array[]).push(a);
    }
  }
  const extra = Object.keys(doc.arrays).filter((k) => !/^[Wb]\d+$/.test(k) || Number(k.slice(1)) >= sizes.length - 1);
  if (extra.length > 0) throw new Error(`${source}: unexpected arrays ${extra.join(', ')} for sizes [${sizes.join(', ')}] (corrupt file).`);
  const testAccuracy = doc.scalars['testAccuracy'];
  if (typeof testAccuracy !== 'number' || !(Number.isNaN(testAccuracy) || (testAccuracy >= 0 && testAccuracy <= 1))) {
    throw new Error(`${source}: scalars.testAccuracy = ${testAccuracy} is not a fraction in [0, 1] (corrupt file).`);
  }
  return {
    weights: { sizes: sizes.slice(), weights, biases },
    meta: { hyper, data: { train, test }, history, testAccuracy, memspike, kernel },
  };
}

function checkHistory(v: unknown, source: string): MlpEpochResult[] {
  if (!Array.isArray(v)) throw new Error(`${source}: params.history must be a list of epochs (corrupt file).`);
  return v.map((h: unknown, k) => {
    const o = h as Record<string, unknown>;
    const num = (key: string, nullable = false): number => {
      const x = o?.[key];
      if (nullable && x === null) return NaN;
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${source}: params.history[${k}].${key} = ${JSON.stringify(x)} is not a number (corrupt file).`);
      return x;
    };
    if (!isPlainObject(o)) throw new Error(`${source}: params.history[${k}] is not an object (corrupt file).`);
    return Object.freeze({
      epoch: num('epoch'),
      learningRate: num('learningRate'),
      trainLoss: num('trainLoss'),
      trainAccuracy: num('trainAccuracy'),
      testAccuracy: num('testAccuracy', true),
      trainMs: num('trainMs'),
      evalMs: num('evalMs'),
    });
  });
}

/**
 * The hyper-parameters that differ between two runs, one phrase each: `epochs: 20 here, 30 asked`.
 * Empty when they are the same (sizes compared element by element).
 */
export function hyperDifferences(found: MlpHyperParams, asked: MlpHyperParams): string[] {
  const out: string[] = [];
  for (const key of Object.keys(asked) as (keyof MlpHyperParams)[]) {
    const a = JSON.stringify(found[key]);
    const b = JSON.stringify(asked[key]);
    if (a !== b) out.push(`${key}: ${a} in the file, ${b} asked`);
  }
  return out;
}

/** The meta of weights trained now by this memspike. */
export function trainedMeta(hyper: MlpHyperParams, train: DataIdentity, test: DataIdentity | null, history: readonly MlpEpochResult[], testAccuracy: number, kernel: 'wasm' | 'js'): MlpWeightsMeta {
  return { hyper, data: { train, test }, history, testAccuracy, memspike: MEMSPIKE_VERSION, kernel };
}
