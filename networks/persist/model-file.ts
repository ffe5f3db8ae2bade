/**
 * The memspike model file: one versioned binary file per saved network.
 *
 * Layout (format version 1; all integers little-endian, payloads in little-endian element order):
 *
 * ```
 * offset  size  field
 *      0     4  magic 'MSPK' (0x4d 0x53 0x50 0x4b)
 *      4     4  u32 format version (MODEL_FORMAT_VERSION)
 *      8     4  u32 H = length of the JSON header [bytes, UTF-8]
 *     12     4  u32 flags, reserved, 0
 *     16     8  u64 P = payload length [bytes] (two u32: low word, high word)
 *     24     H  JSON header (see below), then zero bytes up to a multiple of 8
 *      S     P  payload: the arrays' raw bytes, each starting at S + byteOffset (a multiple of 8),
 *               zero-padded between arrays           S = 24 + H rounded up to a multiple of 8
 *  S + P     4  u32 CRC-32 (IEEE, networks/persist/crc32.ts) of bytes [0, S + P)
 * ```
 *
 * The file length is exactly S + P + 4. The JSON header is
 *
 * ```
 * { "kind": string,                          which builder wrote it (e.g. "diehl-cook-2015")
 *   "params": {…},                           the builder's parameters (plain JSON)
 *   "shapes": { name: [d0, d1, …] },         named shapes; a shape named like an array must
 *                                            have ∏ d = that array's length
 *   "scalars": { name: number },             named scalars (step counter, epoch, …)
 *   "labels": [int, …],                      label assignment (class of each output neuron)
 *   "rng": { label: [6 numbers] },           random-stream states (core/random.ts RandomStreams.save())
 *   "arrays": [ { "name", "dtype", "length", "byteOffset" }, … ] }
 * ```
 *
 * Numbers in `scalars` and `rng` are written as JSON numbers (shortest round-trip form, so every
 * finite double comes back bit-identical); NaN, ±Infinity and −0, which JSON cannot hold, are
 * written as the strings "NaN", "Infinity", "-Infinity", "-0". Arrays are raw bytes, so every
 * value, NaN payloads included, comes back bit-identical.
 *
 * decodeModel() checks, in this order, before returning anything: magic, version (a newer version
 * is refused with an "upgrade memspike" message), length, checksum, header JSON and its schema,
 * and each array's dtype, bounds, alignment and overlap. A file that passes is returned whole with
 * its arrays copied out; a file that fails is an Error naming the source, the field, what was
 * expected and what was found — never a half-read model.
 *
 * Pure (Uint8Array in, Uint8Array out): networks/persist/file-node.ts does the file I/O.
 */
import { crc32 } from './crc32.js';

/** The 4 magic bytes, 'MSPK'. */
export const MODEL_MAGIC = 'MSPK';
/** Format numbers up to this far beyond MODEL_FORMAT_VERSION are taken for a newer memspike; larger ones for corruption. */
const PLAUSIBLE_NEWER_FORMATS = 100;

/** The format version this memspike writes, and the newest it reads. */
export const MODEL_FORMAT_VERSION = 1;

const MAGIC_BYTES = [0x4d, 0x53, 0x50, 0x4b] as const;
const FIXED_HEADER = 24;
const CHECKSUM_SIZE = 4;
const ALIGN = 8;

/** A JSON value. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Element types of stored arrays. */
export type ModelDtype = 'f64' | 'f32' | 'i32' | 'u32' | 'i16' | 'u16' | 'i8' | 'u8' | 'u8c' | 'i64' | 'u64';

/** Typed arrays a model file stores. */
export type ModelArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | BigInt64Array
  | BigUint64Array;

/** A saved network: everything is plain data (typed arrays for bulk state). */
export interface ModelDoc {
  /** Which builder wrote it (e.g. 'diehl-cook-2015'); checked by the loader of that builder. */
  readonly kind: string;
  /** The builder's parameters, as plain JSON (no NaN/Infinity, no typed arrays). */
  readonly params: { readonly [key: string]: JsonValue };
  /** Named shapes (dimension sizes); one named like an array must match its length. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  /** Named scalars (any double, NaN and ±Infinity included). */
  readonly scalars: Readonly<Record<string, number>>;
  /** Label assignment: the class of each output neuron (integers). */
  readonly labels: readonly number[];
  /** Random-stream states by label (RandomStreams.save()). */
  readonly rng: Readonly<Record<string, readonly number[]>>;
  /** Named typed arrays (weights, device state, thresholds, …). */
  readonly arrays: Readonly<Record<string, ModelArray>>;
}

interface DtypeInfo {
  readonly size: number;
  readonly make: (buffer: ArrayBuffer) => ModelArray;
}

const DTYPES: Readonly<Record<ModelDtype, DtypeInfo>> = Object.freeze({
  f64: { size: 8, make: (b) => new Float64Array(b) },
  f32: { size: 4, make: (b) => new Float32Array(b) },
  i32: { size: 4, make: (b) => new Int32Array(b) },
  u32: { size: 4, make: (b) => new Uint32Array(b) },
  i16: { size: 2, make: (b) => new Int16Array(b) },
  u16: { size: 2, make: (b) => new Uint16Array(b) },
  i8: { size: 1, make: (b) => new Int8Array(b) },
  u8: { size: 1, make: (b) => new Uint8Array(b) },
  u8c: { size: 1, make: (b) => new Uint8ClampedArray(b) },
  i64: { size: 8, make: (b) => new BigInt64Array(b) },
  u64: { size: 8, make: (b) => new BigUint64Array(b) },
});

/** The dtype name of a typed array, or undefined if it is not one a model file stores. */
export function dtypeOf(a: unknown): ModelDtype | undefined {
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int16Array) return 'i16';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Int8Array) return 'i8';
  if (a instanceof Uint8ClampedArray) return 'u8c';
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof BigInt64Array) return 'i64';
  if (a instanceof BigUint64Array) return 'u64';
  return undefined;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function requireLittleEndianHost(): void {
  if (!LITTLE_ENDIAN_HOST) {
    throw new Error('memspike model files store arrays little-endian; this host is big-endian, which memspike does not support.');
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

// ---------------------------------------------------------------------------------------------
// Lossless numbers in JSON

function encodeNumber(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

function decodeNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  switch (x) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation helpers (shared by encode and decode)

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Throws unless `v` is JSON that survives JSON.stringify → JSON.parse unchanged. */
function checkJson(v: unknown, path: string, where: string): void {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${where}: ${path} = ${v} is not finite; JSON cannot hold it — store it in scalars or an array.`);
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) checkJson(v[i], `${path}[${i}]`, where);
    return;
  }
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) checkJson(x, `${path}.${k}`, where);
    return;
  }
  const what = ArrayBuffer.isView(v) ? 'a typed array (put it in arrays)' : typeof v === 'object' ? 'a non-plain object' : `a ${typeof v}`;
  throw new Error(`${where}: ${path} is ${what}; params must be plain JSON.`);
}

function checkShapes(shapes: unknown, where: string): Record<string, number[]> {
  if (!isPlainObject(shapes)) throw new Error(`${where}: shapes must be an object of name → [dimension sizes], found ${describe(shapes)}.`);
  const out: Record<string, number[]> = {};
  for (const [name, dims] of Object.entries(shapes)) {
    if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`${where}: shapes.${name} must be an array of non-negative integers, found ${describe(dims)}.`);
    }
    out[name] = dims.slice() as number[];
  }
  return out;
}

function checkLabels(labels: unknown, where: string): number[] {
  if (!Array.isArray(labels) || !labels.every((x) => Number.isSafeInteger(x))) {
    throw new Error(`${where}: labels must be an array of integers (the class of each output neuron; −1 for none), found ${describe(labels)}.`);
  }
  return labels.slice() as number[];
}

function describe(x: unknown): string {
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  let s: string;
  try {
    s = JSON.stringify(x) ?? String(x);
  } catch {
    s = String(x);
  }
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

function checkName(name: string, field: string, where: string): void {
  if (name.length === 0) throw new Error(`${where}: ${field} has an empty name; give every entry a name.`);
}

// ---------------------------------------------------------------------------------------------
// Encode

/**
 * Encodes a model as the bytes of a model file (format MODEL_FORMAT_VERSION).
 *
 * @throws Error naming the field if the document is not storable: params not plain finite JSON,
 *         an array that is not a supported typed array, a shape that disagrees with its array,
 *         labels that are not integers, rng states that are not number arrays.
 */
export function encodeModel(doc: ModelDoc): Uint8Array {
  requireLittleEndianHost();
  const where = 'encodeModel';
  if (typeof doc.kind !== 'string' || doc.kind.length === 0) {
    throw new Error(`${where}: kind = ${describe(doc.kind)} must be a non-empty string naming the builder (e.g. 'diehl-cook-2015').`);
  }
  if (!isPlainObject(doc.params)) throw new Error(`${where}: params must be a plain object, found ${describe(doc.params)}.`);
  checkJson(doc.params, 'params', where);
  const shapes = checkShapes(doc.shapes, where);
  const labels = checkLabels(doc.labels, where);

  if (!isPlainObject(doc.scalars)) throw new Error(`${where}: scalars must be an object of name → number, found ${describe(doc.scalars)}.`);
  const scalars: Record<string, number | string> = {};
  for (const [name, x] of Object.entries(doc.scalars)) {
    checkName(name, 'scalars', where);
    if (typeof x !== 'number') throw new Error(`${where}: scalars.${name} = ${describe(x)} must be a number.`);
    scalars[name] = encodeNumber(x);
  }

  if (!isPlainObject(doc.rng)) throw new Error(`${where}: rng must be an object of stream label → state (RandomStreams.save()), found ${describe(doc.rng)}.`);
  const rng: Record<string, (number | string)[]> = {};
  for (const [label, st] of Object.entries(doc.rng)) {
    checkName(label, 'rng', where);
    if (!Array.isArray(st) || !st.every((x) => typeof x === 'number')) {
      throw new Error(`${where}: rng['${label}'] must be an array of numbers (a RandomStream state), found ${describe(st)}.`);
    }
    rng[label] = st.map(encodeNumber);
  }

  if (!isPlainObject(doc.arrays)) throw new Error(`${where}: arrays must be an object of name → typed array, found ${describe(doc.arrays)}.`);
  const entries: { name: string; dtype: ModelDtype; length: number; byteOffset: number }[] = [];
  const data: ModelArray[] = [];
  let payloadLength = 0;
  for (const [name, a] of Object.entries(doc.arrays)) {
    checkName(name, 'arrays', where);
    const dtype = dtypeOf(a);
    if (dtype === undefined) {
      throw new Error(`${where}: arrays.${name} is ${describe(a)}, not a supported typed array (${Object.keys(DTYPES).join(', ')}).`);
    }
    const byteOffset = align(payloadLength);
    entries.push({ name, dtype, length: a.length, byteOffset });
    data.push(a);
    payloadLength = byteOffset + a.byteLength;
  }
  payloadLength = align(payloadLength);
  checkShapesAgainstArrays(shapes, entries, where);

  const header = JSON.stringify({ kind: doc.kind, params: doc.params, shapes, scalars, labels, rng, arrays: entries });
  const headerBytes = new TextEncoder().encode(header);
  const payloadStart = align(FIXED_HEADER + headerBytes.length);
  const total = payloadStart + payloadLength + CHECKSUM_SIZE;
  if (!Number.isSafeInteger(total) || headerBytes.length > 0xffffffff) {
    throw new Error(`${where}: the model is too large to store (${total} bytes).`);
  }

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC_BYTES, 0);
  view.setUint32(4, MODEL_FORMAT_VERSION, true);
  view.setUint32(8, headerBytes.length, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, payloadLength % 2 ** 32, true);
  view.setUint32(20, Math.floor(payloadLength / 2 ** 32), true);
  out.set(headerBytes, FIXED_HEADER);
  for (let k = 0; k < entries.length; k++) {
    const a = data[k];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), payloadStart + entries[k].byteOffset);
  }
  view.setUint32(total - CHECKSUM_SIZE, crc32(out.subarray(0, total - CHECKSUM_SIZE)), true);
  return out;
}

function checkShapesAgainstArrays(shapes: Record<string, number[]>, entries: readonly { name: string; length: number }[], where: string): void {
  for (const e of entries) {
    const dims = shapes[e.name];
    if (dims === undefined) continue;
    const n = dims.reduce((p, d) => p * d, 1);
    if (n !== e.length) {
      throw new Error(`${where}: shapes.${e.name} = [${dims.join(', ')}] has ${n} elements, but array '${e.name}' has ${e.length}.`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Decode

/**
 * Decodes and fully validates the bytes of a model file.
 *
 * @param bytes  the whole file
 * @param source its path (or another name), named in every error
 * @returns the model, with every array copied out of `bytes` (it does not alias the input)
 * @throws Error naming `source` for a wrong magic number, a newer or invalid format version, a
 *         truncated or over-long file, a checksum mismatch, malformed header JSON, or an array entry
 *         with an unknown dtype or bounds outside the payload.
 */
export function decodeModel(bytes: Uint8Array, source: string): ModelDoc {
  requireLittleEndianHost();
  const n = bytes.length;
  const where = source;
  // 1. Magic.
  if (n < 4 || MAGIC_BYTES.some((b, i) => bytes[i] !== b)) {
    const found = Array.from(bytes.subarray(0, Math.min(4, n)), (b) => '0x' + b.toString(16).padStart(2, '0')).join(' ');
    const printable = Array.from(bytes.subarray(0, Math.min(4, n)), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    throw new Error(
      `${where}: not a memspike model file — expected the magic bytes 'MSPK' (0x4d 0x53 0x50 0x4b), found ${n === 0 ? 'an empty file' : `${found} ('${printable}')`}${n < 4 && n > 0 ? ' (file truncated?)' : ''}.`,
    );
  }
  if (n < 8) throw new Error(`${where}: model file truncated — ${n} bytes, the header alone needs ${FIXED_HEADER + CHECKSUM_SIZE}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // 2. Version: read before anything else, so a newer layout is reported as such.
  const version = view.getUint32(4, true);
  // a format number far beyond this one is not a future memspike but damage after the magic bytes
  if (version > MODEL_FORMAT_VERSION + PLAUSIBLE_NEWER_FORMATS) {
    throw new Error(`${where}: format number ${version} after the MSPK mark is not one any memspike writes; the file is corrupt.`);
  }
  if (version > MODEL_FORMAT_VERSION) {
    throw new Error(
      `${where}: written by a newer memspike (format v${version}); this one reads up to v${MODEL_FORMAT_VERSION} — upgrade memspike.`,
    );
  }
  if (version === 0) throw new Error(`${where}: format version 0 is not a valid memspike model format (versions start at 1); the file is corrupt.`);
  // 3. Length.
  if (n < FIXED_HEADER + CHECKSUM_SIZE) {
    throw new Error(`${where}: model file truncated — ${n} bytes, the header alone needs ${FIXED_HEADER + CHECKSUM_SIZE}.`);
  }
  const headerLength = view.getUint32(8, true);
  const flags = view.getUint32(12, true);
  const payloadLength = view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32;
  const payloadStart = align(FIXED_HEADER + headerLength);
  const expected = payloadStart + payloadLength + CHECKSUM_SIZE;
  if (n < expected) {
    throw new Error(`${where}: model file truncated — its header says ${expected} bytes (header ${headerLength}, payload ${payloadLength}), the file has ${n}. Save it again.`);
  }
  if (n > expected) {
    throw new Error(`${where}: model file has ${n - expected} trailing bytes after the checksum (expected ${expected} bytes, found ${n}); the file is corrupt.`);
  }
  // 4. Checksum.
  const stored = view.getUint32(n - CHECKSUM_SIZE, true);
  const actual = crc32(bytes.subarray(0, n - CHECKSUM_SIZE));
  if (stored !== actual) {
    throw new Error(
      `${where}: model file is corrupt — CRC-32 stored 0x${stored.toString(16).padStart(8, '0')}, computed 0x${actual.toString(16).padStart(8, '0')}. Restore it from a copy or train again.`,
    );
  }
  if (flags !== 0) throw new Error(`${where}: reserved flags field is ${flags}, expected 0 in format v${version}; the file is corrupt or from an incompatible writer.`);
  // 5. Header JSON.
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(FIXED_HEADER, FIXED_HEADER + headerLength)));
  } catch (e) {
    throw new Error(`${where}: model header is not valid UTF-8 JSON (${(e as Error).message}).`);
  }
  const w = `${where}: header`;
  if (!isPlainObject(header)) throw new Error(`${w} must be a JSON object, found ${describe(header)}.`);
  const { kind, params } = header;
  if (typeof kind !== 'string' || kind.length === 0) throw new Error(`${w}.kind must be a non-empty string, found ${describe(kind)}.`);
  if (!isPlainObject(params)) throw new Error(`${w}.params must be an object, found ${describe(params)}.`);
  const shapes = checkShapes(header.shapes, w);
  const labels = checkLabels(header.labels, w);

  if (!isPlainObject(header.scalars)) throw new Error(`${w}.scalars must be an object of name → number, found ${describe(header.scalars)}.`);
  const scalars: Record<string, number> = {};
  for (const [name, x] of Object.entries(header.scalars)) {
    const v = decodeNumber(x);
    if (v === undefined) throw new Error(`${w}.scalars.${name} = ${describe(x)} is not a number.`);
    scalars[name] = v;
  }

  if (!isPlainObject(header.rng)) throw new Error(`${w}.rng must be an object of label → state, found ${describe(header.rng)}.`);
  const rng: Record<string, number[]> = {};
  for (const [label, st] of Object.entries(header.rng)) {
    const vals = Array.isArray(st) ? st.map(decodeNumber) : undefined;
    if (vals === undefined || vals.some((v) => v === undefined)) throw new Error(`${w}.rng['${label}'] must be an array of numbers, found ${describe(st)}.`);
    rng[label] = vals as number[];
  }

  // 6. Arrays: dtype, bounds, alignment, uniqueness, no overlap — all checked before any is read.
  if (!Array.isArray(header.arrays)) throw new Error(`${w}.arrays must be a list of {name, dtype, length, byteOffset}, found ${describe(header.arrays)}.`);
  const entries: { name: string; dtype: ModelDtype; length: number; byteOffset: number; byteLength: number }[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < header.arrays.length; k++) {
    const e: unknown = header.arrays[k];
    if (!isPlainObject(e)) throw new Error(`${w}.arrays[${k}] must be an object {name, dtype, length, byteOffset}, found ${describe(e)}.`);
    const { name, dtype, length, byteOffset } = e;
    if (typeof name !== 'string' || name.length === 0) throw new Error(`${w}.arrays[${k}].name must be a non-empty string, found ${describe(name)}.`);
    if (seen.has(name)) throw new Error(`${w}.arrays: the name '${name}' appears twice.`);
    seen.add(name);
    if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(DTYPES, dtype)) {
      throw new Error(`${w}.arrays '${name}': dtype ${describe(dtype)} is unknown; expected one of ${Object.keys(DTYPES).join(', ')}.`);
    }
    const size = DTYPES[dtype as ModelDtype].size;
    if (!Number.isSafeInteger(length) || (length as number) < 0) {
      throw new Error(`${w}.arrays '${name}': length ${describe(length)} must be a non-negative integer.`);
    }
    if (!Number.isSafeInteger(byteOffset) || (byteOffset as number) < 0 || (byteOffset as number) % ALIGN !== 0) {
      throw new Error(`${w}.arrays '${name}': byteOffset ${describe(byteOffset)} must be a non-negative multiple of ${ALIGN}.`);
    }
    const byteLength = (length as number) * size;
    if ((byteOffset as number) + byteLength > payloadLength) {
      throw new Error(
        `${w}.arrays '${name}': ${length} × ${dtype} at byteOffset ${byteOffset} ends at ${(byteOffset as number) + byteLength}, past the payload (${payloadLength} bytes).`,
      );
    }
    entries.push({ name, dtype: dtype as ModelDtype, length: length as number, byteOffset: byteOffset as number, byteLength });
  }
  const sorted = entries.slice().sort((a, b) => a.byteOffset - b.byteOffset);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1];
    if (prev.byteLength > 0 && sorted[k].byteLength > 0 && prev.byteOffset + prev.byteLength > sorted[k].byteOffset) {
      throw new Error(`${w}.arrays: '${prev.name}' and '${sorted[k].name}' overlap in the payload; the file is corrupt.`);
    }
  }
  checkShapesAgainstArrays(shapes, entries, w);

  // 7. Everything checked: copy the arrays out.
  const arrays: Record<string, ModelArray> = {};
  const base = bytes.byteOffset + payloadStart;
  for (const e of entries) {
    const copy = bytes.buffer.slice(base + e.byteOffset, base + e.byteOffset + e.byteLength) as ArrayBuffer;
    arrays[e.name] = DTYPES[e.dtype].make(copy);
  }
  return { kind, params: params as { [key: string]: JsonValue }, shapes, scalars, labels, rng, arrays };
}
