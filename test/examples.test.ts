/**
 * The examples in examples/ run, and what they print holds physically:
 *  - library.mjs: the neurons fire, STDP sent device pulses that cost energy, and the synapses from
 *    the 40 Hz pattern grew more than those from the 5 Hz background;
 *  - experiment.mjs: the small Diehl & Cook run classifies well above chance, its confusion matrix
 *    counts every test image once;
 *  - device-from-csv.mjs: the table model fitted to the hfs2 pulse trains gives back the hfs2 preset
 *    (window, levels, step, c2c) and works as synapses;
 *  - read-model.py: numpy alone reads a model file written by `memspike train` exactly as the
 *    TypeScript loader does (arrays, labels, receptive-field weights), and refuses a corrupt one;
 *  - browser/: vite builds the page (mathjs bundled through the "browser" condition, nothing from
 *    Node), and headless Chromium computes the same spikes as Node, bit for bit.
 * The examples import 'memspike', i.e. the built package (dist/, built by `npm test` first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MAIN, ROOT } from './cli/run-cli.js';
import { launchChromium } from '../bench/viewer.js';
import { readModelFile } from '../node.js';
import { loadModel, HFS2, nominalStep } from '../index.js';

const EXAMPLES = join(ROOT, 'examples');

/** Runs a command to its end (asynchronously, so that other tests' waits can overlap it). */
function run(cmd: string, args: string[], timeout = 110_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout, maxBuffer: 16 << 20, env: { ...process.env, MEMSPIKE_DEBUG: '' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
const node = (script: string, args: string[] = []) => run(process.execPath, [join(EXAMPLES, script), ...args]);

/** The first line of `text` that starts with `prefix` (trimmed), or a failure naming what is missing. */
function line(text: string, prefix: string): string {
  const l = text.split('\n').find((s) => s.trimStart().startsWith(prefix));
  if (l === undefined) throw new Error(`no line starting with '${prefix}' in:\n${text}`);
  return l;
}
/** The numbers in a string, in order. */
const numbers = (s: string): number[] => (s.match(/[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi) ?? []).map(Number);

describe('examples/library.mjs', () => {
  it('fires, pulses devices and learns the 40 Hz pattern', async () => {
    const r = await node('library.mjs');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = r.stdout;
    const [meanRate, ...perNeuron] = numbers(line(out, 'output rate:'));
    expect(meanRate).toBeGreaterThan(1);
    expect(perNeuron).toHaveLength(10);
    const [p0, p1, dp] = numbers(line(out, 'weight from the pattern').split(':')[1]);
    const [b0, b1, db] = numbers(line(out, 'weight from the background').split(':')[1]);
    expect(p1 - p0).toBeCloseTo(dp, 3);
    expect(b1 - b0).toBeCloseTo(db, 3);
    expect(dp).toBeGreaterThan(0);
    expect(dp).toBeGreaterThan(2 * Math.max(db, 0)); // pre rate × post spikes: the pattern grows faster
    const [pulses, requested] = numbers(line(out, 'device pulses applied:'));
    expect(pulses).toBeGreaterThan(0);
    expect(requested).toBe(pulses);
    const energy = Number(/programming energy ([\d.]+) nJ/.exec(out)![1]);
    expect(energy).toBeGreaterThan(0);
    const [, first, last] = /first 100 ms: ([\d.]+) Hz, in the last 100 ms: ([\d.]+) Hz/.exec(out)!.map(Number);
    expect(last).toBeGreaterThan(first); // stronger synapses, more spikes
    const times = [...out.matchAll(/neuron \d+ at ([\d.]+) ms/g)].map((m) => Number(m[1]));
    expect(times.length).toBe(5);
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThanOrEqual(times[k - 1]);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times[4]).toBeLessThan(500);
  });
});

describe('examples/experiment.mjs', () => {
  it('trains, labels and evaluates; accuracy well above chance', async () => {
    const r = await node('experiment.mjs');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/\[1\/3\] train\s+500\/500/);
    expect(out).toMatch(/\[3\/3\] temporal\s+300\/300/);
    const [acc, correct] = numbers(line(out, 'accuracy on 300 test images:').split(':')[1]);
    // measured: 45.7 % (seed 1); chance is 10 %
    expect(acc).toBeGreaterThan(30);
    expect(correct).toBe(Math.round((acc / 100) * 300));
    const rows = out.split('\n').filter((l) => /^\s+\d:\s/.test(l)).map((l) => numbers(l.split(':')[1]));
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row).toHaveLength(11);
    expect(rows.flat().reduce((s, x) => s + x, 0)).toBe(300);
    expect(rows.reduce((s, row, d) => s + row[d], 0)).toBe(correct);
    const [pulses] = numbers(line(out, 'training:'));
    expect(pulses).toBeGreaterThan(0);
  });
});

describe('examples/device-from-csv.mjs', () => {
  it('fits the hfs2 pulse trains back to the hfs2 preset and uses the fit as synapses', async () => {
    const r = await node('device-from-csv.mjs');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(line(out, 'read ')).toContain('20 cycles × (20 + 20 pulses) of 1 device(s)');
    const analysis = line(out, 'analysis:');
    expect(analysis).toMatch(/16 levels per device, 31 differential bins/);
    const [r2pot, r2dep] = numbers(analysis.split('R²')[1]);
    expect(r2pot).toBeGreaterThan(0.999);
    expect(r2dep).toBeGreaterThan(0.999);
    const fitted = (name: string): [number, number] => {
      const [f, p] = numbers(line(out, name).slice(20));
      return [f, p];
    };
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    const [gMin, gMinP] = fitted('gMin [µS]');
    const [gMax, gMaxP] = fitted('gMax [µS]');
    expect(gMinP).toBeCloseTo(HFS2.gMin, 0);
    expect(gMaxP).toBeCloseTo(HFS2.gMax, 0);
    expect(rel(gMin, HFS2.gMin)).toBeLessThan(0.01);
    expect(rel(gMax, HFS2.gMax)).toBeLessThan(0.01);
    // the fitter counts one level more than the lab's analysis of the same trains (16): the mean
    // train still creeps up at pulse 16 where c2c noise made some cycles reach the top late
    const [levels, levelsP] = fitted('levels');
    expect(levelsP).toBe(HFS2.levels);
    expect(Math.abs(levels - HFS2.levels)).toBeLessThanOrEqual(1);
    for (const name of ['first step up', 'first step down', 'mean Δg up', 'mean Δg down']) {
      const [f, p] = fitted(name);
      expect(rel(f, p)).toBeLessThan(0.06);
    }
    expect(fitted('first step up')[1]).toBeCloseTo(nominalStep(HFS2, 1), 1);
    const [c2c, c2cP] = fitted('c2c σ per pulse');
    expect(c2cP).toBeCloseTo(HFS2.c2c, 2);
    expect(rel(c2c, HFS2.c2c)).toBeLessThan(0.2);
    expect(line(out, 'fitted model in the lab:')).toMatch(/16 levels, 31 bins/);
    const nets = ['network on fitted', 'network on hfs2'].map((p) => {
      const l = line(out, p);
      return { rate: numbers(/output ([\d.]+) Hz/.exec(l)![1])[0], pulses: Number(/(\d+) pulses/.exec(l)![1]), energy: Number(/([\d.]+) nJ/.exec(l)![1]) };
    });
    for (const n of nets) {
      expect(n.rate).toBeGreaterThan(1);
      expect(n.pulses).toBeGreaterThan(0);
      expect(n.energy).toBeGreaterThan(0);
    }
    expect(rel(nets[0].rate, nets[1].rate)).toBeLessThan(0.25);
  });
});

describe('examples/read-model.py', () => {
  const py = spawnSync('python3', ['-c', 'import numpy, zlib'], { encoding: 'utf8' });
  const missing = py.error ? 'python3 is not installed' : py.status !== 0 ? `numpy is missing for python3 (${py.stderr.trim().split('\n').at(-1)})` : null;
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'memspike-examples-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a model file as the TypeScript loader does; refuses a corrupt one', async (ctx) => {
    if (missing) {
      console.warn(`examples/read-model.py not tested: ${missing}.`);
      ctx.skip();
      return;
    }
    const file = join(dir, 'm.mspk');
    const t = await run(process.execPath, [MAIN, 'train', '--neurons', '10', '--samples', '20', '--label-pass', '20', '--out', file, '--json']);
    expect(t.code, t.stderr).toBe(0);
    const script = join(EXAMPLES, 'read-model.py');
    const r = await run('python3', [script, file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { kind: string; bytes: number; arrays: { name: string; dtype: string; shape: number[] }[]; labels: number[]; scalars: Record<string, number>; mean_weight: number[] };

    const doc = readModelFile(file);
    expect(got.kind).toBe(doc.kind);
    expect(got.bytes).toBe(readFileSync(file).length);
    expect(got.labels).toEqual(doc.labels);
    const dtypeOf: Record<string, string> = { Float64Array: 'f64', Float32Array: 'f32', Int32Array: 'i32', Uint32Array: 'u32', Int16Array: 'i16', Uint16Array: 'u16', Int8Array: 'i8', Uint8Array: 'u8', Uint8ClampedArray: 'u8c' };
    expect(got.arrays.map((a) => a.name)).toEqual(Object.keys(doc.arrays));
    for (const a of got.arrays) {
      const ts = doc.arrays[a.name];
      expect(a.dtype, a.name).toBe(dtypeOf[ts.constructor.name]);
      expect(a.shape.reduce((p, d) => p * d, 1), a.name).toBe(ts.length);
      if (doc.shapes[a.name]) expect(a.shape).toEqual(doc.shapes[a.name]);
    }
    expect(got.scalars['net.step']).toBe(doc.scalars['net.step']);

    // the receptive fields, read through the library's own loader and the rebuilt projection's
    // column index (which synapses end on neuron j), so the reader's layout is checked, not assumed
    const saved = loadModel(doc, file);
    const n = saved.spec.neurons;
    const proj = saved.trained.model.inputToExc;
    const w = proj.store.weights;
    const cols = proj.columns();
    expect(got.mean_weight).toHaveLength(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = cols.colPtr[j]; k < cols.colPtr[j + 1]; k++) s += w[cols.synapse[k]];
      expect(cols.colPtr[j + 1] - cols.colPtr[j]).toBe(784);
      expect(Math.abs(got.mean_weight[j] - s / 784)).toBeLessThan(1e-12);
    }

    const human = await run('python3', [script, file]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/CRC-32 0x[0-9a-f]{8} ok/);
    expect(human.stdout).toContain(`kind: ${doc.kind}`);
    expect(human.stdout).toMatch(/net\.stores\.0\.arrays\.weights\s+f32\s+\(7840,\)/);

    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0x40;
    const bad = join(dir, 'bad.mspk');
    writeFileSync(bad, bytes);
    const b = await run('python3', [script, bad]);
    expect(b.code).not.toBe(0);
    expect(b.stderr).toMatch(/CRC-32 mismatch/);
  });
});

describe('examples/browser', () => {
  let dir = '';
  let server: Server | null = null;
  afterAll(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds with vite and computes in Chromium the same spikes as in Node, bit for bit', async () => {
    dir = mkdtempSync(join(tmpdir(), 'memspike-examples-browser-'));
    const { build } = await import('vite');
    await build({ configFile: join(EXAMPLES, 'browser', 'vite.config.mjs'), logLevel: 'silent', build: { outDir: dir, emptyOutDir: true } });
    const assets = readdirSync(join(dir, 'assets')).filter((f) => f.endsWith('.js'));
    expect(assets.length).toBeGreaterThan(0);
    const bundle = assets.map((f) => readFileSync(join(dir, 'assets', f), 'utf8')).join('\n');
    // the "browser" condition chose core/mathjs-browser.js: mathjs is in the bundle, Node's loader is not
    expect(bundle).not.toMatch(/createRequire|node:module/);
    expect(bundle).toContain('typed-function');

    // a tiny static server for the built files
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
    server = createServer((req, res) => {
      const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/\/$/, '/index.html')));
      if (!path.startsWith(dir + sep)) return void res.writeHead(403).end();
      try {
        const body = readFileSync(path);
        res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    const [browser, inNode] = await Promise.all([
      launchChromium(),
      run(process.execPath, ['--input-type=module', '-e', "import { simulate } from './examples/browser/simulate.js'; process.stdout.write(JSON.stringify(simulate()));"]),
    ]);
    try {
      expect(inNode.code, inNode.stderr).toBe(0);
      const expected = JSON.parse(inNode.stdout) as { counts: number[]; pulses: number; spikes: { times: number[] } };
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      await page.goto(url);
      await page.waitForSelector('#result[data-state=done], #result[data-state=error]', { timeout: 30_000 });
      const text = await page.textContent('#result');
      expect(errors, text ?? '').toEqual([]);
      const inPage = JSON.parse((await page.getAttribute('#result', 'data-result'))!) as unknown;
      expect(inPage).toEqual(expected);
      expect(expected.counts.reduce((s, c) => s + c, 0)).toBeGreaterThan(0);
      expect(expected.pulses).toBeGreaterThan(0);
      expect(text).toContain(`spike counts: ${expected.counts.join(' ')}`);
    } finally {
      await browser.close();
    }
  });
});
