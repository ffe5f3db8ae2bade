/**
 * Layering rules for networks/datasets and networks/persist (DESIGN.md): only the two clearly named
 * Node modules import node:* (or Node built-ins), the networks barrel exports none of them, and no
 * file here — library or test — uses Math.random.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NODE_MODULES_ALLOWED = new Set(['networks/datasets/idx-node.ts', 'networks/persist/file-node.ts']);

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split('\\').join('/'));
}

const NODE_IMPORT = /\bfrom\s+['"](node:[^'"]+|fs|path|os|zlib|module|url|crypto|buffer)['"]|\brequire\(\s*['"]node:/;

describe('networks/datasets and networks/persist layering', () => {
  const lib = [...tsFiles('networks/datasets'), ...tsFiles('networks/persist')];

  it('imports Node APIs only in idx-node.ts and file-node.ts', () => {
    expect(lib.length).toBeGreaterThanOrEqual(7);
    const offenders = lib.filter((f) => !NODE_MODULES_ALLOWED.has(f) && NODE_IMPORT.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
    for (const f of NODE_MODULES_ALLOWED) expect(NODE_IMPORT.test(readFileSync(join(ROOT, f), 'utf8'))).toBe(true);
    // Pure modules use no Node globals either.
    for (const f of lib.filter((x) => !NODE_MODULES_ALLOWED.has(x))) {
      expect(readFileSync(join(ROOT, f), 'utf8'), f).not.toMatch(/\bprocess\.|\bBuffer\b|\b__dirname\b/);
    }
  });

  it('the networks barrel exports no Node-only module', () => {
    const barrel = readFileSync(join(ROOT, 'networks/index.ts'), 'utf8');
    const exported = [...barrel.matchAll(/export \* from '([^']+)'/g)].map((m) => m[1]);
    expect(exported).toEqual(expect.arrayContaining(['./datasets/idx.js', './datasets/encoding.js', './persist/model-file.js']));
    expect(exported.some((p) => p.includes('-node'))).toBe(false);
  });

  it('uses no Math.random (library and tests)', () => {
    const files = [...lib, ...tsFiles('test/networks/datasets'), ...tsFiles('test/networks/persist')];
    const self = 'test/networks/datasets/layering.test.ts';
    const offenders = files.filter((f) => f !== self && /Math\.random/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
