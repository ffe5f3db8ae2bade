/**
 * `memspike eval --independent-images --workers N` (the built CLI): N worker threads give the
 * --json of one thread, bit for bit (wall times aside), with or without a label pass and with more
 * threads than images; the default sequential evaluation gives what it gave before the option
 * existed; bad --workers values and a split of the sequential evaluation are refused, naming the
 * flag, the value and the fix, before any work.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { ROOT, runCli } from './run-cli.js';
import { loadMnist } from '../../networks/datasets/idx-node.js';
import type * as Pool from '../../cli/eval-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'memspike-eval-workers-'));
const model = join(dir, 'm.mspk');

/** The JSON of a run without its wall-time fields (which no two runs share). */
function timeless(j: Record<string, unknown> | null): unknown {
  expect(j).not.toBeNull();
  const { seconds: _s, ...rest } = j as Record<string, unknown> & { phases: Record<string, unknown>[] };
  return { ...rest, phases: rest.phases.map(({ seconds: _p, samplesPerSec: _r, ...p }) => p) };
}

function evalJson(args: string[]): Record<string, unknown> {
  const r = runCli(['eval', model, ...args, '--quiet', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  return r.last!;
}

/** Refused with `message`, before any work: exit code 1, nothing on stdout, no progress line. */
function refused(args: string[], message: RegExp): void {
  const r = runCli(['eval', ...args]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/samples\/s/);
}

describe('memspike eval --workers', () => {
  it('trains the model the regression values below were measured on', () => {
    const r = runCli(['train', '--neurons', '10', '--samples', '20', '--seed', '3', '--out', model, '--quiet', '--json']);
    expect(r.code).toBe(0);
  });

  it('the default sequential evaluation is what it was before --independent-images and --workers existed', () => {
    // Regression values: `memspike train --neurons 10 --samples 20 --seed 3 --out m.mspk` then
    // `memspike eval m.mspk --samples 25 --json` (and `--label-pass 15 --samples 20`), run on the
    // built CLI of the tree before this feature was written (same model file, same commands).
    const plain = timeless(evalJson(['--samples', '25'])) as { phases: unknown[] };
    expect(plain.phases).toEqual([
      {
        phase: 'evaluate', mode: 'temporal', samples: 25, correct: 7, accuracy: 0.28,
        confusion: [[2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0], [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 1, 0, 1, 0, 2, 0]],
        inferenceEnergy_nJ: 35950.9301542706, silent: 0, silentRate: 0,
      },
    ]);
    const labelled = timeless(evalJson(['--label-pass', '15', '--samples', '20'])) as { phases: unknown[]; spec: { schedule: unknown[] } };
    expect(labelled.phases).toEqual([
      { phase: 'label', samples: 15, first: 59985, labelsChanged: 7, unlabelled: 2 },
      {
        phase: 'evaluate', mode: 'temporal', samples: 20, correct: 3, accuracy: 0.15,
        confusion: [[2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0], [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], [0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0]],
        inferenceEnergy_nJ: 35836.460336484495, silent: 0, silentRate: 0,
      },
    ]);
    // the spec of a sequential evaluation carries no `images` field (as before)
    expect(labelled.spec.schedule).toEqual([{ phase: 'label', samples: 15 }, { phase: 'evaluate', mode: 'temporal', samples: 20 }]);
    // --workers 1 is the default
    expect(timeless(evalJson(['--samples', '25', '--workers', '1']))).toEqual(plain);
  });

  it('--independent-images: 1, 2 and 3 worker threads print the same --json, bit for bit (label pass in the main thread)', () => {
    const args = ['--label-pass', '10', '--samples', '25', '--independent-images'];
    const one = timeless(evalJson(args)) as { phases: Record<string, unknown>[]; spec: { schedule: unknown[] } };
    expect(one.spec.schedule).toEqual([{ phase: 'label', samples: 10 }, { phase: 'evaluate', mode: 'temporal', samples: 25, images: 'independent' }]);
    expect(one.phases[1]).toMatchObject({ phase: 'evaluate', mode: 'temporal', samples: 25 });
    expect((one.phases[1]['confusion'] as number[][]).flat().reduce((a, b) => a + b, 0)).toBe(25);
    expect(one.phases[1]['inferenceEnergy_nJ']).toBeGreaterThan(0);
    expect(timeless(evalJson([...args, '--workers', '2']))).toEqual(one);
    expect(timeless(evalJson([...args, '--workers', '3']))).toEqual(one);
    // a different protocol from the sequential one on the same images
    const seq = timeless(evalJson(['--label-pass', '10', '--samples', '25'])) as { phases: Record<string, unknown>[] };
    expect(seq.phases[1]['inferenceEnergy_nJ']).not.toBe(one.phases[1]['inferenceEnergy_nJ']);
  });

  it('more threads than images: one thread per image, the same result', () => {
    const one = timeless(evalJson(['--samples', '3', '--independent-images']));
    expect(timeless(evalJson(['--samples', '3', '--independent-images', '--workers', '5']))).toEqual(one);
  });

  it('shows the progress of the threads and says how it evaluated in the table', () => {
    const r = runCli(['eval', model, '--samples', '12', '--independent-images', '--workers', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1\/1 temporal 12\/12 .*samples\/s {2}acc/);
    expect(r.stdout).toMatch(/memspike eval .*m\.mspk \(independent images, 2 worker threads\)/);
    expect(r.stdout).toMatch(/temporal simulation/);
  });

  it.each([
    ['0'],
    ['-1'],
    ['1.5'],
    ['two'],
    ['1e9'],
    ['100000'],
  ])('--workers %s is refused before any work, naming the flag, the value and the range', (value) => {
    refused([model, '--samples', '5', '--independent-images', '--workers', value], new RegExp(`--workers ${value.replace('.', '\\.')}: expected a whole number of worker threads in \\[1, \\d+\\]; one per core is the fastest \\(this machine has \\d+: --workers \\d+\\)`));
  });

  it('--workers 2 without --independent-images is refused before the model is even read: the sequential evaluation cannot be split', () => {
    const msg = /--workers 2: the default \(sequential\) evaluation carries each image's state .* into the next, so it cannot be split across threads; add --independent-images/;
    refused([model, '--samples', '5', '--workers', '2'], msg);
    refused([join(dir, 'no-such-model.mspk'), '--workers', '2'], msg);
  });

  it('a thread that fails stops the others and the evaluation fails with its message and slice: here the model file is not the one the main thread read', async () => {
    // the built pool (its threads run dist/cli/eval-thread.js)
    const pool = (await import(pathToFileURL(join(ROOT, 'dist', 'cli', 'eval-pool.js')).href)) as typeof Pool;
    const test = loadMnist({ split: 'test' });
    const stamp = pool.fileStamp(model);
    const labels = new Int8Array(10);
    const ok = await pool.evaluateOnWorkers({ file: model, fileStamp: stamp, test, labels, samples: 4, workers: 2 });
    expect(ok.map((a) => [a.first, a.predicted.length])).toEqual([[0, 2], [2, 2]]);
    await expect(pool.evaluateOnWorkers({ file: model, fileStamp: { ...stamp, mtimeMs: stamp.mtimeMs - 1000 }, test, labels, samples: 4, workers: 2 })).rejects.toThrow(/^worker thread [12] of 2 \(test images [02]…[13]\): .*m\.mspk changed while it was being evaluated/);
    await expect(pool.evaluateOnWorkers({ file: model, fileStamp: stamp, test, labels: new Int8Array(3), samples: 4, workers: 2 })).rejects.toThrow(/3 labels for a model of 10 neurons/);
    expect(pool.slices(10, 3)).toEqual([{ from: 0, to: 4 }, { from: 4, to: 7 }, { from: 7, to: 10 }]);
    expect(pool.slices(2, 5)).toEqual([{ from: 0, to: 1 }, { from: 1, to: 2 }]);
  });

  it('--independent-images and --workers do not apply to crossbar evaluations', () => {
    refused([model, '--mode', 'crossbar', '--samples', '5', '--independent-images'], /--independent-images: applies to temporal evaluations only \(mode 'temporal'\); crossbar inference carries no state from one image to the next/);
    refused([model, '--mode', 'crossbar', '--samples', '5', '--independent-images', '--workers', '2'], /--workers 2: a crossbar evaluation runs in this thread/);
  });
});
