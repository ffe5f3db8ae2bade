import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { encodeIdx } from '../../networks/datasets/idx.js';
import { RandomStream } from '../../core/random.js';

const dir = mkdtempSync(join(tmpdir(), 'memspike-cli-'));

describe('memspike train / eval', () => {
  const model = join(dir, 'm.mspk');

  it('train --json prints one parseable JSON object last and writes the model file', () => {
    const r = runCli(['train', '--neurons', '10', '--samples', '20', '--device', 'hfs2', '--seed', '3', '--out', model, '--json']);
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ command: 'train', neurons: 10, samples: 20, device: 'hfs2', trained_samples: 20, rounding: 'stochastic', out: model });
    expect((r.last as { pulses: number }).pulses).toBeGreaterThan(0);
    expect(existsSync(model)).toBe(true);
  });

  it.each(['temporal', 'crossbar'])('eval --mode %s --json prints accuracy, confusion, silent rate, energies and images/s', (mode) => {
    const r = runCli(['eval', model, '--mode', mode, '--samples', '30', '--age', '1d', '--compensate', '--json']);
    expect(r.code).toBe(0);
    const j = r.last as Record<string, unknown>;
    for (const k of ['accuracy', 'confusion', 'silent_rate', 'energy_nJ_per_sample_programming', 'energy_nJ_per_sample_inference', 'images_per_s']) expect(j).toHaveProperty(k);
    expect((j['confusion'] as number[][]).flat().reduce((a, b) => a + b, 0)).toBe(30);
    if (mode === 'crossbar') expect(j).toMatchObject({ age_days: 1, column_correction: true, program: 'open-loop' });
  });

  it('eval --mode crossbar --program write-verify --no-column-correction says so in its JSON', () => {
    const r = runCli(['eval', model, '--mode', 'crossbar', '--program', 'write-verify', '--no-column-correction', '--samples', '20', '--json']);
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ program: 'write-verify', column_correction: false, samples: 20, readout: 'winner', readout_temperature: 0 });
    expect((r.last as { program_pulses: number }).program_pulses).toBeGreaterThan(0);
  });

  it('eval --label-pass N relabels from a frozen pass over training images, reports it, and leaves the file unchanged', () => {
    const before = readFileSync(model);
    const r = runCli(['eval', model, '--label-pass', '40', '--samples', '20', '--json']);
    expect(r.code).toBe(0);
    expect(r.last).toMatchObject({ label_pass: 40, samples: 20 });
    const changed = (r.last as { labels_changed: number }).labels_changed;
    expect(Number.isInteger(changed) && changed >= 0 && changed <= 10).toBe(true);
    expect(readFileSync(model).equals(before)).toBe(true);
    // train --label-pass runs the same pass after training and saves its labels: evaluating that
    // file equals relabelling the plain file at evaluation, bit for bit (same labels, same draws)
    const plain = join(dir, 'plain.mspk');
    const labelled = join(dir, 'labelled.mspk');
    expect(runCli(['train', '--neurons', '10', '--samples', '20', '--seed', '4', '--out', plain, '--json']).code).toBe(0);
    const t = runCli(['train', '--neurons', '10', '--samples', '20', '--seed', '4', '--label-pass', '30', '--out', labelled, '--json']);
    expect(t.code).toBe(0);
    expect(t.last).toMatchObject({ command: 'train', label_pass: 30 });
    expect(Number.isInteger((t.last as { labels_changed: number }).labels_changed)).toBe(true);
    const late = runCli(['eval', plain, '--label-pass', '30', '--samples', '25', '--json']).last as Record<string, unknown>;
    const early = runCli(['eval', labelled, '--samples', '25', '--json']).last as Record<string, unknown>;
    expect(late['confusion']).toEqual(early['confusion']);
    expect(late['labels_changed']).toBe((t.last as { labels_changed: number }).labels_changed);
    // without the flag: no pass, and the key says so
    expect(runCli(['eval', model, '--samples', '5', '--json']).last).toMatchObject({ label_pass: 0, labels_changed: null });
  });

  it.each([
    [['train', '--neurons', '0'], /--neurons 0: expected a whole number ≥ 1/],
    [['eval', 'PLACEHOLDER', '--label-pass', '10001'], /--label-pass 10001: at most 10000 images \(the label window of Diehl & Cook's assignment\)/],
    [['eval', 'PLACEHOLDER', '--label-pass', '-3'], /--label-pass -3: expected a whole number ≥ 0/],
    [['train', '--samples', '60000', '--label-pass', '20000'], /--label-pass 20000: at most 10000 images/], // refused before 60 000 samples of training
    [['train', '--device', 'unobtanium', '--samples', '5'], /--device 'unobtanium' is unknown; known: float, hfs2/],
    [['train', '--rule', 'hebb', '--samples', '5'], /rule 'hebb' is unknown; known rules: pair, triplet, diehlCook, querlioz/],
    [['train', '--rounding', 'accumulate', '--samples', '5'], /--rounding accumulate needs a device preset \(--device hfs2, …\): float weights take every change exactly/],
    [['train', '--rounding', 'feedback', '--samples', '5'], /--rounding feedback needs a device preset \(--device hfs2, …\): float weights take every change exactly/],
    [['train', '--rounding', 'nearest', '--device', 'hfs2', '--samples', '5'], /--rounding 'nearest': use stochastic, deterministic, accumulate/],
    [['train', '--samples', '60001'], /--samples 60001 is larger than the MNIST train set \(60000 images\)/],
    [['train', '--samples', '5', '--out', '/nonexistent-dir/x.mspk'], /--out \/nonexistent-dir\/x\.mspk: the directory \/nonexistent-dir does not exist; create it first/],
    [['eval', '/nonexistent.mspk'], /no such model file/],
    [['eval', 'PLACEHOLDER', '--mode', 'sideways'], /--mode sideways: use temporal or crossbar/],
    [['eval', 'PLACEHOLDER', '--mode', 'crossbar', '--readout', 'poll'], /--readout poll: use winner or vote/],
    [['eval', 'PLACEHOLDER', '--samples', '10001'], /--samples 10001 is larger than the MNIST test set/],
  ])('%j → a clear one-line error and exit code 1', (args, message) => {
    const r = runCli(args.map((a) => (a === 'PLACEHOLDER' ? model : a)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^memspike: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a model file from a newer format, a truncated or a corrupt file is refused, and --out never overwrites a good file on failure', () => {
    const good = readFileSync(model);
    const newer = Buffer.from(good);
    newer.writeUInt32LE(99, 4);
    const newerPath = join(dir, 'newer.mspk');
    writeFileSync(newerPath, newer);
    expect(runCli(['eval', newerPath]).stderr).toMatch(/written by a newer memspike \(format v99\); this one reads up to v1 — upgrade memspike/);
    const truncated = join(dir, 'trunc.mspk');
    writeFileSync(truncated, good.subarray(0, good.length - 100));
    expect(runCli(['eval', truncated]).code).toBe(1);
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length >> 1] ^= 0xff;
    const corruptPath = join(dir, 'corrupt.mspk');
    writeFileSync(corruptPath, corrupt);
    const rc = runCli(['eval', corruptPath]);
    expect(rc.code).toBe(1);
    expect(rc.stderr).toMatch(/checksum|corrupt/i);
    // a failing train (bad flag) leaves the existing file untouched
    const r = runCli(['train', '--samples', '5', '--device', 'nope', '--out', model]);
    expect(r.code).toBe(1);
    expect(readFileSync(model).equals(good)).toBe(true);
  });

  it('--train-idx takes any IDX pair; wrong image sizes and missing files are clear errors', () => {
    // a Fashion-MNIST-style pair: 12 random 28×28 images and labels
    const rng = new RandomStream('idx-test');
    const pixels = Array.from({ length: 12 * 784 }, () => Math.floor(256 * rng.uniform()));
    const labels = Array.from({ length: 12 }, (_, k) => k % 10);
    const img = join(dir, 'imgs.idx');
    const lab = join(dir, 'labs.idx');
    writeFileSync(img, encodeIdx('u8', [12, 28, 28], pixels));
    writeFileSync(lab, encodeIdx('u8', [12], labels));
    const ok = runCli(['train', '--neurons', '5', '--samples', '12', '--train-idx', `${img},${lab}`, '--json']);
    expect(ok.code).toBe(0);
    expect(ok.last).toMatchObject({ samples: 12 });
    const small = join(dir, 'small.idx');
    writeFileSync(small, encodeIdx('u8', [12, 10, 10], pixels.slice(0, 1200)));
    const wrong = runCli(['train', '--samples', '5', '--train-idx', `${small},${lab}`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/images are 10×10 = 100 pixels; the network has 784 inputs — use 28×28 images/);
    const missing = runCli(['train', '--samples', '5', '--train-idx', `${join(dir, 'nope.idx')},${lab}`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.idx/);
  });

  it('train --resume continues exactly where the saved model stopped', () => {
    const a = join(dir, 'a.mspk');
    const b = join(dir, 'b.mspk');
    const c = join(dir, 'c.mspk');
    expect(runCli(['train', '--neurons', '8', '--samples', '12', '--seed', '4', '--out', a, '--json']).code).toBe(0);
    expect(runCli(['train', '--resume', a, '--samples', '12', '--out', b, '--json']).code).toBe(0);
    expect(runCli(['train', '--neurons', '8', '--samples', '24', '--seed', '4', '--out', c, '--json']).code).toBe(0);
    // identical apart from nothing: same state, labels, stream states and responses
    expect(readFileSync(b).equals(readFileSync(c))).toBe(true);
  });
});
