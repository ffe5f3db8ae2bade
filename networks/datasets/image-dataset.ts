/**
 * Labelled image datasets (MNIST and anything shaped like it) as two flat typed arrays.
 *
 * `pixels` holds `count` images of `rows × cols` unsigned bytes back to back, each row-major
 * (pixel (r, c) of image i is `pixels[i·rows·cols + r·cols + c]`, 0 = background, 255 = ink for
 * MNIST); `labels[i]` is the class of image i. `image(ds, i)` is a subarray view — no copy — so a
 * training loop reads samples without allocating.
 *
 * Pure: builds datasets from parsed IDX arrays (networks/datasets/idx.ts); reading files is in
 * networks/datasets/idx-node.ts.
 */
import type { IdxArray } from './idx.js';

/** A labelled image dataset. */
export interface ImageDataset {
  /** Number of images. */
  readonly count: number;
  /** Image height [pixels]. */
  readonly rows: number;
  /** Image width [pixels]. */
  readonly cols: number;
  /** count·rows·cols pixel values 0…255, image after image, each row-major. */
  readonly pixels: Uint8Array;
  /** count class labels. */
  readonly labels: Uint8Array;
  /** Where it came from (paths), for messages and saved-model provenance. */
  readonly source: string;
  /** the files it was read from, with their sizes [bytes] (absent for data built in memory) */
  readonly files?: readonly DatasetFile[];
}

/** A file a dataset was read from. */
export interface DatasetFile {
  /** the path as given */
  readonly path: string;
  readonly bytes: number;
}

/**
 * Pairs an image IDX (u8, 3 dimensions: count × rows × cols) with a label IDX (u8, 1 dimension:
 * count) into a dataset. The arrays are used as they are (no copy).
 *
 * @throws Error naming both sources if a file has the wrong type or rank, if the counts differ,
 *         or if the images are empty (0 rows or columns).
 */
export function imageDatasetFromIdx(images: IdxArray, labels: IdxArray, source?: string, files?: readonly DatasetFile[]): ImageDataset {
  if (images.type !== 'u8' || images.dims.length !== 3) {
    throw new Error(
      `${images.source}: an image file must be IDX u8 with 3 dimensions (count × rows × cols), found ${images.type} with dimensions [${images.dims.join(', ')}]. Is it a label file given as images?`,
    );
  }
  if (labels.type !== 'u8' || labels.dims.length !== 1) {
    throw new Error(
      `${labels.source}: a label file must be IDX u8 with 1 dimension (count), found ${labels.type} with dimensions [${labels.dims.join(', ')}]. Is it an image file given as labels?`,
    );
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(
      `image/label files disagree: ${images.source} holds ${count} images, ${labels.source} holds ${labels.dims[0]} labels; give the label file that belongs to these images (same split).`,
    );
  }
  if (rows === 0 || cols === 0) {
    throw new Error(`${images.source}: images are ${rows} × ${cols} pixels; both sizes must be positive.`);
  }
  return {
    count,
    rows,
    cols,
    pixels: images.data as Uint8Array,
    labels: labels.data as Uint8Array,
    source: source ?? `${images.source} + ${labels.source}`,
    ...(files ? { files } : {}),
  };
}

/** Pixels of image i (rows·cols bytes, row-major): a view into `ds.pixels`, no copy. */
export function image(ds: ImageDataset, i: number): Uint8Array {
  if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
    throw new Error(`image index ${i} is out of range for ${ds.source} (${ds.count} images: 0 … ${ds.count - 1}).`);
  }
  const n = ds.rows * ds.cols;
  return ds.pixels.subarray(i * n, (i + 1) * n);
}

/** Images [start, start + count) as a dataset sharing the same memory (no copy). */
export function sliceDataset(ds: ImageDataset, start: number, count: number): ImageDataset {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > ds.count) {
    throw new Error(`sliceDataset(start = ${start}, count = ${count}) is outside ${ds.source} (${ds.count} images).`);
  }
  const n = ds.rows * ds.cols;
  return {
    count,
    rows: ds.rows,
    cols: ds.cols,
    pixels: ds.pixels.subarray(start * n, (start + count) * n),
    labels: ds.labels.subarray(start, start + count),
    source: `${ds.source} [${start}, ${start + count})`,
  };
}

/** How many images carry each label: entry k counts label k; length = largest label + 1. */
export function labelCounts(ds: ImageDataset): Uint32Array {
  let max = -1;
  for (let i = 0; i < ds.count; i++) if (ds.labels[i] > max) max = ds.labels[i];
  const out = new Uint32Array(max + 1);
  for (let i = 0; i < ds.count; i++) out[ds.labels[i]]++;
  return out;
}
