import { describe, expect, it } from 'vitest';
import { Network, lif, timedArray, type LifParams } from '../../../core/index.js';

const base: LifParams = { tauMem: 20, vRest: -65, vReset: -70, vThresh: -50, tRef: 2, rMem: 1, vInit: -65 };

describe('a time-varying input current (timedArray)', () => {
  it('drives each neuron with the current of the row in force, and v follows the closed form piece by piece', () => {
    const dt = 0.1;
    const net = new Network({ dt });
    // rows of 50 ms: [0, 50) nothing, [50, 100) 30 nA and 10 nA, [100, …) 0 again (the last row holds)
    const pop = net.add(lif(2, { ...base, iBias: timedArray([0, [30, 10], '0 nA'], '50 ms') }, 'p'));
    const rec = net.spikeRecorder(pop);
    net.build();
    expect(Array.from(pop.state.iBias)).toEqual([0, 0]); // row 0 from the start
    net.run(50);
    expect(pop.state.v[1]).toBe(-65);
    net.run(50);
    // neuron 1: 10 nA·1 MΩ = 10 mV below the 15 mV to threshold: v = vRest + RI·(1 − e^(−50/20))
    const v100 = -65 + 10 * (1 - Math.exp(-50 / 20));
    expect(pop.state.v[1]).toBeCloseTo(v100, 10);
    expect(Array.from(pop.state.iBias)).toEqual([30, 10]);
    net.run(100);
    expect(pop.state.v[1]).toBeCloseTo(-65 + (v100 + 65) * Math.exp(-100 / 20), 10);
    expect(Array.from(pop.state.iBias)).toEqual([0, 0]);
    // neuron 0 fires only while its 30 nA flows; the first spike as the closed form says
    const { steps, indices } = rec.read();
    expect(Array.from(new Set(indices))).toEqual([0]);
    expect(steps.length).toBe(2); // at ≈ 63.9 ms, then one period 2 + 20·ln(35/15) ≈ 18.9 ms later
    for (const s of steps) expect(s >= 500 && s < 1000).toBe(true);
    const tFirst = 50 + 20 * Math.log(30 / (30 - 15));
    expect(Math.abs((steps[0] + 1) * dt - tFirst)).toBeLessThanOrEqual(dt);
  });

  it("repeats with after: 'repeat', continues bit-identically after a restore, and is the same as writing iBias by hand", () => {
    const dt = 0.5;
    const rows = [[3, 20], [25, 0], [0, 40]];
    const scheduled = () => {
      const net = new Network({ dt, seed: 1 });
      const pop = net.add(lif(2, { ...base, iBias: timedArray(rows, 7.5, { after: 'repeat' }) }, 'p'));
      const rec = net.spikeRecorder(pop);
      net.build();
      return { net, pop, rec };
    };
    const a = scheduled();
    a.net.run(300);
    // the same by hand, between runs of one row (15 steps) each
    const net = new Network({ dt, seed: 1 });
    const pop = net.add(lif(2, base, 'p'));
    const rec = net.spikeRecorder(pop);
    net.build();
    for (let k = 0; k < 40; k++) {
      pop.setCurrent(rows[k % 3]);
      net.run(7.5);
    }
    expect(Array.from(a.rec.read().steps)).toEqual(Array.from(rec.read().steps));
    expect(Array.from(a.pop.state.v)).toEqual(Array.from(pop.state.v));
    // restore in the middle of a row, after iBias was overwritten by hand
    const b = scheduled();
    b.net.run(100);
    const snap = b.net.snapshot();
    b.net.run(50);
    b.pop.state.iBias.fill(999);
    b.net.restore(snap);
    b.rec.clear();
    b.net.run(200);
    const tail = a.rec.read();
    const from = Array.from(tail.steps).findIndex((s) => s >= 200);
    expect(Array.from(b.rec.read().steps)).toEqual(Array.from(tail.steps.slice(from)));
    expect(Array.from(b.pop.state.v)).toEqual(Array.from(a.pop.state.v));
  });

  it.each([
    [() => timedArray([1, 2], '0.25 ms'), /iBias\.interval = '0\.25 ms' is 2\.5 steps of dt = 0\.1 ms, not a whole number; use 0\.2 ms or 0\.3 ms/],
    [() => timedArray([1, 2], 0), /iBias\.interval = 0 must be > 0/],
    [() => timedArray([], 1), /iBias\.values is empty; give at least one row/],
    [() => timedArray([1, Number.NaN], 1), /iBias\.values\[1\] = NaN is not a finite number/],
    [() => timedArray([1, [1, 2, 3]], 1), /iBias\.values\[1\] has 3 entries for 2 neurons/],
    [() => timedArray([1, '2 mV'], 1), /iBias\.values\[1\] = '2 mV' has the wrong dimension: expected current/],
    [() => timedArray([1], 1, { after: 'loop' as never }), /iBias\.after = 'loop' is unknown; use 'hold' \(keep the last row\) or 'repeat'/],
    [() => ({ kind: 'timedArray', values: 5, interval: 1 }), /iBias\.values = 5 is not an array of rows/],
  ])('%#: a bad schedule is refused at build, naming the field, the value and the fix', (make, message) => {
    const net = new Network({ dt: 0.1 });
    net.add(lif(2, { ...base, iBias: make() as never }, 'p'));
    expect(() => net.build()).toThrow(message);
  });
});

describe('setCurrent', () => {
  it('sets the bias current from now on: one value (with units) or one per neuron; validated before anything is written', () => {
    const net = new Network({ dt: 0.1 });
    const pop = net.add(lif(3, base, 'p'));
    expect(() => pop.setCurrent(1)).toThrow(/'p'\.setCurrent: the network is not built yet/);
    net.build();
    pop.setCurrent('0.5 nA');
    expect(Array.from(pop.state.iBias)).toEqual([0.5, 0.5, 0.5]);
    pop.setCurrent([1, 2, 3]);
    expect(Array.from(pop.state.iBias)).toEqual([1, 2, 3]);
    pop.setCurrent(new Float64Array([4, 5, 6]), 2);
    expect(Array.from(pop.state.iBias)).toEqual([8, 10, 12]);
    expect(() => pop.setCurrent([1, 2])).toThrow(/p\.setCurrent: 2 values for 3 neurons; give one value or exactly 3 numbers/);
    expect(() => pop.setCurrent([7, Number.NaN, 7])).toThrow(/p\.setCurrent\[1\] = NaN is not a finite number/);
    expect(() => pop.setCurrent('1 mV')).toThrow(/p\.setCurrent = '1 mV' has the wrong dimension: expected current/);
    expect(() => pop.setCurrent([1, 1, 1], Number.NaN)).toThrow(/p\.setCurrent: scale = NaN must be a finite number/);
    expect(Array.from(pop.state.iBias)).toEqual([8, 10, 12]); // nothing half-written
  });

  it('is refused on a population whose current follows a schedule', () => {
    const net = new Network({ dt: 0.1 });
    const pop = net.add(lif(1, { ...base, iBias: timedArray([1, 2], 1) }, 'p'));
    net.build();
    expect(() => pop.setCurrent(3)).toThrow(/p\.setCurrent: 'p' takes its current from a timedArray schedule/);
  });
});
