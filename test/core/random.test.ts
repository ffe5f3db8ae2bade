import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { RandomStream, RandomStreams } from '../../core/index.js';

describe('RandomStream', () => {
  it("is bit-identical to seedrandom.alea's output", () => {
    const ours = new RandomStream('42/exc/poisson');
    const ref = seedrandom.alea('42/exc/poisson');
    for (let k = 0; k < 10_000; k++) expect(ours.uniform()).toBe(ref());
  });

  it('derives independent streams by label and restores saved state exactly', () => {
    const s = new RandomStreams(7);
    const a = s.stream('a');
    const b = s.stream('b');
    expect(s.stream('a')).toBe(a);
    const xa = Array.from({ length: 2000 }, () => a.uniform());
    const xb = Array.from({ length: 2000 }, () => b.uniform());
    // correlation of two streams ≈ 0 (|r| < 4/√n)
    const mean = (x: number[]) => x.reduce((p, q) => p + q, 0) / x.length;
    const ma = mean(xa);
    const mb = mean(xb);
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let k = 0; k < 2000; k++) {
      sab += (xa[k] - ma) * (xb[k] - mb);
      saa += (xa[k] - ma) ** 2;
      sbb += (xb[k] - mb) ** 2;
    }
    expect(Math.abs(sab / Math.sqrt(saa * sbb))).toBeLessThan(4 / Math.sqrt(2000));
    const saved = s.save();
    a.normal(); // leaves a cached spare behind
    const next = [a.normal(), a.normal(), b.uniform()];
    s.load(saved);
    a.normal();
    expect([a.normal(), a.normal(), b.uniform()]).toEqual(next);
  });

  it('draws match their distributions (mean and variance within sampling error)', () => {
    const r = new RandomStream('stats');
    const n = 200_000;
    const check = (draw: () => number, mean: number, variance: number) => {
      let s = 0;
      let s2 = 0;
      for (let k = 0; k < n; k++) {
        const x = draw();
        s += x;
        s2 += x * x;
      }
      const m = s / n;
      const v = s2 / n - m * m;
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
      expect(Math.abs(v - variance) / variance).toBeLessThan(0.03);
    };
    check(() => r.normal(), 0, 1);
    check(() => r.exponential(3), 3, 9);
    check(() => r.poisson(4.5), 4.5, 4.5);
    check(() => r.poisson(80), 80, 80);
    check(() => r.binomial(20, 0.3), 6, 4.2);
    check(() => r.binomial(1000, 0.4), 400, 240);
    check(() => r.binomial(50, 0.9), 45, 4.5);
  });

  it('Poisson(λ) probabilities match the pmf (χ² over 0…15, λ = 5 and λ = 20 via PTRS)', () => {
    const r = new RandomStream('pmf');
    for (const lambda of [5, 20]) {
      const n = 100_000;
      const counts = new Array(60).fill(0);
      for (let k = 0; k < n; k++) counts[Math.min(59, r.poisson(lambda))]++;
      let chi2 = 0;
      let bins = 0;
      let logp = -lambda;
      for (let k = 0; k < 45; k++) {
        if (k > 0) logp += Math.log(lambda) - Math.log(k);
        const e = n * Math.exp(logp);
        if (e < 20) continue;
        chi2 += (counts[k] - e) ** 2 / e;
        bins++;
      }
      // χ² with `bins` dof: mean bins, sd √(2·bins); allow 5 sd
      expect(chi2).toBeLessThan(bins + 5 * Math.sqrt(2 * bins));
    }
  });

  it('rejects bad seeds and bad saved state', () => {
    expect(() => new RandomStreams(Number.NaN)).toThrow(/seed = NaN/);
    const s = new RandomStreams(1);
    s.stream('x');
    expect(() => s.load({ x: [1, 2] })).toThrow(/random stream 'x': saved state must be 6 finite numbers/);
  });
});
