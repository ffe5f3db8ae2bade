/**
 * The pacer (viewer/runner/pacer.ts) with an injected clock: whole steps from wall time, the
 * slice budget, falling behind and forgetting the debt, pause, the × real-time readout.
 */
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../viewer/runner/pacer.js';

function clocked(o: { dt?: number; sliceMs?: number; minSteps?: number; initialStepsPerMs?: number } = {}) {
  let now = 1000;
  const pacer = new Pacer({ dt: o.dt ?? 0.5, clock: () => now, sliceMs: o.sliceMs ?? 10, minSteps: o.minSteps ?? 10, initialStepsPerMs: o.initialStepsPerMs ?? 100 });
  return { pacer, advance: (ms: number) => (now += ms) };
}

describe('Pacer', () => {
  it('at real time, runs ⌊t/dt⌋ steps in all, in whole numbers, however the wall time is cut', () => {
    const { pacer, advance } = clocked();
    pacer.play();
    let total = 0;
    for (const ms of [3.3, 16.7, 0.2, 7, 33.4, 16.6, 1, 22.8]) {
      advance(ms);
      const n = pacer.due();
      expect(Number.isInteger(n)).toBe(true);
      pacer.done(n, 0.1);
      total += n;
    }
    // 101 ms of wall time at 1 simulated ms per wall ms and dt = 0.5 ms: 202 steps
    expect(total).toBe(202);
    expect(pacer.behind).toBe(false);
  });

  it('at speed 0.1 (slow motion) and 10×, the step count follows speed·t/dt', () => {
    for (const speed of [0.1, 10]) {
      const { pacer, advance } = clocked({ initialStepsPerMs: 1e6 });
      pacer.speed = speed;
      pacer.play();
      let total = 0;
      for (let k = 0; k < 60; k++) {
        advance(16.5);
        const n = pacer.due();
        pacer.done(n, 0.01);
        total += n;
      }
      expect(total).toBe(Math.floor((speed * 60 * 16.5) / 0.5));
    }
  });

  it('caps a slice by the measured throughput × budget, says it is behind, and forgets the debt', () => {
    const { pacer, advance } = clocked({ initialStepsPerMs: 2, sliceMs: 10 });
    pacer.speed = 100; // asks for 200 steps per wall ms; the machine does 2
    pacer.play();
    advance(50);
    const n = pacer.due();
    expect(n).toBe(20); // 2 steps/ms × 10 ms
    expect(pacer.behind).toBe(true);
    pacer.done(n, 10);
    // the debt (10 000 − 20 steps) is forgotten: the next slice again asks only for one budget
    advance(10);
    expect(pacer.due()).toBe(20);
    pacer.speed = 1;
    advance(10);
    expect(pacer.due()).toBe(20);
    expect(pacer.behind).toBe(false);
  });

  it('never asks for one step at a time: at least minSteps per slice while playing at full speed', () => {
    const { pacer } = clocked({ initialStepsPerMs: 0.01, minSteps: 25 });
    pacer.speed = Infinity;
    pacer.play();
    expect(pacer.due()).toBe(25);
  });

  it('asks for nothing while paused, and does not run the paused time afterwards', () => {
    const { pacer, advance } = clocked();
    pacer.play();
    advance(10);
    pacer.done(pacer.due(), 0.1);
    pacer.pause();
    advance(5000);
    expect(pacer.due()).toBe(0);
    pacer.play();
    advance(1);
    expect(pacer.due()).toBe(2);
  });

  it('measures × real time from the steps done over the last second', () => {
    const { pacer, advance } = clocked({ initialStepsPerMs: 1e6 });
    pacer.speed = 4;
    pacer.play();
    for (let k = 0; k < 200; k++) {
      advance(10);
      pacer.done(pacer.due(), 1);
    }
    expect(pacer.xRealtime).toBeCloseTo(4, 1);
    expect(pacer.stepsDone).toBe((4 * 2000) / 0.5);
  });

  it('refuses a speed that is not > 0', () => {
    const { pacer } = clocked();
    expect(() => (pacer.speed = 0)).toThrow(/speed = 0 must be > 0/);
    expect(() => (pacer.speed = Number.NaN)).toThrow(/must be > 0/);
  });
});
