/**
 * Faults a hostile but realistic user found (issue 16), each fixed and pinned here: a closed stdout
 * pipe, numbers in other bases, an empty output name, commander's usage listing after an error,
 * random bytes after a model file's magic.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { decodeModel, encodeModel } from '../../networks/persist/model-file.js';
import { MAIN, ROOT, runCli } from './run-cli.js';

describe('the CLI against hostile input', () => {
  it('a reader that closes the pipe early gets no EPIPE stack (memspike device list | head -1)', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${MAIN}" device list | head -1`], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\(node:|Node\.js v/);
  });

  it('reads numbers as decimals only: --w-max 0x10 is refused, not read as 16', () => {
    const r = runCli(['train', '--w-max', '0x10', '--print-spec']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--w-max 0x10: must be a finite number/);
    const b = runCli(['bench', 'vmm', '--rows', '0x10', '--json']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--rows 0x10/);
    // decimals in every written form still work
    const ok = runCli(['train', '--w-max', '.5e0', '--print-spec']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).wMax).toBe(0.5);
  });

  it("refuses --out '' before any work instead of saving nothing without a word", () => {
    const r = runCli(['train', '--neurons', '5', '--samples', '1', '--out', '']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--out '': an empty file name; give the file to write/);
    expect(r.stderr).not.toMatch(/samples\/s/);
  });

  it('an unknown flag gets one line and a pointer to --help, not the whole usage listing', () => {
    const r = runCli(['train', '--bogus']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/unknown option '--bogus'/);
    expect(lines.length).toBeLessThanOrEqual(2);
  });
});

describe('model files with damage after the magic', () => {
  const valid = encodeModel({ kind: 'test', params: {}, arrays: {}, shapes: {}, scalars: {}, labels: [], rng: {} } as never);
  const withFormat = (v: number) => {
    const b = valid.slice();
    new DataView(b.buffer).setUint32(4, v, true);
    return b;
  };
  it('call a random format number corruption, not a newer memspike', () => {
    expect(() => decodeModel(withFormat(2806446062), 'x.mspk')).toThrow(/x\.mspk: format number 2806446062 after the MSPK mark is not one any memspike writes; the file is corrupt/);
  });
  it('still call a near format number a newer memspike', () => {
    expect(() => decodeModel(withFormat(2), 'x.mspk')).toThrow(/written by a newer memspike \(format v2\)/);
  });
});

describe('files that are not files', () => {
  it('refuses a device as a model file before reading it (eval /dev/zero would grow memory until the process dies)', () => {
    const r = runCli(['eval', '/dev/zero'], 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/model file \/dev\/zero is not a regular file \(a device, pipe or socket\); give the path of a file on disk/);
  });
  it('refuses a device as an IDX file', () => {
    const r = runCli(['train', '--neurons', '5', '--samples', '1', '--train-idx', '/dev/zero,/dev/zero'], 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/IDX file \/dev\/zero is not a regular file/);
  });
});

describe('--json', () => {
  it.each([
    [['device', 'list', '--json']],
    [['device', 'curve', '--preset', 'hfs2', '--cycles', '2', '--json']],
    [['bench', 'vmm', '--rows', '16', '--cols', '8', '--json']],
    [['bench', 'cuba', '--duration', '100ms', '--json']],
    [['train', '--neurons', '5', '--samples', '2', '--label-pass', '1', '--json']],
  ])('memspike %s writes exactly one JSON object to stdout (so `| jq` works)', (args) => {
    const r = runCli(args, 120_000);
    expect(r.code).toBe(0);
    const out = r.stdout.trim();
    expect(out.split('\n')).toHaveLength(1);
    expect(typeof JSON.parse(out)).toBe('object');
  });
});
