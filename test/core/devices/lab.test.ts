import { describe, expect, it } from 'vitest';
import { analyzeCycles, cycleFigureSvg, DEVICE_PRESETS, deviceParams, labReport, runCycleProtocol } from '../../../core/devices/index.js';

/** The seed paper's figures (Xhameni & Lombardo 2025, Fig. 2e–f and §2). */
const PAPER = { bins: 31, bwPot: 81.077, bwDep: 80.52, sigma: 23.7, r2: 0.998, energy: 23.74 };
const within = (x: number, y: number, rel = 0.1): boolean => Math.abs(x - y) <= rel * Math.abs(y);

describe('device lab on hfs2 (100 cycles of 20 + 20 pulses)', () => {
  it.each([1, 2, 3])("reproduces the paper's figures within 10 %% (seed %i)", (seed) => {
    const data = runCycleProtocol(DEVICE_PRESETS['hfs2'], { cycles: 100, seed });
    const { report } = labReport('hfs2', data.cycles, data.pulsesPerTrain, data.devices, data.energyPerCycle_nJ, data.readEnergyPerCycle_nJ);
    expect(report.levels).toBe(16);
    expect(within(report.bins, PAPER.bins)).toBe(true);
    expect(report.bins).toBe(31);
    expect(within(report.bin_width_uS_pot, PAPER.bwPot)).toBe(true);
    expect(within(report.bin_width_uS_dep, PAPER.bwDep)).toBe(true);
    expect(within(report.sigma_uS, PAPER.sigma)).toBe(true);
    expect(report.r2_pot).toBeGreaterThanOrEqual(PAPER.r2);
    expect(report.r2_dep).toBeGreaterThanOrEqual(PAPER.r2);
    expect(within(report.energy_nJ_per_cycle as number, PAPER.energy)).toBe(true);
    expect(report.bin_width_uS_pot).toBeGreaterThan(2 * report.sigma_uS); // BW > 2σ: neighbouring states do not overlap
  });

  it('averages over many devices to the calibrated σ (the preset is calibrated to 23.7 µS)', () => {
    const data = runCycleProtocol(DEVICE_PRESETS['hfs2'], { cycles: 100, devices: 100, seed: 9 });
    const { report } = labReport('hfs2', data.cycles, data.pulsesPerTrain, data.devices, data.energyPerCycle_nJ, null);
    expect(within(report.sigma_uS, PAPER.sigma, 0.02)).toBe(true);
    expect(within(report.energy_nJ_per_cycle as number, PAPER.energy, 0.01)).toBe(true);
  });

  it('with d2d variation the devices differ, and the figures spread around the nominal ones', () => {
    const data = runCycleProtocol(DEVICE_PRESETS['hfs2'], { cycles: 20, devices: 40, seed: 5, d2d: true });
    const widths = data.devices.map((d) => analyzeCycles(d).binWidthPot);
    const m = widths.reduce((a, b) => a + b) / widths.length;
    const sd = Math.sqrt(widths.reduce((a, b) => a + (b - m) ** 2, 0) / (widths.length - 1));
    expect(sd / m).toBeGreaterThan(0.15); // 30 % step variation (partly hidden where bounds clip)
  });

  it('draws the figure as SVG (all cycles, mean dashed, linear ranges with fits)', () => {
    const data = runCycleProtocol(DEVICE_PRESETS['hfs2'], { cycles: 5, seed: 1 });
    const svg = cycleFigureSvg('hfs2', data.devices[0], analyzeCycles(data.devices[0]));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)?.length).toBe(6);
    expect(svg).toContain('31 bins');
  });
});

describe('analyzeCycles', () => {
  it('counts 2L − 1 bins when BW > 2σ and fewer when the states overlap', () => {
    const noisy = deviceParams(DEVICE_PRESETS['hfs2'], { c2c: 30 });
    const a = analyzeCycles(runCycleProtocol(noisy, { cycles: 100, seed: 1 }).devices[0]);
    expect(a.binWidthPot).toBeLessThan(2 * a.sigma);
    const distinguishable = Math.floor(((a.levels - 1) * Math.min(a.binWidthPot, a.binWidthDep)) / (2 * a.sigma)) + 1;
    expect(a.bins).toBe(2 * distinguishable - 1);
    expect(a.bins).toBeLessThan(31);
  });

  it('rejects trains that are not pulse trains', () => {
    const flat = [[1, 1, 1, 1], [1, 1, 1, 1]];
    expect(() => analyzeCycles({ pot: flat, dep: [[4, 3, 2, 1], [4, 3, 2, 1]] })).toThrow(/never rises; these reads are not a potentiation pulse train/);
    expect(() => analyzeCycles({ pot: [[1, 2, 3, 4]], dep: [[4, 3, 2, 1]] })).toThrow(/needs ≥ 2 trains/);
  });
});
