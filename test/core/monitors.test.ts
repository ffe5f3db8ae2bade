import { describe, expect, it } from 'vitest';
import { Network, lif, spikeGenerator, stepTime } from '../../core/index.js';

const base = { tauMem: 20, vRest: -65, vReset: -70, vThresh: -50, tRef: 2 };

describe('monitor times', () => {
  it('stamps a spike at the start of its step and a probe row at the end of its step, both as decimals (no float noise)', () => {
    const dt = 0.1;
    const net = new Network({ dt });
    // 226.2 ms = step 2262; 2262 × 0.1 = 226.20000000000002 in floating point
    const gen = net.add(spikeGenerator(1, [0, 0], [226.2, 0.3], { label: 'gen' }));
    const pop = net.add(lif(1, { ...base, rMem: '1 Mohm', iBias: 30, vInit: -70 }, 'p'));
    const spikes = net.spikeRecorder(gen);
    const lifSpikes = net.spikeRecorder(pop);
    const probe = net.stateProbe(pop, 'v', { every: 3 });
    const rate = net.rateMonitor(gen);
    const frames: number[] = [];
    net.step$.subscribe((f) => frames.push(f.time));
    net.build();
    net.run(300);
    const s = spikes.read();
    expect(Array.from(s.steps)).toEqual([3, 2262]);
    expect(Array.from(s.times)).toEqual([0.3, 226.2]);
    // every time is the decimal value of step × dt, correctly rounded (here: step / 10)
    const l = lifSpikes.read();
    expect(l.steps.length).toBeGreaterThan(10);
    for (let k = 0; k < l.steps.length; k++) expect(l.times[k]).toBe(l.steps[k] / 10);
    // probe rows: the state after step s, at t = (s + 1)·dt
    const p = probe.read();
    expect(p.steps.length).toBe(1000);
    for (let r = 0; r < p.steps.length; r++) {
      expect(p.steps[r]).toBe(3 * r);
      expect(p.times[r]).toBe((p.steps[r] + 1) / 10);
    }
    expect(p.times[754]).toBe(226.3);
    // the rate monitor's steps and times are those of the spikes it counts
    const r = rate.read();
    expect(r.times[2262]).toBe(226.2);
    expect(r.rateHz[2262]).toBe(10000);
    // frames: the time at the end of each step; the clock: steps run × dt
    expect(frames[2261]).toBe(226.2);
    expect(net.time).toBe(300);
    net.runSteps(2);
    expect(net.time).toBe(300.2);
  });

  it('a probe row is the state after its step: the first row is v after one step, not the initial v', () => {
    const net = new Network({ dt: 0.5 });
    const pop = net.add(lif(1, { ...base, vInit: -60 }, 'p'));
    const probe = net.stateProbe(pop, 'v');
    net.build();
    net.step();
    const p = probe.read();
    expect(p.steps[0]).toBe(0);
    expect(p.times[0]).toBe(0.5);
    expect(p.values[0]).toBeCloseTo(-65 + 5 * Math.exp(-0.5 / 20), 12);
  });

  it.each([0.1, 0.05, 0.025, 0.3, 1 / 3, 0.7, 2, 1e-3])('stepTime(step, dt = %s) is the correctly rounded decimal step × dt', (dt) => {
    const text = String(dt);
    const digits = text.includes('.') ? text.split('.')[1].length : 0;
    for (const step of [0, 1, 3, 7, 2262, 12345, 999_999, 2 ** 31 + 5, 2 ** 40 + 3]) {
      const t = stepTime(step, dt);
      // the decimal value step·dt written out exactly, parsed once (correct rounding by the parser)
      const units = BigInt(Math.round(dt * 10 ** digits)) * BigInt(step);
      const s = units.toString().padStart(digits + 1, '0');
      const exact = Number(digits > 0 ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s);
      if (digits <= 15 && Number(units) <= Number.MAX_SAFE_INTEGER) expect(t).toBe(exact);
      else expect(t).toBe(step * dt); // dt has no short decimal form: the plain product
    }
  });
});

describe('monitors past 2³¹ steps', () => {
  it('record steps and times beyond 2³¹ and 2³² without wrapping', () => {
    const dt = 0.1;
    const net = new Network({ dt });
    // one spike in every step (the pattern repeats every step)
    const gen = net.add(spikeGenerator(1, [0], [0], { period: dt, label: 'gen' }));
    const pop = net.add(lif(1, base, 'p'));
    const spikes = net.spikeRecorder(gen);
    const probe = net.stateProbe(pop, 'v');
    const rate = net.rateMonitor(gen);
    net.build();
    for (const start of [2 ** 31 - 3, 2 ** 32 - 2]) {
      net.restore({ ...net.snapshot(), step: start });
      spikes.clear();
      probe.clear();
      rate.clear();
      net.runSteps(6);
      const expected = Array.from({ length: 6 }, (_, k) => start + k);
      expect(Array.from(spikes.read().steps)).toEqual(expected);
      expect(Array.from(spikes.read().times)).toEqual(expected.map((s) => stepTime(s, dt)));
      expect(Array.from(probe.read().steps)).toEqual(expected);
      expect(Array.from(probe.read().times)).toEqual(expected.map((s) => stepTime(s + 1, dt)));
      expect(Array.from(rate.read().steps)).toEqual(expected);
      expect(net.currentStep).toBe(start + 6);
    }
  });

  it('a spike generator fires at a time beyond 2³¹ steps', () => {
    const dt = 0.1;
    const net = new Network({ dt });
    const late = 2 ** 31 + 5;
    const gen = net.add(spikeGenerator(2, [1, 0], [stepTime(late, dt), stepTime(late + 2, dt)], { label: 'gen' }));
    const spikes = net.spikeRecorder(gen);
    net.build();
    net.restore({ ...net.snapshot(), step: 2 ** 31 - 3 });
    net.runSteps(20);
    const s = spikes.read();
    expect(Array.from(s.steps)).toEqual([late, late + 2]);
    expect(Array.from(s.indices)).toEqual([1, 0]);
  });
});
