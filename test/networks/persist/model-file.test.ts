/**
 * The model-file container: bit-identical round trips of every dtype and of random-stream states,
 * and clear rejections of truncated, corrupt, newer, wrong-magic and malformed files — checked
 * before anything is returned.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStream, RandomStreams } from '../../../core/random.js';
import { crc32 } from '../../../networks/persist/crc32.js';
import { decodeModel, encodeModel, MODEL_FORMAT_VERSION, type ModelDoc } from '../../../networks/persist/model-file.js';

function bytesOf(a: ArrayBufferView): number[] {
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** A document with one array of every dtype, special floats included, and real RNG states. */
function sampleDoc(): ModelDoc {
  const rng = new RandomStream('model-file/sample');
  const f64 = new Float64Array(13);
  for (let i = 0; i < f64.length; i++) f64[i] = rng.normal() * 1e3;
  f64[0] = -0;
  f64[1] = NaN;
  f64[2] = Infinity;
  f64[3] = Number.MIN_VALUE;
  const f32 = new Float32Array(7);
  for (let i = 0; i < f32.length; i++) f32[i] = rng.normal();
  new Uint32Array(f32.buffer)[0] = 0x7fc01234; // a NaN with a payload
  f32[1] = -0;
  const i32 = Int32Array.from([0, -1, 2 ** 31 - 1, -(2 ** 31), 12345]);
  const u32 = Uint32Array.from([0, 1, 2 ** 32 - 1]);
  const i16 = Int16Array.from([-32768, 32767, 0]);
  const u16 = Uint16Array.from([0, 65535, 3]);
  const i8 = Int8Array.from([-128, 127, 5]);
  const u8 = Uint8Array.from([0, 255, 17, 4, 9]);
  const u8c = Uint8ClampedArray.from([0, 255, 128]);
  const i64 = BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, 0n]);
  const u64 = BigUint64Array.from([0n, 2n ** 64n - 1n]);
  const streams = new RandomStreams(1234);
  streams.stream('exc/poisson').uniform();
  streams.stream('devices/d2d').normal(); // leaves a cached spare normal in the state
  return {
    kind: 'test-network',
    params: { nExc: 100, dt: 0.5, name: 'Diehl & Cook 2015 — µS', nested: { list: [1, 'a', null, true, { x: -2.5 }] } },
    shapes: { weights: [13], f32: [7, 1] },
    scalars: { step: 700000, epoch: 3, third: 1 / 3, negZero: -0, nan: NaN, inf: Infinity, ninf: -Infinity },
    labels: [3, 1, -1, 9, 0],
    rng: streams.save(),
    arrays: { weights: f64, f32, i32, u32, i16, u16, i8, u8, u8c, i64, u64, empty: new Float32Array(0) },
  };
}

/** Builds a file around an arbitrary header object with a valid checksum (to reach the schema checks). */
function craft(header: unknown, payload: Uint8Array = new Uint8Array(0), version = MODEL_FORMAT_VERSION): Uint8Array {
  const h = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const start = Math.ceil((24 + h.length) / 8) * 8;
  const out = new Uint8Array(start + payload.length + 4);
  const v = new DataView(out.buffer);
  out.set([0x4d, 0x53, 0x50, 0x4b]);
  v.setUint32(4, version, true);
  v.setUint32(8, h.length, true);
  v.setUint32(16, payload.length, true);
  out.set(h, 24);
  out.set(payload, start);
  v.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

const GOOD_HEADER = { kind: 'k', params: {}, shapes: {}, scalars: {}, labels: [], rng: {}, arrays: [] as unknown[] };

describe('crc32', () => {
  it('has the standard check value and equals zlib.crc32 on random data', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const rng = new RandomStream('crc32');
    for (const n of [1, 7, 100, 4096]) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = rng.int(256);
      expect(crc32(b)).toBe(zlibCrc32(b));
      expect(crc32(b.subarray(n >> 1), crc32(b.subarray(0, n >> 1)))).toBe(zlibCrc32(b));
    }
  });
});

describe('encodeModel / decodeModel', () => {
  it('round-trips every dtype bit-identically, with scalars, labels, params and shapes', () => {
    const doc = sampleDoc();
    const bytes = encodeModel(doc);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x4d, 0x53, 0x50, 0x4b]);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(MODEL_FORMAT_VERSION);
    const back = decodeModel(bytes, 'mem');
    expect(back.kind).toBe(doc.kind);
    expect(back.params).toEqual(doc.params);
    expect(back.shapes).toEqual(doc.shapes);
    expect(back.labels).toEqual(doc.labels);
    expect(back.rng).toEqual(doc.rng);
    expect(Object.keys(back.arrays)).toEqual(Object.keys(doc.arrays));
    for (const [name, a] of Object.entries(doc.arrays)) {
      const b = back.arrays[name];
      expect(b.constructor).toBe(a.constructor);
      expect(b.length).toBe(a.length);
      expect(bytesOf(b)).toEqual(bytesOf(a));
      expect(b.buffer).not.toBe(bytes.buffer); // copied out, not a view of the file
    }
    for (const [name, x] of Object.entries(doc.scalars)) expect(Object.is(back.scalars[name], x)).toBe(true);
    // Encoding is deterministic.
    expect(Array.from(encodeModel(back))).toEqual(Array.from(bytes));
  });

  it('restores random streams so that the draws continue bit-identically', () => {
    const a = new RandomStreams(99);
    for (let i = 0; i < 10; i++) a.stream('x').normal();
    a.stream('y').poisson(30);
    const doc: ModelDoc = { ...sampleDoc(), rng: a.save() };
    const back = decodeModel(encodeModel(doc), 'mem');
    const b = new RandomStreams(99);
    b.load(back.rng);
    for (let i = 0; i < 100; i++) {
      expect(b.stream('x').normal()).toBe(a.stream('x').normal());
      expect(b.stream('y').uniform()).toBe(a.stream('y').uniform());
    }
  });

  it('round-trips arbitrary f32/f64/i32 arrays and scalars (property)', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ maxLength: 40 }),
        fc.float64Array({ maxLength: 40 }),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 40 }),
        fc.double(),
        (f32, f64, ints, s) => {
          const doc: ModelDoc = { kind: 'p', params: {}, shapes: {}, scalars: { s }, labels: [], rng: {}, arrays: { f32, f64, i32: Int32Array.from(ints) } };
          const back = decodeModel(encodeModel(doc), 'p');
          expect(bytesOf(back.arrays.f32)).toEqual(bytesOf(f32));
          expect(bytesOf(back.arrays.f64)).toEqual(bytesOf(f64));
          expect(Array.from(back.arrays.i32 as Int32Array)).toEqual(ints);
          expect(Object.is(back.scalars.s, s)).toBe(true);
        },
      ),
      { seed: 7, numRuns: 150 },
    );
  });

  it('aligns every array payload to 8 bytes', () => {
    const bytes = encodeModel(sampleDoc());
    const v = new DataView(bytes.buffer);
    const h = v.getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(24, 24 + h)));
    for (const e of header.arrays) expect(e.byteOffset % 8).toBe(0);
    expect((bytes.length - 4) % 8).toBe(0);
  });

  it('rejects every truncation with a clear message', () => {
    const bytes = encodeModel(sampleDoc());
    for (let len = 0; len < bytes.length; len++) {
      expect(() => decodeModel(bytes.subarray(0, len), 'cut.mspk')).toThrow(/^cut\.mspk: /);
    }
    expect(() => decodeModel(bytes.subarray(0, bytes.length - 1), 'cut.mspk')).toThrow(
      `cut.mspk: model file truncated — its header says ${bytes.length} bytes`,
    );
    expect(() => decodeModel(bytes.subarray(0, 10), 'cut.mspk')).toThrow('cut.mspk: model file truncated — 10 bytes, the header alone needs 28.');
    expect(() => decodeModel(new Uint8Array(0), 'empty.mspk')).toThrow("empty.mspk: not a memspike model file — expected the magic bytes 'MSPK' (0x4d 0x53 0x50 0x4b), found an empty file.");
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => decodeModel(longer, 'long.mspk')).toThrow(/long\.mspk: model file has 3 trailing bytes after the checksum/);
  });

  it('detects a flipped byte anywhere in the file', () => {
    const bytes = encodeModel(sampleDoc());
    const rng = new RandomStream('model-file/flip');
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] ^= 1 + rng.int(255); // a non-zero mask: the byte really changes
      expect(() => decodeModel(bad, 'flip.mspk'), `byte ${i}`).toThrow(/^flip\.mspk: /);
    }
    // In the payload it is the checksum that catches it.
    const bad = bytes.slice();
    bad[bytes.length - 20] ^= 0x10;
    expect(() => decodeModel(bad, 'flip.mspk')).toThrow(/flip\.mspk: model file is corrupt — CRC-32 stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\. Restore it from a copy or train again\./);
  });

  it('refuses a file from a newer format version, before looking at anything else', () => {
    const bytes = encodeModel(sampleDoc());
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(4, MODEL_FORMAT_VERSION + 1, true);
    expect(() => decodeModel(newer, 'new.mspk')).toThrow(
      `new.mspk: written by a newer memspike (format v${MODEL_FORMAT_VERSION + 1}); this one reads up to v${MODEL_FORMAT_VERSION} — upgrade memspike.`,
    );
    // Even if its layout is unknown (shorter than a v1 header).
    expect(() => decodeModel(newer.subarray(0, 8), 'new.mspk')).toThrow(/written by a newer memspike \(format v2\)/);
    expect(() => decodeModel(craft(GOOD_HEADER, undefined, 0), 'v0.mspk')).toThrow(/v0\.mspk: format version 0 is not a valid/);
  });

  it('refuses a wrong magic number, showing what it found', () => {
    const idx = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28]);
    expect(() => decodeModel(idx, 'train-images')).toThrow(
      "train-images: not a memspike model file — expected the magic bytes 'MSPK' (0x4d 0x53 0x50 0x4b), found 0x00 0x00 0x08 0x03 ('....').",
    );
    const json = new TextEncoder().encode('{"kind":"x"}');
    expect(() => decodeModel(json, 'model.json')).toThrow(/found 0x7b 0x22 0x6b 0x69 \('\{"ki'\)/);
  });

  it('validates the header schema and every array entry (with a valid checksum)', () => {
    expect(decodeModel(craft(GOOD_HEADER), 'ok').kind).toBe('k');
    const bad = (h: unknown, payload?: Uint8Array) => () => decodeModel(craft(h, payload), 'h.mspk');
    expect(bad('{"kind": ')).toThrow(/h\.mspk: model header is not valid UTF-8 JSON/);
    expect(bad([1, 2])).toThrow(/h\.mspk: header must be a JSON object/);
    expect(bad({ ...GOOD_HEADER, kind: '' })).toThrow(/header\.kind must be a non-empty string/);
    expect(bad({ ...GOOD_HEADER, params: 3 })).toThrow(/header\.params must be an object, found 3/);
    expect(bad({ ...GOOD_HEADER, shapes: { w: [2, -1] } })).toThrow(/header: shapes\.w must be an array of non-negative integers, found \[2,-1\]/);
    expect(bad({ ...GOOD_HEADER, labels: [1, 2.5] })).toThrow(/header: labels must be an array of integers/);
    expect(bad({ ...GOOD_HEADER, scalars: { t: 'soon' } })).toThrow(/header\.scalars\.t = "soon" is not a number/);
    expect(bad({ ...GOOD_HEADER, rng: { a: [1, 'x'] } })).toThrow(/header\.rng\['a'\] must be an array of numbers/);
    expect(bad({ ...GOOD_HEADER, arrays: {} })).toThrow(/header\.arrays must be a list/);
    const p16 = new Uint8Array(16);
    const entry = (e: object) => ({ ...GOOD_HEADER, arrays: [{ name: 'w', dtype: 'f32', length: 4, byteOffset: 0, ...e }] });
    expect(decodeModel(craft(entry({}), p16), 'ok').arrays.w).toEqual(new Float32Array(4));
    expect(bad(entry({ dtype: 'f16' }), p16)).toThrow(/header\.arrays 'w': dtype "f16" is unknown; expected one of f64, f32/);
    expect(bad(entry({ length: 5 }), p16)).toThrow("h.mspk: header.arrays 'w': 5 × f32 at byteOffset 0 ends at 20, past the payload (16 bytes).");
    expect(bad(entry({ byteOffset: 4, length: 1 }), p16)).toThrow(/byteOffset 4 must be a non-negative multiple of 8/);
    expect(bad(entry({ length: -1 }), p16)).toThrow(/length -1 must be a non-negative integer/);
    expect(bad(entry({ name: '' }), p16)).toThrow(/arrays\[0\]\.name must be a non-empty string/);
    const two = (a: object, b: object) => ({ ...GOOD_HEADER, arrays: [{ name: 'a', dtype: 'f32', length: 2, byteOffset: 0, ...a }, { name: 'b', dtype: 'f32', length: 2, byteOffset: 8, ...b }] });
    expect(decodeModel(craft(two({}, {}), p16), 'ok').arrays.b.length).toBe(2);
    expect(bad(two({ length: 3 }, {}), p16)).toThrow(/'a' and 'b' overlap in the payload/);
    expect(bad(two({}, { name: 'a' }), p16)).toThrow(/the name 'a' appears twice/);
    expect(bad({ ...entry({}), shapes: { w: [3] } }, p16)).toThrow(/shapes\.w = \[3\] has 3 elements, but array 'w' has 4/);
  });

  it('encodeModel refuses what it cannot store, naming the field', () => {
    const doc = sampleDoc();
    expect(() => encodeModel({ ...doc, params: { tau: NaN } })).toThrow('encodeModel: params.tau = NaN is not finite; JSON cannot hold it — store it in scalars or an array.');
    expect(() => encodeModel({ ...doc, params: { w: new Float32Array(2) as never } })).toThrow(/params\.w is a typed array \(put it in arrays\)/);
    expect(() => encodeModel({ ...doc, arrays: { w: [1, 2, 3] as never } })).toThrow(/arrays\.w is \[1,2,3\], not a supported typed array/);
    expect(() => encodeModel({ ...doc, shapes: { weights: [3, 3] } })).toThrow(/shapes\.weights = \[3, 3\] has 9 elements, but array 'weights' has 13/);
    expect(() => encodeModel({ ...doc, labels: [0.5] })).toThrow(/labels must be an array of integers/);
    expect(() => encodeModel({ ...doc, kind: '' })).toThrow(/kind = "" must be a non-empty string/);
    expect(() => encodeModel({ ...doc, rng: { s: 'x' as never } })).toThrow(/rng\['s'\] must be an array of numbers/);
  });
});
