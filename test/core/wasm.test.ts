/**
 * core/wasm.ts: fixed memories and the weight memories of the synapse stores.
 */
import { describe, expect, it } from 'vitest';
import { fixedMemory, memoryOf, weightArrays, WEIGHT_MEMORY_MIN_SIZE, WEIGHT_WORK_BYTES } from '../../core/wasm.js';
import { Network, lif, poissonInput, allToAll } from '../../core/index.js';
import { denseWeightKernels } from '../../core/synapses/weights-wasm.js';
import { RandomStream } from '../../core/random.js';

describe('weight memories', () => {
  it('put a large store’s arrays in one fixed memory after the work area, 16-byte aligned and zeroed', () => {
    const size = WEIGHT_MEMORY_MIN_SIZE + 3;
    const [w, r] = weightArrays(size, 2);
    const memory = memoryOf(w);
    expect(memory).not.toBeNull();
    expect(memoryOf(r)).toBe(memory);
    expect(w.length).toBe(size);
    expect(r.length).toBe(size);
    expect(w.byteOffset).toBe(WEIGHT_WORK_BYTES);
    expect(r.byteOffset % 16).toBe(0);
    expect(r.byteOffset).toBeGreaterThanOrEqual(w.byteOffset + w.byteLength); // no overlap
    expect(w.every((x) => x === 0) && r.every((x) => x === 0)).toBe(true);
    w.fill(1);
    expect(r.every((x) => x === 0)).toBe(true);
  });

  it('give small stores plain arrays (no memory spent on them)', () => {
    const [w] = weightArrays(WEIGHT_MEMORY_MIN_SIZE - 1, 1);
    expect(memoryOf(w)).toBeNull();
    expect(w.byteOffset).toBe(0);
    expect(w.buffer.byteLength).toBe(4 * (WEIGHT_MEMORY_MIN_SIZE - 1));
  });

  it('memoryOf knows only fixed memories', () => {
    const m = fixedMemory(100);
    expect(m).not.toBeNull();
    expect(memoryOf(new Float32Array(m!.buffer, 16, 4))).toBe(m);
    expect(memoryOf(new Float32Array(8))).toBeNull();
    expect(fixedMemory(0x80000000)).toBeNull(); // more than one 32-bit memory holds
  });
});

describe('dense propagation through the SIMD kernel', () => {
  /** 300 Poisson inputs onto 40 LIF neurons through all-to-all weights of both signs, 300 ms. */
  function run(storage: 'dense' | 'csr') {
    const net = new Network({ dt: 0.1, seed: 9 });
    const inp = net.add(poissonInput(300, 30, 'in'));
    const out = net.add(lif(40, { tauMem: 20, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 }, 'out'));
    const rng = new RandomStream('dense-propagation');
    const weights = Float32Array.from({ length: 300 * 40 }, () => rng.uniform() * 3 - 1);
    const proj = net.connect(inp, out, { connector: allToAll(), weight: weights, storage });
    const rec = net.spikeRecorder(out);
    net.build();
    net.run(300);
    return { proj, spikes: rec.read(), v: Float64Array.from(out.state.v), gE: Float64Array.from(out.state.gE) };
  }

  it('gives the bits of the CSR path (JavaScript), spike for spike', () => {
    const dense = run('dense');
    const csr = run('csr');
    expect(dense.proj.structure.storage).toBe('dense');
    expect(denseWeightKernels(dense.proj.store.weights, null, 300, 40)).not.toBeNull(); // the SIMD path runs
    expect(Array.from(dense.spikes.indices)).toEqual(Array.from(csr.spikes.indices));
    expect(Array.from(dense.spikes.times)).toEqual(Array.from(csr.spikes.times));
    expect(new Uint32Array(dense.v.buffer)).toEqual(new Uint32Array(csr.v.buffer));
    expect(new Uint32Array(dense.gE.buffer)).toEqual(new Uint32Array(csr.gE.buffer));
    expect(dense.spikes.indices.length).toBeGreaterThan(50);
  });

  it('is refused for odd columns and small stores (the JavaScript loop runs)', () => {
    const [w] = weightArrays(64 * 65, 1);
    expect(denseWeightKernels(w, null, 64, 65)).toBeNull();
    const [small] = weightArrays(10 * 10, 1);
    expect(denseWeightKernels(small, null, 10, 10)).toBeNull();
  });
});
