/**
 * `memspike plot` end to end (the built CLI) and its figure kit: the receptive-field PNG decodes,
 * has the size of its layout and shows the weights (brighter = larger, per neuron); the SVGs carry
 * titles and axis labels with units; the confusion matrix and the drift points are the numbers
 * `memspike eval` prints; --json is one line; bad input is one line on stderr and writes nothing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { readModelFile } from '../../networks/persist/file-node.js';
import { loadModel } from '../../networks/diehl-cook/model-file.js';
import { fieldsLayout, tileOrigin, FIELD_SIDE } from '../../cli/figures/receptive-fields.js';
import { COLOUR_MAP, luma } from '../../cli/figures/raster.js';
import { ageLabel, pulseBins } from '../../cli/figures/model-figures.js';
import { niceTicks } from '../../cli/figures/scale.js';
import { hasGlyphs, textWidth } from '../../cli/figures/font.js';

const dir = mkdtempSync(join(tmpdir(), 'memspike-plot-'));
const model = join(dir, 'm.mspk');
const floatModel = join(dir, 'f.mspk');
const NEURONS = 9;
const SAMPLES = 40;

/** data-* attributes of the marks of class `cls` in an SVG. */
function marks(svg: string, cls: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const m of svg.matchAll(new RegExp(`<(?:rect|circle|g) class="${cls}"([^>]*)>`, 'g'))) {
    out.push(Object.fromEntries([...m[1].matchAll(/data-([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
  }
  return out;
}

/** Text of the element of class `cls`. */
const textOf = (svg: string, cls: string): string => new RegExp(`class="${cls}"[^>]*>([^<]*)<`).exec(svg)?.[1] ?? '';

beforeAll(() => {
  const a = runCli(['train', '--neurons', String(NEURONS), '--samples', '60', '--label-pass', '60', '--seed', '2', '--out', model, '--quiet', '--json']);
  expect(a.code, a.stderr).toBe(0);
  const b = runCli(['train', '--device', 'float', '--neurons', '4', '--samples', '20', '--out', floatModel, '--quiet', '--json']);
  expect(b.code, b.stderr).toBe(0);
});

describe('memspike plot', () => {
  const out = join(dir, 'figures', 'nested');
  let j: Record<string, any>;

  it('writes every figure of a device model (DIR and its parents created) and prints one JSON line listing them', () => {
    const r = runCli(['plot', model, '--out', out, '--samples', String(SAMPLES), '--crossbar', '--ages', '1h,1y', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    j = JSON.parse(r.stdout) as Record<string, any>;
    expect(j).toMatchObject({ command: 'plot', file: model, out, model: { neurons: NEURONS, device: 'hfs2', cell: 'pair', trainedSamples: 60 }, skipped: [] });
    expect(j.files.map((f: { figure: string }) => f.figure)).toEqual(['receptive-fields', 'thresholds', 'conductances', 'pulses', 'confusion', 'drift']);
    for (const f of j.files) expect(existsSync(f.path)).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['conductances.svg', 'confusion.svg', 'drift.svg', 'pulses.svg', 'receptive-fields.png', 'thresholds.svg']);
  });

  it('the receptive-field PNG decodes, has the layout of its neuron count, and each tile is brightest where its weight is largest', () => {
    const png = PNG.sync.read(readFileSync(join(out, 'receptive-fields.png')));
    const l = fieldsLayout(NEURONS);
    // 9 neurons: a 3 × 3 grid of 168-px tiles (6 px per input pixel)
    expect([l.gridCols, l.gridRows, l.px, l.tile]).toEqual([3, 3, 6, 168]);
    expect([png.width, png.height]).toEqual([l.width, l.height]);
    expect(j.files[0]).toMatchObject({ width: png.width, height: png.height });
    expect(l.x0 + 3 * l.pitchX).toBeLessThanOrEqual(l.barX);
    // the large grid of the issue: 400 neurons in 20 × 20 tiles of 84 px
    expect(fieldsLayout(400)).toMatchObject({ gridCols: 20, gridRows: 20, px: 3, tile: 84 });

    const saved = loadModel(readModelFile(model), model);
    const store = saved.trained.model.inputToExc.store;
    if (store.kind !== 'memristive') throw new Error('expected a device model');
    const w = store.weights;
    const lumaAt = (x: number, y: number) => {
      const i = 4 * (y * png.width + x);
      return luma([png.data[i], png.data[i + 1], png.data[i + 2]]);
    };
    for (let n = 0; n < NEURONS; n++) {
      const { x, y } = tileOrigin(l, n);
      const values: number[] = [];
      const lumas: number[] = [];
      for (let p = 0; p < FIELD_SIDE * FIELD_SIDE; p++) {
        values.push(w[p * NEURONS + n]);
        lumas.push(lumaAt(x + (p % FIELD_SIDE) * l.px + 2, y + Math.floor(p / FIELD_SIDE) * l.px + 2));
      }
      const best = values.indexOf(Math.max(...values));
      expect(lumas[best]).toBe(Math.max(...lumas));
      const worst = values.indexOf(Math.min(...values));
      expect(lumas[worst]).toBe(Math.min(...lumas));
      // brightness follows the weight across the whole tile
      const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
      const mv = mean(values);
      const ml = mean(lumas);
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let k = 0; k < values.length; k++) {
        sxy += (values[k] - mv) * (lumas[k] - ml);
        sxx += (values[k] - mv) ** 2;
        syy += (lumas[k] - ml) ** 2;
      }
      expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.97);
    }
    // the colour encodes the weights in µS (w = scale·(G⁺ − G⁻)); the scale spans their 0.1–99.9 % quantiles (and 0)
    expect(j.receptiveFields.unit).toBe('G⁺ − G⁻ (µS)');
    expect(j.receptiveFields.max).toBeCloseTo(Math.max(...w) / store.scale, 2);
    expect(j.receptiveFields.min).toBeCloseTo(Math.min(...w) / store.scale, 2);
    const [lo, hi] = j.receptiveFields.colourRange as [number, number];
    expect(lo).toBeGreaterThanOrEqual(j.receptiveFields.min);
    expect(lo).toBeLessThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(j.receptiveFields.max);
    expect(hi).toBeGreaterThan(0.5 * j.receptiveFields.max);
  });

  it('every SVG has a title and axis labels with their units', () => {
    const svg = (name: string) => readFileSync(join(out, `${name}.svg`), 'utf8');
    for (const name of ['thresholds', 'conductances', 'pulses', 'confusion', 'drift']) {
      const s = svg(name);
      expect(s.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(s).toMatch(/<title>[^<]+<\/title>/);
      expect(textOf(s, 'title').length).toBeGreaterThan(10);
      expect(textOf(s, 'x-label')).not.toBe('');
      expect(textOf(s, 'y-label')).not.toBe('');
    }
    expect(textOf(svg('thresholds'), 'x-label')).toBe('effective threshold vThresh + θ (mV)');
    expect(textOf(svg('thresholds'), 'y-label')).toBe('neurons');
    expect(marks(svg('thresholds'), 'bar').reduce((s, b) => s + Number(b['count']), 0)).toBe(NEURONS);
    expect(textOf(svg('conductances'), 'x-label')).toBe('conductance G (µS)');
    const bars = marks(svg('conductances'), 'bar');
    expect(new Set(bars.map((b) => b['series'].slice(0, 2)))).toEqual(new Set(['G⁺', 'G⁻']));
    for (const s of ['G⁺', 'G⁻']) expect(bars.filter((b) => b['series'].startsWith(s)).reduce((a, b) => a + Number(b['count']), 0)).toBe(784 * NEURONS);
    expect(textOf(svg('pulses'), 'x-label')).toMatch(/^pulses received by a device/);
    expect(marks(svg('pulses'), 'bar').reduce((s, b) => s + Number(b['count']), 0)).toBe(2 * 784 * NEURONS);
    expect(textOf(svg('drift'), 'y-label')).toBe('accuracy (%)');
    expect(textOf(svg('drift'), 'x-label')).toMatch(/array age at read time.*log scale/);
    expect(textOf(svg('confusion'), 'x-label')).toMatch(/^predicted label/);
    expect(textOf(svg('confusion'), 'y-label')).toBe('true label');
  });

  it('the confusion matrix holds --samples images and is the one `eval --json` prints, with its accuracy in the title', () => {
    const s = readFileSync(join(out, 'confusion.svg'), 'utf8');
    const cells = marks(s, 'cell');
    expect(cells).toHaveLength(10 * 11);
    const total = cells.reduce((a, c) => a + Number(c['count']), 0);
    expect(total).toBe(SAMPLES);
    const correct = cells.filter((c) => c['true'] === c['predicted']).reduce((a, c) => a + Number(c['count']), 0);
    const ev = runCli(['eval', model, '--samples', String(SAMPLES), '--quiet', '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const phase = (ev.last as any).phases[0];
    expect(correct / SAMPLES).toBe(phase.accuracy);
    expect(j.temporal).toEqual({ samples: SAMPLES, correct: phase.correct, accuracy: phase.accuracy, confusion: phase.confusion });
    const grid = Array.from({ length: 10 }, (_, t) => Array.from({ length: 11 }, (_, p) => Number(cells.find((c) => c['true'] === String(t) && c['predicted'] === (p < 10 ? String(p) : 'none'))!['count'])));
    expect(grid).toEqual(phase.confusion);
    expect(textOf(s, 'title')).toContain(`accuracy ${(100 * phase.accuracy).toFixed(2)} %`);
  });

  it('the drift figure shows the accuracies of `eval --mode crossbar --age … [--no-compensate]`', () => {
    const points = marks(readFileSync(join(out, 'drift.svg'), 'utf8'), 'point');
    expect(points).toHaveLength(4);
    expect(points.map((p) => [Number(p['age-ms']), p['compensate']])).toEqual([
      [3_600_000, 'true'],
      [31_557_600_000, 'true'],
      [3_600_000, 'false'],
      [31_557_600_000, 'false'],
    ]);
    expect(j.drift.map((p: any) => [p.age, p.compensate])).toEqual([
      ['1 h', true],
      ['1 h', false],
      ['1 year', true],
      ['1 year', false],
    ]);
    for (const [age, compensate] of [['1h', true], ['1y', false]] as const) {
      const ev = runCli(['eval', model, '--mode', 'crossbar', '--age', age, ...(compensate ? [] : ['--no-compensate']), '--samples', String(SAMPLES), '--quiet', '--json']);
      expect(ev.code, ev.stderr).toBe(0);
      const phase = (ev.last as any).phases[0];
      const p = points.find((q) => Number(q['age-ms']) === phase.age && q['compensate'] === String(compensate))!;
      expect(Number(p['accuracy'])).toBe(phase.accuracy);
      expect(j.drift.find((q: any) => q.ageMs === phase.age && q.compensate === compensate).accuracy).toBe(phase.accuracy);
    }
  });

  it('a float model: the figures it has, a note on stderr that there are no devices; --prefix names the files; --samples 0 evaluates nothing', () => {
    const fout = join(dir, 'float-figures');
    const r = runCli(['plot', floatModel, '--out', fout, '--samples', '0', '--prefix', 'f-', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/has float weights: there are no devices, so no conductance or pulse-count figures/);
    const fj = JSON.parse(r.stdout) as Record<string, any>;
    expect(readdirSync(fout).sort()).toEqual(['f-receptive-fields.png', 'f-thresholds.svg']);
    expect(fj.skipped.map((s: { figure: string }) => s.figure)).toEqual(['conductances', 'pulses', 'confusion', 'drift']);
    expect(fj).toMatchObject({ devices: null, temporal: null, drift: null, receptiveFields: { unit: 'weight (dimensionless)' } });
    const png = PNG.sync.read(readFileSync(join(fout, 'f-receptive-fields.png')));
    expect([png.width, png.height]).toEqual([fieldsLayout(4).width, fieldsLayout(4).height]);
    // without --json: the files on stdout, one per line
    const human = runCli(['plot', floatModel, '--out', fout, '--samples', '0', '--prefix', 'f-']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(join(fout, 'f-receptive-fields.png'));
  });

  it.each([
    ['a missing model', () => ['plot', join(dir, 'missing.mspk'), '--out', join(dir, 'bad1')], /^memspike: .*missing\.mspk: no such model file; write one with memspike train --out/, 'bad1'],
    ['DIR is a file', () => ['plot', model, '--out', model], /^memspike: --out .*m\.mspk: is a file, not a directory; give a directory for the figures/, null],
    ['DIR under a file', () => ['plot', model, '--out', join(model, 'sub')], /^memspike: --out .*: cannot create it: .*m\.mspk is a file, not a directory/, null],
    ['no --out', () => ['plot', model], /^memspike: --out: give the directory to write the figures to/, null],
    ['--samples abc', () => ['plot', model, '--out', join(dir, 'bad2'), '--samples', 'abc'], /^memspike: --samples abc: expected a whole number ≥ 0/, 'bad2'],
    ['--samples -5', () => ['plot', model, '--out', join(dir, 'bad3'), '--samples', '-5'], /^memspike: --samples -5: expected a whole number ≥ 0/, 'bad3'],
    ['--samples beyond the test set', () => ['plot', model, '--out', join(dir, 'bad4'), '--samples', '10001'], /^memspike: --samples 10001: is more than the 10000 test images .*give at most 10000\.$/, 'bad4'],
    ['--ages without --crossbar', () => ['plot', model, '--out', join(dir, 'bad5'), '--ages', '1h'], /^memspike: --ages 1h: applies to the drift figure only; add --crossbar\.$/, 'bad5'],
    ['an age of 0', () => ['plot', model, '--out', join(dir, 'bad6'), '--crossbar', '--ages', '0,1y'], /^memspike: --ages 0,1y: '0' cannot be shown on the log age axis/, 'bad6'],
    ['a bad --program', () => ['plot', model, '--out', join(dir, 'bad7'), '--crossbar', '--program', 'fast'], /^memspike: --program fast: is not one of 'open-loop', 'write-verify'/, 'bad7'],
  ])('%s: one line on stderr, exit 1, nothing written', (_name, args, message, made) => {
    const before = readFileSync(model);
    const r = runCli(args());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    if (made) expect(existsSync(join(dir, made))).toBe(false);
    expect(readFileSync(model).equals(before)).toBe(true);
  });

  it('an existing DIR keeps its other files; a figure already there is replaced', () => {
    const d = join(dir, 'existing');
    runCli(['plot', floatModel, '--out', d, '--samples', '0', '--quiet']);
    writeFileSync(join(d, 'notes.txt'), 'mine');
    writeFileSync(join(d, 'thresholds.svg'), 'old');
    expect(runCli(['plot', floatModel, '--out', d, '--samples', '0', '--quiet']).code).toBe(0);
    expect(readFileSync(join(d, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(d, 'thresholds.svg'), 'utf8')).toMatch(/^<svg /);
    expect(readdirSync(d).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('figure kit', () => {
  it('the colour map gets brighter with the value (so brightness can be read as weight)', () => {
    for (let k = 1; k < COLOUR_MAP.length; k++) expect(luma(COLOUR_MAP[k])).toBeGreaterThan(luma(COLOUR_MAP[k - 1]));
  });

  it('ages, pulse bins, ticks and the font', () => {
    expect([1000, 3_600_000, 86_400_000, 2_629_800_000, 31_557_600_000, 315_576_000_000, 90_000].map(ageLabel)).toEqual(['1 s', '1 h', '1 day', '1 month', '1 year', '10 years', '90 s']);
    const b = pulseBins(9);
    expect(b.labels).toEqual(['0', '1', '2–3', '4–7', '8–15']);
    expect([0, 1, 2, 3, 4, 7, 8, 9].map(b.binOf)).toEqual([0, 1, 2, 2, 3, 3, 4, 4]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-52.3, -40.1, 5)).toEqual([-50, -45]);
    expect(hasGlyphs('G⁺ − G⁻ (µS) · 28×28 → θ ≤ ≥ gjpqy')).toBe(true);
    expect(textWidth('0', 2)).toBe(10);
  });
});
