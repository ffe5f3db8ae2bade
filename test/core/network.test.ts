import { describe, expect, it, vi } from 'vitest';
import { Network, lif, poissonInput, spikeGenerator, allToAll, oneToOne, fixedProbability, allButSelf, type LifParams, type NetworkSnapshot } from '../../core/index.js';

const noisy: LifParams = { tauMem: 20, vRest: -49, vReset: -60, vThresh: -50, tRef: 5, vInit: { uniform: [-60, -50] }, synapse: { type: 'current', tauExc: 5, tauInh: 10 } };

function recurrent(storage: 'dense' | 'csr', seed = 3) {
  const net = new Network({ dt: 0.1, seed });
  const inp = net.add(poissonInput(50, 40, 'in'));
  const pop = net.add(lif(200, noisy, 'pop'));
  net.connect(inp, pop, { connector: fixedProbability(0.1), weight: { uniform: [0, 1] }, storage });
  net.connect(pop, pop, { connector: fixedProbability(0.05), weight: { normal: [0.5, 0.5] }, storage, label: 'rec' });
  net.connect(pop, pop, { connector: fixedProbability(0.02), weight: -2, channel: 'inh', storage, label: 'recI' });
  const rec = net.spikeRecorder(pop);
  net.build();
  return { net, pop, rec };
}

describe('projections', () => {
  it('dense and CSR storage give identical spike trains', () => {
    const a = recurrent('dense');
    const b = recurrent('csr');
    a.net.run(300);
    b.net.run(300);
    const ra = a.rec.read();
    const rb = b.rec.read();
    expect(ra.total).toBeGreaterThan(100);
    expect(Array.from(ra.steps)).toEqual(Array.from(rb.steps));
    expect(Array.from(ra.indices)).toEqual(Array.from(rb.indices));
  });

  it.each([0, 0.1, 0.3, 2.5])('a spike at step 10 with delay %s ms reaches the target variable at the end of step 10 + D', (delay) => {
    const dt = 0.1;
    const net = new Network({ dt });
    const src = net.add(spikeGenerator(1, [0], [1.0], { label: 'src' }));
    const pop = net.add(lif(1, { tauMem: 20, vRest: -65, vReset: -65, vThresh: 0, tRef: 0, synapse: { type: 'current', tauExc: 1e9, tauInh: 1e9 } }, 'p'));
    net.connect(src, pop, { connector: allToAll(), weight: 1, delay });
    net.build();
    const D = Math.round(delay / dt);
    const seen: number[] = [];
    net.step$.subscribe((f) => seen.push(pop.state.gE[0]));
    net.runSteps(40);
    const first = seen.findIndex((g) => g > 0);
    expect(first).toBe(10 + D);
  });

  it('per-synapse delays deliver each synapse at its own step', () => {
    const net = new Network({ dt: 0.5 });
    const src = net.add(spikeGenerator(1, [0], [0], { label: 'src' }));
    const pop = net.add(lif(3, { tauMem: 20, vRest: -65, vReset: -65, vThresh: 0, tRef: 0, synapse: { type: 'current', tauExc: 1e9, tauInh: 1e9 } }, 'p'));
    net.connect(src, pop, { connector: allToAll(), weight: 1, storage: 'csr', delay: [0.5, 0, 2] });
    net.build();
    const arrivals = [-1, -1, -1];
    net.step$.subscribe((f) => {
      for (let i = 0; i < 3; i++) if (arrivals[i] < 0 && pop.state.gE[i] > 0) arrivals[i] = f.step;
    });
    net.runSteps(10);
    expect(arrivals).toEqual([1, 0, 4]);
  });

  it('CSR uses 8 bytes per synapse (+4 per presynaptic neuron) with float weights', () => {
    const net = new Network({ dt: 0.1 });
    const a = net.add(lif(1000, noisy, 'a'));
    const p = net.connect(a, a, { connector: fixedProbability(0.1), weight: 1 });
    net.build();
    const s = p.structure;
    const bytes = s.rowPtr.byteLength + s.post.byteLength + s.store.weights.byteLength;
    expect(bytes / s.post.length).toBeLessThan(8.1);
  });

  it('connectors produce the expected structures', () => {
    const net = new Network({ dt: 0.1, seed: 9 });
    const a = net.add(lif(300, noisy, 'a'));
    const one = net.connect(a, a, { connector: oneToOne(), weight: 1 });
    const abs = net.connect(a, a, { connector: allButSelf(), weight: 1 });
    const fp = net.connect(a, a, { connector: fixedProbability(0.2, { allowSelf: false }), weight: 1 });
    net.build();
    expect(one.structure.post.length).toBe(300);
    expect(abs.structure.post.length).toBe(300 * 299);
    const m = fp.structure.post.length;
    const mean = 300 * 299 * 0.2;
    expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(mean * 0.8));
    const { rowPtr, post } = fp.structure;
    for (let j = 0; j < 300; j++) for (let k = rowPtr[j]; k < rowPtr[j + 1]; k++) expect(post[k]).not.toBe(j);
  });
});

describe('determinism and streams of randomness', () => {
  it('the same seed gives bit-identical runs; another seed does not', () => {
    const a = recurrent('csr', 5);
    const b = recurrent('csr', 5);
    const c = recurrent('csr', 6);
    for (const x of [a, b, c]) x.net.run(200);
    expect(Array.from(a.pop.state.v)).toEqual(Array.from(b.pop.state.v));
    expect(Array.from(a.rec.read().indices)).toEqual(Array.from(b.rec.read().indices));
    expect(Array.from(a.pop.state.v)).not.toEqual(Array.from(c.pop.state.v));
  });

  it("adding a population does not change another population's draws", () => {
    const build = (extra: boolean) => {
      const net = new Network({ dt: 0.1, seed: 11 });
      if (extra) net.add(poissonInput(30, 100, 'other'));
      const inp = net.add(poissonInput(100, 50, 'in'));
      const rec = net.spikeRecorder(inp);
      net.build();
      net.run(100);
      return rec.read();
    };
    const a = build(false);
    const b = build(true);
    expect(a.total).toBeGreaterThan(100);
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.steps)).toEqual(Array.from(b.steps));
  });

  it('Poisson inputs fire at their rate, with P(spike in a step) = 1 − exp(−r·dt)', () => {
    const net = new Network({ dt: 0.5, seed: 2 });
    const inp = net.add(poissonInput(1000, 63.75, 'in'));
    const c = net.spikeCounter(inp);
    net.build();
    net.run(2000);
    const steps = 4000;
    const p = 1 - Math.exp(-63.75 * 0.0005);
    const n = 1000 * steps;
    expect(Math.abs(c.total() - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    // rates can change between presentations without rebuilding
    inp.setRates(new Float64Array(1000).fill(10), 2);
    c.reset();
    net.run(2000);
    const p2 = 1 - Math.exp(-20 * 0.0005);
    expect(Math.abs(c.total() - n * p2)).toBeLessThan(4 * Math.sqrt(n * p2 * (1 - p2)));
    inp.setRates(new Float64Array(1000), 1);
    c.reset();
    net.run(100);
    expect(c.total()).toBe(0);
  });
});

describe('snapshot / restore', () => {
  it('restore + run continues bit-identically to an uninterrupted run', () => {
    const a = recurrent('csr', 7);
    a.net.run(150);
    const snap = a.net.snapshot();
    a.net.run(150);
    const vA = Array.from(a.pop.state.v);
    const spikesA = a.rec.read();

    const b = recurrent('csr', 7);
    b.net.run(40); // some other history, then restore
    b.net.restore(snap);
    b.rec.clear();
    b.net.run(150);
    expect(Array.from(b.pop.state.v)).toEqual(vA);
    const tail = spikesA.steps.findIndex((s) => s >= 1500);
    expect(Array.from(b.rec.read().indices)).toEqual(Array.from(spikesA.indices.slice(tail)));
    expect(b.net.currentStep).toBe(a.net.currentStep);
  });

  it('a snapshot of another structure is rejected without changing anything', () => {
    const a = recurrent('csr', 7);
    a.net.run(10);
    const other = new Network({ dt: 0.1, seed: 7 });
    other.add(lif(3, noisy, 'x'));
    other.build();
    const before = Array.from(a.pop.state.v);
    expect(() => a.net.restore(other.snapshot())).toThrow(/different structure/);
    expect(Array.from(a.pop.state.v)).toEqual(before);
  });
});

/** A snapshot as comparable data: every typed array as its type and bytes, every number as its exact text. */
function bits(x: unknown): unknown {
  if (ArrayBuffer.isView(x)) return [x.constructor.name, Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))];
  if (Array.isArray(x)) return x.map(bits);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, bits((x as Record<string, unknown>)[k])]));
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
  return x;
}

describe('a failed restore', () => {
  /** Poisson input → LIF with a toy plasticity updater that holds state (and validates nothing up front). */
  function plastic(seed = 4) {
    const net = new Network({ dt: 0.1, seed });
    const inp = net.add(poissonInput(40, 60, 'in'));
    const pop = net.add(lif(30, noisy, 'pop'));
    const proj = net.connect(inp, pop, { connector: fixedProbability(0.3), weight: { uniform: [0, 1] }, delay: [0.1, 0.3][seed % 2] });
    const state = { events: 0 };
    net.addUpdater({
      phase: 'plasticity',
      order: 0,
      name: 'toy',
      run() {
        const s = proj.structure;
        for (let k = 0; k < s.preSpikes.count; k++) {
          const j = s.preSpikes.idx[k];
          for (let c = s.rowPtr[j]; c < s.rowPtr[j + 1]; c++) s.store.weights[c] += 0.001;
          state.events++;
        }
      },
      snapshot: () => ({ events: state.events }),
      restore(saved: unknown) {
        const e = (saved as { events?: unknown } | null)?.events;
        if (typeof e !== 'number') throw new Error(`toy: events = ${String(e)} is not a number.`);
        state.events = e;
      },
    });
    net.build();
    return { net, pop, state };
  }

  type Corrupt = (s: NetworkSnapshot) => NetworkSnapshot;
  const corruptions: [string, Corrupt, RegExp][] = [
    ['a random stream of the wrong length', (s) => ({ ...s, random: { ...s.random, 'in/poisson': [1, 2, 3] } }), /random stream 'in\/poisson'/],
    ['a random stream with NaN', (s) => ({ ...s, random: { ...s.random, 'in/poisson': [1, 2, 3, 4, 5, Number.NaN] } }), /random stream 'in\/poisson'/],
    ['no random streams', (s) => ({ ...s, random: null as unknown as NetworkSnapshot['random'] }), /random/],
    ['an updater state its restore refuses', (s) => ({ ...s, updaters: s.updaters.map((u) => (u === null ? null : { events: 'many' })) }), /toy: events = many/],
    ['a population array of the wrong length', (s) => ({ ...s, populations: s.populations.map((p) => ({ ...p, v: new Float64Array(3) })) }), /population 'pop'\.v/],
    ['a store of the wrong size', (s) => ({ ...s, stores: s.stores.map((x) => ({ ...x, size: 1 })) }), /float store/],
    ['a delay ring of the wrong length', (s) => ({ ...s, rings: s.rings.map(() => new Float64Array(1)) }), /delay ring/],
    ['a step that is not a whole number', (s) => ({ ...s, step: 12.5 }), /step = 12\.5/],
    ['a step beyond 2⁵³', (s) => ({ ...s, step: 2 ** 53 + 2 }), /step = /],
  ];
  it.each(corruptions)('(%s) throws and leaves the network bit-identical, and it runs on as if nothing happened', (_, corrupt, message) => {
    const a = plastic();
    const b = plastic();
    for (const x of [a, b]) x.net.run(10);
    const old = a.net.snapshot();
    for (const x of [a, b]) x.net.run(30);
    expect(a.state.events).toBeGreaterThan(10);
    const before = bits(a.net.snapshot());
    expect(() => a.net.restore(corrupt(old))).toThrow(message);
    expect(bits(a.net.snapshot())).toEqual(before);
    // and it goes on exactly as the network that never saw the bad snapshot
    for (const x of [a, b]) x.net.run(20);
    expect(bits(a.net.snapshot())).toEqual(bits(b.net.snapshot()));
    // a good snapshot still restores
    a.net.restore(old);
    expect(bits(a.net.snapshot())).toEqual(bits(old));
  });
});

describe('streams', () => {
  it('step$ emits one borrowed frame per step, spikes$ owned copies', () => {
    const { net, pop } = recurrent('csr');
    const frames: number[] = [];
    const events: { step: number; idx: Int32Array }[] = [];
    const s1 = net.step$.subscribe((f) => frames.push(f.step));
    const s2 = net.spikes$(pop).subscribe((e) => events.push(e));
    net.runSteps(500);
    s1.unsubscribe();
    s2.unsubscribe();
    expect(frames).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(events.length).toBeGreaterThan(10);
    // owned copies: they do not change when the network steps on
    const copy = events.map((e) => Array.from(e.idx));
    net.runSteps(100);
    expect(events.map((e) => Array.from(e.idx))).toEqual(copy);
  });

  it('with no subscriber, step$ emission does no work (the frame is never touched)', () => {
    const { net, pop } = recurrent('csr');
    const spy = vi.spyOn(pop, 'spikes', 'get');
    net.runSteps(200);
    expect(spy).not.toHaveBeenCalled();
    const sub = net.spikes$(pop).subscribe(() => {});
    net.runSteps(10);
    expect(spy).toHaveBeenCalled();
    sub.unsubscribe();
  });
});

describe('monitors', () => {
  it('the spike recorder is a bounded ring that keeps the newest spikes and counts the dropped ones', () => {
    const net = new Network({ dt: 0.1, seed: 1 });
    const inp = net.add(poissonInput(100, 200, 'in'));
    const small = net.spikeRecorder(inp, { capacity: 50 });
    const big = net.spikeRecorder(inp);
    net.build();
    net.run(100);
    const all = big.read();
    const tail = small.read();
    expect(tail.steps.length).toBe(50);
    expect(tail.dropped).toBe(all.total - 50);
    expect(Array.from(tail.indices)).toEqual(Array.from(all.indices.slice(-50)));
  });

  it('the rate monitor gives the population rate per step and its mean', () => {
    const net = new Network({ dt: 0.1, seed: 1 });
    const inp = net.add(poissonInput(500, 30, 'in'));
    const rate = net.rateMonitor(inp);
    const c = net.spikeCounter(inp);
    net.build();
    net.run(1000);
    expect(rate.meanRateHz()).toBeCloseTo(c.total() / 500, 9);
    const { rateHz } = rate.read();
    expect(rateHz.length).toBe(10000);
    expect(rateHz.reduce((a, b) => a + b, 0) / 10000).toBeCloseTo(rate.meanRateHz(), 9);
  });
});

describe('a network that is not built', () => {
  const P: LifParams = { tauMem: 20, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 };
  it('refuses to step before build(), and after a failed build(), without advancing its counter', () => {
    const net = new Network({ dt: 0.1, seed: 1 });
    const a = net.add(lif(3, P, 'a'));
    expect(() => net.step()).toThrow(/net\.step\(\): the network is not built \(or its build failed\); call net\.build\(\) first/);
    expect(net.currentStep).toBe(0);
    // a projection whose weight is not a number makes build() fail
    net.connect(a, a, { connector: allToAll(), weight: Number.NaN });
    expect(() => net.build()).toThrow();
    expect(() => net.step()).toThrow(/not built \(or its build failed\)/);
    expect(net.currentStep).toBe(0);
  });
});
