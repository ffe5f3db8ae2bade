import { describe, expect, it } from 'vitest';
import { Network, lif, spikeGenerator, poissonInput, allToAll, floatStore, type NetworkSnapshot } from '../../core/index.js';
import { stdp, type RuleParams } from '../../learning/index.js';

/**
 * One pre neuron (generator) → one post LIF neuron. The post neuron is made to spike at a chosen
 * step by a separate strong "driver" input; the plastic synapse's weight is tiny so it does not
 * move the post spike. Returns Δw and the measured Δt = t_post − t_pre [ms].
 */
function pairing(rule: RuleParams, preTime: number, driveTime: number, w0 = 0.5, rateScale = 1) {
  const dt = 0.1;
  const net = new Network({ dt, seed: 1 });
  const pre = net.add(spikeGenerator(1, [0], [preTime], { label: 'pre' }));
  const driver = net.add(spikeGenerator(1, [0], [driveTime], { label: 'driver' }));
  const post = net.add(lif(1, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 50, synapse: { type: 'current', tauExc: 1, tauInh: 5 } }, 'post'));
  const plastic = net.connect(pre, post, { connector: allToAll(), weight: 1e-6, store: floatStore({ wMin: -10, wMax: 10 }) });
  net.connect(driver, post, { connector: allToAll(), weight: 5000, label: 'drive' });
  const rec = net.spikeRecorder(post);
  net.addUpdater(stdp(plastic, rule)).rateScale = rateScale;
  net.build();
  plastic.store.weights[0] = w0;
  net.run(200);
  const postSteps = rec.read().steps;
  expect(postSteps.length).toBe(1);
  const dT = (postSteps[0] - Math.round(preTime / dt)) * dt;
  return { dw: plastic.store.weights[0] - w0, dT };
}

/**
 * Pre spikes at `preTimes`, post spikes forced at (about) `driveTimes` + one step; returns Δw and
 * the steps of the spikes as they happened (rules see traces decayed by whole steps).
 */
function train(rule: RuleParams, preTimes: number[], driveTimes: number[], w0 = 0.5) {
  const dt = 0.1;
  const net = new Network({ dt, seed: 1 });
  const pre = net.add(spikeGenerator(1, preTimes.map(() => 0), preTimes, { label: 'pre' }));
  const driver = net.add(spikeGenerator(1, driveTimes.map(() => 0), driveTimes, { label: 'driver' }));
  const post = net.add(lif(1, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 1, synapse: { type: 'current', tauExc: 0.1, tauInh: 5 } }, 'post'));
  const plastic = net.connect(pre, post, { connector: allToAll(), weight: 1e-6, store: floatStore({ wMin: -10, wMax: 10 }) });
  net.connect(driver, post, { connector: allToAll(), weight: 5000, label: 'drive' });
  const recPost = net.spikeRecorder(post);
  const recPre = net.spikeRecorder(pre);
  net.addUpdater(stdp(plastic, rule));
  net.build();
  plastic.store.weights[0] = w0;
  net.run(300);
  return { dw: plastic.store.weights[0] - w0, post: Array.from(recPost.read().steps, (k) => k * dt), pre: Array.from(recPre.read().steps, (k) => k * dt) };
}

describe('pair STDP interaction', () => {
  const base = { kind: 'pair', aPlus: 0.01, aMinus: 0.012, tauPlus: 16.8, tauMinus: 33.7 } as const;
  it("two pre spikes before one post: all-to-all sums both, 'nearest' counts only the latest (closed forms)", () => {
    const all = train({ ...base, interaction: 'allToAll' }, [50, 60], [69.9]);
    const near = train({ ...base, interaction: 'nearest' }, [50, 60], [69.9]);
    expect(all.post).toEqual(near.post);
    expect(all.post).toHaveLength(1);
    const [t] = all.post;
    const [p1, p2] = all.pre;
    expect(all.dw).toBeCloseTo(0.01 * (Math.exp(-(t - p1) / 16.8) + Math.exp(-(t - p2) / 16.8)), 6);
    expect(near.dw).toBeCloseTo(0.01 * Math.exp(-(t - p2) / 16.8), 6);
  });
  it("two post spikes before one pre: all-to-all depresses by both, 'nearest' by the latest", () => {
    const all = train({ ...base, interaction: 'allToAll' }, [100], [59.9, 79.9]);
    const near = train({ ...base, interaction: 'nearest' }, [100], [59.9, 79.9]);
    expect(all.post).toHaveLength(2);
    const [s1, s2] = all.post;
    const [p] = all.pre;
    expect(all.dw).toBeCloseTo(-0.012 * (Math.exp(-(p - s1) / 33.7) + Math.exp(-(p - s2) / 33.7)), 6);
    expect(near.dw).toBeCloseTo(-0.012 * Math.exp(-(p - s2) / 33.7), 6);
  });
});

describe('pair STDP window (additive, all-to-all)', () => {
  const rule: RuleParams = { kind: 'pair', aPlus: 0.01, aMinus: 0.012, tauPlus: 16.8, tauMinus: 33.7 };
  it.each([5, 10, 30, 60])('pre %s ms before post potentiates by A+·exp(−Δt/τ+)', (lead) => {
    const { dw, dT } = pairing(rule, 50, 50 + lead - 0.1);
    expect(dT).toBeCloseTo(lead, 9);
    expect(dw).toBeCloseTo(0.01 * Math.exp(-dT / 16.8), 6);
  });
  it.each([5, 10, 30, 60])('post %s ms before pre depresses by A−·exp(−Δt/τ−)', (lag) => {
    const { dw, dT } = pairing(rule, 100, 100 - lag - 0.1);
    expect(dT).toBeCloseTo(-lag, 9);
    expect(dw).toBeCloseTo(-0.012 * Math.exp(dT / 33.7), 6);
  });
});

describe('rate scale (annealing)', () => {
  it('multiplies the window: 0.25 gives a quarter of the change, 0 none', () => {
    const rule: RuleParams = { kind: 'pair', aPlus: 0.01, aMinus: 0.012, tauPlus: 16.8, tauMinus: 33.7 };
    const full = pairing(rule, 50, 59.9);
    const quarter = pairing(rule, 50, 59.9, 0.5, 0.25);
    expect(quarter.dw).toBeCloseTo(full.dw / 4, 7);
    expect(pairing(rule, 50, 59.9, 0.5, 0).dw).toBe(0);
  });
});

describe('soft-bound pair STDP', () => {
  it('scales potentiation by (wMax − w) and depression by (w − wMin)', () => {
    const rule: RuleParams = { kind: 'pair', aPlus: 0.1, aMinus: 0.1, tauPlus: 20, tauMinus: 20, weightDependence: 'softBound' };
    const up = pairing(rule, 50, 59.9, 8); // wMax = 10
    expect(up.dw).toBeCloseTo(0.1 * Math.exp(-up.dT / 20) * (10 - 8), 5);
    const down = pairing(rule, 100, 89.9, -6); // wMin = −10
    expect(down.dw).toBeCloseTo(-0.1 * Math.exp(down.dT / 20) * (-6 + 10), 5);
  });
});

describe('Diehl & Cook rule', () => {
  it('potentiates by νpost·pre·post2⁻ (zero for a first post spike) and depresses by νpre·post1', () => {
    const rule: RuleParams = { kind: 'diehlCook', nuPre: 1e-4, nuPost: 1e-2, tauPre: 20, tauPost1: 20, tauPost2: 40 };
    // a single pairing: post2 before the first post spike is 0 → no potentiation (their rule needs bursts)
    const single = pairing(rule, 50, 59.9);
    expect(single.dw).toBe(0);
    // post before pre: depression νpre·e^(−Δt/τpost1)
    const dep = pairing(rule, 100, 89.9, 0.01); // small w0: float32 ulp ≈ 1e-9
    expect(dep.dw).toBeCloseTo(-1e-4 * Math.exp(dep.dT / 20), 8);
  });
});

describe('triplet rule', () => {
  it('reduces to the pair window with A3 = 0', () => {
    const rule: RuleParams = { kind: 'triplet', a2Plus: 0.01, a3Plus: 0, a2Minus: 0.007, a3Minus: 0, tauPlus: 16.8, tauMinus: 33.7, tauX: 101, tauY: 125 };
    const up = pairing(rule, 50, 59.9);
    expect(up.dw).toBeCloseTo(0.01 * Math.exp(-up.dT / 16.8), 6);
    const down = pairing(rule, 100, 79.9);
    expect(down.dw).toBeCloseTo(-0.007 * Math.exp(down.dT / 33.7), 6);
  });
});

describe('triplet rule with triplet terms (Pfister & Gerstner 2006, minimal all-to-all model)', () => {
  const rule: RuleParams = { kind: 'triplet', a2Plus: 0.004, a3Plus: 0.02, a2Minus: 0.003, a3Minus: 0.015, tauPlus: 16.8, tauMinus: 33.7, tauX: 101, tauY: 125 };
  it('pre–post–post: the second post spike adds A3+·r1·o2⁻, o2⁻ the post trace before its own bump', () => {
    const r = train(rule, [50], [59.9, 79.9]);
    expect(r.post).toHaveLength(2);
    const [t1, t2] = r.post;
    const [p] = r.pre;
    const first = Math.exp(-(t1 - p) / 16.8) * 0.004; // o2⁻ = 0 at the first post spike
    const second = Math.exp(-(t2 - p) / 16.8) * (0.004 + 0.02 * Math.exp(-(t2 - t1) / 125));
    expect(r.dw).toBeCloseTo(first + second, 6);
  });
  it('pre–post–pre: the second pre spike takes −o1·(A2− + A3−·r2⁻), r2⁻ the pre trace before its own bump', () => {
    const r = train(rule, [50, 90], [59.9]);
    expect(r.post).toHaveLength(1);
    const [s] = r.post;
    const [p1, p2] = r.pre;
    const ltp = 0.004 * Math.exp(-(s - p1) / 16.8);
    const ltd = -Math.exp(-(p2 - s) / 33.7) * (0.003 + 0.015 * Math.exp(-(p2 - p1) / 101));
    expect(r.dw).toBeCloseTo(ltp + ltd, 6);
  });
});

describe('Querlioz simplified STDP', () => {
  it('potentiates inputs that fired within tLTP before the post spike and depresses the others', () => {
    const rule: RuleParams = { kind: 'querlioz', tLtp: 45, alphaPlus: 0.01, alphaMinus: 0.005 };
    expect(pairing(rule, 50, 80).dw).toBeCloseTo(0.01, 7);
    expect(pairing(rule, 10, 80).dw).toBeCloseTo(-0.005, 7);
  });
});

describe('plasticity switch', () => {
  it('freezes weights bit-identically', () => {
    const rule: RuleParams = { kind: 'pair', aPlus: 0.01, aMinus: 0.012, tauPlus: 20, tauMinus: 20 };
    const dt = 0.1;
    const net = new Network({ dt, seed: 1 });
    const pre = net.add(spikeGenerator(1, [0], [50], { label: 'pre' }));
    const driver = net.add(spikeGenerator(1, [0], [59.9], { label: 'driver' }));
    const post = net.add(lif(1, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 50, synapse: { type: 'current', tauExc: 1, tauInh: 5 } }, 'post'));
    const plastic = net.connect(pre, post, { connector: allToAll(), weight: 0.5, store: floatStore({ wMin: -10, wMax: 10 }) });
    net.connect(driver, post, { connector: allToAll(), weight: 5000, label: 'drive' });
    net.addUpdater(stdp(plastic, rule));
    net.build();
    net.plasticity.enabled = false;
    net.run(200);
    expect(plastic.store.weights[0]).toBe(0.5);
  });

  it('rejects unknown rules and negative amplitudes', () => {
    const net = new Network({ dt: 0.1 });
    const a = net.add(lif(2, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 }, 'a'));
    const p = net.connect(a, a, { connector: allToAll(), weight: 1 });
    expect(() => stdp(p, { kind: 'hebb' } as unknown as RuleParams)).toThrow(/rule = 'hebb' is unknown; use one of pair, triplet, diehlCook, querlioz/);
    expect(() => stdp(p, { kind: 'pair', aPlus: -1, aMinus: 0, tauPlus: 1, tauMinus: 1 })).toThrow(/rule\.aPlus = -1 is negative/);
  });
});

describe('rule parameters', () => {
  it('refuse a misspelt field instead of running the rule with its default', () => {
    const net = new Network({ dt: 0.5, seed: 1 });
    const pre = net.add(spikeGenerator(2, [0], [1], { label: 'pre' }));
    const post = net.add(lif(2, { tauMem: 20, vRest: -65, vReset: -65, vThresh: -50, tRef: 2 }, 'post'));
    const proj = net.connect(pre, post, { connector: allToAll(), weight: 0.5, store: floatStore({ wMin: 0, wMax: 1 }) });
    const typo = { kind: 'diehlCook', nuPre: 1e-4, nuPst: 1e-2, nuPost: 1e-2, tauPre: 20, tauPost1: 20, tauPost2: 40 } as unknown as RuleParams;
    expect(() => stdp(proj, typo)).toThrow(/rule\.nuPst is not a parameter of the 'diehlCook' rule; its parameters: nuPre, nuPost, tauPre, tauPost1, tauPost2/);
  });
});

describe('a spike generator on the post side', () => {
  it('drives the pair window: every synapse changes by the closed form over all its (pre, post) pairs, and nothing is injected', () => {
    const dt = 0.1;
    const rule: RuleParams = { kind: 'pair', aPlus: 0.01, aMinus: 0.012, tauPlus: 16.8, tauMinus: 33.7 };
    const preTimes = [[10, 50], [25]];
    const postTimes = [[15, 40], [30, 60.3]];
    const flat = (t: number[][]) => ({ indices: t.flatMap((ts, i) => ts.map(() => i)), times: t.flat() });
    const net = new Network({ dt, seed: 1 });
    const pre = net.add(spikeGenerator(2, flat(preTimes).indices, flat(preTimes).times, { label: 'pre' }));
    const post = net.add(spikeGenerator(2, flat(postTimes).indices, flat(postTimes).times, { label: 'post' }));
    const plastic = net.connect(pre, post, { connector: allToAll(), weight: 0, store: floatStore({ wMin: -1, wMax: 1 }) });
    const rec = net.spikeRecorder(post);
    net.addUpdater(stdp(plastic, rule));
    net.build();
    net.run(100);
    // the post generator spikes exactly as told
    expect(Array.from(rec.read().times)).toEqual([15, 30, 40, 60.3]);
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < 2; i++) {
        let dw = 0;
        for (const tp of preTimes[j]) {
          for (const tq of postTimes[i]) {
            const d = Math.round((tq - tp) / dt) * dt;
            dw += d > 0 ? 0.01 * Math.exp(-d / 16.8) : -0.012 * Math.exp(d / 33.7);
          }
        }
        expect(plastic.store.weights[j * 2 + i]).toBeCloseTo(dw, 7);
      }
    }
  });

  it('also from a Poisson population, and a delay on such a projection is refused with the reason', () => {
    const net = new Network({ dt: 0.1, seed: 1 });
    const pre = net.add(spikeGenerator(1, [0], [5], { label: 'pre' }));
    const post = net.add(poissonInput(3, 100, 'post'));
    const p = net.connect(pre, post, { connector: allToAll(), weight: 0.5, store: floatStore({ wMin: 0, wMax: 1 }) });
    net.addUpdater(stdp(p, { kind: 'pair', aPlus: 0.01, aMinus: 0.01, tauPlus: 20, tauMinus: 20 }));
    net.build();
    net.run(200);
    expect(Array.from(p.store.weights).some((w) => w !== 0.5)).toBe(true);

    const bad = new Network({ dt: 0.1, seed: 1 });
    const a = bad.add(spikeGenerator(1, [0], [5], { label: 'a' }));
    const b = bad.add(spikeGenerator(1, [0], [5], { label: 'b' }));
    bad.connect(a, b, { connector: allToAll(), weight: 1, delay: 1 });
    expect(() => bad.build()).toThrow(/a→b\.delay = 1: 'b' is a generator population, which has no synaptic input to deliver to; .*remove the delay/);
    const unit = new Network({ dt: 0.1, seed: 1 });
    const c = unit.add(spikeGenerator(1, [0], [5], { label: 'c' }));
    const d = unit.add(poissonInput(1, 5, 'd'));
    unit.connect(c, d, { connector: allToAll(), weight: '3 mV' });
    expect(() => unit.build()).toThrow(/c→d\.weight = '3 mV' must be a plain number: 'd' is a poisson population/);
  });
});

describe('Querlioz STDP past 2³¹ steps', () => {
  it('still sees the pre spike of the LTP window across steps 2³¹ and 2³²', () => {
    const dt = 0.1;
    /** pre at 0, post (forced) at 1 ms into every 10 ms; the rule's window is 45 ms: always LTP. */
    const run = (start: number) => {
      const net = new Network({ dt, seed: 1 });
      const pre = net.add(spikeGenerator(1, [0], [0], { period: 10, label: 'pre' }));
      const driver = net.add(spikeGenerator(1, [0], [0.9], { period: 10, label: 'driver' }));
      const post = net.add(lif(1, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2, synapse: { type: 'current', tauExc: 0.1, tauInh: 5 } }, 'post'));
      const plastic = net.connect(pre, post, { connector: allToAll(), weight: 0, store: floatStore({ wMin: -100, wMax: 100 }) });
      net.connect(driver, post, { connector: allToAll(), weight: 5000, label: 'drive' });
      const rec = net.spikeRecorder(post);
      const rule = net.addUpdater(stdp(plastic, { kind: 'querlioz', tLtp: 45, alphaPlus: 0.25, alphaMinus: 0.5 }));
      net.build();
      net.restore({ ...net.snapshot(), step: start });
      net.runSteps(1000);
      return { w: plastic.store.weights[0], posts: rec.read().steps.length, updates: rule.stats.updates };
    };
    const ref = run(0);
    expect(ref.posts).toBe(10);
    expect(ref.w).toBe(10 * 0.25);
    for (const start of [2 ** 31 - 500, 2 ** 32 - 500]) expect(run(start)).toEqual(ref);
  });
});

describe('a failed restore of a rule', () => {
  it('leaves the whole network as it was (validated before anything is written)', () => {
    const build = () => {
      const net = new Network({ dt: 0.1, seed: 2 });
      const pre = net.add(poissonInput(20, 40, 'pre'));
      const post = net.add(lif(5, { tauMem: 10, vRest: -65, vReset: -65, vThresh: -50, tRef: 2, vInit: { uniform: [-65, -50] } }, 'post'));
      const p = net.connect(pre, post, { connector: allToAll(), weight: 4, store: floatStore({ wMin: 0, wMax: 8 }) });
      net.addUpdater(stdp(p, { kind: 'pair', aPlus: 0.01, aMinus: 0.012, tauPlus: 16.8, tauMinus: 33.7 }));
      net.addUpdater(stdp(p, { kind: 'querlioz', tLtp: 45, alphaPlus: 0.01, alphaMinus: 0.005 }, { order: 1 }));
      net.build();
      return net;
    };
    const net = build();
    net.run(20);
    const old = net.snapshot();
    net.run(50);
    const before = JSON.stringify(net.snapshot(), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
    const rules = (s: NetworkSnapshot) => s.updaters.filter((u) => u !== null) as Record<string, unknown>[];
    const broken: ((s: NetworkSnapshot) => NetworkSnapshot)[] = [
      (s) => ({ ...s, updaters: s.updaters.map((u) => (u === rules(s)[0] ? { ...u, stats: undefined } : u)) }),
      (s) => ({ ...s, updaters: s.updaters.map((u) => (u === rules(s)[0] ? { ...u, rateScale: Number.NaN } : u)) }),
      (s) => ({ ...s, updaters: s.updaters.map((u) => (u === rules(s)[1] ? { ...u, lastPre: new Float64Array(3) } : u)) }),
      (s) => ({ ...s, updaters: s.updaters.map((u) => (u === rules(s)[1] ? { ...u, rng: [1, 2] } : u)) }),
    ];
    for (const b of broken) {
      expect(() => net.restore(b(old))).toThrow(/stdp:/);
      expect(JSON.stringify(net.snapshot(), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v))).toBe(before);
    }
  });
});
