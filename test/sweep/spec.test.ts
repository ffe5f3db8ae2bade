/**
 * Sweep specs (networks/sweep/spec.ts): validation with errors naming the field, the value and the
 * fix; trials in grid order with ids that are the hash of their canonical spec; repeats that differ
 * in seed; shards that are disjoint and cover the sweep; and the example sweeps resolve.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalSpec, resolveSpec } from '../../networks/diehl-cook/spec.js';
import { SpecError } from '../../networks/experiment/spec-error.js';
import { sha256Hex } from '../../networks/sweep/sha256.js';
import { expandTrials, parseAxisPath, resolveSweepSpec, shardTrials, sweepId, SweepTrialsError, TRIAL_ID_LENGTH, type Trial } from '../../networks/sweep/spec.js';

const ROOT = join(__dirname, '..', '..');
const SMALL = { neurons: 10, schedule: [{ phase: 'train', samples: 10 }] };

/** The SpecError a function throws (fails the test if it throws none). */
function specError(f: () => unknown): SpecError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('expected a SpecError');
}

describe('sha256Hex', () => {
  it('equals node:crypto on the FIPS check value, on every padding boundary and on UTF-8 text', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 5000]) {
      const s = Array.from({ length: n }, (_, k) => String.fromCharCode(97 + ((k * 7) % 26))).join('');
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    }
    const text = 'σ = 30 % — µS, 漢字, 🙂';
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });
});

describe('parseAxisPath', () => {
  it('reads dotted paths and list indices in both spellings', () => {
    expect(parseAxisPath('d2d')).toEqual(['d2d']);
    expect(parseAxisPath('ruleParams.nuPost')).toEqual(['ruleParams', 'nuPost']);
    expect(parseAxisPath('schedule[0].samples')).toEqual(['schedule', 0, 'samples']);
    expect(parseAxisPath('schedule.2.samples')).toEqual(['schedule', 2, 'samples']);
    expect(parseAxisPath('deviceOverrides.d2d.step')).toEqual(['deviceOverrides', 'd2d', 'step']);
    for (const bad of ['', '.d2d', 'd2d.', 'a..b', '[0]', 'a b', 'a[x]']) expect(parseAxisPath(bad)).toBeNull();
  });
});

describe('resolveSweepSpec', () => {
  it('resolves the base like `train --print-spec` and keeps the axes in their order', () => {
    const s = resolveSweepSpec({ base: SMALL, axes: { d2d: [0, 0.5], seed: [1, 2] } });
    expect(s.base).toEqual(resolveSpec(SMALL));
    expect(Object.keys(s.axes)).toEqual(['d2d', 'seed']);
    expect(s.repeats).toBe(1);
    expect(Object.isFrozen(s.axes['d2d'])).toBe(true);
  });

  it('refuses an unknown axis, naming it, the near field and the known ones', () => {
    const e = specError(() => resolveSweepSpec({ base: SMALL, axes: { d2D: [0.1] } }));
    expect(e.field).toBe('axes.d2D');
    expect(e.message).toMatch(/names no field of an experiment spec — did you mean 'd2d'\?/);
    expect(e.message).toMatch(/known fields: experiment, neurons, seed/);
    expect(specError(() => resolveSweepSpec({ base: SMALL, axes: { 'excitatory.thetaPluss': [0.1] } })).message).toMatch(/thetaPluss is not a field of excitatory — did you mean 'thetaPlus'\?; known fields: tauMem/);
    expect(specError(() => resolveSweepSpec({ base: SMALL, axes: { 'neurons.x': [1] } })).message).toMatch(/neurons is a plain value; it has no fields inside/);
    expect(specError(() => resolveSweepSpec({ base: SMALL, axes: { 'schedule[3].samples': [1] } })).message).toMatch(/the base schedule has 1 phases/);
    expect(specError(() => resolveSweepSpec({ base: SMALL, axes: { 'schedule[0].sample': [1] } })).message).toMatch(/give a field of a phase/);
    expect(specError(() => resolveSweepSpec({ base: SMALL, axes: { 'a b': [1] } })).field).toBe('axes.a b');
  });

  it('refuses an empty axis, a non-list axis and a value repeated on an axis', () => {
    const empty = specError(() => resolveSweepSpec({ base: SMALL, axes: { d2d: [] } }));
    expect(empty.field).toBe('axes.d2d');
    expect(empty.message).toMatch(/is empty: an axis needs at least one value/);
    const scalar = specError(() => resolveSweepSpec({ base: SMALL, axes: { d2d: 0.3 } }));
    expect(scalar.message).toMatch(/^axes\.d2d = 0\.3: must be a list of values/);
    const twice = specError(() => resolveSweepSpec({ base: SMALL, axes: { d2d: [0.1, 0.2, 0.1] } }));
    expect(twice.field).toBe('axes.d2d[2]');
    expect(twice.message).toMatch(/repeats axes\.d2d\[0\]/);
  });

  it('refuses unknown sweep fields, a bad base (naming base.<field>), bad repeats, and repeats over a seed axis', () => {
    expect(specError(() => resolveSweepSpec({ base: SMALL, axis: {} })).message).toMatch(/sweep\.axis .*did you mean 'axes'/);
    expect(specError(() => resolveSweepSpec({ base: { neurons: 0 } })).field).toBe('base.neurons');
    expect(specError(() => resolveSweepSpec({ base: SMALL, repeats: 0 })).field).toBe('repeats');
    const seed = specError(() => resolveSweepSpec({ base: SMALL, axes: { seed: [1, 2] }, repeats: 2 }));
    expect(seed.field).toBe('repeats');
    expect(seed.message).toMatch(/seed is an axis/);
    expect(specError(() => resolveSweepSpec([])).field).toBe('sweep');
  });

  it('reports every trial the experiment spec refuses, with its axis values, before anything runs', () => {
    const e = specError(() => resolveSweepSpec({ base: SMALL, axes: { d2d: [0, 2, 0.5, 3], wMax: [0.5, 1] } }));
    expect(e).toBeInstanceOf(SweepTrialsError);
    const rejected = (e as SweepTrialsError).rejected;
    expect(rejected.map((r) => r.index)).toEqual([2, 3, 6, 7]);
    expect(rejected.map((r) => r.axes)).toEqual([
      { d2d: 2, wMax: 0.5 },
      { d2d: 2, wMax: 1 },
      { d2d: 3, wMax: 0.5 },
      { d2d: 3, wMax: 1 },
    ]);
    expect(rejected.every((r) => r.error.field === 'd2d')).toBe(true);
    expect(e.message).toMatch(/4 of 8 trials are refused by the experiment spec/);
    expect(e.message).toMatch(/trial 2 \(d2d = 2, wMax = 0\.5\): d2d = 2: must be ≤ 1/);
    expect(e.message).toMatch(/trial 7 \(d2d = 3, wMax = 1\)/);
    expect(e.message).toMatch(/nothing was run/);
  });

  it('sets nested fields, creating the objects on the way', () => {
    const s = resolveSweepSpec({ base: SMALL, axes: { 'ruleParams.nuPost': [0.01, 0.02], 'schedule[0].samples': [5, 7], 'deviceOverrides.c2c': [0] } });
    const t = expandTrials(s);
    expect(t.map((x) => [x.spec.ruleParams?.['nuPost'], x.spec.schedule[0].samples, x.spec.deviceOverrides?.c2c])).toEqual([
      [0.01, 5, 0],
      [0.01, 7, 0],
      [0.02, 5, 0],
      [0.02, 7, 0],
    ]);
    expect(specError(() => resolveSweepSpec({ base: SMALL, axes: { excitatory: [{ tauMem: 50 }], 'excitatory.tauMem': [60] } })).message).toMatch(/lies inside the axis excitatory/);
  });

  it('a device axis leaves the device fields out on float weights and takes their defaults on a device', () => {
    const fromDevice = expandTrials(resolveSweepSpec({ base: { ...SMALL, wMax: 0.4 }, axes: { device: ['float', 'hfs2'] } }));
    expect(fromDevice[0].spec).toMatchObject({ device: 'float', cell: null, wMax: null, rounding: null });
    expect(fromDevice[1].spec).toMatchObject({ device: 'hfs2', cell: 'pair', wMax: 0.4 });
    const fromFloat = expandTrials(resolveSweepSpec({ base: { ...SMALL, device: 'float' }, axes: { device: ['float', 'hfs2'] } }));
    expect(fromFloat[1].spec).toMatchObject({ device: 'hfs2', cell: 'pair', wMax: 0.5, rounding: 'feedback' });
  });
});

describe('expandTrials', () => {
  const sweep = resolveSweepSpec({ base: { ...SMALL, seed: 5 }, axes: { d2d: [0, 0.25, 0.5], rounding: ['feedback', 'stochastic'] }, repeats: 3 });
  const trials = expandTrials(sweep);

  it('numbers the trials in grid order, first axis slowest, repeats fastest, with seeds seed + repeat', () => {
    expect(trials).toHaveLength(18);
    expect(trials.map((t) => t.index)).toEqual(Array.from({ length: 18 }, (_, k) => k));
    expect(trials.slice(0, 7).map((t) => [t.axes['d2d'], t.axes['rounding'], t.repeat, t.spec.seed])).toEqual([
      [0, 'feedback', 0, 5],
      [0, 'feedback', 1, 6],
      [0, 'feedback', 2, 7],
      [0, 'stochastic', 0, 5],
      [0, 'stochastic', 1, 6],
      [0, 'stochastic', 2, 7],
      [0.25, 'feedback', 0, 5],
    ]);
    expect(trials.every((t) => t.spec.d2d === t.axes['d2d'] && t.spec.rounding === t.axes['rounding'])).toBe(true);
  });

  it('gives each trial the hash of its canonical spec as id: distinct, stable, the same for the same spec', () => {
    for (const t of trials) {
      expect(t.id).toMatch(new RegExp(`^[0-9a-f]{${TRIAL_ID_LENGTH}}$`));
      expect(t.id).toBe(createHash('sha256').update(canonicalSpec(t.spec)).digest('hex').slice(0, TRIAL_ID_LENGTH));
    }
    expect(new Set(trials.map((t) => t.id)).size).toBe(18);
    // the same sweep written differently (defaults spelled out, the base resolved) has the same trials
    const again = expandTrials(resolveSweepSpec({ base: sweep.base, axes: { d2d: [0, 0.25, 0.5], rounding: ['feedback', 'stochastic'] }, repeats: 3 }));
    expect(again.map((t) => t.id)).toEqual(trials.map((t) => t.id));
    // a trial of another sweep with the same spec has the same id
    const single = expandTrials(resolveSweepSpec({ base: { ...SMALL, seed: 6, d2d: 0.25 }, axes: { rounding: ['stochastic'] } }));
    expect(single[0].id).toBe(trials.find((t) => t.axes['d2d'] === 0.25 && t.axes['rounding'] === 'stochastic' && t.repeat === 1)!.id);
  });

  it('refuses two values that make the same trial (two spellings of one age)', () => {
    const base = { neurons: 10, schedule: [{ phase: 'train', samples: 10 }, { phase: 'evaluate', mode: 'crossbar', samples: 10 }] };
    const twin = specError(() => resolveSweepSpec({ base, axes: { 'schedule[1].age': ['1 d', 86_400_000] } }));
    expect(twin.message).toMatch(/trials 0 \(schedule\[1\]\.age = "1 d"\) and 1 \(schedule\[1\]\.age = 86400000\) have the same experiment spec/);
  });

  it('sweepId changes with anything that changes a trial, and not with the spelling of the base', () => {
    const a = resolveSweepSpec({ base: SMALL, axes: { d2d: [0, 0.5] } });
    const b = resolveSweepSpec({ base: resolveSpec(SMALL), axes: { d2d: [0, 0.5] } });
    expect(sweepId(a)).toBe(sweepId(b));
    expect(sweepId(resolveSweepSpec({ base: SMALL, axes: { d2d: [0, 0.4] } }))).not.toBe(sweepId(a));
    expect(sweepId(resolveSweepSpec({ base: SMALL, axes: { d2d: [0, 0.5] }, repeats: 2 }))).not.toBe(sweepId(a));
  });
});

describe('shardTrials', () => {
  const trials = expandTrials(resolveSweepSpec({ base: SMALL, axes: { d2d: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6] }, repeats: 2 }));

  it.each([1, 2, 3, 4, 5, 14, 20])('the %i shards are disjoint, cover every trial and are the same on every call', (n) => {
    const shards: Trial[][] = Array.from({ length: n }, (_, k) => shardTrials(trials, k + 1, n));
    const ids = shards.flat().map((t) => t.id);
    expect(ids).toHaveLength(trials.length);
    expect(new Set(ids).size).toBe(trials.length);
    expect([...ids].sort()).toEqual(trials.map((t) => t.id).sort());
    expect(shards.map((s) => s.map((t) => t.id))).toEqual(Array.from({ length: n }, (_, k) => shardTrials(trials, k + 1, n).map((t) => t.id)));
    // sizes differ by at most one
    const sizes = shards.map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('refuses i outside 1 … n and n < 1, naming shard and the fix', () => {
    expect(specError(() => shardTrials(trials, 3, 2)).message).toMatch(/^shard = "3\/2": i must be a whole number in 1 … 2.*give 1\/2 … 2\/2/);
    expect(specError(() => shardTrials(trials, 0, 2)).field).toBe('shard');
    expect(specError(() => shardTrials(trials, 1, 0)).message).toMatch(/n, the number of shards, must be a whole number ≥ 1/);
  });
});

describe('examples/sweeps', () => {
  const dir = join(ROOT, 'examples', 'sweeps');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const load = (f: string) => resolveSweepSpec(JSON.parse(readFileSync(join(dir, f), 'utf8')));

  it('holds the recorded sweeps of issue 18 (size and Querlioz also with one pass over the 60 000 training images)', () => {
    expect(files.sort()).toEqual(['d2d-hfs2.json', 'querlioz-2013-one-pass.json', 'querlioz-2013.json', 'size-hfs2-one-pass.json', 'size-hfs2.json']);
  });

  it.each(files)('%s resolves, and its trials too', (f) => {
    const trials = expandTrials(load(f));
    expect(trials.length).toBeGreaterThan(0);
  });

  it('d2d-hfs2: 0–50 % device-to-device variation × 3 seeds on hfs2 with the default setting', () => {
    const s = load('d2d-hfs2.json');
    expect(s.axes).toEqual({ d2d: [0, 0.1, 0.2, 0.3, 0.4, 0.5] });
    expect(s.repeats).toBe(3);
    expect(s.base).toMatchObject({ device: 'hfs2', cell: 'pair', wMax: 0.5, rounding: 'feedback', deviceNormalisation: 'pulses', neurons: 400 });
    expect(expandTrials(s)).toHaveLength(18);
  });

  it('size-hfs2: 100, 400 and 1600 neurons on hfs2', () => {
    const s = load('size-hfs2.json');
    expect(s.axes['neurons']).toEqual([100, 400, 1600]);
    expect(s.base.device).toBe('hfs2');
  });

  it("querlioz-2013: 300 output neurons, Querlioz's simplified STDP, dispersion up to 50 %", () => {
    for (const f of ['querlioz-2013.json', 'querlioz-2013-one-pass.json']) {
      const s = load(f);
      expect(s.base).toMatchObject({ neurons: 300, rule: 'querlioz' });
      expect(Math.max(...(s.axes['d2d'] as number[]))).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('the one-pass variants train on 60 000 images where their sweeps train on 10 000; the rest of the spec is theirs', () => {
    for (const [short, long] of [['size-hfs2.json', 'size-hfs2-one-pass.json'], ['querlioz-2013.json', 'querlioz-2013-one-pass.json']]) {
      const a = load(short);
      const b = load(long);
      const schedule = (x: typeof a) => x.base.schedule as unknown as readonly { phase: string; samples: number }[];
      expect(schedule(a)[0]).toMatchObject({ phase: 'train', samples: 10000 });
      expect(schedule(b)[0]).toMatchObject({ phase: 'train', samples: 60000 });
      expect({ ...schedule(b)[0], samples: 0 }).toEqual({ ...schedule(a)[0], samples: 0 });
      expect(schedule(b).slice(1, schedule(a).length)).toEqual(schedule(a).slice(1)); // size's adds a crossbar evaluation
      expect({ ...b.base, schedule: undefined }).toEqual({ ...a.base, schedule: undefined });
    }
  });
});
