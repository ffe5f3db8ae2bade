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
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './types.js';
import { cubaNetwork } from '../networks/cuba.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
/** bench/peers/ of the package (dist/bench/cuba.js → ../../bench/peers). */
const PEER = fileURLToPath(new URL('../../bench/peers/brian2_cuba.py', import.meta.url));
const INSTALL = 'apt-get install python3-brian g++';

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

/** A Python 3 with Brian2 (MEMSPIKE_PYTHON if set, else python3 on PATH, else /usr/bin/python3) and g++. */
function findBrian2(): { python: string; version: string } {
  const chosen = process.env['MEMSPIKE_PYTHON'];
  const candidates = chosen ? [chosen] : ['python3', '/usr/bin/python3'];
  const tried: string[] = [];
  let found: { python: string; version: string } | null = null;
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import brian2; print(brian2.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error) {
      tried.push(`${python}: not found`);
    } else if (r.status !== 0) {
      tried.push(`${python}: no brian2 module`);
    } else {
      found = { python, version: r.stdout.trim().split('\n').at(-1) ?? '?' };
      break;
    }
  }
  if (!found) throw new Error(`--vs brian2 needs Python 3 with Brian2 (${tried.join('; ')}): install it with \`${INSTALL}\` (Debian/Ubuntu), or set MEMSPIKE_PYTHON to a python3 that has Brian2.`);
  const gxx = spawnSync('g++', ['--version'], { stdio: 'ignore' });
  if (gxx.error || gxx.status !== 0) throw new Error(`--vs brian2 compiles Brian2's C++ standalone code with g++, which is not installed: \`${INSTALL}\`.`);
  return found;
}

/** Runs a child process that prints one JSON object as its last stdout line. */
function child(what: string, command: string, args: readonly string[]): Record<string, unknown> {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const tail = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status ?? r.signal}: ${tail}`);
  const last = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    throw new Error(`${what} printed no JSON object (stdout: ${JSON.stringify(last.slice(0, 200))}; stderr: ${tail})`);
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const load1 = (): number => Math.round(loadavg()[0] * 100) / 100;

interface Side {
  build_s: number;
  loop_s: number;
  spikes: number;
  rate_hz: number;
  synapses: number;
  load: number;
  [k: string]: unknown;
}

/** `--vs brian2`: both sides as child processes, alternating. */
function versusBrian2(a: CubaArgs, rounds: number, log: (line: string) => void): Record<string, unknown> {
  const { python, version } = findBrian2();
  const runMemspike = (): Side => {
    const load = load1();
    const j = child('memspike bench cuba', process.execPath, [MAIN, 'bench', 'cuba', '--json', '--neurons', String(a.neurons), '--duration', String(a.duration), '--seed', String(a.seed), '--storage', a.storage, '--precision', a.precision]);
    return { build_s: j['build_s'] as number, loop_s: j['wall_s'] as number, spikes: j['spikes'] as number, rate_hz: j['rate_hz'] as number, synapses: j['synapses'] as number, load };
  };
  const runBrian2 = (): Side => {
    const load = load1();
    const j = child(`${python} ${PEER}`, python, [PEER, '--N', String(a.neurons), '--duration-ms', String(a.duration), '--seed', String(a.seed), ...(a.peerPrecision === 'float32' ? ['--float32'] : [])]);
    const side: Side = { build_s: j['build_s'] as number, loop_s: j['wall_s'] as number, spikes: j['spikes'] as number, rate_hz: j['rate_hz'] as number, synapses: j['synapses'] as number, load };
    for (const k of ['construct_s', 'codegen_s', 'compile_s', 'init_s', 'float_dtype']) side[k] = j[k];
    return side;
  };
  const perRound: { order: string; memspike: Side; brian2: Side; ratio_loop: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const memspikeFirst = r % 2 === 0;
    let m: Side;
    let b: Side;
    if (memspikeFirst) {
      m = runMemspike();
      b = runBrian2();
    } else {
      b = runBrian2();
      m = runMemspike();
    }
    const ratio = m.loop_s / b.loop_s;
    perRound.push({ order: memspikeFirst ? 'memspike,brian2' : 'brian2,memspike', memspike: m, brian2: b, ratio_loop: ratio });
    log(`cuba vs brian2, round ${r + 1}/${rounds}: loop memspike ${m.loop_s.toFixed(3)} s, brian2 ${b.loop_s.toFixed(3)} s, ratio ${ratio.toFixed(2)}; build ${m.build_s.toFixed(3)} s / ${b.build_s.toFixed(1)} s; load ${m.load} / ${b.load}`);
  }
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
    const vs = (opts['vs'] as string | undefined) ?? '';
    const rounds = (opts['rounds'] as number | undefined) ?? 1;
    if (vs !== '' && vs !== 'brian2') throw new Error(`--vs ${vs}: the only peer is brian2 (--vs brian2, which needs \`${INSTALL}\`).`);
    if (vs === '' && rounds !== 1) throw new Error(`--rounds ${rounds} alternates memspike with a peer: add --vs brian2.`);
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
