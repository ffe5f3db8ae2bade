import { describe, expect, it } from 'vitest';
import { toInternal } from '../../core/index.js';

describe('toInternal', () => {
  it.each([
    ['20 ms', 'time', 20],
    ['1 s', 'time', 1000],
    ['1 day', 'time', 86_400_000],
    [' 0.1 mV', 'voltage', 0.1],
    ['-65 mV', 'voltage', -65],
    ['81 uS', 'conductance', 81],
    ['81 µS', 'conductance', 81],
    ['81 μS', 'conductance', 81],
    ['1 mS', 'conductance', 1000],
    ['2 nA', 'current', 2],
    ['0.59 nJ', 'energy', 0.59],
    ['23.7 nJ', 'energy', 23.7],
    ['63.75 Hz', 'frequency', 63.75],
    ['1 kHz', 'frequency', 1000],
    ['2.5 ohm', 'resistance', 2.5e-6],
    ['100 Mohm', 'resistance', 100],
    ['1 Gohm', 'resistance', 1000],
    [100, 'resistance', 100],
    [12, 'time', 12],
  ] as const)('%s as %s → %s', (value, dim, expected) => {
    expect(toInternal(value, dim, 'x')).toBeCloseTo(expected, 9);
  });

  it('rejects a wrong dimension, naming the parameter, the value and the expected unit', () => {
    expect(() => toInternal('20 mV', 'time', 'exc.tauMem')).toThrow(/exc\.tauMem = '20 mV' has the wrong dimension: expected time \(e\.g\. ms\)/);
    expect(() => toInternal('5 ms', 'conductance', 'g')).toThrow(/g = '5 ms'.*expected conductance \(e\.g\. µS\)/);
  });

  it('rejects NaN, infinities, bare units and unknown units', () => {
    expect(() => toInternal(Number.NaN, 'time', 'tauMem')).toThrow(/tauMem = NaN is not a finite number; give a number in ms/);
    expect(() => toInternal(Infinity, 'voltage', 'vRest')).toThrow(/vRest = Infinity/);
    expect(() => toInternal('ms', 'time', 'tRef')).toThrow(/tRef = 'ms' is not a number with a unit; write it like '20 ms'/);
    expect(() => toInternal('20', 'time', 'tRef')).toThrow(/tRef = '20' is not a number with a unit/);
    expect(() => toInternal('20 parsecs', 'time', 'tRef')).toThrow(/tRef = '20 parsecs' has a unit mathjs does not know/);
    expect(() => toInternal({} as unknown as number, 'time', 'tRef')).toThrow(/tRef = \{\} has type object/);
  });
});
