/**
 * Faults a hostile but realistic user found (issue 16), each fixed and pinned here: a closed stdout
 * pipe, numbers in other bases, an empty output name, commander's usage listing after an error,
 * random bytes after a model file's magic; then non-finite state in and out of model files and the
 * flags that made it, output paths that fail only after the work, damaged files and failed writes,
 * sizes that cannot fit, and the terminal's cursor after Ctrl-C.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel, encodeModel, type ModelDoc } from '../../networks/persist/model-file.js';
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
  it.each([
    [['train', '--spec', '/dev/zero'], /--spec \/dev\/zero is not a regular file/],
    [['device', 'curve', '--from-csv', '/dev/zero'], /--from-csv \/dev\/zero is not a regular file/],
    [['view', '/dev/zero'], /model file \/dev\/zero is not a regular file/],
  ])('refuses a device before reading it: memspike %j', (args, re) => {
    const r = runCli(args as string[], 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(re);
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

// ---------------------------------------------------------------------------------------------
// Issue 16, second round: non-finite state, output paths checked before any work, crashes on
// damaged files and unwritable places, sizes that cannot fit, the cursor after Ctrl-C.

const work = mkdtempSync(join(tmpdir(), 'memspike-hostile-'));
afterAll(() => {
  chmodTree(work);
  rmSync(work, { recursive: true, force: true });
});
/** Makes every folder under `d` writable again (a test may leave a read-only one). */
function chmodTree(d: string): void {
  try {
    chmodSync(d, 0o755);
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) chmodTree(join(d, e.name));
  } catch {
    // gone already
  }
}
const temps = (d: string) => readdirSync(d).filter((f) => f.endsWith('.tmp') || /\.tmp-/.test(f));
/** A tiny trained model (10 neurons, 20 samples), made once. */
let small = '';
function smallModel(): string {
  if (small !== '') return small;
  small = join(work, 'small.mspk');
  const r = runCli(['train', '--neurons', '10', '--samples', '20', '--label-pass', '10', '--out', small, '--quiet', '--json']);
  expect(r.code).toBe(0);
  return small;
}
/** The model file `from` with `edit` applied to its document, re-encoded (so its checksum is valid). */
function edited(from: string, name: string, edit: (d: ModelDoc) => ModelDoc): string {
  const d = decodeModel(new Uint8Array(readFileSync(from)), from);
  const path = join(work, name);
  writeFileSync(path, encodeModel(edit(d)));
  return path;
}
/** No progress line and no result: the command stopped before any work. */
function refusedBeforeWork(r: ReturnType<typeof runCli>): void {
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(/samples\/s|samples per s/);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/at .*\.js:\d+|Node\.js v/);
}

describe('non-finite state (NaN, ±Infinity) is refused, never saved', () => {
  it('a model file with a NaN in its network state and a valid checksum is refused by eval and train --resume, naming the array', () => {
    const bad = edited(smallModel(), 'nan-state.mspk', (d) => {
      const v = (d.arrays['net.populations.1.v'] as Float64Array).slice();
      v[3] = Number.NaN;
      return { ...d, arrays: { ...d.arrays, 'net.populations.1.v': v } };
    });
    for (const args of [['eval', bad, '--samples', '5'], ['train', '--resume', bad, '--samples', '5']]) {
      const r = runCli(args);
      refusedBeforeWork(r);
      expect(r.stderr).toMatch(/nan-state\.mspk: .*net\.populations\.1\.v\[3\] = NaN .*not finite.*corrupt/);
    }
  });

  it('an infinite weight or scalar is refused as well; the infinities that mean "never" (next Poisson event) are not', () => {
    const inf = edited(smallModel(), 'inf-weight.mspk', (d) => {
      const w = (d.arrays['net.stores.0.arrays.weights'] as Float32Array).slice();
      w[100] = -Infinity;
      return { ...d, arrays: { ...d.arrays, 'net.stores.0.arrays.weights': w } };
    });
    expect(runCli(['eval', inf, '--samples', '5']).stderr).toMatch(/net\.stores\.0\.arrays\.weights\[100\] = -Infinity/);
    const scalar = edited(smallModel(), 'inf-scalar.mspk', (d) => ({ ...d, scalars: { ...d.scalars, 'net.step': Infinity } }));
    expect(runCli(['eval', scalar, '--samples', '5']).stderr).toMatch(/net\.step = Infinity/);
    // the model itself holds +Infinity in nextEvent (inputs at rate 0) and loads
    const d = decodeModel(new Uint8Array(readFileSync(smallModel())), 'm');
    expect(Array.from(d.arrays['net.populations.0.nextEvent'] as Float64Array).some((x) => x === Infinity)).toBe(true);
    expect(runCli(['eval', smallModel(), '--samples', '2', '--quiet', '--json']).code).toBe(0);
  });

  it('--w-max beyond the leak conductance (1) is refused before training, with the limit', () => {
    for (const w of ['1000', '1e6', '1.01']) {
      const r = runCli(['train', '--neurons', '10', '--samples', '20', '--w-max', w]);
      refusedBeforeWork(r);
      expect(r.stderr).toMatch(new RegExp(`--w-max ${w.replace('.', '\\.')}: must be ≤ 1;`));
    }
    expect(runCli(['train', '--w-max', '1', '--print-spec']).code).toBe(0);
  });

  it('a model trained before the wMax limit still evaluates, but is not trained further', () => {
    const old = edited(smallModel(), 'old-wmax.mspk', (d) => ({ ...d, params: { ...d.params, spec: { ...(d.params['spec'] as Record<string, unknown>), wMax: 1.5 } } as ModelDoc['params'] }));
    expect(runCli(['eval', old, '--samples', '2', '--quiet', '--json']).code).toBe(0);
    const r = runCli(['train', '--resume', old, '--samples', '5']);
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/--resume .*old-wmax\.mspk: the model's wMax = 1\.5: must be ≤ 1; .* — it was trained before this limit; memspike eval still reads it, but it cannot be trained further\./);
  });

  it('other flags that blew the state up are bounded: --normalisation beyond 784 weights at their maximum, --rate-scale beyond a whole weight range per spike', () => {
    const n = runCli(['train', '--neurons', '10', '--samples', '20', '--device', 'float', '--normalisation', '1e300']);
    refusedBeforeWork(n);
    expect(n.stderr).toMatch(/--normalisation 1e300: must be ≤ 784 \(784 inputs × the largest weight, 1\)/);
    expect(runCli(['train', '--w-max', '0.5', '--normalisation', '400', '--print-spec']).stderr).toMatch(/--normalisation 400: must be ≤ 392/);
    const r = runCli(['train', '--neurons', '10', '--samples', '20', '--rate-scale', '1e6']);
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/--rate-scale 1e6: must be ≤ 100: the rule's largest learning rate, nuPost = 0\.01/);
    writeFileSync(join(work, 'rates.json'), JSON.stringify({ ruleParams: { nuPost: 1e300 } }));
    const s = runCli(['train', '--spec', join(work, 'rates.json'), '--neurons', '10', '--samples', '20']);
    refusedBeforeWork(s);
    expect(s.stderr).toMatch(/rates\.json: ruleParams = .*nuPost.*× rateScale 1 = 1e\+300 .*must be ≤ 1/);
  });
});

describe('output paths are checked before any work', () => {
  const train = (out: string) => runCli(['train', '--neurons', '10', '--samples', '20', '--out', out]);

  it('--out under a file (not a folder) is refused before training', () => {
    const r = train(join(smallModel(), 'child.mspk'));
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/--out .*small\.mspk\/child\.mspk: .*small\.mspk is a file, not a directory/);
  });

  it('--out naming a device, pipe or socket is refused before training (renaming over /dev/null as root would replace it)', (ctx) => {
    const fifo = join(work, 'a-pipe');
    if (spawnSync('mkfifo', [fifo]).status !== 0) ctx.skip();
    const r = train(fifo);
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/--out .*a-pipe: is not a regular file \(a device, pipe or socket\); give the path of a file on disk/);
  });

  it('--out in a read-only folder (chmod 0555) is refused before training', (ctx) => {
    const ro = join(work, 'read-only');
    mkdirSync(ro, { recursive: true });
    chmodSync(ro, 0o555);
    chmodSync(work, 0o755); // mkdtemp makes it 0700: let nobody (below) reach the folder
    const args = ['train', '--neurons', '10', '--samples', '20', '--out', join(ro, 'm.mspk')];
    let r: ReturnType<typeof runCli>;
    if (process.getuid?.() === 0) {
      // root writes into a 0555 folder anyway: run the command as nobody, for whom the folder is read-only
      const setpriv = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']);
      if (setpriv.status !== 0) ctx.skip(); // running as root without setpriv(1): the case cannot be made here
      const p = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, MAIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MEMSPIKE_DEBUG: '' } });
      r = { code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr, last: null };
    } else {
      r = runCli(args);
    }
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/--out .*read-only\/m\.mspk: cannot write in the directory .*read-only \(EACCES: no permission to write there\)/);
  });

  it('--out in a place no one can write (/proc) is refused before training, also for root', () => {
    const r = train('/proc/m.mspk');
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/--out \/proc\/m\.mspk: cannot write in the directory \/proc/);
  });

  it('a name too long for the file system (with the temporary file name, or the checkpoint next to it) is refused before training', () => {
    const long = train(join(work, `${'m'.repeat(245)}.mspk`));
    refusedBeforeWork(long);
    expect(long.stderr).toMatch(/--out .*: the file name is 250 bytes; with the temporary file written next to it \(\+\d+\) it exceeds the 255-byte limit of file names — give a name of at most \d+ bytes/);
    const ckpt = train(join(work, `${'c'.repeat(230)}.mspk`));
    refusedBeforeWork(ckpt);
    expect(ckpt.stderr).toMatch(/--out .*: the checkpoint written next to it on Ctrl-C, c+\.checkpoint\.mspk, .*exceeds the 255-byte limit/);
  });

  it('device curve --plot/--csv naming a folder, a file as folder or an unwritable place: one line naming the flag, before any work, and no temporary file', () => {
    const folder = join(work, 'fig.svg');
    mkdirSync(folder, { recursive: true });
    const cases: [string[], RegExp][] = [
      [['--plot', folder], /--plot .*fig\.svg: is a directory; give the path of a file to write/],
      [['--csv', work], /--csv .*: is a directory; give the path of a file to write/],
      [['--csv', join(smallModel(), 'x.csv')], /--csv .*small\.mspk\/x\.csv: .*small\.mspk is a file, not a directory/],
      [['--plot', '/proc/x.svg'], /--plot \/proc\/x\.svg: cannot write in the directory \/proc/],
      [['--csv', '/proc/nope/x.csv'], /--csv \/proc\/nope\/x\.csv: cannot create the directory \/proc\/nope/],
      [['--csv', join(work, `${'x'.repeat(250)}.csv`)], /--csv .*: the file name is 254 bytes/],
    ];
    for (const [args, re] of cases) {
      const r = runCli(['device', 'curve', '--cycles', '2', ...args]);
      refusedBeforeWork(r);
      expect(r.stderr).toMatch(re);
    }
    expect(temps(work)).toEqual([]);
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('damaged model files and failed writes are one-line errors', () => {
  it('a model file without a snapshot section is refused by eval, naming the section', () => {
    const bad = edited(smallModel(), 'no-snapshot.mspk', (d) => {
      const params = { ...d.params };
      delete (params as Record<string, unknown>)['snapshot'];
      return { ...d, params };
    });
    const r = runCli(['eval', bad, '--samples', '5']);
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/no-snapshot\.mspk: params\.snapshot \(the network's state\) is missing or not an object \(corrupt file\)/);
  });

  it('--test-idx or --train-idx naming a folder is refused with the flag', () => {
    const r = runCli(['eval', smallModel(), '--samples', '5', '--test-idx', `${work},${work}`]);
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/--test-idx .*: .* is a directory; give IMAGES,LABELS, two IDX files/);
    const t = runCli(['train', '--neurons', '10', '--samples', '5', '--train-idx', `${work},${work}`]);
    refusedBeforeWork(t);
    expect(t.stderr).toMatch(/--train-idx .*: .* is a directory/);
  });
});

describe('a model whose folder goes away during training', () => {
  it('is not lost: it is saved to a rescue file, the result is printed, and the error names both paths', async () => {
    const gone = join(work, 'goes-away');
    mkdirSync(gone, { recursive: true });
    const out = join(gone, 'm.mspk');
    const child = spawn(process.execPath, [MAIN, 'train', '--neurons', '10', '--samples', '300', '--label-pass', '10', '--out', out, '--json'], { cwd: ROOT });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/train \d+\/300/.test(stderr)) rmSync(gone, { recursive: true, force: true });
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(1);
    const m = /--out .*goes-away\/m\.mspk: not written — .*The model was saved to (\S+) instead; move it where it belongs\./.exec(stderr);
    expect(m).not.toBeNull();
    const rescued = m![1];
    try {
      expect(decodeModel(new Uint8Array(readFileSync(rescued)), rescued).kind).toBe('memspike/diehl-cook-2015');
      expect(JSON.parse(stdout.trim()).out).toBe(rescued);
    } finally {
      rmSync(rescued, { force: true });
    }
  });
});

describe('sizes that cannot fit are refused up front, with the figure and the limit', () => {
  it('device curve --cycles 1e8 (or 100000000)', () => {
    for (const c of ['1e8', '100000000']) {
      const r = runCli(['device', 'curve', '--cycles', c], 20_000);
      refusedBeforeWork(r);
      expect(r.stderr).toMatch(new RegExp(`--cycles ${c}: .*needs about [\\d.]+ GB of memory; the limit is [\\d.]+ GB \\(half of this machine's [\\d.]+ GB\\); give --cycles ≤ \\d+`));
    }
    // and a whole number in exponent form is a whole number
    expect(runCli(['device', 'curve', '--cycles', '1e1', '--json']).code).toBe(0);
  });

  it('bench devices --n 3e9', () => {
    const r = runCli(['bench', 'devices', '--n', '3e9'], 20_000);
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/--n 3e9: .*needs about [\d.]+ GB of memory; the limit is [\d.]+ GB .*give --n ≤ \d+/);
  });

  it('train --neurons 100000 (the spec allows it; its inhibitory weights alone are 10¹⁰ numbers) and 30000', () => {
    const r = runCli(['train', '--neurons', '100000', '--samples', '1'], 20_000);
    refusedBeforeWork(r);
    expect(r.stderr).toMatch(/--neurons 100000: a network of 100000 neurons needs an array of 9999900000 inhibitory weights, beyond the 4294967296 \(2³²\) a JavaScript typed array holds; give at most \d+ neurons/);
    // 30000: 9·10⁸ inhibitory weights fit one array, but not this machine's memory or one model file
    const m = runCli(['train', '--neurons', '30000', '--samples', '1'], 20_000);
    refusedBeforeWork(m);
    expect(m.stderr).toMatch(/--neurons 30000: a network of 30000 neurons (needs about [\d.]+ GB of memory \([\d.]+ GB for the network, twice its [\d.]+ GB model file while it is saved\); the limit is [\d.]+ GB \(half of this machine's [\d.]+ GB\)|makes a model file of about [\d.]+ GB, beyond the 4.29 GB \(2³² bytes\) one typed array holds while it is encoded); give at most \d+ neurons/);
    // the same check for a model file that claims such a network (eval builds it before any work)
    const big = edited(smallModel(), 'big.mspk', (d) => ({ ...d, params: { ...d.params, spec: { ...(d.params['spec'] as Record<string, unknown>), neurons: 100000 } } as ModelDoc['params'] }));
    const e = runCli(['eval', big, '--samples', '5'], 20_000);
    refusedBeforeWork(e);
    expect(e.stderr).toMatch(/big\.mspk: a network of 100000 neurons needs an array of 9999900000 inhibitory weights/);
    expect(runCli(['train', '--neurons', '1e8', '--print-spec']).stderr).toMatch(/--neurons 1e8: must be in \[1, 100000\]/);
  });
});

describe('the terminal after Ctrl-C', () => {
  /** Runs `args` in a pseudo-terminal (script(1)), presses Ctrl-C once the bar shows, returns what the terminal got. */
  async function ctrlC(args: string[]): Promise<string> {
    const cmd = [process.execPath, MAIN, ...args].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: work, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let sent = 0;
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString('latin1');
        if (sent === 0 && out.includes('\x1b[?25l') && /\] \d+\/\d+/.test(out)) {
          sent = 1;
          child.stdin.write('\x03');
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
  }
  const scriptWorks = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;

  it.skipIf(!scriptWorks)('eval (no checkpoint) shows the cursor again when stopped by Ctrl-C', async () => {
    const out = await ctrlC(['eval', smallModel(), '--samples', '10000']);
    expect(out.lastIndexOf('\x1b[?25l')).toBeGreaterThanOrEqual(0);
    expect(out.lastIndexOf('\x1b[?25h')).toBeGreaterThan(out.lastIndexOf('\x1b[?25l'));
  });

  /** Runs the built progress display in a child whose stderr claims to be a terminal, draws one bar, then ends the way `how` says. */
  function barThenEnd(how: string): ReturnType<typeof spawnSync> {
    const script = [
      "Object.defineProperty(process.stderr, 'isTTY', { value: true });",
      "const { Subject } = await import('rxjs');",
      `const { showProgress } = await import(${JSON.stringify(join(ROOT, 'dist', 'cli', 'progress.js'))});`,
      'const s = new Subject();',
      'showProgress(s);',
      "s.next({ phase: 'train', name: 'train', index: 0, phases: 1, done: 1, total: 10, samplesPerSec: 1, accuracy: NaN, etaSeconds: 1 });",
      how,
    ].join('\n');
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'latin1', timeout: 20_000 });
  }

  it('process.exit while a bar is drawn (the second Ctrl-C of a checkpointed run) shows the cursor again', () => {
    const r = barThenEnd('process.exit(130);');
    expect(r.status).toBe(130);
    const err = String(r.stderr);
    expect(err.indexOf('\x1b[?25l')).toBeGreaterThanOrEqual(0);
    expect(err.lastIndexOf('\x1b[?25h')).toBeGreaterThan(err.lastIndexOf('\x1b[?25l'));
  });

  it('a signal nothing else handles shows the cursor, then still ends the process by that signal', () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const r = barThenEnd(`process.kill(process.pid, '${signal}'); setTimeout(() => {}, 10_000);`);
      expect(r.signal).toBe(signal);
      const err = String(r.stderr);
      expect(err.lastIndexOf('\x1b[?25h')).toBeGreaterThan(err.lastIndexOf('\x1b[?25l'));
    }
  });
});
