/**
 * IDX files: the container format of MNIST (LeCun, Cortes & Burges, "The MNIST database of
 * handwritten digits", 1998) and of the datasets that copy its layout (Fashion-MNIST, KMNIST, EMNIST).
 *
 * Layout, all integers big-endian:
 *
 * ```
 * offset 0   u8  0x00
 *        1   u8  0x00
 *        2   u8  data type: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
 *        3   u8  number of dimensions d
 *        4   u32 size of dimension 0 (the sample count for a dataset)
 *        …   u32 sizes of dimensions 1 … d−1
 *  4 + 4d    data: ∏ sizes elements of the data type, big-endian, last dimension fastest (row-major)
 * ```
 *
 * A file is valid only if its length is exactly `4 + 4d + ∏ sizes · elementSize`: a truncated
 * download or a file with trailing bytes is an error, never a silently short dataset.
 *
 * Pure: works on a Uint8Array (no file system), so the same parser runs in Node
 * (networks/datasets/idx-node.ts reads the bytes) and in a browser (bytes from fetch()).
 */

/** The element types an IDX file can hold. */
export type IdxType = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

/** Typed array holding the elements of an IDX file, by type. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file. */
export interface IdxArray {
  readonly type: IdxType;
  /** Dimension sizes, outermost first (for a dataset: [count, rows, cols] or [count]). */
  readonly dims: readonly number[];
  /** The elements in row-major order, in host byte order. For `u8` a view into the input bytes (no copy). */
  readonly data: IdxData;
  /** Where the bytes came from (a path or URL), for error messages. */
  readonly source: string;
}

/** IDX type codes (byte 2 of the magic number) and element sizes. */
export const IDX_TYPES: Readonly<Record<IdxType, { readonly code: number; readonly size: number }>> = Object.freeze({
  u8: Object.freeze({ code: 0x08, size: 1 }),
  i8: Object.freeze({ code: 0x09, size: 1 }),
  i16: Object.freeze({ code: 0x0b, size: 2 }),
  i32: Object.freeze({ code: 0x0c, size: 4 }),
  f32: Object.freeze({ code: 0x0d, size: 4 }),
  f64: Object.freeze({ code: 0x0e, size: 8 }),
});

function typeOfCode(code: number): IdxType | undefined {
  for (const [name, t] of Object.entries(IDX_TYPES)) if (t.code === code) return name as IdxType;
  return undefined;
}

function hex(b: number): string {
  return '0x' + b.toString(16).padStart(2, '0');
}

/** What a caller requires of a file (checked after the header is read; a mismatch is an Error). */
export interface IdxExpectation {
  /** Required element type. */
  readonly type?: IdxType;
  /** Required number of dimensions. */
  readonly rank?: number;
}

/**
 * Parses an IDX file.
 *
 * @param bytes  the whole file
 * @param source its path or URL, named in every error
 * @param expect optional required type and rank
 * @throws Error naming `source`, what was expected and what was found, for a wrong magic number,
 *         an unknown type code, a truncated header, or a length that disagrees with the dimensions.
 */
export function parseIdx(bytes: Uint8Array, source: string, expect: IdxExpectation = {}): IdxArray {
  const n = bytes.length;
  if (n < 4) {
    throw new Error(`${source}: not an IDX file — it is ${n} bytes long, shorter than the 4-byte magic number (file truncated or empty?).`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new Error(`${source}: this is a gzip file (starts 0x1f 0x8b), not a raw IDX file; decompress it first (gunzip), or read it with readIdxFile() which does.`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(
      `${source}: not an IDX file — the magic number must start with 0x00 0x00, found ${hex(bytes[0])} ${hex(bytes[1])}.`,
    );
  }
  const type = typeOfCode(bytes[2]);
  if (type === undefined) {
    throw new Error(
      `${source}: unknown IDX data type ${hex(bytes[2])} in byte 2 of the magic number; expected one of 0x08 (u8), 0x09 (i8), 0x0b (i16), 0x0c (i32), 0x0d (f32), 0x0e (f64).`,
    );
  }
  const rank = bytes[3];
  if (expect.type !== undefined && expect.type !== type) {
    throw new Error(`${source}: IDX data type is ${type} (${hex(bytes[2])}), expected ${expect.type} (${hex(IDX_TYPES[expect.type].code)}).`);
  }
  if (expect.rank !== undefined && expect.rank !== rank) {
    throw new Error(`${source}: IDX file has ${rank} dimension(s), expected ${expect.rank}.`);
  }
  const headerLength = 4 + 4 * rank;
  if (n < headerLength) {
    throw new Error(`${source}: IDX header truncated — ${rank} dimension(s) need ${headerLength} header bytes, the file has ${n}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let k = 0; k < rank; k++) {
    const d = view.getUint32(4 + 4 * k, false);
    dims.push(d);
    count *= d;
  }
  const size = IDX_TYPES[type].size;
  const expectedLength = headerLength + count * size;
  if (!Number.isSafeInteger(expectedLength)) {
    throw new Error(`${source}: IDX dimensions [${dims.join(', ')}] describe ${count} elements, too many to hold.`);
  }
  if (n !== expectedLength) {
    const what = n < expectedLength ? 'truncated' : 'has trailing bytes';
    throw new Error(
      `${source}: IDX file ${what} — dimensions [${dims.join(', ')}] of ${type} need ${headerLength} + ${count * size} = ${expectedLength} bytes, the file has ${n}.`,
    );
  }
  const off = bytes.byteOffset + headerLength;
  let data: IdxData;
  switch (type) {
    case 'u8':
      data = new Uint8Array(bytes.buffer, off, count);
      break;
    case 'i8':
      data = new Int8Array(bytes.buffer, off, count);
      break;
    case 'i16': {
      const a = new Int16Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt16(headerLength + 2 * i, false);
      data = a;
      break;
    }
    case 'i32': {
      const a = new Int32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt32(headerLength + 4 * i, false);
      data = a;
      break;
    }
    case 'f32': {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat32(headerLength + 4 * i, false);
      data = a;
      break;
    }
    case 'f64': {
      const a = new Float64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat64(headerLength + 8 * i, false);
      data = a;
      break;
    }
  }
  return { type, dims, data, source };
}

/**
 * Writes an IDX file (the inverse of parseIdx): for tests, and for saving derived datasets.
 *
 * @throws Error if a dimension is not a non-negative integer below 2^32, there are more than 255
 *         dimensions, or `data.length` differs from the product of `dims`.
 */
export function encodeIdx(type: IdxType, dims: readonly number[], data: ArrayLike<number>): Uint8Array {
  if (dims.length > 255) throw new Error(`encodeIdx: ${dims.length} dimensions given, IDX holds at most 255.`);
  let count = 1;
  for (let k = 0; k < dims.length; k++) {
    const d = dims[k];
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new Error(`encodeIdx: dims[${k}] = ${d} must be an integer in [0, 2^32).`);
    }
    count *= d;
  }
  if (data.length !== count) {
    throw new Error(`encodeIdx: data has ${data.length} elements, dims [${dims.join(', ')}] need ${count}.`);
  }
  const { code, size } = IDX_TYPES[type];
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  for (let k = 0; k < dims.length; k++) view.setUint32(4 + 4 * k, dims[k], false);
  for (let i = 0; i < count; i++) {
    const p = headerLength + i * size;
    const x = data[i];
    switch (type) {
      case 'u8':
        view.setUint8(p, x);
        break;
      case 'i8':
        view.setInt8(p, x);
        break;
      case 'i16':
        view.setInt16(p, x, false);
        break;
      case 'i32':
        view.setInt32(p, x, false);
        break;
      case 'f32':
        view.setFloat32(p, x, false);
        break;
      case 'f64':
        view.setFloat64(p, x, false);
        break;
    }
  }
  return out;
}
