/**
 * No engine-dependent arithmetic in the library's computing code: Math.exp, log, pow, sin… and `**`
 * round as each JavaScript engine likes (ECMAScript: "implementation-approximated"), so core/,
 * learning/ and networks/ call core/math.ts instead (docs/design.md, "Determinism"). This test
 * reads the sources and names any new call, with the few files allowed to keep one and why.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../cli/run-cli.js';

/** Files that may still call them, and why. */
const ALLOWED: Readonly<Record<string, string>> = {
  // Axis ticks of an SVG plot: never part of a trajectory.
  'core/devices/svg.ts': 'plot ticks',
};

const HOST_MATH = /\bMath\.(exp|expm1|log|log1p|log2|log10|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|cbrt|hypot)\b/;
/** `a ** b` unless the base is the literal 2 (exact powers of two in every engine in practice; used for integer limits); not the opening or closing stars of a doc comment inside a template string. */
const STAR_STAR = /(?<!\b2 |\/)\*\*(?!\/)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The code of a line without its comment (block-comment lines and trailing // comments dropped). */
function code(line: string): string {
  const t = line.trim();
  if (t.startsWith('*') || t.startsWith('/*') || t.startsWith('//')) return '';
  const i = line.indexOf('//');
  return i >= 0 && !line.slice(0, i).includes("'") && !line.slice(0, i).includes('`') ? line.slice(0, i) : line;
}

describe('engine-dependent Math in core/, learning/, networks/', () => {
  it('is called only where allowed (everything else uses core/math.ts)', () => {
    const found: string[] = [];
    for (const dir of ['core', 'learning', 'networks']) {
      for (const f of files(join(ROOT, dir))) {
        const rel = relative(ROOT, f).split('\\').join('/');
        if (rel in ALLOWED) continue;
        readFileSync(f, 'utf8').split('\n').forEach((line, k) => {
          const c = code(line);
          if (HOST_MATH.test(c) || STAR_STAR.test(c)) found.push(`${rel}:${k + 1}: ${line.trim()}`);
        });
      }
    }
    expect(found).toEqual([]);
  });
});
