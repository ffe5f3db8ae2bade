/** `memspike bench math`: one JSON object naming every function of core/math.ts with its time against Math.*. */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('memspike bench math', () => {
  it('prints ns per call, the ratio to Math.* and the fraction of equal bits for each function', () => {
    const r = runCli(['bench', 'math', '--ms', '5', '--rounds', '1', '--json']);
    expect(r.code).toBe(0);
    const j = r.last as { bench: string; functions: { function: string; ns: number; math_ns: number; ratio: number; same_bits_as_math: number }[] };
    expect(j.bench).toBe('math');
    expect(j.functions.map((f) => f.function)).toEqual(['exp', 'log', 'log(1 − u)', 'expm1', 'log1p', 'pow', 'sin(2πu)', 'cos(2πu)']);
    for (const f of j.functions) {
      expect(f.ns, f.function).toBeGreaterThan(0);
      expect(f.ratio, f.function).toBeCloseTo(f.ns / f.math_ns, 1);
    }
    // within 1 ulp of V8's Math, most results are the very same double (sin/cos: Math's 2π·u is rounded first)
    for (const f of j.functions.slice(0, 6)) expect(f.same_bits_as_math, f.function).toBeGreaterThan(0.8);
  });
});
