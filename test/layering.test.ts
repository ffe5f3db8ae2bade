/**
 * The layers and their one import direction (DESIGN.md), checked over every source file:
 *
 *   core → learning → networks → cli, bench, viewer
 *
 * A file imports only from its own layer or a lower one; bench never imports cli (the CLI runs the
 * benchmarks, not the other way round); nothing imports viewer; the library entry points
 * (index.ts, node.ts) reach only core, learning and networks. No import cycles at run time (type
 * imports, erased by the compiler, may refer back). core, learning and networks use no Node-only
 * API outside the two named Node modules, so the library runs in a browser Worker; no library file
 * and no test uses Math.random.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LAYER = { core: 0, learning: 1, networks: 2, cli: 3, bench: 3, viewer: 3 } as const;
type Folder = keyof typeof LAYER;
const NODE_MODULES_ALLOWED = new Set(['networks/datasets/idx-node.ts', 'networks/persist/file-node.ts', 'core/mathjs-node.ts', 'networks/mlp/cache-node.ts']);

function tsFiles(dir: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.parentPath.includes('node_modules'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split('\\').join('/'));
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

/** Relative imports and re-exports of a file, resolved to repository paths. */
function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const edges: Edge[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4];
    const target = normalize(join(dirname(file), spec)).split('\\').join('/').replace(/\.js$/, '.ts');
    edges.push({ from: file, to: target, typeOnly: m[2] !== undefined });
  }
  return edges;
}

const SOURCES = [...(Object.keys(LAYER) as Folder[]).flatMap(tsFiles), 'index.ts', 'node.ts'];
const EDGES = SOURCES.flatMap(importsOf);
const folderOf = (f: string): Folder | 'entry' => (f.includes('/') ? (f.split('/')[0] as Folder) : 'entry');

describe('layers', () => {
  it('finds the source tree and every import resolves to a file', () => {
    expect(SOURCES.length).toBeGreaterThan(80);
    const missing = EDGES.filter((e) => !existsSync(join(ROOT, e.to))).map((e) => `${e.from} → ${e.to}`);
    expect(missing).toEqual([]);
  });

  it('imports only in the direction core → learning → networks → cli, bench, viewer', () => {
    const wrong = EDGES.filter((e) => {
      const a = folderOf(e.from);
      const b = folderOf(e.to);
      if (b === 'entry') return true; // nothing imports the entry points
      if (a === 'entry') return LAYER[b] > LAYER.networks;
      if (b === 'viewer') return a !== 'viewer';
      if (a === 'bench' && b === 'cli') return true;
      if (a === 'viewer' && (b === 'cli' || b === 'bench')) return true;
      return LAYER[b] > LAYER[a];
    }).map((e) => `${e.from} → ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it('has no import cycle at run time', () => {
    const graph = new Map<string, string[]>();
    for (const e of EDGES) if (!e.typeOnly) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of SOURCES) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('the detector sees a known edge, a type-only edge and a re-export', () => {
    expect(EDGES).toContainEqual({ from: 'networks/diehl-cook/experiment.ts', to: 'networks/diehl-cook/network.ts', typeOnly: false });
    expect(EDGES).toContainEqual({ from: 'core/monitors.ts', to: 'core/network.ts', typeOnly: true });
    expect(EDGES.some((e) => e.from === 'index.ts' && e.to === 'core/network.ts')).toBe(true); // export { Network } from …
  });

  it('core, learning and networks use Node APIs only in the named *-node.ts files (the library runs in a browser Worker)', () => {
    const NODE_IMPORT = /\bfrom\s+['"](node:[^'"]+|fs|path|os|zlib|module|url|crypto|buffer|child_process)['"]|\brequire\(\s*['"]node:/;
    const lib = [...tsFiles('core'), ...tsFiles('learning'), ...tsFiles('networks')];
    const offenders = lib.filter((f) => !NODE_MODULES_ALLOWED.has(f) && (NODE_IMPORT.test(readFileSync(join(ROOT, f), 'utf8')) || /\bprocess\.|\bBuffer\b|\b__dirname\b/.test(readFileSync(join(ROOT, f), 'utf8'))));
    expect(offenders).toEqual([]);
    for (const f of NODE_MODULES_ALLOWED) expect(NODE_IMPORT.test(readFileSync(join(ROOT, f), 'utf8'))).toBe(true);
    // the barrels export no Node-only module
    for (const barrel of ['index.ts', 'networks/index.ts']) expect(readFileSync(join(ROOT, barrel), 'utf8')).not.toMatch(/-node\.js/);
  });

  it('the viewer page and its Worker use no Node API (only its vite build config does)', () => {
    const NODE_IMPORT = /\bfrom\s+['"](node:[^'"]+|fs|path|os|zlib|module|url|crypto|buffer|child_process)['"]|\brequire\(\s*['"]node:/;
    const page = tsFiles('viewer').filter((f) => f !== 'viewer/vite.config.ts');
    expect(page.length).toBeGreaterThan(10);
    expect(page.filter((f) => NODE_IMPORT.test(readFileSync(join(ROOT, f), 'utf8')) || /-node\.js/.test(readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });

  it('uses no Math.random in library code or tests (results come from the seeded streams)', () => {
    const self = 'test/layering.test.ts';
    const files = [...tsFiles('core'), ...tsFiles('learning'), ...tsFiles('networks'), ...tsFiles('test')].filter((f) => f !== self);
    expect(files.filter((f) => /Math\.random/.test(readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });
});
