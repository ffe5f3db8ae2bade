/**
 * `memspike bench dc --vs brian2`: Diehl & Cook trained by memspike and by Brian2's C++ standalone
 * (bench/peers/brian2_dc.py) side by side in one JSON object. Needs Brian2 and g++
 * (`apt-get install python3-brian g++`, which .ci/run does); without them the test fails with that
 * hint, it is never skipped.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

interface MemspikeSide {
  ms_per_sample: number;
  cpu_ms_per_sample: number;
  presentations: number;
  device_normalisation: string | null;
  load: number;
}
interface Brian2Side {
  ms_per_sample: number;
  build_s: number;
  compile_s: number;
  exc_spikes_per_sample: number;
  normalisation: number | null;
  float_dtype: string;
  load: number;
}
interface Versus {
  vs: string;
  peer: string;
  peer_method: string;
  neurons: number;
  device: string;
  cell: string | null;
  rounding: string | null;
  samples: number;
  warmup: number;
  rounds: number;
  memspike: { ms_per_sample_median: number; cpu_ms_per_sample_median: number };
  brian2: { ms_per_sample_median: number; build_s_median: number };
  ratio: number;
  per_round: { order: string; memspike: MemspikeSide; brian2: Brian2Side; ratio: number }[];
}

const median2 = (a: number, b: number): number => (a + b) / 2;

describe('memspike bench dc --vs brian2', () => {
  it('trains both sides on the same images, alternating, and prints both and their ratio', () => {
    const r = runCli(['bench', 'dc', '--vs', 'brian2', '--device', 'float', '--neurons', '40', '--samples', '3', '--warmup', '1', '--rounds', '2', '--json'], 600_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1); // progress goes to stderr
    const j = r.last as unknown as Versus;
    expect(j.vs).toBe('brian2');
    expect(j.peer).toMatch(/^brian2 \d+\.\d+.* cpp_standalone$/);
    expect(j.peer_method).toBe('exponential_euler');
    expect([j.neurons, j.device, j.cell, j.rounding, j.samples, j.warmup, j.rounds]).toEqual([40, 'float', null, null, 3, 1, 2]);
    expect(j.per_round.map((p) => p.order)).toEqual(['memspike,brian2', 'brian2,memspike']);
    for (const round of j.per_round) {
      expect(round.memspike.ms_per_sample).toBeGreaterThan(0);
      expect(round.memspike.presentations).toBeGreaterThanOrEqual(3); // a silent sample is shown again
      expect(round.brian2.ms_per_sample).toBeGreaterThan(0);
      expect(round.brian2.compile_s).toBeGreaterThan(0); // a cold build in every round
      expect(round.brian2.build_s).toBeGreaterThanOrEqual(round.brian2.compile_s);
      expect(round.brian2.exc_spikes_per_sample).toBeGreaterThan(0); // Brian2's network responds to the digits
      expect(round.brian2.normalisation).toBe(78); // Diehl & Cook's column sum, as memspike's spec
      expect(round.brian2.float_dtype).toBe('float64');
      expect(round.ratio).toBeCloseTo(round.memspike.ms_per_sample / round.brian2.ms_per_sample, 12);
    }
    // Brian2's side is deterministic given its seed: both rounds trained the same network
    expect(j.per_round[1].brian2.exc_spikes_per_sample).toBe(j.per_round[0].brian2.exc_spikes_per_sample);
    const [a, b] = j.per_round;
    expect(j.memspike.ms_per_sample_median).toBeCloseTo(median2(a.memspike.ms_per_sample, b.memspike.ms_per_sample), 12);
    expect(j.brian2.ms_per_sample_median).toBeCloseTo(median2(a.brian2.ms_per_sample, b.brian2.ms_per_sample), 12);
    expect(j.ratio).toBeCloseTo(median2(a.ratio, b.ratio), 12);
  });

  it("passes the device setting to memspike's side and Brian2's integration and normalisation to its own", () => {
    const r = runCli(['bench', 'dc', '--vs', 'brian2', '--cell', 'single', '--rounding', 'accumulate', '--device-normalisation', 'off', '--neurons', '40', '--samples', '2', '--warmup', '0', '--peer-method', 'euler', '--json'], 600_000);
    expect(r.code, r.stderr).toBe(0);
    const j = r.last as unknown as Versus;
    expect([j.peer_method, j.device, j.cell, j.rounding]).toEqual(['euler', 'hfs2', 'single', 'accumulate']);
    const [round] = j.per_round;
    expect(round.memspike.device_normalisation).toBe('off'); // as the child resolved it
    expect(round.brian2.normalisation).toBeNull(); // memspike's devices skip it, so Brian2 does too
    expect(round.brian2.exc_spikes_per_sample).toBeGreaterThan(0);
  });

  it('refuses a rule or learning rate the Brian2 side does not have, naming the flag, before any work', () => {
    const a = runCli(['bench', 'dc', '--vs', 'brian2', '--rule', 'pair', '--json']);
    expect(a.code).toBe(1);
    expect(a.stdout).toBe('');
    expect(a.stderr).toMatch(/--vs brian2: Brian2's side .* Diehl & Cook's published network and rule, but --rule is "pair": leave it at "diehlCook"/);
    const b = runCli(['bench', 'dc', '--vs', 'brian2', '--rate-scale', '0.5', '--json']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/but --rate-scale is 0\.5: leave it at 1/);
  });

  it('refuses --rounds and --peer-method without a peer, an unknown method and an unknown peer', () => {
    const cases: [string[], RegExp][] = [
      [['--rounds', '2'], /--rounds 2 alternates memspike with a peer: add --vs brian2/],
      [['--peer-method', 'euler'], /--peer-method euler sets Brian2's integration: add --vs brian2/],
      [['--vs', 'brian2', '--peer-method', 'rk4'], /--peer-method rk4: use exponential_euler or euler/],
      [['--vs', 'nest'], /--vs nest: the only peer is brian2 \(--vs brian2/],
    ];
    for (const [flags, message] of cases) {
      const r = runCli(['bench', 'dc', ...flags, '--json']);
      expect(r.code, flags.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it('without Brian2, says how to install it', () => {
    const r = runCli(['bench', 'dc', '--vs', 'brian2', '--samples', '1', '--warmup', '0', '--json'], 60_000, { MEMSPIKE_PYTHON: '/nonexistent/python3' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--vs brian2 needs Python 3 with Brian2.*apt-get install python3-brian/);
  });
});
