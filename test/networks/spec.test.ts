/**
 * The experiment spec: one validation function (resolveSpec) whose errors name the field, the
 * value and the fix before any work; defaults by store; canonical JSON round trips; data checks.
 */
import { describe, expect, it } from 'vitest';
import { canonicalSpec, DEFAULT_SCHEDULE, DEVICE_DEFAULTS, deviceOf, networkDifferences, resolveSpec, sameNetwork } from '../../networks/diehl-cook/spec.js';
import { checkData } from '../../networks/diehl-cook/experiment.js';
import { SpecError } from '../../networks/experiment/spec-error.js';
import { dataIdentity, describeData, sameData } from '../../networks/experiment/data.js';
import type { ImageDataset } from '../../networks/datasets/image-dataset.js';

const tiny = (count: number, rows = 28, cols = 28): ImageDataset => ({ count, rows, cols, pixels: new Uint8Array(count * rows * cols), labels: new Uint8Array(count), source: `tiny ${count}` });

describe('resolveSpec', () => {
  it('fills the defaults by store: device presets get the validated setting, float gets no device fields', () => {
    const hfs2 = resolveSpec({});
    expect(hfs2).toMatchObject({ device: 'hfs2', neurons: 400, seed: 1, rule: 'diehlCook', normalisation: 78, ...DEVICE_DEFAULTS, data: { train: 'mnist', test: 'mnist' } });
    expect(hfs2.schedule).toEqual(DEFAULT_SCHEDULE);
    const ideal = resolveSpec({ device: 'ideal' });
    expect({ ...ideal, device: 'hfs2' }).toEqual(hfs2); // the same defaults for every preset
    const float = resolveSpec({ device: 'float' });
    expect(float).toMatchObject({ cell: null, wMax: null, rounding: null, deviceNormalisation: null, d2d: null, deviceOverrides: null });
    expect(Object.isFrozen(float)).toBe(true);
  });

  it('is canonical: its JSON resolves to itself, with the same key order, whatever order the input had', () => {
    const a = resolveSpec({ seed: 3, device: 'ideal', neurons: 50, schedule: [{ samples: 7, phase: 'train' }, { phase: 'evaluate', mode: 'crossbar', samples: 5, age: '1 d' }] });
    const b = resolveSpec(JSON.parse(canonicalSpec(a)));
    expect(canonicalSpec(b)).toBe(canonicalSpec(a));
    expect(Object.keys(a)).toEqual(Object.keys(resolveSpec({})));
    expect(a.schedule[1]).toEqual({ phase: 'evaluate', mode: 'crossbar', samples: 5, program: 'write-verify', age: 86_400_000, compensate: true, readout: 'winner', columnCorrection: true, device: null });
  });

  it.each([
    [{ nueorns: 400 }, 'nueorns', /is not a field of an experiment spec; known fields: experiment, neurons/],
    [{ nuerons: 400 }, 'nuerons', /did you mean 'neurons'\?/],
    [{ neurons: '400' }, 'neurons', /= "400": must be a whole number; give the number of excitatory neurons/],
    [{ neurons: 0 }, 'neurons', /= 0: must be in \[1, 100000\]/],
    [{ seed: -1 }, 'seed', /must be in \[0, 4294967295\]/],
    [{ wMax: -1 }, 'wMax', /= -1: must be > 0; give the weight mapped to a device's full window/],
    [{ device: 'unobtanium' }, 'device', /is unknown; give 'float' \(ideal software weights\) or a device preset: hfs2, agsi/],
    [{ device: 'float', cell: 'pair' }, 'cell', /does not apply to float weights/],
    [{ device: 'float', rounding: 'deterministic' }, 'rounding', /does not apply to float weights/],
    [{ device: 'float', deviceNormalisation: 'pulses' }, 'deviceNormalisation', /does not apply to float weights/],
    [{ device: 'float', rounding: 'feedback' }, 'rounding', /does not apply to float weights/],
    [{ rounding: 'nearest' }, 'rounding', /is not one of 'stochastic', 'deterministic', 'accumulate', 'feedback'/],
    [{ d2d: 1.5 }, 'd2d', /= 1.5: must be ≤ 1; give the device-to-device σ/], // the device model's own limit, before any work
    [{ deviceOverrides: { c2d: 0 } }, 'deviceOverrides', /unknown field 'c2d'/],
    [{ rule: 'hebb' }, 'rule', /is not one of 'pair', 'triplet', 'diehlCook', 'querlioz'/],
    [{ ruleParams: { nuPost: -1 } }, 'ruleParams', /rule.nuPost = -1 is negative/],
    [{ ruleParams: { aPlus: 0.1 } }, 'ruleParams', /rule.aPlus is not a parameter of the 'diehlCook' rule/],
    [{ excitatory: { vThresh: -90 } }, 'excitatory', /vThresh = -90 \+ min θ_init \(20\) is not above vReset = -65/],
    [{ excitatory: { tauMem: 0 } }, 'excitatory', /tauMem/],
    [{ data: { train: 'cifar' } }, 'data.train', /give 'mnist' or \{ "images"/],
    [{ schedule: [] }, 'schedule', /give a list of phases/],
    [{ schedule: [{ phase: 'label', samples: 10_001 }] }, 'schedule[0].samples', /must be in \[1, 10000\]; the label window/],
    [{ schedule: [{ phase: 'evaluate', mode: 'temporal', samples: 10 }] }, 'schedule[0]', /an evaluation needs labelled neurons/],
    [{ schedule: [{ phase: 'train', samples: 5 }, { phase: 'evaluate', mode: 'temporal', samples: 10, age: '1 y' }] }, 'schedule[1].age', /applies to crossbar evaluations only/],
    [{ schedule: [{ phase: 'train', samples: 5 }, { phase: 'evaluate', mode: 'crossbar', samples: 10, age: '-1 d' }] }, 'schedule[1].age', /must be ≥ 0/],
    [{ schedule: [{ phase: 'train', samples: 5 }, { phase: 'evaluate', mode: 'crossbar', samples: 10, age: '1 parsec' }] }, 'schedule[1].age', /parsec/],
    [{ schedule: [{ phase: 'train', samples: 5 }, { phase: 'evaluate', mode: 'crossbar', samples: 10, program: 'verify' }] }, 'schedule[1].program', /is not one of 'open-loop', 'write-verify'/],
    [{ schedule: [{ phase: 'train', samples: 5, epoch: 2 }] }, 'schedule[0].epoch', /did you mean 'epochs'\?/],
  ])('%j → a SpecError naming %s, the value and the fix', (input, field, message) => {
    let err: unknown = null;
    try {
      resolveSpec(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).field).toBe(field);
    expect((err as SpecError).message).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')} = `));
    expect((err as SpecError).message).toMatch(message);
  });

  it('an evaluation may come first when the spec continues a trained model', () => {
    expect(resolveSpec({ schedule: [{ phase: 'evaluate', mode: 'temporal', samples: 10 }] }, { trained: true }).schedule).toHaveLength(1);
  });

  it('builds the device it describes: preset, overrides, then d2d', () => {
    const d = deviceOf(resolveSpec({ device: 'hfs2', d2d: 0.3, deviceOverrides: { c2c: 0 } }))!;
    expect(d.d2d.step).toBe(0.3);
    expect(d.d2d.bounds).toBe(0.15);
    expect(d.c2c).toBe(0);
    expect(deviceOf(resolveSpec({ device: 'float' }))).toBeNull();
  });

  it('sameNetwork ignores the schedule, the data and rateScale, and names what differs', () => {
    const a = resolveSpec({ device: 'ideal' });
    expect(sameNetwork(a, resolveSpec({ device: 'ideal', rateScale: 0.3, schedule: [{ phase: 'train', samples: 3 }], data: { train: { images: 'a', labels: 'b' } } }))).toBe(true);
    expect(networkDifferences(a, resolveSpec({ device: 'ideal', wMax: 0.8, seed: 2 }))).toEqual(['seed', 'wMax']);
  });
});

describe('checkData (before any work)', () => {
  const spec = (schedule: unknown[]) => resolveSpec({ device: 'float', schedule });
  it('names the field and the counts when a phase asks for more images than the data holds', () => {
    expect(() => checkData(spec([{ phase: 'train', samples: 11 }]), { train: tiny(10), test: null })).toThrow(/schedule\[0\]\.samples = 11: is more than the 10 training images of tiny 10/);
    expect(() => checkData(spec([{ phase: 'train', samples: 5 }, { phase: 'label', samples: 11 }]), { train: tiny(10), test: null })).toThrow(/schedule\[1\]\.samples = 11/);
    expect(() => checkData(spec([{ phase: 'train', samples: 5 }, { phase: 'evaluate', mode: 'temporal', samples: 7 }]), { train: tiny(10), test: tiny(6) })).toThrow(/schedule\[1\]\.samples = 7: is more than the 6 test images of tiny 6; give at most 6/);
    expect(() => checkData(spec([{ phase: 'train', samples: 5 }]), { train: tiny(10, 10, 10), test: null })).toThrow(/data\.train = "mnist": holds 10×10-pixel images; the network has 784 inputs/);
    expect(() => checkData(spec([{ phase: 'train', samples: 10, epochs: 3 }, { phase: 'label', samples: 10 }]), { train: tiny(10), test: null })).not.toThrow();
    // labels beyond the readout's 10 classes (an IDX label file of another task) are refused before any work
    const badLabel = tiny(10);
    badLabel.labels[7] = 12;
    expect(() => checkData(spec([{ phase: 'train', samples: 5 }]), { train: badLabel, test: null })).toThrow(/data\.train = "mnist": holds label 12 \(image 7\); the network reads out 10 classes — give labels 0…9/);
    expect(() => checkData(spec([{ phase: 'train', samples: 5 }, { phase: 'evaluate', mode: 'temporal', samples: 5 }]), { train: tiny(10), test: badLabel })).toThrow(/data\.test = "mnist": holds label 12 \(image 7\)/);
  });
});

describe('data identity', () => {
  it('is the same for the same images wherever they came from, and differs when one pixel or label differs', () => {
    const a = tiny(4);
    const b = { ...tiny(4), source: 'elsewhere', files: [{ path: '/x/imgs.idx', bytes: 3152 }] };
    expect(sameData(dataIdentity(a), dataIdentity(b))).toBe(true);
    const c = tiny(4);
    c.pixels[100] = 1;
    const d = tiny(4);
    d.labels[3] = 2;
    expect(sameData(dataIdentity(a), dataIdentity(c))).toBe(false);
    expect(sameData(dataIdentity(a), dataIdentity(d))).toBe(false);
    expect(sameData(dataIdentity(a), dataIdentity(tiny(5)))).toBe(false);
    expect(describeData(dataIdentity(b))).toMatch(/^imgs\.idx \(3152 bytes\): 4 images of 28×28, pixels:[0-9a-f]{8} labels:[0-9a-f]{8}$/);
  });
});
