import { describe, expect, it } from 'vitest';
import { cubaNetwork } from '../../networks/cuba.js';

describe('CUBA (Vogels & Abbott 2005)', () => {
  it("mean rate over seeds lands in Brian2 2.5.1's range (≈ 5.6 Hz)", () => {
    const rates: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { net, exc, inh } = cubaNetwork({ seed });
      const ce = net.spikeCounter(exc);
      const ci = net.spikeCounter(inh);
      net.build();
      net.run(1000);
      rates.push((ce.total() + ci.total()) / 4000);
    }
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    // Brian2 gives 5.5–5.7 Hz over seeds; our per-seed rates spread 5.2–5.9 Hz (measured), the mean must sit in 5.4–5.8.
    expect(mean).toBeGreaterThan(5.4);
    expect(mean).toBeLessThan(5.8);
    for (const r of rates) expect(r).toBeGreaterThan(4.5), expect(r).toBeLessThan(7);
  });

  it('has ~80 inputs per neuron at any size', () => {
    for (const neurons of [1000, 4000]) {
      const { net, projections } = cubaNetwork({ neurons, seed: 1 });
      net.build();
      const syn = projections.reduce((s, p) => s + p.structure.post.length, 0);
      expect(Math.abs(syn / neurons - 80)).toBeLessThan(2);
    }
  });
});
