/**
 * Diehl & Cook 2015 rate encoding: rates = pixel / 8 · intensity (≤ 63.75 Hz at intensity 2),
 * expected counts = rate · window / 1000, and Poisson spike trains drawn from exponential
 * intervals at those rates whose counts match the expectation statistically.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../../../core/random.js';
import {
  expectedCounts,
  INTENSITY_STEP,
  MAX_RATE_HZ,
  MIN_SPIKES,
  needsRepresentation,
  nextIntensity,
  PIXEL_RATE_DIVISOR,
  pixelRates,
  PRESENTATION_MS,
  REST_MS,
  START_INTENSITY,
} from '../../../networks/datasets/encoding.js';
import { loadMnist } from '../../../networks/datasets/idx-node.js';
import { encodeIdx, parseIdx } from '../../../networks/datasets/idx.js';
import { image, imageDatasetFromIdx, sliceDataset, type ImageDataset } from '../../../networks/datasets/image-dataset.js';

/** Number of arrivals in [0, windowMs) of a Poisson process at rateHz, drawn as exponential intervals. */
function poissonCount(rng: RandomStream, rateHz: number, windowMs: number): number {
  if (rateHz <= 0) return 0;
  const meanIntervalMs = 1000 / rateHz;
  let t = rng.exponential(meanIntervalMs);
  let k = 0;
  while (t < windowMs) {
    k++;
    t += rng.exponential(meanIntervalMs);
  }
  return k;
}

describe('Diehl & Cook constants', () => {
  it('are the values of the original code', () => {
    expect(PIXEL_RATE_DIVISOR).toBe(8);
    expect(START_INTENSITY).toBe(2);
    expect(INTENSITY_STEP).toBe(1);
    expect(MIN_SPIKES).toBe(5);
    expect(MAX_RATE_HZ).toBe(63.75);
    expect(PRESENTATION_MS).toBe(350);
    expect(REST_MS).toBe(150);
  });

  it('re-present with intensity + 1 below 5 excitatory spikes, else reset to 2', () => {
    expect(needsRepresentation(4)).toBe(true);
    expect(needsRepresentation(5)).toBe(false);
    expect(nextIntensity(2, 0)).toBe(3);
    expect(nextIntensity(3, 4)).toBe(4);
    expect(nextIntensity(4, 5)).toBe(START_INTENSITY);
    expect(nextIntensity(2, 17)).toBe(2);
  });
});

describe('pixelRates and expectedCounts', () => {
  let mnist: ImageDataset;
  beforeAll(() => {
    mnist = sliceDataset(loadMnist({ split: 'train' }), 0, 200);
  });

  it('gives pixel/4 Hz at the starting intensity: 0 → 0, 255 → 63.75 Hz', () => {
    const ds = imageDatasetFromIdx(parseIdx(encodeIdx('u8', [1, 1, 4], [0, 1, 128, 255]), 'px'), parseIdx(encodeIdx('u8', [1], [3]), 'lb'));
    const r = pixelRates(new Float64Array(4), ds, 0);
    expect(Array.from(r)).toEqual([0, 0.25, 32, 63.75]);
    expect(Array.from(pixelRates(new Float64Array(4), ds, 0, 3))).toEqual([0, 0.375, 48, 95.625]);
    expect(Array.from(pixelRates(new Float64Array(4), ds, 0, 0))).toEqual([0, 0, 0, 0]);
  });

  it('keeps every MNIST rate in [0, 63.75 · intensity / 2] and equal to pixel/255 · 63.75 · intensity/2', () => {
    const out = new Float64Array(784);
    for (const intensity of [2, 3, 4, 7]) {
      const bound = (MAX_RATE_HZ * intensity) / START_INTENSITY;
      let min = Infinity;
      let max = -Infinity;
      let maxError = 0;
      for (let i = 0; i < mnist.count; i++) {
        pixelRates(out, mnist, i, intensity);
        const px = image(mnist, i);
        for (let k = 0; k < 784; k++) {
          if (out[k] < min) min = out[k];
          if (out[k] > max) max = out[k];
          const want = ((px[k] / 255) * MAX_RATE_HZ * intensity) / START_INTENSITY;
          maxError = Math.max(maxError, Math.abs(out[k] - want));
        }
      }
      expect(min).toBe(0);
      expect(max).toBe(bound); // MNIST digits contain white (255) pixels, so the bound is reached
      expect(maxError).toBeLessThan(1e-12);
    }
  });

  it('rejects a wrong output length and a bad intensity, saying what to do', () => {
    expect(() => pixelRates(new Float64Array(100), mnist, 0)).toThrow(/out has length 100, images of .* have 28 × 28 = 784 pixels; allocate new Float64Array\(784\)/);
    expect(() => pixelRates(new Float64Array(784), mnist, 0, -1)).toThrow(/intensity = -1 must be a finite number ≥ 0/);
    expect(() => pixelRates(new Float64Array(784), mnist, 0, NaN)).toThrow(/intensity = NaN/);
    expect(() => expectedCounts(new Float64Array(3), new Float64Array(4), 350)).toThrow(/out has length 3, rates has 4/);
    expect(() => expectedCounts(new Float64Array(4), new Float64Array(4), -5)).toThrow(/windowMs = -5/);
  });

  it('expected counts = rate · window / 1000 (white pixel, 350 ms → 22.3125 spikes)', () => {
    const rates = Float64Array.from([0, 10, 63.75, 127.5]);
    const c = expectedCounts(new Float64Array(4), rates, PRESENTATION_MS);
    expect(Array.from(c)).toEqual([0, 3.5, 22.3125, 44.625]);
    expect(Array.from(expectedCounts(new Float64Array(4), rates, 0))).toEqual([0, 0, 0, 0]);
  });

  it('Poisson counts from exponential intervals match the expected counts (mean within 3 SE, Fano ≈ 1)', () => {
    const rates = pixelRates(new Float64Array(784), mnist, 0, START_INTENSITY);
    const expected = expectedCounts(new Float64Array(784), rates, PRESENTATION_MS);
    const rng = new RandomStream('encoding/poisson-check');
    const trials = 2000;
    // Five distinct rates of this image, from dim to white, each checked on its own.
    const picks: number[] = [];
    const seen = new Set<number>();
    const order = Array.from(rates.keys()).filter((k) => rates[k] > 0).sort((a, b) => rates[a] - rates[b]);
    for (const q of [0, 0.25, 0.5, 0.75, 1]) {
      const k = order[Math.min(order.length - 1, Math.floor(q * order.length))];
      if (!seen.has(rates[k])) {
        seen.add(rates[k]);
        picks.push(k);
      }
    }
    expect(picks.length).toBeGreaterThanOrEqual(4);
    for (const k of picks) {
      let s = 0;
      let s2 = 0;
      for (let t = 0; t < trials; t++) {
        const c = poissonCount(rng, rates[k], PRESENTATION_MS);
        s += c;
        s2 += c * c;
      }
      const mean = s / trials;
      const variance = s2 / trials - mean * mean;
      const se = Math.sqrt(expected[k] / trials);
      expect(Math.abs(mean - expected[k])).toBeLessThan(3 * se);
      expect(variance / expected[k]).toBeGreaterThan(0.85);
      expect(variance / expected[k]).toBeLessThan(1.15);
    }
    // The whole image: total spikes per presentation.
    const totalTrials = 300;
    let lambdaTotal = 0;
    for (let k = 0; k < 784; k++) lambdaTotal += expected[k];
    let total = 0;
    for (let t = 0; t < totalTrials; t++) for (let k = 0; k < 784; k++) total += poissonCount(rng, rates[k], PRESENTATION_MS);
    const meanTotal = total / totalTrials;
    expect(Math.abs(meanTotal - lambdaTotal)).toBeLessThan(3 * Math.sqrt(lambdaTotal / totalTrials));
    // Black pixels never spike.
    const zero = Array.from(rates.keys()).find((k) => rates[k] === 0)!;
    expect(poissonCount(rng, rates[zero], PRESENTATION_MS)).toBe(0);
  });
});
