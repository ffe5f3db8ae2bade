/**
 * `memspike sweep SPEC --out DIR` on the local pool and `memspike sweep collect DIR`, end to end
 * through the built CLI (dist/): a small real sweep to a complete table with provenance and model
 * files; a restart after SIGKILL that skips the finished trials; a trial on a corrupt data file
 * that ends as failed with its error after 2 attempts while the others complete; shards that
 * together fill one DIR; and refusals (another sweep's DIR, bad flags, bad specs) before any work.
 * Trials are tiny (10 neurons, 10–30 random images) so the file runs in seconds.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN, ROOT, runCli } from '../cli/run-cli.js';
import { RandomStream } from '../../core/random.js';
import { MEMSPIKE_VERSION } from '../../core/version.js';
import { encodeIdx } from '../../networks/datasets/idx.js';
import { decodeModel } from '../../networks/persist/model-file.js';
import { expandTrials, resolveSweepSpec, type Trial } from '../../networks/sweep/spec.js';
import type { TrialResult } from '../../cli/sweep/trial.js';

const dir = mkdtempSync(join(tmpdir(), 'memspike-sweep-'));
const IMAGES = join(dir, 'images.idx');
const LABELS = join(dir, 'labels.idx');
const CORRUPT = join(dir, 'corrupt-images.idx');
{
  const n = 40;
  const rng = new RandomStream('sweep-test');
  const pixels = encodeIdx('u8', [n, 28, 28], Array.from({ length: n * 784 }, () => Math.floor(256 * rng.uniform())));
  writeFileSync(IMAGES, pixels);
  writeFileSync(LABELS, encodeIdx('u8', [n], Array.from({ length: n }, (_, k) => k % 10)));
  // the same file cut short: loading it throws (a real error, as a damaged download would)
  writeFileSync(CORRUPT, pixels.subarray(0, 20_000));
}

/** A sweep file of tiny trials on the test images: `train` images, labelled and tested on 10 (not validated). */
function writeSweep(name: string, axes: Record<string, unknown[]>, repeats = 1, train = 10): { path: string; sweep: unknown } {
  const data = { images: IMAGES, labels: LABELS };
  const sweep = {
    base: {
      neurons: 10,
      data: { train: data, test: data },
      schedule: [
        { phase: 'train', samples: train },
        { phase: 'label', samples: 10 },
        { phase: 'evaluate', mode: 'temporal', samples: 10 },
      ],
    },
    axes,
    repeats,
  };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(sweep, null, 2));
  return { path, sweep };
}

/** A valid sweep file and its trials. */
function sweepFile(name: string, axes: Record<string, unknown[]>, repeats = 1, train = 10): { path: string; trials: Trial[] } {
  const { path, sweep } = writeSweep(name, axes, repeats, train);
  return { path, trials: expandTrials(resolveSweepSpec(sweep)) };
}

const resultOf = (out: string, id: string): TrialResult => JSON.parse(readFileSync(join(out, 'trials', `${id}.json`), 'utf8')) as TrialResult;
const csvRows = (out: string): string[][] =>
  readFileSync(join(out, 'table.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));

describe('memspike sweep (local pool)', () => {
  const { path: spec, trials } = sweepFile('small', { d2d: [0, 0.5] }, 2);
  const out = join(dir, 'small-out');

  it('runs a small sweep on 2 worker threads to a complete table, with provenance, model files and plots', () => {
    const r = runCli(['sweep', spec, '--out', out, '--workers', '2', '--save-models', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.last).toMatchObject({ command: 'sweep', out, trials: 4, done: 4, failed: 0, missing: 0, ran: 4, skipped: 0, shard: null, interrupted: false });
    // one result file per trial, named by the trial's id
    expect(readdirSync(join(out, 'trials')).sort()).toEqual(trials.map((t) => `${t.id}.json`).sort());
    for (const t of trials) {
      const res = resultOf(out, t.id);
      expect(res).toMatchObject({ id: t.id, index: t.index, axes: t.axes, repeat: t.repeat, status: 'done', attempts: 1, model: join('models', `${t.id}.mspk`) });
      expect(res.provenance).toMatchObject({ memspike: MEMSPIKE_VERSION, seed: t.spec.seed, machine: { hostname: hostname(), node: process.version, platform: process.platform } });
      expect(res.provenance.spec).toEqual(t.spec);
      expect(res.provenance.wallSeconds).toBeGreaterThan(0);
      expect(res.metrics['accuracy']).toBe(res.metrics['temporal.accuracy']);
      expect(res.metrics['accuracy']).toBeGreaterThanOrEqual(0);
      expect(res.metrics['accuracy']).toBeLessThanOrEqual(1);
      expect(res.metrics['train.pulses']).toBeGreaterThan(0);
      // the model file embeds the trial's spec
      const model = decodeModel(new Uint8Array(readFileSync(join(out, res.model!))), res.model!);
      expect((model.params as { spec: unknown }).spec).toEqual(t.spec);
    }
    // repeats differ in seed: base seed 1, then 2
    expect(trials.map((t) => t.spec.seed)).toEqual([1, 2, 1, 2]);
    // the table: one column per axis and per metric, one row per trial
    const rows = csvRows(out);
    expect(rows[0].slice(0, 6)).toEqual(['index', 'id', 'd2d', 'repeat', 'status', 'attempts']);
    expect(rows[0]).toContain('accuracy');
    expect(rows[0]).toContain('model.pulses');
    expect(rows.slice(1).map((row) => [row[0], row[1], row[2], row[4]])).toEqual(trials.map((t) => [String(t.index), t.id, String(t.axes['d2d']), 'done']));
    const accuracyColumn = rows[0].indexOf('accuracy');
    expect(rows.slice(1).map((row) => Number(row[accuracyColumn]))).toEqual(trials.map((t) => resultOf(out, t.id).metrics['accuracy']));
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as TrialResult).id)).toEqual(trials.map((t) => t.id));
    // the markdown table: one row per grid point, mean ± std over the 2 repeats
    const md = readFileSync(join(out, 'table.md'), 'utf8');
    expect(md).toMatch(/\| d2d \| runs \| accuracy \[%\] \|/);
    expect(md).toMatch(/\| 0 \| 2\/2 \| /);
    expect(md).toMatch(/\| 0\.5 \| 2\/2 \| /);
    // a plot of each metric against the axis: a point per d2d value with its mean and the repeats it pools
    const svg = readFileSync(join(out, 'plots', 'accuracy--d2d.svg'), 'utf8');
    const points = [...svg.matchAll(/<circle class="point"[^>]*data-y="([^"]+)"[^>]*data-n="(\d)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const mean = (d2d: number) => (100 * trials.filter((t) => t.axes['d2d'] === d2d).reduce((s, t) => s + resultOf(out, t.id).metrics['accuracy'], 0)) / 2;
    expect(points).toEqual([
      [mean(0), 2],
      [mean(0.5), 2],
    ]);
    expect(existsSync(join(out, 'plots', 'model.pulses--d2d.svg'))).toBe(true);
  });

  it('run again, skips every finished trial and leaves its result as it was; collect rebuilds the same table', () => {
    const before = trials.map((t) => readFileSync(join(out, 'trials', `${t.id}.json`), 'utf8'));
    const table = readFileSync(join(out, 'table.csv'), 'utf8');
    const r = runCli(['sweep', spec, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.last).toMatchObject({ ran: 0, skipped: 4, done: 4 });
    expect(trials.map((t) => readFileSync(join(out, 'trials', `${t.id}.json`), 'utf8'))).toEqual(before);
    const c = runCli(['sweep', 'collect', out, '--json']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.last).toMatchObject({ trials: 4, done: 4, failed: 0, missing: 0 });
    expect(readFileSync(join(out, 'table.csv'), 'utf8')).toBe(table);
  });

  it("refuses a DIR that holds another sweep's results, and a non-empty folder that is not a sweep's, changing nothing", () => {
    const { path: other } = sweepFile('other', { d2d: [0.1] });
    const sweepJson = readFileSync(join(out, 'sweep.json'), 'utf8');
    const r = runCli(['sweep', other, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^memspike: --out .*small-out: holds the results of another sweep \(id [0-9a-f]{16}, d2d \[0,0\.5\], 2 repeats\); nothing was changed — give another --out folder, or remove .* to start this sweep there\.\n$/);
    expect(readFileSync(join(out, 'sweep.json'), 'utf8')).toBe(sweepJson);
    expect(readdirSync(join(out, 'trials'))).toHaveLength(4);
    const busy = join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    const b = runCli(['sweep', other, '--out', busy]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--out .*busy: is not empty \(notes\.txt\) and holds no sweep\.json; .*give a new or empty folder/);
    expect(readdirSync(busy)).toEqual(['notes.txt']);
  });

  it('refuses bad flags and bad sweep files before any work, naming the flag or field, the value and the fix', () => {
    const fresh = join(dir, 'never');
    const cases: [string[], RegExp][] = [
      [['sweep', spec, '--out', fresh, '--shard', '3/2'], /--shard 3\/2: i must be in 1 … 2 \(slices are numbered from 1\); give --shard 1\/2 … --shard 2\/2\./],
      [['sweep', spec, '--out', fresh, '--shard', 'half'], /--shard half: give i\/n/],
      [['sweep', spec, '--out', fresh, '--workers', '0'], /--workers 0: expected a whole number ≥ 1/],
      [['sweep', join(dir, 'missing.json'), '--out', fresh], /SPEC .*missing\.json: no such file/],
      [['sweep', writeSweep('unknown-axis', { dd2: [0.1] }).path, '--out', fresh], /SPEC .*unknown-axis\.json: axes\.dd2 = "dd2": names no field of an experiment spec — did you mean 'd2d'\?/],
      [['sweep', writeSweep('empty-axis', { d2d: [] }).path, '--out', fresh], /axes\.d2d = \[\]: is empty/],
      [['sweep', 'collect', fresh], /DIR .*never: holds no sweep\.json/],
      [['sweep', spec], /--out DIR is missing: give the sweep's folder/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    // a value the experiment refuses: every such trial, with its axis values
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ base: { neurons: 10, schedule: [{ phase: 'train', samples: 5 }] }, axes: { wMax: [0.5, 2, 3] }, repeats: 2 }));
    const r = runCli(['sweep', join(dir, 'bad.json'), '--out', fresh]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/4 of 6 trials are refused by the experiment spec:/);
    for (const [k, w, rep] of [[2, 2, ''], [3, 2, ', repeat 1'], [4, 3, ''], [5, 3, ', repeat 1']]) expect(r.stderr).toContain(`trial ${k} (wMax = ${w}${rep}): wMax = ${w}: must be ≤ 1`);
    expect(existsSync(fresh)).toBe(false);
  });

  it('a trial on a corrupt data file fails after 2 attempts with its error, the others complete, and the exit code is 1', () => {
    const { path, trials: ts } = sweepFile('corrupt', { 'data.train.images': [IMAGES, CORRUPT], seed: [1, 2] });
    const o = join(dir, 'corrupt-out');
    const r = runCli(['sweep', path, '--out', o, '--workers', '2', '--json']);
    expect(r.code).toBe(1);
    expect(r.last).toMatchObject({ trials: 4, done: 2, failed: 2, missing: 0 });
    expect(r.stderr).toMatch(/threw on attempt 1: .*corrupt-images\.idx: IDX file truncated/);
    expect(r.stderr).toMatch(/FAILED after 2 attempts/);
    for (const t of ts) {
      const res = resultOf(o, t.id);
      if (t.axes['data.train.images'] === CORRUPT) {
        expect(res).toMatchObject({ status: 'failed', attempts: 2, metrics: {} });
        expect(res.error).toMatch(/corrupt-images\.idx: IDX file truncated — .* the file has 20000\./);
      } else {
        expect(res).toMatchObject({ status: 'done', attempts: 1 });
      }
    }
    const rows = csvRows(o);
    const status = rows[0].indexOf('status');
    expect(rows.slice(1).map((row) => row[status])).toEqual(['done', 'done', 'failed', 'failed']);
    expect(readFileSync(join(o, 'table.csv'), 'utf8')).toMatch(/failed,2,.*IDX file truncated/);
    // the failed trials run again on the next start (the file may have been repaired); done ones do not
    const again = runCli(['sweep', path, '--out', o, '--json']);
    expect(again.code).toBe(1);
    expect(again.last).toMatchObject({ skipped: 2, ran: 2, failed: 2 });
  });

  it('restart after SIGKILL in the middle: finished trials are not run again, the others are, and the table is complete', async () => {
    const { path, trials: ts } = sweepFile('killed', { seed: [1, 2, 3, 4, 5, 6] }, 1, 30);
    const o = join(dir, 'killed-out');
    const child = spawn(process.execPath, [MAIN, 'sweep', path, '--out', o, '--workers', '1'], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code)));
    const finished = () => (existsSync(join(o, 'trials')) ? readdirSync(join(o, 'trials')).filter((f) => f.endsWith('.json')).length : 0);
    const t0 = Date.now();
    while (finished() < 2 && Date.now() - t0 < 60_000) await new Promise((res) => setTimeout(res, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    const before = new Map(readdirSync(join(o, 'trials')).filter((f) => f.endsWith('.json')).map((f) => [f.slice(0, 16), readFileSync(join(o, 'trials', f), 'utf8')]));
    expect(before.size).toBeGreaterThanOrEqual(2);
    expect(before.size).toBeLessThan(6); // killed in the middle
    expect(existsSync(join(o, 'table.csv'))).toBe(false);
    const r = runCli(['sweep', path, '--out', o, '--workers', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.last).toMatchObject({ skipped: before.size, ran: 6 - before.size, done: 6, missing: 0 });
    // the finished trials' results (and their startedAt) are the ones from before the kill
    for (const [id, text] of before) expect(readFileSync(join(o, 'trials', `${id}.json`), 'utf8')).toBe(text);
    const startedAfter = ts.filter((t) => !before.has(t.id)).map((t) => Date.parse(resultOf(o, t.id).provenance.startedAt));
    const startedBefore = [...before.values()].map((t) => Date.parse((JSON.parse(t) as TrialResult).provenance.startedAt));
    expect(Math.min(...startedAfter)).toBeGreaterThan(Math.max(...startedBefore));
    expect(csvRows(o)).toHaveLength(7);
  });

  it('--shard 1/2 and 2/2 into one DIR run disjoint halves that together complete the sweep', () => {
    const o = join(dir, 'shards-out');
    const one = runCli(['sweep', spec, '--out', o, '--shard', '1/2', '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.last).toMatchObject({ shard: '1/2', shardTrials: 2, ran: 2, done: 2, missing: 2 });
    const firstIds = readdirSync(join(o, 'trials')).sort();
    expect(firstIds).toEqual(trials.filter((t) => t.index % 2 === 0).map((t) => `${t.id}.json`).sort());
    const two = runCli(['sweep', spec, '--out', o, '--shard', '2/2', '--json']);
    expect(two.code, two.stderr).toBe(0);
    expect(two.last).toMatchObject({ shard: '2/2', shardTrials: 2, ran: 2, skipped: 0, done: 4, missing: 0 });
    expect(readdirSync(join(o, 'trials')).sort()).toEqual(trials.map((t) => `${t.id}.json`).sort());
    // the same trials as the unsharded run, bit for bit in their metrics but the wall times
    const stripTimes = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([k]) => !/seconds|samplesPerSec/i.test(k)));
    for (const t of trials) expect(stripTimes(resultOf(o, t.id).metrics)).toEqual(stripTimes(resultOf(out, t.id).metrics));
  });
});
