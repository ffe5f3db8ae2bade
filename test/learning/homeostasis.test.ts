/**
 * Weight normalisation as an updater: exact on float weights (every column sums to the target),
 * run once per request at the start of the next learning step, skipped while plasticity is off.
 */
import { describe, expect, it } from 'vitest';
import { Network, lif, spikeGenerator, allToAll, floatStore } from '../../core/index.js';
import { memristiveStore, type MemristiveStore } from '../../core/devices/index.js';
import { columnNormaliser, normaliseColumns, normaliseDenseColumns } from '../../learning/index.js';
import { RandomStream } from '../../core/random.js';

function net(weights: number[][]) {
  const n = new Network({ dt: 0.5, seed: 1 });
  const pre = n.add(spikeGenerator(3, [], [], { label: 'pre' }));
  const post = n.add(lif(2, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 }, 'post'));
  const proj = n.connect(pre, post, { connector: allToAll(), weight: 0, store: floatStore({ wMin: 0, wMax: 10 }) });
  const norm = n.addUpdater(columnNormaliser(proj, 6));
  n.build();
  // dense row-major pre × post
  weights.forEach((row, j) => row.forEach((w, i) => (proj.store.weights[j * 2 + i] = w)));
  const column = (i: number) => [0, 1, 2].map((j) => proj.store.weights[j * 2 + i]);
  return { n, proj, norm, column };
}

describe('column normaliser on float weights', () => {
  it('scales every column to the target exactly, keeping the ratios, once per request at the next learning step', () => {
    const { n, norm, column } = net([[1, 0.5], [2, 0.5], [3, 2]]);
    expect(norm.mode).toBe('exact');
    n.runSteps(3);
    expect(column(0)).toEqual([1, 2, 3]); // nothing until asked
    norm.request();
    n.step();
    const c0 = column(0);
    const c1 = column(1);
    expect(c0.reduce((a, b) => a + b, 0)).toBeCloseTo(6, 5);
    expect(c1.reduce((a, b) => a + b, 0)).toBeCloseTo(6, 5);
    expect(c0[2] / c0[0]).toBeCloseTo(3, 5);
    expect(c1[0]).toBeCloseTo(1, 5);
    // scaled once: changed weights stay as they are until the next request
    const w = [...c0, ...c1];
    n.runSteps(5);
    expect([...column(0), ...column(1)]).toEqual(w);
  });

  it('is skipped while plasticity is off', () => {
    const { n, norm, column } = net([[1, 1], [1, 1], [1, 1]]);
    n.plasticity.enabled = false;
    norm.request();
    n.runSteps(2);
    expect(column(0)).toEqual([1, 1, 1]);
    n.plasticity.enabled = true;
    n.step();
    expect(column(0).map((x) => +x.toFixed(5))).toEqual([2, 2, 2]);
  });

  it('the row-wise kernel for dense all-to-all weights equals the column-wise one bit for bit (a column of zeros left alone)', () => {
    const nPre = 37;
    const nPost = 11;
    const rng = new RandomStream('normalise');
    const a = new Float32Array(nPre * nPost).map(() => rng.uniform() * 0.3);
    for (let j = 0; j < nPre; j++) a[j * nPost + 4] = 0;
    const b = a.slice();
    const colPtr = Int32Array.from({ length: nPost + 1 }, (_, i) => i * nPre);
    const synapse = new Int32Array(nPre * nPost);
    for (let i = 0; i < nPost; i++) for (let j = 0; j < nPre; j++) synapse[i * nPre + j] = j * nPost + i;
    normaliseColumns(a, colPtr, synapse, nPost, 7.8);
    normaliseDenseColumns(b, nPre, nPost, 7.8, new Float64Array(nPost));
    expect(new Uint32Array(b.buffer)).toEqual(new Uint32Array(a.buffer));
    expect(b[4]).toBe(0);
    let sum = 0;
    for (let j = 0; j < nPre; j++) sum += b[j * nPost + 2];
    expect(sum).toBeCloseTo(7.8, 5);
  });

  it('rejects a target ≤ 0 and an unknown device mode', () => {
    const n = new Network({ dt: 0.5 });
    const a = n.add(lif(2, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 }, 'a'));
    const p = n.connect(a, a, { connector: allToAll(), weight: 1 });
    expect(() => columnNormaliser(p, 0)).toThrow(/normalisation target = 0 must be > 0/);
    expect(() => columnNormaliser(p, 5, { deviceMode: 'sometimes' as never })).toThrow(/deviceMode = 'sometimes' is unknown; use 'pulses' or 'off'/);
  });
});

describe('column normaliser by device pulses', () => {
  /** 24 inputs × 7 neurons, all to all, hfs2 pairs (c2c noise: the devices see the pulses' order). */
  function pulsedNet(storage: 'dense' | 'csr', rounding: 'deterministic' | 'accumulate' | 'feedback') {
    const n = new Network({ dt: 0.5, seed: 4 });
    const pre = n.add(spikeGenerator(24, [], [], { label: 'pre' }));
    const post = n.add(lif(7, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 }, 'post'));
    const initial = Float32Array.from({ length: 24 * 7 }, (_, k) => (k % 7 === 3 ? 0.4 : ((k * 37) % 11) / 40));
    const proj = n.connect(pre, post, { connector: allToAll(), weight: initial, storage, store: memristiveStore({ device: 'hfs2', mode: 'pair', wMax: 0.5 }) });
    const norm = n.addUpdater(columnNormaliser(proj, 2.5, { deviceMode: 'pulses', rounding }));
    n.build();
    const store = proj.store as MemristiveStore;
    const rnd = new RandomStream('residual');
    if (rounding !== 'deterministic') for (let k = 0; k < store.size; k++) store.residual[k] = (rnd.uniform() - 0.5) * 3 * store.wStepUp;
    return { norm, store, proj };
  }

  for (const rounding of ['deterministic', 'accumulate', 'feedback'] as const) {
    it(`on dense all-to-all weights gives the bits of the column-wise path (csr storage), rounding '${rounding}'`, () => {
      const dense = pulsedNet('dense', rounding);
      const csr = pulsedNet('csr', rounding);
      expect(dense.proj.structure.storage).toBe('dense');
      expect(csr.proj.structure.storage).toBe('csr');
      const issued: number[] = [];
      for (let t = 1; t <= 3; t++) {
        const a = dense.norm.apply(t);
        const b = csr.norm.apply(t);
        expect(a).toBe(b);
        issued.push(a);
        expect(new Uint32Array(dense.store.weights.buffer)).toEqual(new Uint32Array(csr.store.weights.buffer));
        expect(new Uint32Array(dense.store.residual.buffer)).toEqual(new Uint32Array(csr.store.residual.buffer));
      }
      expect(issued[0]).toBeGreaterThan(20); // the columns start far from 2.5: many pulses
      expect(dense.store.pulses).toBe(csr.store.pulses);
      expect(dense.store.energyPulse_nJ).toBe(csr.store.energyPulse_nJ);
      // and it normalises: every column's intended weight (w + χ) ends near the target
      for (let i = 0; i < 7; i++) {
        let sum = 0;
        for (let j = 0; j < 24; j++) sum += dense.store.weights[j * 7 + i] + (rounding === 'deterministic' ? 0 : dense.store.residual[j * 7 + i]);
        expect(Math.abs(sum - 2.5)).toBeLessThan(0.25);
      }
    });
  }
});
