import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyPulses,
  createDeviceArray,
  DEVICE_PRESETS,
  deviceParams,
  devicePreset,
  neurosimNormA,
  neurosimNonlinearity,
  readConductances,
  deviceWindow,
  type DeviceParams,
} from '../../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../../core/random.js';

describe('deviceParams', () => {
  const hfs2 = DEVICE_PRESETS['hfs2'];

  it('returns a new frozen object with the overrides applied and the base untouched', () => {
    const p = deviceParams(hfs2, { c2c: 0, d2d: { step: 0.1 } });
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.d2d)).toBe(true);
    expect(p.c2c).toBe(0);
    expect(p.d2d).toEqual({ step: 0.1, bounds: hfs2.d2d.bounds, nonlinearity: 0, upDown: 0 });
    expect(hfs2.c2c).toBeGreaterThan(0);
    expect(p).not.toBe(hfs2);
  });

  it('converts quantities with units to internal units (µS, ms, mV)', () => {
    const p = deviceParams(hfs2, { gMin: '1 mS', gMax: '2 mS', pulse: { vUp: '0.5 V', widthUp: '100 ns' }, drift: { t0: '20 s' } });
    expect(p.gMin).toBeCloseTo(1000, 9);
    expect(p.gMax).toBeCloseTo(2000, 9);
    expect(p.pulse.vUp).toBeCloseTo(500, 9);
    expect(p.pulse.widthUp).toBeCloseTo(1e-4, 12);
    expect(p.drift.t0).toBeCloseTo(20000, 6);
  });

  it.each([
    [{ gMin: -1 }, /gMin = -1 µS is negative.*gMin ≥ 0/],
    [{ gMin: 100, gMax: 50 }, /gMax = 50 µS must be > gMin = 100 µS.*swap/],
    [{ levels: 1 }, /levels = 1 must be a finite number ≥ 2/],
    [{ c2c: -0.5 }, /c2c = -0.5 µS is a σ and must be ≥ 0/],
    [{ d2d: { step: -0.1 } }, /d2d.step = -0.1 is a σ and must be ≥ 0/],
    [{ drift: { nuStd: -0.01 } }, /drift.nuStd = -0.01 is a σ/],
    [{ readNoise: { rel: -1 } }, /readNoise.rel = -1 is a σ/],
    [{ endurance: 0 }, /endurance = 0 must be > 0 pulses; use Infinity/],
    [{ endurance: -5 }, /endurance = -5 must be > 0/],
    [{ endurance: 1e12 }, /32-bit pulse counter/],
    [{ quantLevels: 1 }, /quantLevels = 1 must be 0 \(continuous\) or a whole number ≥ 2/],
    [{ asymmetry: 1 }, /asymmetry = 1 must be in \(−1, 1\)/],
    [{ stuckAt: { fraction: 2 } }, /stuckAt.fraction = 2 must be a fraction in \[0, 1\]/],
    [{ gMax: '5 ms' }, /wrong dimension/],
    [{ normAUp: 2 }, /normAUp belongs to kind 'softBounds'.*kind 'linear'/],
    [{ bogus: 1 } as never, /unknown field 'bogus'/],
  ])('rejects %j naming the field, the value and the fix', (o, re) => {
    expect(() => deviceParams(hfs2, o)).toThrow(re);
  });

  it('requires the fields of a new kind', () => {
    expect(() => deviceParams(hfs2, { kind: 'softBounds' })).toThrow(/normAUp = undefined must be > 0/);
    const p = deviceParams(hfs2, { kind: 'softBounds', normAUp: 1, normADown: 2 });
    expect(p.kind).toBe('softBounds');
    expect(() => deviceParams(hfs2, { kind: 'table', dgUp: [1, 2], dgDown: [1, 1, 1] })).toThrow(/dgUp has 2 nodes but dgDown has 3/);
    expect(() => deviceParams(hfs2, { kind: 'table', dgUp: [1, -2], dgDown: [1, 1] })).toThrow(/dgUp\[1\] = -2/);
  });
});

describe('devicePreset', () => {
  it('returns presets by name and lists the known names for an unknown one', () => {
    expect(devicePreset('hfs2')).toBe(DEVICE_PRESETS['hfs2']);
    expect(() => devicePreset('hfs3')).toThrow(/unknown device preset 'hfs3'; known presets: hfs2, agsi, taox-hfox, pcm-gst, epiram, reram-drift, ideal/);
  });
});

describe('neurosimNormA', () => {
  it('reproduces the NeuroSim lookup table at its nodes and inverts', () => {
    expect(neurosimNormA(2.4)).toBeCloseTo(0.499, 9);
    expect(neurosimNormA(-4.88)).toBeCloseTo(0.2, 9);
    expect(neurosimNormA(0.04)).toBeCloseTo(31.57, 9);
    for (const nl of [0.1, 0.5, 1.3, 3, 5]) expect(neurosimNonlinearity(neurosimNormA(nl))).toBeCloseTo(nl, 9);
  });
});

describe.each(Object.entries(DEVICE_PRESETS))('preset %s', (name, p: DeviceParams) => {
  it('is frozen, validates, and carries a citation', () => {
    expect(Object.isFrozen(p)).toBe(true);
    expect(deviceParams(p, {})).toEqual(p);
    expect(p.name).toBe(name);
    expect(p.citation.length).toBeGreaterThan(10);
  });

  it('keeps every device inside its own window under 10k random pulses (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 4 }), (seed, maxCount) => {
        const n = 50;
        const arr = createDeviceArray(p, n, new RandomStreams(seed), 'prop');
        const rs = new RandomStream(`${seed}/pulses`);
        const idx = new Int32Array(n);
        const counts = new Int32Array(n);
        for (let i = 0; i < n; i++) idx[i] = i;
        const win = new Float64Array(2);
        let t = 0;
        for (let round = 0; round < 10_000 / n; round++) {
          for (let i = 0; i < n; i++) counts[i] = (rs.uniform() < 0.5 ? -1 : 1) * (1 + rs.int(maxCount));
          t += 0.5;
          applyPulses(arr, idx, counts, n, t);
          for (let i = 0; i < n; i++) {
            deviceWindow(win, arr, i);
            if (!(arr.g[i] >= Math.fround(win[0]) - 1e-9 * p.gMax && arr.g[i] <= Math.fround(win[1]) + 1e-9 * p.gMax)) return false;
          }
        }
        return true;
      }),
      { numRuns: 5 },
    );
  });

  it('potentiates on average (monotone in expectation) and depresses on average, from mid-window', () => {
    const n = 1000;
    const q = deviceParams(p, { stuckAt: { fraction: 0 } });
    const initial = new Float32Array(n).fill((q.gMin + q.gMax) / 2);
    const arr = createDeviceArray(q, n, new RandomStreams(3), 'mono', { initial });
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    const up = new Int32Array(n).fill(1);
    const down = new Int32Array(n).fill(-1);
    const read = new Float32Array(n);
    const mean = (): number => { readConductances(read, arr, 0, false); return read.reduce((s, x) => s + x, 0) / n; };
    const steps = Math.min(20, Math.ceil(q.levels / 4));
    let prev = mean();
    for (let k = 0; k < steps; k++) {
      applyPulses(arr, idx, up, n, 0);
      const m = mean();
      expect(m).toBeGreaterThan(prev);
      prev = m;
    }
    for (let k = 0; k < steps; k++) {
      applyPulses(arr, idx, down, n, 0);
      const m = mean();
      expect(m).toBeLessThan(prev);
      prev = m;
    }
  });
});
