import { describe, expect, it } from 'vitest';
import {
  analyzeCycles,
  DEVICE_PRESETS,
  deviceParams,
  fitTableModel,
  gAfterPulses,
  IDEAL_DEVICE,
  parsePulseTrainCsv,
  runCycleProtocol,
  writePulseTrainCsv,
  type DeviceParams,
} from '../../../core/devices/index.js';

const quiet = { c2c: 0, readNoise: { abs: 0, rel: 0 }, d2d: { step: 0, bounds: 0, nonlinearity: 0 }, drift: { nuMean: 0, nuStd: 0 } } as const;

function trajectory(p: DeviceParams, g0: number, pol: 1 | -1, n: number): number[] {
  return Array.from({ length: n + 1 }, (_, k) => gAfterPulses(p, g0, pol * k));
}

describe('fitTableModel', () => {
  const models: Array<[string, DeviceParams, number]> = [
    ['linear (hfs2)', deviceParams(DEVICE_PRESETS['hfs2'], quiet), 5e-4],
    ['softBounds (agsi)', deviceParams(DEVICE_PRESETS['agsi'], quiet), 5e-4],
    ['softBounds (epiram)', deviceParams(DEVICE_PRESETS['epiram'], quiet), 5e-4],
    ['power', deviceParams(IDEAL_DEVICE, { kind: 'power', levels: 31, powUp: 2, powDown: 1.5, gMin: 10, gMax: 60 }), 0.01],
  ];

  it.each(models)('a table fitted from the %s model’s own pulse trains reproduces that model', (_name, p, tol) => {
    const P = Math.ceil(p.levels) + 4;
    const data = runCycleProtocol(p, { cycles: 2, pulsesPerTrain: P, seed: 1 });
    const fit = fitTableModel(data.devices[0], { nodes: 64 });
    expect(fit.params.kind).toBe('table');
    expect(fit.c2c).toBeLessThan(1e-3 * (p.gMax - p.gMin));
    const W = p.gMax - p.gMin;
    for (const [g0, pol] of [[p.gMin, 1], [p.gMax, -1]] as const) {
      const want = trajectory(p, g0, pol, P);
      const got = trajectory(fit.params, g0, pol, P);
      for (let k = 0; k <= P; k++) expect(Math.abs(got[k] - want[k])).toBeLessThan(tol * W);
    }
  });

  it("recovers NeuroSim's normA (and nonlinearity label) of a soft-bounds device", () => {
    const p = deviceParams(DEVICE_PRESETS['agsi'], { ...quiet, asymmetry: 0 });
    const P = Math.ceil(p.levels) + 4;
    const fit = fitTableModel(runCycleProtocol(p, { cycles: 2, pulsesPerTrain: P }).devices[0]);
    // the fit searches whole Pmax; agsi's base Pmax is 97.48, hence a 2 % tolerance
    const rel = (x: number, y: number): number => Math.abs(x - y) / y;
    expect(rel(fit.up.normA, 0.499)).toBeLessThan(0.02);
    expect(rel(fit.up.nonlinearity, 2.4)).toBeLessThan(0.03);
    expect(rel(fit.down.normA, 0.2)).toBeLessThan(0.02);
    expect(rel(fit.down.nonlinearity, 4.88)).toBeLessThan(0.03);
  });

  it('estimates the configured c2c σ per pulse from noisy trains', () => {
    const p = deviceParams(DEVICE_PRESETS['hfs2'], { d2d: { step: 0, bounds: 0, nonlinearity: 0 } });
    const fit = fitTableModel(runCycleProtocol(p, { cycles: 200, seed: 3 }).devices[0]);
    expect(Math.abs(fit.c2c - p.c2c) / p.c2c).toBeLessThan(0.1);
    expect(fit.params.dgUp[5]).toBeGreaterThan(75);
    expect(fit.params.dgUp[5]).toBeLessThan(87);
  });

  it('rejects data that is not a pulse train, naming the problem', () => {
    const flat = { pot: [[1, 1, 1, 1], [1, 1, 1, 1]], dep: [[2, 1.5, 1, 0.5], [2, 1.5, 1, 0.5]] };
    expect(() => fitTableModel(flat)).toThrow(/potentiation train never rises.*check polarity/);
    expect(() => fitTableModel({ pot: [[1, 2, 3], [1, 2]], dep: [[3, 2, 1]] })).toThrow(/potentiation train 1 has 2 reads but train 0 has 3/);
    expect(() => fitTableModel({ pot: [[1, Number.NaN, 3]], dep: [[3, 2, 1]] })).toThrow(/read 1 = NaN is not a conductance/);
  });
});

describe('parsePulseTrainCsv', () => {
  it('round-trips writePulseTrainCsv and gives the same analysis', () => {
    const data = runCycleProtocol(DEVICE_PRESETS['hfs2'], { cycles: 10, devices: 2, seed: 4 });
    const text = writePulseTrainCsv(data.devices);
    const parsed = parsePulseTrainCsv(text);
    expect(parsed.devices.length).toBe(2);
    expect(parsed.cycles).toBe(10);
    expect(parsed.pulsesPerTrain).toBe(20);
    const a = analyzeCycles(data.devices[1]);
    const b = analyzeCycles(parsed.devices[1]);
    expect(b.bins).toBe(a.bins);
    expect(b.binWidthPot).toBeCloseTo(a.binWidthPot, 3);
    expect(b.sigma).toBeCloseTo(a.sigma, 3);
  });

  it('converts g_mS and g_S to µS', () => {
    const rows = ['cycle,polarity,pulse,g_mS'];
    for (let c = 0; c < 2; c++) for (const pol of ['pot', 'dep']) for (let k = 0; k < 5; k++) rows.push(`${c},${pol},${k},${pol === 'pot' ? 1 + 0.1 * k : 1.4 - 0.1 * k}`);
    const d = parsePulseTrainCsv(rows.join('\n'));
    expect(d.devices[0].pot[0][1]).toBeCloseTo(1100, 9);
  });

  it.each([
    ['', /is empty/],
    ['a,b,c\n1,2,3', /lacks column\(s\) cycle, polarity, pulse, g_uS.*not a pulse-train file/],
    ['cycle,polarity,pulse,g_uS\n0,up,0,1', /line 2: polarity = 'up' is not pot or dep/],
    ['cycle,polarity,pulse,g_uS\n0,pot,0,abc', /line 2: g_us = 'abc' is not a number/],
    ['cycle,polarity,pulse,g_uS\n0,pot,0,-4', /line 2: g_us = -4 is negative/],
    ['cycle,polarity,pulse,g_uS\n0,pot,0,1\n0,pot,2,2', /line 3: pulse = 2 in pot train of cycle 0, expected 1/],
    ['cycle,polarity,pulse,g_uS\nx,pot,0,1', /cycle = 'x' is not a whole number/],
    ['cycle,polarity,pulse,g_uS\n0,pot,0,1\n0,pot,1,2', /has 2 reads; a pulse train needs ≥ 4/],
  ])('rejects %j naming line, field, value and fix', (text, re) => {
    expect(() => parsePulseTrainCsv(text)).toThrow(re);
  });

  it('needs ≥ 2 cycles of each polarity', () => {
    const rows = ['cycle,polarity,pulse,g_uS'];
    for (const pol of ['pot', 'dep']) for (let k = 0; k < 5; k++) rows.push(`0,${pol},${k},${10 + k}`);
    expect(() => parsePulseTrainCsv(rows.join('\n'))).toThrow(/1 potentiation and 1 depression train\(s\).*add cycles/);
  });
});
