/**
 * README.md is a front door that must stay true: short, its library example runs and prints what
 * it says, its links resolve, and every command it names exists.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../cli/commands/index.js';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README.md', () => {
  it('is at most 150 lines', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(150);
  });

  it("runs its library example against the built package and prints the lines marked '// →'", () => {
    const blocks = [...README.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const [k, code] of blocks.entries()) {
      const promised = code.split('\n').filter((l) => l.startsWith('// → ')).map((l) => l.slice(5));
      expect(promised.length, `block ${k} promises output`).toBeGreaterThan(0);
      // inside the package folder, so that 'memspike' resolves to this package (self-reference)
      const file = join(ROOT, `.readme-example-${process.pid}-${k}.mjs`);
      writeFileSync(file, code);
      try {
        const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
        expect(r.stderr).toBe('');
        expect(r.stdout.trim().split('\n')).toEqual(promised);
      } finally {
        rmSync(file, { force: true });
      }
    }
  });

  it('links only to files that exist', () => {
    const targets = [...README.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((t) => !/^https?:/.test(t));
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter((t) => !existsSync(join(ROOT, t)))).toEqual([]);
  });

  it('names only commands and benchmarks that exist', () => {
    const commands = new Set(COMMANDS.flatMap((c) => c.names));
    const named = [...README.matchAll(/`(?:npx )?memspike ([a-z]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((n) => !commands.has(n as never))).toEqual([]);
    // the benchmarks as the built CLI lists them (bench/index.ts's drivers and the CLI's own)
    const help = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'bench', '--help'], { encoding: 'utf8' }).stdout;
    const benches = new Set([...help.matchAll(/^ {2}([a-z][a-z-]*) \[options\]/gm)].map((m) => m[1]));
    expect(benches).toContain('cuba');
    expect(benches).toContain('eval-workers');
    const benchNames = [...README.matchAll(/`(?:npx )?memspike bench ([a-z|\\-]+)/g)].flatMap((m) => m[1].split(/\\?\|/));
    expect(benchNames.filter((b) => !benches.has(b))).toEqual([]);
  });
});
