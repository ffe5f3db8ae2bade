/**
 * Model files on disk: atomic writes (temp + fsync + rename) that never leave a half-written or
 * clobbered file behind, and reads that validate before returning.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../../../core/random.js';
import { readModelFile, writeFileAtomic, writeModelFile } from '../../../networks/persist/file-node.js';
import { encodeModel, type ModelDoc } from '../../../networks/persist/model-file.js';

function doc(seed: string, n = 1000): ModelDoc {
  const rng = new RandomStream(seed);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = rng.uniform();
  const theta = new Float64Array(10);
  for (let i = 0; i < 10; i++) theta[i] = rng.normal();
  return {
    kind: 'diehl-cook-2015',
    params: { nExc: 10, seed },
    shapes: { w: [n / 10, 10] },
    scalars: { step: 42 },
    labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    rng: { 'exc/poisson': Array.from(rng.state) },
    arrays: { w, theta },
  };
}

describe('writeFileAtomic / writeModelFile / readModelFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'memspike-persist-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const tempsIn = (d: string) => readdirSync(d).filter((f) => f.endsWith('.tmp'));

  it('writes, reads back and overwrites a model file, leaving no temporary files', () => {
    const path = join(dir, 'net.mspk');
    const a = doc('file-a');
    writeModelFile(path, a);
    expect(Array.from(readFileSync(path))).toEqual(Array.from(encodeModel(a)));
    const back = readModelFile(path);
    expect(back.arrays.w).toEqual(a.arrays.w);
    expect(back.arrays.theta).toEqual(a.arrays.theta);
    expect(back.labels).toEqual(a.labels);
    const b = doc('file-b', 2000);
    writeModelFile(path, b);
    expect(readModelFile(path).arrays.w).toEqual(b.arrays.w);
    expect(tempsIn(dir)).toEqual([]);
  });

  it('a missing directory is an error naming the path and saying to create it; nothing is created', () => {
    const missing = join(dir, 'no-such-dir', 'sub');
    const path = join(missing, 'net.mspk');
    expect(() => writeModelFile(path, doc('x'))).toThrow(
      `cannot write ${path}: the directory ${missing} does not exist — create the directory first (e.g. mkdir -p ${missing}).`,
    );
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });

  it('keeps the old file intact when the temporary file cannot be created', () => {
    // A 250-byte name is valid, but its temp name (".<name>.<pid>.<n>.tmp") exceeds the 255-byte limit.
    const path = join(dir, 'm'.repeat(245) + '.mspk');
    const old = encodeModel(doc('old'));
    writeFileSync(path, old);
    expect(() => writeModelFile(path, doc('new'))).toThrow(/^cannot write .*mspk: creating the temporary file .* failed \(.*ENAMETOOLONG.*\); .* was not changed\.$/s);
    expect(Array.from(readFileSync(path))).toEqual(Array.from(old));
    expect(readModelFile(path).params).toEqual({ nExc: 10, seed: 'old' });
    expect(tempsIn(dir)).toEqual([]);
  });

  it('keeps the target intact and removes the temp when the rename fails (target is a directory)', () => {
    const target = join(dir, 'occupied.mspk');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'precious');
    expect(() => writeFileAtomic(target, encodeModel(doc('r')))).toThrow(/^cannot write .*occupied\.mspk: .*; .*occupied\.mspk was not changed\.$/s);
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('precious');
    expect(tempsIn(dir)).toEqual([]);
    expect(() => readModelFile(target)).toThrow(`model file ${target} is a directory; give the path of a .mspk file.`);
  });

  it('readModelFile rejects a missing, corrupted, truncated or foreign file with the path in the message', () => {
    const missing = join(dir, 'absent.mspk');
    expect(() => readModelFile(missing)).toThrow(`model file ${missing} does not exist; check the path (save one with writeModelFile).`);
    const path = join(dir, 'corrupt.mspk');
    const bytes = encodeModel(doc('c'));
    bytes[bytes.length - 100] ^= 0x01;
    writeFileSync(path, bytes);
    expect(() => readModelFile(path)).toThrow(`${path}: model file is corrupt — CRC-32 stored`);
    const cut = join(dir, 'cut.mspk');
    writeFileSync(cut, encodeModel(doc('c')).subarray(0, 500));
    expect(() => readModelFile(cut)).toThrow(`${cut}: model file truncated`);
    const foreign = join(dir, 'notes.txt');
    writeFileSync(foreign, 'hello world');
    expect(() => readModelFile(foreign)).toThrow(`${foreign}: not a memspike model file — expected the magic bytes 'MSPK'`);
  });

  it('a good file survives a failed save of an unstorable model (validation happens before any I/O)', () => {
    const path = join(dir, 'good.mspk');
    writeModelFile(path, doc('good'));
    const before = readFileSync(path);
    expect(() => writeModelFile(path, { ...doc('bad'), params: { x: Infinity } })).toThrow(/params\.x = Infinity is not finite/);
    expect(Array.from(readFileSync(path))).toEqual(Array.from(before));
    expect(tempsIn(dir)).toEqual([]);
  });
});

describe('temp files of a killed write', () => {
  it('are removed by the next write of the same file when their process is gone; a live process keeps its own', () => {
    const d = mkdtempSync(join(tmpdir(), 'memspike-stale-'));
    try {
      // a pid far beyond pid_max (≤ 4 194 304 on Linux): no such process
      const stale = join(d, '.m.mspk.99999999.0.tmp');
      const live = join(d, `.m.mspk.${process.ppid}.0.tmp`);
      const other = join(d, '.other.mspk.99999999.0.tmp');
      for (const f of [stale, live, other]) writeFileSync(f, 'half a model');
      writeFileAtomic(join(d, 'm.mspk'), new Uint8Array([1, 2, 3]));
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(other)).toBe(true); // another file's temps are its own business
      expect([...readFileSync(join(d, 'm.mspk'))]).toEqual([1, 2, 3]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
