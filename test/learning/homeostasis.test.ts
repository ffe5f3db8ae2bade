/**
 * Weight normalisation as an updater: exact on float weights (every column sums to the target),
 * run once per request at the start of the next learning step, skipped while plasticity is off.
 */
import { describe, expect, it } from 'vitest';
import { Network, lif, spikeGenerator, allToAll, floatStore } from '../../core/index.js';
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
