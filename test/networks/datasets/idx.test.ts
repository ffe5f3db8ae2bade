/**
 * IDX parsing (pure) and IDX file pairs on disk: round trips of every element type, and clear
 * errors for truncated files, trailing bytes, wrong magic, unknown types, wrong dimensions and
 * image/label files that disagree.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../../../core/random.js';
import { encodeIdx, parseIdx, type IdxType } from '../../../networks/datasets/idx.js';
import { loadIdxPair, readIdxFile } from '../../../networks/datasets/idx-node.js';
import { image, imageDatasetFromIdx, labelCounts } from '../../../networks/datasets/image-dataset.js';

const TYPES: IdxType[] = ['u8', 'i8', 'i16', 'i32', 'f32', 'f64'];

/** A small random image/label pair: count images of rows × cols, labels 0…9. */
function makePair(rng: RandomStream, count: number, rows: number, cols: number) {
  const pixels = new Uint8Array(count * rows * cols);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.int(256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = rng.int(10);
  return { pixels, labels, images: encodeIdx('u8', [count, rows, cols], pixels), labelFile: encodeIdx('u8', [count], labels) };
}

describe('parseIdx / encodeIdx (pure)', () => {
  it('reads the MNIST header layout: magic 0x00000803, big-endian dims', () => {
    const bytes = encodeIdx('u8', [2, 3, 4], new Uint8Array(24).map((_, i) => i));
    expect(Array.from(bytes.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]);
    const a = parseIdx(bytes, 'x.idx');
    expect(a.type).toBe('u8');
    expect(a.dims).toEqual([2, 3, 4]);
    expect(Array.from(a.data)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    // u8 data is a view into the input bytes, not a copy.
    expect(a.data.buffer).toBe(bytes.buffer);
    expect(a.data.byteOffset).toBe(16);
  });

  it.each(TYPES)('round-trips %s data, big-endian on disk', (type) => {
    const rng = new RandomStream('idx-roundtrip-' + type);
    const n = 37;
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      values.push(
        type === 'u8' ? Math.floor(u * 256)
        : type === 'i8' ? Math.floor(u * 256) - 128
        : type === 'i16' ? Math.floor(u * 65536) - 32768
        : type === 'i32' ? Math.floor(u * 2 ** 32) - 2 ** 31
        : type === 'f32' ? Math.fround((u - 0.5) * 1e6)
        : (u - 0.5) * 1e300,
      );
    }
    const bytes = encodeIdx(type, [n], values);
    const a = parseIdx(bytes, 'v.idx');
    expect(a.type).toBe(type);
    expect(Array.from(a.data)).toEqual(values);
    if (type === 'i16') {
      // First element stored big-endian.
      expect((bytes[8] << 8) | bytes[9]).toBe(values[0] & 0xffff);
    }
  });

  it('round-trips any u8 array of any shape (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 255 }), (dims, fill) => {
        const n = dims.reduce((p, d) => p * d, 1);
        const data = new Uint8Array(n).fill(fill);
        const a = parseIdx(encodeIdx('u8', dims, data), 'p.idx');
        expect(a.dims).toEqual(dims);
        expect(Array.from(a.data)).toEqual(Array.from(data));
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('rejects every truncation and any trailing byte, naming the file and both lengths', () => {
    const bytes = encodeIdx('u8', [3, 2, 2], new Uint8Array(12));
    for (let len = 0; len < bytes.length; len++) {
      expect(() => parseIdx(bytes.subarray(0, len), 'cut.idx')).toThrow(/cut\.idx/);
    }
    expect(() => parseIdx(bytes.subarray(0, 27), 'cut.idx')).toThrow(
      'cut.idx: IDX file truncated — dimensions [3, 2, 2] of u8 need 16 + 12 = 28 bytes, the file has 27.',
    );
    expect(() => parseIdx(bytes.subarray(0, 10), 'cut.idx')).toThrow(/header truncated — 3 dimension\(s\) need 16 header bytes, the file has 10/);
    expect(() => parseIdx(bytes.subarray(0, 2), 'cut.idx')).toThrow(/2 bytes long, shorter than the 4-byte magic/);
    const longer = new Uint8Array(29);
    longer.set(bytes);
    expect(() => parseIdx(longer, 'long.idx')).toThrow(/long\.idx: IDX file has trailing bytes — .* need 16 \+ 12 = 28 bytes, the file has 29/);
  });

  it('rejects a wrong magic number, an unknown type and gzip bytes with what was found', () => {
    const bytes = encodeIdx('u8', [1], [7]);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 7]);
    expect(() => parseIdx(png, 'img.png')).toThrow('img.png: not an IDX file — the magic number must start with 0x00 0x00, found 0x89 0x50.');
    const badType = bytes.slice();
    badType[2] = 0x07;
    expect(() => parseIdx(badType, 'bad.idx')).toThrow(/bad\.idx: unknown IDX data type 0x07 .* expected one of 0x08 \(u8\)/);
    const gz = gzipSync(bytes);
    expect(() => parseIdx(new Uint8Array(gz), 'f.gz')).toThrow(/f\.gz: this is a gzip file .* decompress it first/);
  });

  it('checks an expected type and rank', () => {
    const labels = encodeIdx('u8', [4], [1, 2, 3, 4]);
    expect(() => parseIdx(labels, 'l.idx', { rank: 3 })).toThrow('l.idx: IDX file has 1 dimension(s), expected 3.');
    expect(() => parseIdx(encodeIdx('f32', [1], [1]), 'f.idx', { type: 'u8' })).toThrow('f.idx: IDX data type is f32 (0x0d), expected u8 (0x08).');
  });

  it('encodeIdx rejects data that does not fit the dims', () => {
    expect(() => encodeIdx('u8', [2, 2], [1, 2, 3])).toThrow(/data has 3 elements, dims \[2, 2\] need 4/);
    expect(() => encodeIdx('u8', [-1], [])).toThrow(/dims\[0\] = -1/);
  });
});

describe('imageDatasetFromIdx (pure pairing)', () => {
  it('pairs images and labels; rejects swapped files and different counts, naming both files', () => {
    const rng = new RandomStream('idx-pair');
    const p = makePair(rng, 6, 4, 5);
    const images = parseIdx(p.images, 'imgs');
    const labels = parseIdx(p.labelFile, 'labs');
    const ds = imageDatasetFromIdx(images, labels);
    expect([ds.count, ds.rows, ds.cols]).toEqual([6, 4, 5]);
    expect(Array.from(image(ds, 5))).toEqual(Array.from(p.pixels.subarray(100, 120)));
    expect(ds.source).toBe('imgs + labs');
    expect(() => imageDatasetFromIdx(labels, images)).toThrow(/labs: an image file must be IDX u8 with 3 dimensions .* found u8 with dimensions \[6\]/);
    const fewer = parseIdx(encodeIdx('u8', [5], [0, 1, 2, 3, 4]), 'labs5');
    expect(() => imageDatasetFromIdx(images, fewer)).toThrow('image/label files disagree: imgs holds 6 images, labs5 holds 5 labels; give the label file that belongs to these images (same split).');
    const empty = parseIdx(encodeIdx('u8', [6, 0, 5], []), 'empty');
    expect(() => imageDatasetFromIdx(empty, labels)).toThrow(/empty: images are 0 × 5 pixels/);
  });
});

describe('IDX files on disk (idx-node)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'memspike-idx-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads any IDX pair by path (Fashion-MNIST-style, other sizes), raw or gzipped', () => {
    const rng = new RandomStream('idx-disk');
    const p = makePair(rng, 30, 7, 9);
    writeFileSync(join(dir, 'imgs-idx3-ubyte'), p.images);
    writeFileSync(join(dir, 'labs-idx1-ubyte.gz'), gzipSync(p.labelFile));
    const ds = loadIdxPair(join(dir, 'imgs-idx3-ubyte'), join(dir, 'labs-idx1-ubyte.gz'));
    expect([ds.count, ds.rows, ds.cols]).toEqual([30, 7, 9]);
    expect(Array.from(ds.pixels)).toEqual(Array.from(p.pixels));
    expect(Array.from(ds.labels)).toEqual(Array.from(p.labels));
    expect(Array.from(labelCounts(ds)).reduce((a, b) => a + b, 0)).toBe(30);
    expect(ds.pixels).not.toBeInstanceOf(Buffer);
  });

  it('rejects a truncated file, a wrong magic and a missing file by path', () => {
    const rng = new RandomStream('idx-disk-bad');
    const p = makePair(rng, 10, 28, 28);
    const cut = join(dir, 'cut-images');
    writeFileSync(cut, p.images.subarray(0, p.images.length - 100));
    writeFileSync(join(dir, 'labels'), p.labelFile);
    expect(() => loadIdxPair(cut, join(dir, 'labels'))).toThrow(`${cut}: IDX file truncated — dimensions [10, 28, 28] of u8 need 16 + 7840 = 7856 bytes, the file has 7756.`);
    const wrong = join(dir, 'wrong-magic');
    const bytes = p.images.slice();
    bytes[0] = 0x1a;
    writeFileSync(wrong, bytes);
    expect(() => readIdxFile(wrong)).toThrow(`${wrong}: not an IDX file — the magic number must start with 0x00 0x00, found 0x1a 0x00.`);
    const badGz = join(dir, 'bad.gz');
    writeFileSync(badGz, gzipSync(p.labelFile).subarray(0, 12));
    expect(() => readIdxFile(badGz)).toThrow(/bad\.gz: starts like a gzip file but does not inflate/);
    expect(() => readIdxFile(join(dir, 'nope'))).toThrow(`IDX file ${join(dir, 'nope')} does not exist; check the path.`);
  });

  it('rejects wrong dims (labels as images, 2-D images) and mismatched counts', () => {
    const rng = new RandomStream('idx-disk-dims');
    const p = makePair(rng, 12, 3, 3);
    const imgs = join(dir, 'i12');
    const labs = join(dir, 'l12');
    const labs11 = join(dir, 'l11');
    const flat = join(dir, 'flat');
    writeFileSync(imgs, p.images);
    writeFileSync(labs, p.labelFile);
    writeFileSync(labs11, encodeIdx('u8', [11], p.labels.subarray(0, 11)));
    writeFileSync(flat, encodeIdx('u8', [12, 9], p.pixels));
    expect(() => loadIdxPair(imgs, labs11)).toThrow(`image/label files disagree: ${imgs} holds 12 images, ${labs11} holds 11 labels`);
    expect(() => loadIdxPair(labs, imgs)).toThrow(`${labs}: an image file must be IDX u8 with 3 dimensions`);
    expect(() => loadIdxPair(flat, labs)).toThrow(`${flat}: an image file must be IDX u8 with 3 dimensions (count × rows × cols), found u8 with dimensions [12, 9]`);
    expect(() => loadIdxPair(imgs, imgs)).toThrow(`${imgs}: a label file must be IDX u8 with 1 dimension`);
  });
});
