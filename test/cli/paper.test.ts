/**
 * `memspike paper`: the seed paper's benchmark as one command — its JSON (keys, types, ranges,
 * internal consistency), its figures, and its refusals of bad input before any work.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { fittedDevice } from '../../cli/paper/run.js';
import { evaluateDeployment } from '../../networks/mlp/deploy-instances.js';
import { trainMlp } from '../../networks/mlp/train.js';
import { loadMnist } from '../../networks/datasets/idx-node.js';
import { sliceDataset } from '../../networks/datasets/image-dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'memspike-paper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Stat { mean: number; std: number }
const isStat = (s: Stat): void => {
  expect(typeof s.mean).toBe('number');
  expect(s.mean).toBeGreaterThanOrEqual(0);
  expect(s.mean).toBeLessThanOrEqual(100);
  expect(s.std).toBeGreaterThanOrEqual(0);
};

describe('memspike paper', () => {
  it('runs the whole table small and prints one JSON object with every figure the issue names', () => {
    const cache = join(dir, 'weights.mspk');
    const plots = join(dir, 'plots');
    const r = runCli(['paper', '--quick', '--json', '--samples', '100', '--instances', '1', '--epochs', '1', '--hwat-epochs', '0', '--cache', cache, '--plots', plots]);
    expect(r.stderr).not.toMatch(/memspike: /);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = r.last as Record<string, unknown> & { dtod_sweep: Record<string, { dtod: number; accuracy: Stat }[]>; drift: Record<string, { plain: { time: string; compensated: Stat; uncompensated: Stat }[]; hwat: unknown[] }>; presets: Record<string, { open_loop: Stat; write_verify: Stat }>; pairs: { pairsPerWeight: number; program: string; accuracy: Stat; energyPerInference_nJ: number }[]; spiking: { windowMs: number; accuracy: Stat }[] };
    for (const key of ['digital_accuracy', 'device_accuracy_mean', 'device_accuracy_std', 'instances', 'hwat_gain', 'energy_per_inference_nJ', 'inferences_per_s']) expect(typeof j[key], key).toBe('number');
    expect(j['instances']).toBe(1);
    expect(j['network']).toBe('784-100-10'); // --quick's smaller hidden layer
    expect(j['digital_accuracy']).toBeGreaterThan(85); // one epoch of Adam on all 60 000 images
    expect(Object.keys(j.dtod_sweep).sort()).toEqual(['open_loop', 'write_verify']);
    for (const sweep of Object.values(j.dtod_sweep)) {
      expect(sweep.map((p) => p.dtod)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
      sweep.forEach((p) => isStat(p.accuracy));
    }
    // the device figure is the write-verify sweep's 30 % point: the same instances, the same bits
    expect(j.dtod_sweep['write_verify'][3].accuracy.mean).toBe(j['device_accuracy_mean']);
    expect(Object.keys(j.drift).sort()).toEqual(['hfs2', 'reram-drift']);
    for (const d of Object.values(j.drift)) {
      expect(d.plain.map((p) => p.time)).toEqual(['1 s', '1 h', '1 day', '1 month', '1 year', '10 years']);
      expect(d.hwat).toHaveLength(6);
      d.plain.forEach((p) => { isStat(p.compensated); isStat(p.uncompensated); });
    }
    expect(Object.keys(j.presets).sort()).toEqual(['agsi', 'epiram', 'hfs2', 'ideal', 'pcm-gst', 'reram-drift', 'taox-hfox']);
    for (const p of Object.values(j.presets)) { isStat(p.open_loop); isStat(p.write_verify); }
    expect(j.presets['ideal'].open_loop).toEqual(j.presets['ideal'].write_verify); // the exact reference
    expect(j.pairs.map((p) => `${p.pairsPerWeight} ${p.program}`)).toEqual(['1 open-loop', '1 write-verify', '2 open-loop', '2 write-verify', '4 open-loop', '4 write-verify']);
    // N pairs read N times the devices: energy per inference grows about N-fold
    expect(j.pairs[2].energyPerInference_nJ / j.pairs[0].energyPerInference_nJ).toBeGreaterThan(1.8);
    expect(j.pairs[4].energyPerInference_nJ / j.pairs[0].energyPerInference_nJ).toBeGreaterThan(3.6);
    expect(j.spiking.map((p) => p.windowMs)).toEqual([10, 30, 100, 300, 1000]);
    // figures: SVG with a title, axis labels with units, and error bars
    for (const name of ['dtod.svg', 'drift-hfs2.svg', 'drift-reram-drift.svg']) {
      const svg = readFileSync(join(plots, name), 'utf8');
      expect(svg).toMatch(/^<svg/);
      expect(svg).toMatch(/test accuracy \[%\]/);
      expect(svg).toMatch(/class="point"/);
    }
    expect(readFileSync(join(plots, 'drift-hfs2.svg'), 'utf8')).toMatch(/time after programming \[s\]/);
    // the weights were cached; a second run reads them
    expect(existsSync(cache)).toBe(true);
    const before = readFileSync(cache);
    // the cached file holds 784-100-10: asking for another shape with it is refused before any work, file untouched
    const other = runCli(['paper', '--quick', '--json', '--hidden', '50', '--cache', cache], 60_000);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/weights\.mspk/);
    expect(other.stderr).toMatch(/784-50-10|sizes|shape/);
    expect(other.stderr).not.toMatch(/digital training: epoch/);
    expect(readFileSync(cache).equals(before)).toBe(true);
  });

  it('refuses bad input before any training, naming the flag and the fix', () => {
    const cases: [string[], RegExp][] = [
      [['--pairs-per-weight', '0'], /--pairs-per-weight 0: expected a whole number ≥ 1/],
      [['--instances', '-2'], /--instances -2: expected a whole number ≥ 1/],
      [['--hidden', '0'], /--hidden 0: expected a whole number from 1 to 4096/],
      [['--hidden', '5000'], /--hidden 5000: expected a whole number from 1 to 4096/],
      [['--device-csv', join(dir, 'missing.csv')], /--device-csv .*missing\.csv: cannot read the file \(ENOENT\)/],
    ];
    const notTrains = join(dir, 'not-trains.csv');
    writeFileSync(notTrains, 'a,b,c\n1,2,3\n');
    cases.push([['--device-csv', notTrains], /--device-csv .*not-trains\.csv/]);
    const corrupt = join(dir, 'corrupt.mspk');
    writeFileSync(corrupt, 'MSPK this is not a weights file');
    cases.push([['--cache', corrupt], /corrupt\.mspk/]);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    cases.push([['--plots', join(file, 'sub')], /--plots/]);
    for (const [args, message] of cases) {
      const r = runCli(['paper', '--quick', '--json', ...args], 60_000);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/digital training: epoch/);
      expect(r.stdout).toBe('');
    }
    expect(readFileSync(corrupt, 'utf8')).toBe('MSPK this is not a weights file'); // never overwritten
  });

  it('a device fitted from hfs2\'s own pulse trains (--device-csv) gives the hfs2 result within noise', async () => {
    // the device lab writes hfs2's cycle protocol as CSV; the paper command's fit reads it back
    const csv = join(dir, 'hfs2-trains.csv');
    const lab = runCli(['device', 'curve', '--preset', 'hfs2', '--csv', csv]);
    expect(lab.code).toBe(0);
    const fitted = fittedDevice(csv);
    expect(fitted.kind).toBe('table');
    const train = sliceDataset(loadMnist({ split: 'train' }), 0, 5000);
    const test = sliceDataset(loadMnist({ split: 'test' }), 0, 1000);
    const { weights } = await trainMlp({ train, hyper: { sizes: [784, 64, 10], epochs: 3, seed: 1 } });
    const data = { images: test.pixels, labels: test.labels };
    const row = (device: typeof fitted | string, program: 'open-loop' | 'write-verify') =>
      evaluateDeployment(weights, data, { device, program, dtod: 0.3, instances: 4, count: 1000, seed: 1 }).accuracy;
    // measured: write-verify 86.77 ± 0.05 (hfs2) against 86.55 ± 0.06 % (fit); open loop 80.88 ± 0.48 against 80.40 ± 0.54 %
    const [wvPreset, wvFit] = [row('hfs2', 'write-verify'), row(fitted, 'write-verify')];
    expect(Math.abs(wvFit.mean - wvPreset.mean)).toBeLessThan(0.005);
    const [olPreset, olFit] = [row('hfs2', 'open-loop'), row(fitted, 'open-loop')];
    expect(Math.abs(olFit.mean - olPreset.mean)).toBeLessThan(Math.max(0.01, 2 * (olPreset.std + olFit.std)));
  });
});
