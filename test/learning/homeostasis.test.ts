/**
 * Weight normalisation as an updater: exact on float weights (every column sums to the target),
 * run once per request at the start of the next learning step, skipped while plasticity is off.
 */
import { describe, expect, it } from 'vitest';
import { Network, lif, spikeGenerator, allToAll, floatStore } from '../../core/index.js';
import { memristiveStore, type MemristiveStore } from '../../core/devices/index.js';
import { columnNormaliser, normaliseColumns, normaliseDenseColumns } from '../../learning/index.js';
import { RandomStream } from '../../core/random.js';
import { denseWeightKernels } from '../../core/synapses/weights-wasm.js';

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

  it('on a float store of dense all-to-all weights, the SIMD kernel gives the bits of the column-wise path (csr storage)', () => {
    const build = (storage: 'dense' | 'csr') => {
      const n = new Network({ dt: 0.5, seed: 2 });
      const pre = n.add(spikeGenerator(103, [], [], { label: 'pre' }));
      const post = n.add(lif(40, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 }, 'post'));
      const rng = new RandomStream('float-normalise');
      const initial = Float32Array.from({ length: 103 * 40 }, (_, k) => (k % 40 === 4 ? 0 : rng.uniform() * 0.3));
      const proj = n.connect(pre, post, { connector: allToAll(), weight: initial, storage, store: floatStore({ wMin: 0, wMax: 1 }) });
      const norm = n.addUpdater(columnNormaliser(proj, 7.8));
      n.build();
      return { proj, norm };
    };
    const dense = build('dense');
    const csr = build('csr');
    expect(denseWeightKernels(dense.proj.store.weights, null, 103, 40)).not.toBeNull(); // the SIMD path runs
    const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
    for (let t = 1; t <= 2; t++) {
      dense.norm.apply(t);
      csr.norm.apply(t);
      expect(bits(dense.proj.store.weights)).toEqual(bits(csr.proj.store.weights));
    }
    let sum = 0;
    for (let j = 0; j < 103; j++) sum += dense.proj.store.weights[j * 40 + 7];
    expect(sum).toBeCloseTo(7.8, 5);
    expect(dense.proj.store.weights[4]).toBe(0); // the zero column is left alone
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
  function pulsedNet(storage: 'dense' | 'csr', rounding: 'deterministic' | 'accumulate' | 'feedback', nPre: number, nPost: number, residualSteps: number) {
    const n = new Network({ dt: 0.5, seed: 4 });
    const pre = n.add(spikeGenerator(nPre, [], [], { label: 'pre' }));
    const post = n.add(lif(nPost, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 }, 'post'));
    const initial = Float32Array.from({ length: nPre * nPost }, (_, k) => (k % nPost === 3 ? 0.4 : k % nPost === 5 ? 0 : ((k * 37) % 11) / 40));
    const proj = n.connect(pre, post, { connector: allToAll(), weight: initial, storage, store: memristiveStore({ device: 'hfs2', mode: 'pair', wMax: 0.5 }) });
    const norm = n.addUpdater(columnNormaliser(proj, 2.5 * (nPre / 24), { deviceMode: 'pulses', rounding }));
    n.build();
    const store = proj.store as MemristiveStore;
    const rnd = new RandomStream('residual');
    if (rounding !== 'deterministic') for (let k = 0; k < store.size; k++) store.residual[k] = (rnd.uniform() - 0.5) * residualSteps * store.wStepUp;
    return { norm, store, proj };
  }
  const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

  // 24 × 7: a small store (plain arrays), the JavaScript row-wise loop; 64 × 65: odd columns, the
  // same; 64 × 64: the SIMD kernel (core/synapses/weights-wasm.ts); 160 × 100 with χ of up to ±6 steps:
  // more pulse entries than the kernel's list holds at once
  const shapes = [
    { nPre: 24, nPost: 7, residualSteps: 3, simd: false },
    { nPre: 64, nPost: 65, residualSteps: 3, simd: false },
    { nPre: 64, nPost: 64, residualSteps: 3, simd: true },
    { nPre: 160, nPost: 100, residualSteps: 12, simd: true },
  ];
  for (const { nPre, nPost, residualSteps, simd } of shapes) {
    for (const rounding of ['deterministic', 'accumulate', 'feedback'] as const) {
      it(`on dense all-to-all weights (${nPre} × ${nPost}) gives the bits of the column-wise path (csr storage), rounding '${rounding}'`, () => {
        const dense = pulsedNet('dense', rounding, nPre, nPost, residualSteps);
        const csr = pulsedNet('csr', rounding, nPre, nPost, residualSteps);
        expect(dense.proj.structure.storage).toBe('dense');
        expect(csr.proj.structure.storage).toBe('csr');
        const kernels = denseWeightKernels(dense.store.weights, dense.store.residual, nPre, nPost);
        expect(kernels !== null).toBe(simd); // which path ran
        const issued: number[] = [];
        for (let t = 1; t <= 3; t++) {
          const a = dense.norm.apply(t);
          const b = csr.norm.apply(t);
          expect(a).toBe(b);
          issued.push(a);
          expect(bits(dense.store.weights)).toEqual(bits(csr.store.weights));
          expect(bits(dense.store.residual)).toEqual(bits(csr.store.residual));
        }
        if (nPre * nPost < 10000) expect(issued[0]).toBeGreaterThan(20); // far from the target: many pulses
        // with χ of up to ±6 steps, more synapses get pulses than the kernel's list holds (8160): it resumed
        else if (rounding !== 'deterministic') expect(issued[0]).toBeGreaterThan(8160);
        expect(dense.store.pulses).toBe(csr.store.pulses);
        expect(dense.store.energyPulse_nJ).toBe(csr.store.energyPulse_nJ);
        // and it normalises: every column's intended weight (w + χ) ends near the target (column 5
        // starts at zero weight: left alone or driven by χ alone)
        if (nPre === 24) {
          for (let i = 0; i < nPost; i++) {
            let sum = 0;
            for (let j = 0; j < nPre; j++) sum += dense.store.weights[j * nPost + i] + (rounding === 'deterministic' ? 0 : dense.store.residual[j * nPost + i]);
            if (i !== 5) expect(Math.abs(sum - 2.5)).toBeLessThan(0.25);
          }
        }
      });
    }
  }
});
