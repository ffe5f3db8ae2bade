import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ioParams, IO_IDEAL, IO_HFS2_PAPER, converterLevels } from '../../../core/crossbar/params.js';
import { quantizeSigned } from '../../../core/crossbar/kernel.js';

describe('ioParams', () => {
  it('returns frozen, validated presets unchanged', () => {
    expect(ioParams({}, IO_IDEAL)).toEqual(IO_IDEAL);
    expect(ioParams({})).toEqual(IO_HFS2_PAPER);
    expect(Object.isFrozen(ioParams({ adcBits: 6 }))).toBe(true);
    expect(IO_HFS2_PAPER.dacBits).toBe(8);
    expect(IO_HFS2_PAPER.adcBits).toBe(8);
  });
  it.each([
    [{ dacBits: 0 }, /io\.dacBits = 0 .*integer/],
    [{ dacBits: 7.5 }, /io\.dacBits = 7\.5/],
    [{ adcBits: -8 }, /io\.adcBits = -8/],
    [{ adcBits: 1 }, /io\.adcBits = 1 .*≥ 2 bits/],
    [{ rowWireResistance: -1 }, /io\.rowWireResistance = -1 .*≥ 0/],
    [{ colWireResistance: Number.NaN }, /io\.colWireResistance = NaN/],
    [{ dacRange: 0 }, /io\.dacRange = 0 .*absMax/],
    [{ adcRange: Infinity }, /io\.adcRange = Infinity .*adcBits/],
    [{ outNoise: -0.1 }, /io\.outNoise = -0\.1/],
    [{ driftCompensation: 'local' as never }, /io\.driftCompensation = 'local'/],
    [{ colsPerAdc: 0 }, /io\.colsPerAdc = 0/],
    [{ readVoltage: 0 }, /io\.readVoltage = 0 .*mV/],
    [{ nonsense: 1 } as never, /io\.nonsense is not an IO parameter/],
  ])('rejects %o naming the field, the value and the fix', (bad, msg) => {
    expect(() => ioParams(bad as never)).toThrow(msg);
  });
});

describe('quantizeSigned (the DAC/ADC law)', () => {
  it('has 2^(b−1) − 1 positive levels', () => {
    expect(converterLevels(8)).toBe(127);
    expect(converterLevels(2)).toBe(1);
    expect(converterLevels(null)).toBe(0);
  });
  it('errs by at most half a step inside the range, and saturates outside', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 12 }), fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (bits, range, u) => {
      const L = converterLevels(bits);
      const step = range / L;
      const x = u * range;
      const q = quantizeSigned(x, L, range);
      expect(Math.abs(q - x)).toBeLessThanOrEqual(step / 2 + 1e-12 * range);
      // q is on the grid
      expect(Math.abs(q / step - Math.round(q / step))).toBeLessThan(1e-9);
    }));
    expect(quantizeSigned(5, 127, 1)).toBe(1);
    expect(quantizeSigned(-5, 127, 1)).toBe(-1);
  });
});
