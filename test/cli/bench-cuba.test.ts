/**
 * `memspike bench cuba --vs brian2`: memspike and Brian2's C++ standalone (bench/peers/brian2_cuba.py)
 * side by side in one JSON object. Needs Brian2 and g++ (`apt-get install python3-brian g++`, which
 * .ci/run does); without them the test fails with that hint, it is never skipped.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

interface Side {
  build_s: number;
  loop_s: number;
  spikes: number;
  load: number;
}

describe('memspike bench cuba --vs brian2', () => {
  it('runs both sides on a tiny network and prints one JSON object with both and their loop ratio', () => {
    const r = runCli(['bench', 'cuba', '--vs', 'brian2', '--neurons', '400', '--duration', '0.1 s', '--rounds', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1); // progress goes to stderr
    const j = r.last as {
      vs: string;
      peer: string;
      neurons: number;
      duration_ms: number;
      rounds: number;
      memspike: { build_s_median: number; loop_s_median: number };
      brian2: { build_s_median: number; loop_s_median: number };
      ratio_loop: number;
      load: { min: number; max: number };
      per_round: { order: string; memspike: Side; brian2: Side & { compile_s: number }; ratio_loop: number }[];
    };
    expect(j.vs).toBe('brian2');
    expect(j.peer).toMatch(/^brian2 \d+\.\d+.* cpp_standalone$/);
    expect([j.neurons, j.duration_ms, j.rounds]).toEqual([400, 100, 1]);
    expect(j.per_round).toHaveLength(1);
    const [round] = j.per_round;
    expect(round.order).toBe('memspike,brian2');
    for (const side of [round.memspike, round.brian2]) {
      expect(side.loop_s).toBeGreaterThan(0);
      expect(side.build_s).toBeGreaterThan(0);
      expect(side.spikes).toBeGreaterThan(50); // ≈ 6 Hz × 400 neurons × 0.1 s on both sides
      expect(side.load).toBeGreaterThanOrEqual(0);
    }
    expect(round.brian2.compile_s).toBeGreaterThan(0);
    expect(j.memspike.loop_s_median).toBe(round.memspike.loop_s);
    expect(j.brian2.loop_s_median).toBe(round.brian2.loop_s);
    expect(j.ratio_loop).toBeCloseTo(j.memspike.loop_s_median / j.brian2.loop_s_median, 12);
    expect(j.load.max).toBeGreaterThanOrEqual(j.load.min);
  });

  it('refuses a peer other than brian2, naming the flag and the fix', () => {
    const r = runCli(['bench', 'cuba', '--vs', 'nest', '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--vs nest: the only peer is brian2 \(--vs brian2/);
  });

  it('without Brian2, says how to install it', () => {
    const r = runCli(['bench', 'cuba', '--vs', 'brian2', '--neurons', '400', '--duration', '0.1 s', '--json'], 60_000, { MEMSPIKE_PYTHON: '/nonexistent/python3' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--vs brian2 needs Python 3 with Brian2.*apt-get install python3-brian/);
  });

  it('runs both sides in single precision with --precision float32 --peer-precision float32, and says so', () => {
    const r = runCli(['bench', 'cuba', '--vs', 'brian2', '--neurons', '400', '--duration', '0.1 s', '--rounds', '1', '--precision', 'float32', '--peer-precision', 'float32', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.last as { precision: string; peer_precision: string; per_round: { memspike: Side; brian2: Side & { float_dtype: string } }[] };
    expect([j.precision, j.peer_precision]).toEqual(['float32', 'float32']);
    expect(j.per_round[0].brian2.float_dtype).toBe('float32'); // as Brian2's side reports it
    for (const side of [j.per_round[0].memspike, j.per_round[0].brian2]) expect(side.spikes).toBeGreaterThan(50);
  });

  it('refuses an unknown precision and a peer precision without a peer, naming the flag', () => {
    const a = runCli(['bench', 'cuba', '--precision', 'half', '--json']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/--precision half: use float64 or float32/);
    const b = runCli(['bench', 'cuba', '--peer-precision', 'float32', '--json']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--peer-precision float32 sets Brian2's precision: add --vs brian2/);
  });

  it('refuses --rounds without a peer', () => {
    const r = runCli(['bench', 'cuba', '--rounds', '3', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--rounds 3 .*add --vs brian2/);
  });
});
