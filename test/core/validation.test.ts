import { describe, expect, it } from 'vitest';
import { Network, lif, poissonInput, spikeGenerator, allToAll, oneToOne, fixedProbability, floatStore, type LifParams } from '../../core/index.js';

const ok: LifParams = { tauMem: 20, vRest: -65, vReset: -65, vThresh: -52, tRef: 2 };

function buildWith(params: Partial<LifParams>, n = 3) {
  const net = new Network({ dt: 0.1 });
  net.add(lif(n, { ...ok, ...params }, 'exc'));
  return () => net.build();
}

describe('build-time validation', () => {
  it.each([
    [{ tauMem: 0 }, /exc\.tauMem = 0 must be > 0/],
    [{ tauMem: -5 }, /exc\.tauMem = -5 must be > 0/],
    [{ tauMem: Number.NaN }, /exc\.tauMem = NaN is not a finite number/],
    [{ tauMem: '20 mV' }, /exc\.tauMem = '20 mV' has the wrong dimension: expected time/],
    [{ vThresh: -70 }, /exc\.vThresh = -70 is not above vReset = -65; the threshold must exceed the reset potential/],
    [{ tRef: -1 }, /exc\.tRef = -1 must be ≥ 0/],
    [{ synapse: { type: 'current', tauExc: 0, tauInh: 10 } }, /exc\.synapse\.tauExc = 0 must be > 0/],
    [{ synapse: { type: 'conductance', tauExc: 1, tauInh: 2, eExc: 'zero', eInh: -100 } }, /exc\.synapse\.eExc = 'zero' is not a number with a unit/],
    [{ vInit: [1, 2] }, /exc\.vInit has 2 entries for 3 neurons/],
    [{ adaptation: { thetaPlus: 0.05, tauTheta: -1 } }, /exc\.adaptation\.tauTheta = -1 must be > 0/],
  ] as const)('%j → a clear error', (params, message) => {
    expect(buildWith(params as Partial<LifParams>)).toThrow(message);
  });

  it('sizes must be positive integers', () => {
    const net = new Network({ dt: 0.1 });
    expect(() => net.add(lif(0, ok, 'exc'))).toThrow(/exc\.n = 0 is not a positive integer/);
    expect(() => net.add(lif(2.5, ok, 'exc'))).toThrow(/exc\.n = 2\.5 is not a positive integer/);
    expect(() => net.add(poissonInput(-1, 5, 'in'))).toThrow(/in\.n = -1 is not a positive integer/);
  });

  it('probabilities outside [0, 1], delays shorter than dt or not whole steps are refused', () => {
    const mk = (spec: object) => {
      const net = new Network({ dt: 0.1 });
      const a = net.add(lif(5, ok, 'a'));
      net.connect(a, a, { connector: allToAll(), weight: 1, ...spec });
      return () => net.build();
    };
    expect(mk({ connector: fixedProbability(1.5) })).toThrow(/a→a\.connector\.p = 1\.5 is outside \[0, 1\]/);
    expect(mk({ connector: fixedProbability(-0.1) })).toThrow(/is outside \[0, 1\]/);
    expect(mk({ delay: 0.05 })).toThrow(/a→a\.delay = 0\.05 is shorter than dt = 0\.1 ms; use 0 .* or a delay ≥ dt/);
    expect(mk({ delay: '0.25 ms' })).toThrow(/a→a\.delay = '0\.25 ms' is not a whole number of steps of dt = 0\.1 ms \(2\.500 steps\); use 0\.3 ms/);
    expect(mk({ delay: -1 })).toThrow(/negative/);
    expect(mk({ weight: Number.NaN })).toThrow(/a→a\.weight = NaN is not a finite number/);
    expect(mk({ weight: [1, 2] })).toThrow(/a→a\.weight has 2 values for 25 synapses/);
    expect(mk({ connector: oneToOne(), storage: 'diagonal' })).toThrow(/storage = 'diagonal' is unknown; use 'dense' or 'csr'/);
    expect(() => floatStore({ wMin: 2, wMax: 1 })).toThrow(/floatStore bounds are inverted/);
  });

  it('connecting populations of another network is refused', () => {
    const n1 = new Network({ dt: 0.1 });
    const n2 = new Network({ dt: 0.1 });
    const a = n1.add(lif(2, ok, 'a'));
    const b = n2.add(lif(2, ok, 'b'));
    expect(() => n1.connect(a, b, { connector: allToAll(), weight: 1 })).toThrow(/connect: post: population 'b' belongs to another network/);
    expect(() => n1.connect(b, a, { connector: allToAll(), weight: 1 })).toThrow(/connect: pre: population 'b' belongs to another network/);
  });

  it('running before build, building twice and adding after build are refused', () => {
    const net = new Network({ dt: 0.1 });
    const a = net.add(lif(2, ok, 'a'));
    expect(() => net.run(10)).toThrow(/net\.run\(\): the network is not built; call net\.build\(\) first/);
    expect(() => a.state).toThrow(/'a'\.state: the network is not built yet; call net\.build\(\) first/);
    net.build();
    expect(() => net.build()).toThrow(/already built/);
    expect(() => net.add(lif(2, ok, 'b'))).toThrow(/cannot add a population after build\(\)/);
  });

  it('a duration that is not a whole number of steps is refused with the two nearest choices', () => {
    const net = new Network({ dt: 0.1 });
    net.add(lif(2, ok, 'a'));
    net.build();
    expect(() => net.run(1.05)).toThrow(/duration = 1\.05 is 10\.5000 steps of dt = 0\.1 ms, not a whole number; use 1 ms or 1\.1 ms/);
    expect(() => net.run('3 mV')).toThrow(/duration = '3 mV' has the wrong dimension/);
    net.run('1 ms');
    expect(net.currentStep).toBe(10);
  });

  it('a failed build leaves nothing half-usable', () => {
    const net = new Network({ dt: 0.1 });
    const a = net.add(lif(2, ok, 'a'));
    const b = net.add(lif(2, { ...ok, tauMem: -1 }, 'b'));
    expect(() => net.build()).toThrow(/b\.tauMem/);
    expect(net.isBuilt).toBe(false);
    expect(() => a.state).toThrow(/not built/);
    expect(() => net.run(1)).toThrow(/not built/);
    expect(b.n).toBe(2);
  });

  it('network options and generator specs are validated', () => {
    expect(() => new Network({ dt: 0 })).toThrow(/dt = 0 must be > 0/);
    expect(() => new Network({ dt: '0.1 mV' })).toThrow(/dt = '0\.1 mV' has the wrong dimension/);
    const net = new Network({ dt: 0.1 });
    net.add(spikeGenerator(2, [0, 0], [1, 1.02], { label: 'g' }));
    expect(() => net.build()).toThrow(/g: neuron 0 has two spikes in step 10/);
    const net2 = new Network({ dt: 0.1 });
    net2.add(spikeGenerator(2, [5], [1], { label: 'g' }));
    expect(() => net2.build()).toThrow(/g\.indices\[0\] = 5 is not a neuron index in \[0, 1\]/);
    const net3 = new Network({ dt: 0.1 });
    net3.add(poissonInput(2, -3, 'in'));
    expect(() => net3.build()).toThrow(/in\.rates\[0\] = -3 Hz is negative/);
  });
});
