/**
 * `memspike train`, `eval` and `experiment` end to end (the built CLI): typed JSON results, model
 * files that embed their spec and data identity, --spec/--print-spec, --resume, checkpoints on
 * SIGINT, and one-line errors naming the flag, the value and the fix before any work.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN, ROOT, runCli } from './run-cli.js';
import { encodeIdx } from '../../networks/datasets/idx.js';
import { decodeModel, encodeModel, type ModelDoc } from '../../networks/persist/model-file.js';
import { RandomStream } from '../../core/random.js';

const dir = mkdtempSync(join(tmpdir(), 'memspike-cli-'));
const doc = (file: string): ModelDoc => decodeModel(new Uint8Array(readFileSync(file)), file);
/** Everything a model file holds about the network's state (not the spec's schedule). */
const stateOf = (file: string) => {
  const d = doc(file);
  const p = d.params as Record<string, unknown>;
  return { arrays: Object.fromEntries(Object.entries(d.arrays).map(([k, a]) => [k, Array.from(a as ArrayLike<number>)])), scalars: d.scalars, labels: d.labels, rng: d.rng, state: p['state'], snapshot: p['snapshot'] };
};

/** A Fashion-MNIST-style IDX pair of `n` random 28×28 images. */
function idxPair(name: string, n: number, seed: string): string {
  const rng = new RandomStream(seed);
  const img = join(dir, `${name}-images.idx`);
  const lab = join(dir, `${name}-labels.idx`);
  writeFileSync(img, encodeIdx('u8', [n, 28, 28], Array.from({ length: n * 784 }, () => Math.floor(256 * rng.uniform()))));
  writeFileSync(lab, encodeIdx('u8', [n], Array.from({ length: n }, (_, k) => k % 10)));
  return `${img},${lab}`;
}

describe('memspike train / eval / experiment', () => {
  const model = join(dir, 'm.mspk');

  it('train --json prints one JSON object (nothing else on stdout) with the spec, the data identity and typed phase results, and writes the model', () => {
    const r = runCli(['train', '--neurons', '10', '--samples', '20', '--seed', '3', '--out', model, '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = r.last as Record<string, any>;
    expect(j).toMatchObject({ command: 'train', out: model, spec: { neurons: 10, seed: 3, device: 'hfs2', cell: 'pair', wMax: 0.5, rounding: 'feedback', deviceNormalisation: 'pulses' }, model: { trainedSamples: 20 } });
    expect(j.phases.map((p: { phase: string }) => p.phase)).toEqual(['train', 'label']);
    expect(j.phases[1]).toMatchObject({ samples: 20, first: 59_980 }); // the default label pass: as many images as trained on, the last of the set
    expect(j.model.pulses).toBeGreaterThan(0);
    expect(j.data.train).toMatchObject({ count: 60000, rows: 28, cols: 28, files: [{ name: 'train-images-idx3-ubyte', bytes: 47040016 }, { name: 'train-labels-idx1-ubyte', bytes: 60008 }] });
    const d = doc(model);
    expect((d.params as any).spec).toEqual(j.spec);
    expect((d.params as any).data.train).toEqual(j.data.train);
  });

  it.each(['temporal', 'crossbar'])('eval --mode %s --json: accuracy, confusion, energies and images/s of the model file', (mode) => {
    const r = runCli(['eval', model, '--mode', mode, '--samples', '30', ...(mode === 'crossbar' ? ['--age', '1d'] : []), '--json']);
    expect(r.code).toBe(0);
    const j = r.last as Record<string, any>;
    expect(j).toMatchObject({ command: 'eval', file: model });
    const ev = j.phases[0];
    for (const k of ['accuracy', 'confusion', 'correct', 'inferenceEnergy_nJ', 'samplesPerSec']) expect(ev).toHaveProperty(k);
    expect((ev.confusion as number[][]).flat().reduce((a, b) => a + b, 0)).toBe(30);
    if (mode === 'crossbar') expect(ev).toMatchObject({ age: 86_400_000, columnCorrection: true, program: 'write-verify', compensate: true, device: 'hfs2' });
    else expect(ev).toHaveProperty('silentRate');
  });

  it('eval --label-pass N relabels first and leaves the file unchanged; train --label-pass N then eval is the same, bit for bit', () => {
    const before = readFileSync(model);
    const r = runCli(['eval', model, '--label-pass', '15', '--samples', '20', '--json']);
    expect(r.code).toBe(0);
    expect((r.last as any).phases[0]).toMatchObject({ phase: 'label', samples: 15, first: 59_985 });
    expect(readFileSync(model).equals(before)).toBe(true);
    const plain = join(dir, 'plain.mspk');
    const labelled = join(dir, 'labelled.mspk');
    expect(runCli(['train', '--device', 'float', '--neurons', '10', '--samples', '20', '--seed', '4', '--label-pass', '0', '--out', plain, '--json']).code).toBe(0);
    expect(runCli(['train', '--device', 'float', '--neurons', '10', '--samples', '20', '--seed', '4', '--label-pass', '12', '--out', labelled, '--json']).code).toBe(0);
    const late = runCli(['eval', plain, '--label-pass', '12', '--samples', '25', '--json']).last as any;
    const early = runCli(['eval', labelled, '--samples', '25', '--json']).last as any;
    expect(late.phases[1].confusion).toEqual(early.phases[0].confusion);
    // the label pass does not disturb the trained state: the two files differ only in their labels and spec
    const a = stateOf(plain);
    const b = stateOf(labelled);
    expect({ ...a, labels: null }).toEqual({ ...b, labels: null });
  });

  it('--print-spec prints the resolved spec and runs nothing; --spec reads it back to the same spec', () => {
    const p = runCli(['train', '--device', 'ideal', '--neurons', '30', '--samples', '50', '--label-pass', '40', '--print-spec']);
    expect(p.code).toBe(0);
    const spec = JSON.parse(p.stdout);
    expect(spec).toMatchObject({ device: 'ideal', neurons: 30, schedule: [{ phase: 'train', samples: 50, epochs: 1 }, { phase: 'label', samples: 40 }] });
    const file = join(dir, 'spec.json');
    writeFileSync(file, p.stdout);
    const q = runCli(['train', '--spec', file, '--print-spec']);
    expect(q.stdout).toBe(p.stdout);
    // flags override the file's fields; the file's own schedule is not mixed with schedule flags
    expect(JSON.parse(runCli(['train', '--spec', file, '--seed', '9', '--print-spec']).stdout)).toMatchObject({ seed: 9, neurons: 30 });
    const mixed = runCli(['train', '--spec', file, '--samples', '10']);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/--samples: .*spec\.json has its own schedule/);
    writeFileSync(file, JSON.stringify({ ...spec, wMax: -2 }));
    expect(runCli(['train', '--spec', file]).stderr).toMatch(/spec\.json: wMax = -2: must be > 0/);
  });

  it('train --resume continues exactly where the saved model stopped (device pulses included)', () => {
    const a = join(dir, 'a.mspk');
    const b = join(dir, 'b.mspk');
    const c = join(dir, 'c.mspk');
    const common = ['--neurons', '8', '--seed', '4', '--label-pass', '0'];
    expect(runCli(['train', ...common, '--samples', '12', '--out', a, '--json']).code).toBe(0);
    const resumed = runCli(['train', '--resume', a, '--samples', '12', '--label-pass', '0', '--out', b, '--json']);
    expect(resumed.code).toBe(0);
    const whole = runCli(['train', ...common, '--samples', '24', '--out', c, '--json']);
    expect(stateOf(b)).toEqual(stateOf(c));
    expect((resumed.last as any).model).toEqual((whole.last as any).model);
    // a resumed model keeps its network
    const r = runCli(['train', '--resume', a, '--device', 'float', '--samples', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--device float: .*a\.mspk was trained with device = "hfs2"; a resumed model keeps its network — drop --device/);
    expect(runCli(['train', '--resume', a, '--device', 'hfs2', '--samples', '1', '--label-pass', '0', '--json']).code).toBe(0); // the same value is no change
  });

  it('Ctrl-C during training finishes the sample, writes a checkpoint, prints the command that resumes it, exits 130; resuming gives the uninterrupted result, bit for bit', async () => {
    const out = join(dir, 'sig.mspk');
    const args = ['train', '--neurons', '10', '--samples', '400', '--seed', '2', '--label-pass', '30', '--out', out];
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT });
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/train 4\d\/400|train [1-9]\d+\/400/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(130);
    const ckpt = join(dir, 'sig.checkpoint.mspk');
    expect(existsSync(ckpt)).toBe(true);
    expect(existsSync(out)).toBe(false);
    const m = /resume with: (memspike .*)\n/.exec(stderr);
    expect(m?.[1]).toBe(`memspike train --resume ${ckpt} --out ${out}`);
    // the checkpoint refuses flags that would change its run, and is not a model eval accepts
    expect(runCli(['train', '--resume', ckpt, '--samples', '5']).stderr).toMatch(/--samples: .*is a checkpoint of an interrupted run; it continues as it was specified/);
    expect(runCli(['eval', ckpt]).stderr).toMatch(/is a checkpoint of an interrupted run, not a finished model/);
    const resumed = runCli(['train', '--resume', ckpt, '--out', out, '--json']);
    expect(resumed.code).toBe(0);
    const whole = join(dir, 'whole.mspk');
    expect(runCli([...args.slice(0, -1), whole, '--json']).code).toBe(0);
    expect(stateOf(out)).toEqual(stateOf(whole));
    // a checkpoint from another memspike version is refused, and nothing is overwritten
    const d = doc(ckpt);
    const other = join(dir, 'other.checkpoint.mspk');
    writeFileSync(other, encodeModel({ ...d, params: { ...d.params, memspike: '0.0.1' } }));
    const before = readFileSync(out);
    const refused = runCli(['train', '--resume', other, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/a checkpoint written by memspike 0\.0\.1; this is memspike .*resume it with memspike 0\.0\.1/);
    expect(readFileSync(out).equals(before)).toBe(true);
  });

  it('a model trained on other data labels and calibrates from its own training set, and refuses training data that is not it, showing both', () => {
    const trainX = idxPair('x-train', 30, 'x');
    const testX = idxPair('x-test', 12, 'xt');
    const file = join(dir, 'x.mspk');
    expect(runCli(['train', '--device', 'float', '--neurons', '6', '--samples', '30', '--train-idx', trainX, '--out', file, '--json']).code).toBe(0);
    // no --train-idx: the label pass uses the model's own training images (recorded in the file)
    const ok = runCli(['eval', file, '--test-idx', testX, '--label-pass', '10', '--samples', '12', '--json']);
    expect(ok.code).toBe(0);
    expect((ok.last as any).data.train.files[0].name).toBe('x-train-images.idx');
    expect((ok.last as any).data.train.count).toBe(30);
    const wrong = runCli(['eval', file, '--train-idx', idxPair('y-train', 30, 'y'), '--label-pass', '10', '--samples', '5']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/x\.mspk was trained on other images than .*y-train-images\.idx/);
    expect(wrong.stderr).toMatch(/trained on: x-train-images\.idx \(23536 bytes\) \+ x-train-labels\.idx \(38 bytes\): 30 images of 28×28, pixels:[0-9a-f]{8} labels:[0-9a-f]{8}/);
    expect(wrong.stderr).toMatch(/given: {6}y-train-images\.idx/);
  });

  it.each([
    [['train', '--neurons', '0'], /^memspike: --neurons 0: must be in \[1, 100000\]; give the number of excitatory neurons/],
    [['train', '--neurons', 'many'], /--neurons many: must be a whole number/],
    [['train', '--w-max', '-1'], /--w-max -1: must be > 0/],
    [['train', '--device', 'unobtanium'], /--device unobtanium: is unknown; give 'float' \(ideal software weights\) or a device preset: hfs2/],
    [['train', '--rule', 'hebb'], /--rule hebb: is not one of 'pair', 'triplet', 'diehlCook', 'querlioz'/],
    [['train', '--device', 'float', '--rounding', 'accumulate'], /--rounding accumulate: does not apply to float weights/],
    [['train', '--device', 'float', '--cell', 'pair'], /--cell pair: does not apply to float weights/],
    [['train', '--device', 'float', '--device-normalisation', 'pulses'], /--device-normalisation pulses: does not apply to float weights/],
    [['train', '--device', 'float', '--rounding', 'deterministic'], /--rounding deterministic: does not apply to float weights/],
    [['train', '--d2d', '1.5'], /--d2d 1\.5: must be ≤ 1/],
    [['train', '--rounding', 'nearest'], /--rounding nearest: is not one of 'stochastic', 'deterministic', 'accumulate', 'feedback'/],
    [['train', '--samples', '60001'], /--samples 60001: is more than the 60000 training images/],
    [['train', '--samples', '60000', '--label-pass', '20000'], /--label-pass 20000: must be in \[1, 10000\]/], // refused before 60 000 samples of training
    [['experiment', '--samples', '5', '--test-samples', '10001'], /--test-samples 10001: is more than the 10000 test images/],
    [['train', '--samples', '5', '--out', '/nonexistent-dir/x.mspk'], /--out \/nonexistent-dir\/x\.mspk: the directory \/nonexistent-dir does not exist; create it first/],
    [['train', '--train-idx', 'only-one'], /--train-idx only-one: give IMAGES,LABELS/],
    [['train', '--spec', '/nonexistent.json'], /--spec \/nonexistent\.json: no such file/],
    [['eval', '/nonexistent.mspk'], /\/nonexistent\.mspk: no such model file/],
    [['eval', 'MODEL', '--mode', 'sideways'], /--mode sideways: is not one of 'temporal', 'crossbar'/],
    [['eval', 'MODEL', '--mode', 'crossbar', '--readout', 'poll'], /--readout poll: is not one of 'winner', 'vote'/],
    [['eval', 'MODEL', '--age', '1y'], /--age 1y: applies to crossbar evaluations only/],
    [['eval', 'MODEL', '--program', 'open-loop'], /--program open-loop: applies to crossbar evaluations only/],
    [['eval', 'MODEL', '--no-compensate'], /--no-compensate: applies to crossbar evaluations only/],
    [['eval', 'MODEL', '--samples', '10001'], /--samples 10001: is more than the 10000 test images/],
    [['eval', 'MODEL', '--label-pass', '10001'], /--label-pass 10001: must be in \[1, 10000\]/],
    [['eval', 'MODEL', '--mode', 'crossbar', '--age', '1 parsec'], /--age 1 parsec: .*parsec/],
  ])('%j → one line naming the flag, the value and the fix; exit code 1', (args, message) => {
    const r = runCli(args.map((a) => (a === 'MODEL' ? model : a)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^memspike: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a model file from a newer format, a truncated or a corrupt file is refused, and a failing train never overwrites a good file', () => {
    const good = readFileSync(model);
    const newer = Buffer.from(good);
    newer.writeUInt32LE(99, 4);
    const newerPath = join(dir, 'newer.mspk');
    writeFileSync(newerPath, newer);
    expect(runCli(['eval', newerPath]).stderr).toMatch(/written by a newer memspike \(format v99\); this one reads up to v1 — upgrade memspike/);
    const truncated = join(dir, 'trunc.mspk');
    writeFileSync(truncated, good.subarray(0, good.length - 100));
    expect(runCli(['eval', truncated]).stderr).toMatch(/truncated/);
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length >> 1] ^= 0xff;
    const corruptPath = join(dir, 'corrupt.mspk');
    writeFileSync(corruptPath, corrupt);
    expect(runCli(['eval', corruptPath]).stderr).toMatch(/corrupt — CRC-32/);
    const r = runCli(['train', '--samples', '5', '--device', 'nope', '--out', model]);
    expect(r.code).toBe(1);
    expect(readFileSync(model).equals(good)).toBe(true);
  });

  it('experiment runs train → label → temporal → seven crossbar evaluations and prints one table', () => {
    const r = runCli(['experiment', '--neurons', '6', '--samples', '10', '--test-samples', '8', '--label-pass', '10']);
    expect(r.code).toBe(0);
    for (const row of ['train (10 images)', 'label (10 images)', 'temporal simulation', 'crossbar open-loop fresh +comp', 'crossbar w-v 1 year +comp', 'crossbar w-v 1 year ', 'crossbar w-v fresh +comp, vote']) expect(r.stdout).toContain(row);
    expect(r.stderr).toMatch(/1\/10 train .*ETA .*\(all /); // progress names the phase and the time left for the whole run
    expect(r.stderr).toMatch(/10\/10 crossbar w-v fresh \+comp vote/);
  });
});
