/**
 * `memspike bench math [--ms 300] [--rounds 5]`: nanoseconds per call of core/math.ts's exp, log,
 * expm1, log1p, pow and sinTwoPi/cosTwoPi against the host's Math.* on the same 65 536 arguments
 * (ranges as the kernels use them), and the fraction of results whose bits equal Math's.
 *
 * Each figure is the median over `rounds` of a timed loop of at least `ms` milliseconds, ours and
 * Math's alternating within each round (so that a noisy neighbour hits both). Every loop body is a
 * separate function with a direct call, so V8 can inline the function timed, as in a kernel.
 */
import type { Benchmark } from './types.js';
import { RandomStream } from '../core/random.js';
import { cosTwoPi, exp, expm1, log, log1p, pow, sinTwoPi } from '../core/math.js';

const N = 1 << 16;

type Loop = (x: Float64Array, y: Float64Array, out: Float64Array) => void;

interface Case {
  readonly name: string;
  /** arguments (x, and y for pow) */
  readonly gen: (r: RandomStream) => [number, number];
  readonly ours: Loop;
  readonly host: Loop;
}

const CASES: readonly Case[] = [
  { name: 'exp', gen: (r) => [(r.uniform() - 0.5) * 40, 0], ours: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = exp(x[i]); }, host: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = Math.exp(x[i]); } },
  { name: 'log', gen: (r) => [exp((r.uniform() - 0.5) * 60), 0], ours: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = log(x[i]); }, host: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = Math.log(x[i]); } },
  { name: 'log(1 − u)', gen: (r) => [1 - r.uniform(), 0], ours: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = log(x[i]); }, host: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = Math.log(x[i]); } },
  { name: 'expm1', gen: (r) => [(r.uniform() - 0.5) * 4, 0], ours: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = expm1(x[i]); }, host: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = Math.expm1(x[i]); } },
  { name: 'log1p', gen: (r) => [r.uniform() * 4 - 0.9, 0], ours: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = log1p(x[i]); }, host: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = Math.log1p(x[i]); } },
  { name: 'pow', gen: (r) => [r.uniform(), 0.2 + r.uniform() * 4], ours: (x, y, o) => { for (let i = 0; i < N; i++) o[i] = pow(x[i], y[i]); }, host: (x, y, o) => { for (let i = 0; i < N; i++) o[i] = Math.pow(x[i], y[i]); } },
  { name: 'sin(2πu)', gen: (r) => [r.uniform(), 0], ours: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = sinTwoPi(x[i]); }, host: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = Math.sin(2 * Math.PI * x[i]); } },
  { name: 'cos(2πu)', gen: (r) => [r.uniform(), 0], ours: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = cosTwoPi(x[i]); }, host: (x, _y, o) => { for (let i = 0; i < N; i++) o[i] = Math.cos(2 * Math.PI * x[i]); } },
];

/** ns per element of `loop` over N elements, repeated for at least `ms` milliseconds. */
function nsPer(loop: Loop, x: Float64Array, y: Float64Array, out: Float64Array, ms: number): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    loop(x, y, out);
    n++;
    t = performance.now();
  }
  return ((t - t0) * 1e6) / (n * N);
}

const median = (a: number[]): number => {
  const s = a.slice().sort((p, q) => p - q);
  return s[s.length >> 1];
};

export const mathBench: Benchmark = {
  name: 'math',
  description: "ns per call of core/math.ts's exp, log, expm1, log1p, pow, sin/cos(2πu) against Math.*, and how often the bits agree",
  options: [
    { flag: '--ms <n>', key: 'ms', description: 'minimum time of each timed loop [ms]', type: 'int', min: 1, default: 300 },
    { flag: '--rounds <n>', key: 'rounds', description: 'rounds (ours and Math alternating); the median is reported', type: 'int', min: 1, default: 5 },
  ],
  run(opts: Record<string, unknown>, log_: (line: string) => void): Record<string, unknown> {
    const ms = opts['ms'] as number;
    const rounds = opts['rounds'] as number;
    const functions: Record<string, unknown>[] = [];
    for (const c of CASES) {
      const r = new RandomStream(`bench-math/${c.name}`);
      const x = new Float64Array(N);
      const y = new Float64Array(N);
      for (let i = 0; i < N; i++) [x[i], y[i]] = c.gen(r);
      const a = new Float64Array(N);
      const b = new Float64Array(N);
      c.ours(x, y, a);
      c.host(x, y, b);
      let same = 0;
      for (let i = 0; i < N; i++) if (Object.is(a[i], b[i])) same++;
      for (let k = 0; k < 3; k++) nsPer(c.ours, x, y, a, 20), nsPer(c.host, x, y, b, 20); // warm-up
      const ours: number[] = [];
      const host: number[] = [];
      for (let k = 0; k < rounds; k++) {
        ours.push(nsPer(c.ours, x, y, a, ms));
        host.push(nsPer(c.host, x, y, b, ms));
      }
      const o = median(ours);
      const h = median(host);
      log_(`bench math: ${c.name}: ${o.toFixed(2)} ns (Math ${h.toFixed(2)} ns), bits equal to Math's for ${((100 * same) / N).toFixed(1)} %`);
      functions.push({ function: c.name, ns: +o.toFixed(2), math_ns: +h.toFixed(2), ratio: +(o / h).toFixed(2), same_bits_as_math: +(same / N).toFixed(4) });
    }
    return { bench: 'math', node: process.version, n: N, rounds, functions };
  },
};
