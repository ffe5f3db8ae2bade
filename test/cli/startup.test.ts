/**
 * CLI start-up: `memspike --version` and `--help` load commander and the command table only; a
 * command loads its own module; the library loads mathjs on the first unit string, not at import.
 * (How long start-up takes is measured by `memspike bench startup`, not here.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN, ROOT, runCli } from './run-cli.js';

/** Modules a file loads when it is evaluated: static value imports, not `import type` and not `import()`. */
function staticImports(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const local: string[] = [];
  const packages: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    const spec = m[1];
    if (spec.startsWith('.')) local.push(normalize(join(dirname(file), spec)).split('\\').join('/').replace(/\.js$/, '.ts'));
    else if (!spec.startsWith('node:')) packages.push(spec);
  }
  return { local, packages };
}

/** Every module the evaluation of `entry` loads, and the packages among them. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (f: string): void => {
    if (files.has(f)) return;
    files.add(f);
    const { local, packages: p } = staticImports(f);
    for (const pkg of p) packages.add(pkg);
    for (const g of local) visit(g);
  };
  visit(entry);
  return { files, packages };
}

describe('CLI start-up', () => {
  it('memspike --version loads commander and the command table, nothing of the library', () => {
    const { files, packages } = closure('cli/main.ts');
    expect([...packages]).toEqual(['commander']);
    expect([...files].sort()).toEqual(['cli/commands/index.ts', 'cli/commands/summaries.ts', 'cli/main.ts', 'core/version.ts']);
  });

  it('the detector follows static imports and skips type imports and import()', () => {
    const train = closure('cli/commands/train.ts');
    expect(train.packages.has('rxjs')).toBe(true); // through the engine
    expect(train.files.has('core/network.ts')).toBe(true);
    expect(staticImports('cli/commands/index.ts').local).toEqual(['cli/commands/summaries.ts']); // not the import() of the commands
    for (const f of train.files) expect(existsSync(join(ROOT, f)), f).toBe(true);
  });

  it('no library module imports mathjs statically in Node: the "imports" map gives Node a lazy loader, browsers the bundled one', () => {
    const lib = closure('index.ts');
    expect(lib.files.has('core/units.ts')).toBe(true);
    expect(lib.packages.has('mathjs')).toBe(false);
    expect(lib.packages.has('#mathjs-loader')).toBe(true);
    expect(lib.packages.has('rxjs')).toBe(true);
    const map = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { imports: Record<string, Record<string, string>> }).imports['#mathjs-loader'];
    expect(map).toEqual({ browser: './dist/core/mathjs-browser.js', default: './dist/core/mathjs-node.js' });
    expect(closure('core/mathjs-node.ts').packages.has('mathjs')).toBe(false);
    expect(closure('core/mathjs-browser.ts').packages.has('mathjs')).toBe(true);
  });

  it('importing the library does not load mathjs; the first unit string does, and parses right', () => {
    const entry = relative(ROOT, join(ROOT, 'dist', 'index.js'));
    const script = `
      const loaded = () => Object.keys(require.cache).some((k) => /[\\\\/]mathjs[\\\\/]/.test(k));
      import('./${entry}').then((m) => {
        const before = loaded();
        const ms = m.toInternal('2 s', 'time', 'x');
        const uS = m.parseQuantity('81 µS', 'conductance', 'g');
        console.log(JSON.stringify({ before, after: loaded(), ms, uS }));
      });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ before: false, after: true, ms: 2000, uS: 81 });
  });

  it('--help lists every command without loading it; a command still gets its own help', () => {
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    for (const name of ['train', 'experiment', 'eval', 'device', 'view', 'bench']) expect(top.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    const help = runCli(['help', 'eval']);
    expect(help.stdout).toMatch(/--mode <mode>/);
    const unknown = runCli(['trian']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'trian'/);
    expect(unknown.stderr).toMatch(/\(Did you mean train\?\)|see memspike --help/);
    expect(existsSync(MAIN)).toBe(true);
  });
});
