/**
 * `memspike bench cuba`: Vogels & Abbott's CUBA network (networks/cuba.ts), timed like
 * peers/brian2_cuba.py: build (construction + connectivity) and the simulation loop separately;
 * synaptic events = Σ over spikes of the spiking neuron's out-degree.
 *
 * `--vs brian2 [--rounds N]` runs the same network in Brian2's C++ standalone mode too
 * (peers/brian2_cuba.py, a fresh project directory per run, so each run compiles cold), round by
 * round in ABBA order (memspike first in rounds 1, 3, 5, …, Brian2 first in rounds 2, 4, …), one
 * child process at a time: memspike's side is `memspike bench cuba --json` in a child process of
 * its own as well, so that both sides start cold in every round and neither inherits the other's
 * heap or JIT state.
 * The result holds both sides' build and loop times per round, their medians, the machine's
 * 1-minute load average at each run's start, and `ratio_loop`: the median over rounds of
 * memspike's loop ÷ Brian2's loop in the same round.
 */
import type { Benchmark } from './types.js';
import { alternate, BRIAN2_INSTALL as INSTALL, findBrian2, load1, median, MEMSPIKE_MAIN, peerScript, runJsonChild, versusOptions } from './brian2.js';
import { cubaNetwork } from '../networks/cuba.js';

const PEER = peerScript('brian2_cuba.py');

interface CubaArgs {
  readonly neurons: number;
  readonly duration: number;
  readonly seed: number;
  readonly storage: 'csr' | 'dense';
  /** memspike's neuron state (LifParams.precision) */
  readonly precision: 'float64' | 'float32';
  /** with --vs: Brian2's float dtype (prefs.core.default_float_dtype) */
  readonly peerPrecision: 'float64' | 'float32';
}

/** One run in this process. */
function runCuba({ neurons, duration, seed, storage, precision }: CubaArgs, log: (line: string) => void): Record<string, unknown> {
  const t0 = performance.now();
  const { net, exc, inh, projections } = cubaNetwork({ neurons, seed, storage, precision });
  const cExc = net.spikeCounter(exc);
  const cInh = net.spikeCounter(inh);
  net.build();
  const steps = net.stepsFor(duration, duration);
  const t1 = performance.now();
  net.runSteps(steps);
  const t2 = performance.now();
  // Out-degree of every neuron, to count synaptic events.
  let synapses = 0;
  let events = 0;
  for (const [pop, counter] of [
    [exc, cExc],
    [inh, cInh],
  ] as const) {
    const outDeg = new Int32Array(pop.n);
    for (const p of projections) {
      if (p.pre !== pop) continue;
      const { rowPtr } = p.structure;
      for (let j = 0; j < pop.n; j++) outDeg[j] += rowPtr[j + 1] - rowPtr[j];
    }
    for (let j = 0; j < pop.n; j++) {
      synapses += outDeg[j];
      events += outDeg[j] * counter.counts[j];
    }
  }
  const spikes = cExc.total() + cInh.total();
  const wall = (t2 - t1) / 1000;
  log(`cuba: ${neurons} neurons, ${synapses} synapses, ${spikes} spikes in ${duration} ms; loop ${wall.toFixed(3)} s`);
  return {
    bench: 'cuba',
    neurons,
    synapses,
    duration_ms: duration,
    dt_ms: net.dt,
    spikes,
    rate_hz: spikes / neurons / (duration / 1000),
    synaptic_events: events,
    build_s: (t1 - t0) / 1000,
    wall_s: wall,
    events_per_s: events / wall,
    ns_per_neuron_step: (wall * 1e9) / (neurons * steps),
    storage,
    precision,
    seed,
  };
}

interface Side {
  build_s: number;
  loop_s: number;
  spikes: number;
  rate_hz: number;
  synapses: number;
  [k: string]: unknown;
}

/** `--vs brian2`: both sides as child processes, alternating. */
function versusBrian2(a: CubaArgs, rounds: number, log: (line: string) => void): Record<string, unknown> {
  const { python, version } = findBrian2();
  const runMemspike = (): Side => {
    const j = runJsonChild('memspike bench cuba', process.execPath, [MEMSPIKE_MAIN, 'bench', 'cuba', '--json', '--neurons', String(a.neurons), '--duration', String(a.duration), '--seed', String(a.seed), '--storage', a.storage, '--precision', a.precision]);
    return { build_s: j['build_s'] as number, loop_s: j['wall_s'] as number, spikes: j['spikes'] as number, rate_hz: j['rate_hz'] as number, synapses: j['synapses'] as number };
  };
  const runBrian2 = (): Side => {
    const j = runJsonChild(`${python} ${PEER}`, python, [PEER, '--N', String(a.neurons), '--duration-ms', String(a.duration), '--seed', String(a.seed), ...(a.peerPrecision === 'float32' ? ['--float32'] : [])]);
    const side: Side = { build_s: j['build_s'] as number, loop_s: j['wall_s'] as number, spikes: j['spikes'] as number, rate_hz: j['rate_hz'] as number, synapses: j['synapses'] as number };
    for (const k of ['construct_s', 'codegen_s', 'compile_s', 'init_s', 'float_dtype']) side[k] = j[k];
    return side;
  };
  const perRound = alternate(rounds, runMemspike, runBrian2, ({ memspike: m, brian2: b }, r) =>
    log(`cuba vs brian2, round ${r + 1}/${rounds}: loop memspike ${m.loop_s.toFixed(3)} s, brian2 ${b.loop_s.toFixed(3)} s, ratio ${(m.loop_s / b.loop_s).toFixed(2)}; build ${m.build_s.toFixed(3)} s / ${b.build_s.toFixed(1)} s; load ${m.load} / ${b.load}`),
  ).map((round) => ({ ...round, ratio_loop: round.memspike.loop_s / round.brian2.loop_s }));
  const loads = perRound.flatMap((p) => [p.memspike.load, p.brian2.load]);
  const summary = (side: 'memspike' | 'brian2') => ({
    build_s_median: median(perRound.map((p) => p[side].build_s)),
    loop_s_median: median(perRound.map((p) => p[side].loop_s)),
  });
  return {
    bench: 'cuba',
    vs: 'brian2',
    peer: `brian2 ${version} cpp_standalone`,
    python,
    node: process.version,
    neurons: a.neurons,
    duration_ms: a.duration,
    dt_ms: 0.1,
    seed: a.seed,
    storage: a.storage,
    precision: a.precision,
    peer_precision: a.peerPrecision,
    rounds,
    memspike: summary('memspike'),
    brian2: summary('brian2'),
    ratio_loop: median(perRound.map((p) => p.ratio_loop)),
    load: { min: Math.min(...loads), max: Math.max(...loads), end: load1() },
    per_round: perRound,
  };
}

export const cubaBenchmark: Benchmark = {
  name: 'cuba',
  description: "Vogels & Abbott's current-based network (4000 LIF, 1 s, dt 0.1 ms): build and loop time, events/s; --vs brian2 side by side",
  options: [
    { flag: '--neurons <N>', key: 'neurons', description: 'total neurons (p scaled to keep ~80 inputs per neuron)', type: 'int', min: 5, default: 4000 },
    { flag: '--duration <T>', key: 'duration', description: "simulated time, e.g. 1000 or '1 s'", type: 'time', default: 1000 },
    { flag: '--seed <S>', key: 'seed', description: 'seed', type: 'int', min: 0, default: 1 },
    { flag: '--storage <kind>', key: 'storage', description: 'dense or csr', type: 'string', default: 'csr' },
    { flag: '--precision <p>', key: 'precision', description: "memspike's neuron state: float64 (Brian2's double precision) or float32 (LifParams.precision)", type: 'string', default: 'float64' },
    { flag: '--peer-precision <p>', key: 'peerPrecision', description: "with --vs brian2: Brian2's float dtype, float64 or float32 (prefs.core.default_float_dtype)", type: 'string', default: 'float64' },
    { flag: '--vs <peer>', key: 'vs', description: `also run the same network in brian2 (C++ standalone, bench/peers/brian2_cuba.py; needs \`${INSTALL}\`), alternating`, type: 'string', default: '' },
    { flag: '--rounds <n>', key: 'rounds', description: 'with --vs: rounds, each one run of both sides (ABBA order)', type: 'int', min: 1, default: 1 },
  ],
  // about 80 synapses per neuron at ~40 B each in CSR (measured: 114 MB resident at 40 000
  // neurons); dense storage holds every pair: ~10 B per neuron² (950 MB at 10 000)
  memory: (opts) => {
    const dense = opts['storage'] === 'dense';
    return { flag: '--neurons', value: opts['neurons'] as number, bytes: (n) => 3200 * n + (dense ? 10 * n * n : 0), arrayLength: (n) => (dense ? n * n : 80 * n) };
  },
  run(opts, log) {
    const storage = opts['storage'] as string;
    if (storage !== 'csr' && storage !== 'dense') throw new Error(`--storage ${storage}: use csr or dense.`);
    const { vs, rounds } = versusOptions(opts);
    const precision = opts['precision'] as string;
    const peerPrecision = opts['peerPrecision'] as string;
    for (const [flag, value] of [['--precision', precision], ['--peer-precision', peerPrecision]] as const) {
      if (value !== 'float64' && value !== 'float32') throw new Error(`${flag} ${value}: use float64 or float32.`);
    }
    if (vs === '' && peerPrecision !== 'float64') throw new Error(`--peer-precision ${peerPrecision} sets Brian2's precision: add --vs brian2.`);
    const args: CubaArgs = { neurons: opts['neurons'] as number, duration: opts['duration'] as number, seed: opts['seed'] as number, storage, precision: precision as 'float64' | 'float32', peerPrecision: peerPrecision as 'float64' | 'float32' };
    return vs === 'brian2' ? versusBrian2(args, rounds, log) : runCuba(args, log);
  },
};
