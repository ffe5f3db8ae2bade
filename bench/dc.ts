/**
 * `memspike bench dc`: training speed of the Diehl & Cook network on real MNIST images, through the
 * same experiment runner as `memspike train` and with its spec (the same flags and defaults): the
 * full per-sample work — weight normalisation, 350 ms presentation with plasticity, re-presentations
 * when fewer than 5 spikes, 150 ms rest; dt 0.5 ms (1000 steps per sample). Reports milliseconds
 * per sample over `--samples` after `--warmup` untimed samples (JIT warm-up).
 *
 * `--vs brian2 [--rounds N]` runs Diehl & Cook in Brian2's C++ standalone mode too
 * (peers/brian2_dc.py: the same network, rule and schedule, float weights, cold compile per run), and
 * memspike's side as `memspike bench dc --json` with the resolved spec's flags in a child process,
 * alternating (bench/brian2.ts). Both sides time the same images after the same warm-up; the result
 * holds both per round, their medians and `ratio`: the median over rounds of memspike's ms per sample
 * ÷ Brian2's in the same round. With a device preset, memspike's side programs devices and Brian2's
 * keeps float weights: the ratio then prices the devices too.
 */
import type { Benchmark } from './types.js';
import { alternate, BRIAN2_INSTALL, findBrian2, load1, median, MEMSPIKE_MAIN, peerScript, runJsonChild, versusOptions } from './brian2.js';
import { loadMnist, mnistPaths } from '../networks/datasets/idx-node.js';
import type { ImageDataset } from '../networks/datasets/image-dataset.js';
import { DiehlCookExperiment } from '../networks/diehl-cook/experiment.js';
import { resolveSpec, type ExperimentSpec } from '../networks/diehl-cook/spec.js';
import type { TrainResult } from '../networks/diehl-cook/results.js';

const PEER = peerScript('brian2_dc.py');
/** Brian2's integration of the neuron equations: exponential Euler is memspike's (exact while the conductances are held over a step); Euler is Diehl & Cook's and cheaper. */
const PEER_METHODS = ['exponential_euler', 'euler'] as const;

/** One run in this process. */
function runDc(spec: ExperimentSpec, train: ImageDataset, samples: number, warmup: number, log: (line: string) => void): Record<string, unknown> {
  const schedule = [...(warmup > 0 ? [{ phase: 'train', samples: warmup }] : []), { phase: 'train', samples }];
  const resolved = resolveSpec({ ...spec, schedule });
  const exp = new DiehlCookExperiment(resolved, { train, test: null });
  if (warmup > 0) exp.advance({ samples: warmup });
  // CPU time as well as wall time: on a shared machine the wall time also counts the waits for a core
  const cpuStart = process.cpuUsage();
  exp.advance({ samples });
  const cpu = process.cpuUsage(cpuStart);
  const r = exp.result().phases[exp.result().phases.length - 1] as TrainResult;
  const msPerSample = (1000 * r.seconds) / samples;
  const cpuMsPerSample = (cpu.user + cpu.system) / 1000 / samples;
  const setting = resolved.device === 'float' ? '' : ` (${resolved.cell}, wMax ${resolved.wMax}, ${resolved.rounding} rounding, normalisation ${resolved.deviceNormalisation})`;
  log(`dc: ${resolved.neurons} neurons, ${resolved.device}${setting}: ${msPerSample.toFixed(2)} ms/sample (CPU ${cpuMsPerSample.toFixed(2)}) over ${samples} samples (${r.presentations} presentations)`);
  return {
    bench: 'dc',
    neurons: resolved.neurons,
    device: resolved.device,
    cell: resolved.cell,
    w_max: resolved.wMax,
    rounding: resolved.rounding,
    device_normalisation: resolved.deviceNormalisation,
    samples,
    warmup,
    ms_per_sample: msPerSample,
    cpu_ms_per_sample: cpuMsPerSample,
    steps_per_sample: exp.trained.model.presenter.stepsPerPresentation,
    presentations: r.presentations,
    seconds: r.seconds,
    pulses: r.pulses,
  };
}

/** Brian2's side has Diehl & Cook's rule at its published rates: the flags that change them are refused. */
function refuseUnmodelled(spec: ExperimentSpec): void {
  const unmodelled: [string, unknown, unknown][] = [
    ['--rule', spec.rule, 'diehlCook'],
    ['--rate-scale', spec.rateScale, 1],
  ];
  for (const [where, value, modelled] of unmodelled) {
    if (value !== modelled) {
      throw new Error(`--vs brian2: Brian2's side (bench/peers/brian2_dc.py) is Diehl & Cook's published network and rule, but ${where} is ${JSON.stringify(value)}: leave it at ${JSON.stringify(modelled)} to compare, or run without --vs.`);
    }
  }
}

/** The flags of `memspike bench dc` that give a child process the same spec (bench dc takes flags only). */
function specFlags(spec: ExperimentSpec): string[] {
  const flags = ['--neurons', String(spec.neurons), '--seed', String(spec.seed), '--device', spec.device, '--rule', spec.rule, '--rate-scale', String(spec.rateScale)];
  flags.push('--normalisation', spec.normalisation === null ? 'off' : String(spec.normalisation));
  if (spec.device !== 'float') {
    flags.push('--cell', String(spec.cell), '--w-max', String(spec.wMax), '--rounding', String(spec.rounding), '--device-normalisation', String(spec.deviceNormalisation));
    if (spec.d2d !== null) flags.push('--d2d', String(spec.d2d));
  }
  return flags;
}

interface MemspikeSide {
  ms_per_sample: number;
  cpu_ms_per_sample: number;
  presentations: number;
  device_normalisation: string | null;
}
interface Brian2Side {
  ms_per_sample: number;
  build_s: number;
  compile_s: number;
  exc_spikes_per_sample: number;
  normalisation: number | null;
  float_dtype: string;
}

/** `--vs brian2`: both sides as child processes, alternating. */
function versusBrian2(spec: ExperimentSpec, samples: number, warmup: number, rounds: number, method: string, log: (line: string) => void): Record<string, unknown> {
  const { python, version } = findBrian2();
  const images = mnistPaths('train').images;
  const runMemspike = (): MemspikeSide => {
    const j = runJsonChild('memspike bench dc', process.execPath, [MEMSPIKE_MAIN, 'bench', 'dc', '--json', ...specFlags(spec), '--samples', String(samples), '--warmup', String(warmup)]);
    // the child resolved the same spec from the flags (a flag missed here would show)
    for (const [key, value] of [['neurons', spec.neurons], ['device', spec.device], ['cell', spec.cell], ['w_max', spec.wMax], ['rounding', spec.rounding], ['device_normalisation', spec.deviceNormalisation]] as const) {
      if (j[key] !== value) throw new Error(`memspike bench dc: the child ran ${key} ${JSON.stringify(j[key])}, not ${JSON.stringify(value)}.`);
    }
    return { ms_per_sample: j['ms_per_sample'] as number, cpu_ms_per_sample: j['cpu_ms_per_sample'] as number, presentations: j['presentations'] as number, device_normalisation: j['device_normalisation'] as string | null };
  };
  const runBrian2 = (): Brian2Side => {
    // memspike's devices skip the normalisation with --device-normalisation off: so does Brian2 then
    const normalisation = spec.normalisation === null || spec.deviceNormalisation === 'off' ? 'off' : String(spec.normalisation);
    const j = runJsonChild(`${python} ${PEER}`, python, [PEER, '--images', images, '--N', String(spec.neurons), '--samples', String(samples), '--warmup', String(warmup), '--seed', String(spec.seed), '--normalisation', normalisation, '--method', method]);
    return { ms_per_sample: j['ms_per_sample'] as number, build_s: j['build_s'] as number, compile_s: j['compile_s'] as number, exc_spikes_per_sample: j['exc_spikes_per_sample'] as number, normalisation: j['normalisation'] as number | null, float_dtype: j['float_dtype'] as string };
  };
  const perRound = alternate(rounds, runMemspike, runBrian2, ({ memspike: m, brian2: b }, r) =>
    log(`dc vs brian2, round ${r + 1}/${rounds}: memspike ${m.ms_per_sample.toFixed(2)} ms/sample, brian2 ${b.ms_per_sample.toFixed(2)} ms/sample, ratio ${(m.ms_per_sample / b.ms_per_sample).toFixed(3)}; load ${m.load} / ${b.load}`),
  ).map((round) => ({ ...round, ratio: round.memspike.ms_per_sample / round.brian2.ms_per_sample }));
  const loads = perRound.flatMap((p) => [p.memspike.load, p.brian2.load]);
  return {
    bench: 'dc',
    vs: 'brian2',
    peer: `brian2 ${version} cpp_standalone`,
    peer_method: method,
    python,
    node: process.version,
    neurons: spec.neurons,
    device: spec.device,
    cell: spec.cell,
    w_max: spec.wMax,
    rounding: spec.rounding,
    device_normalisation: spec.deviceNormalisation,
    seed: spec.seed,
    samples,
    warmup,
    rounds,
    memspike: {
      ms_per_sample_median: median(perRound.map((p) => p.memspike.ms_per_sample)),
      cpu_ms_per_sample_median: median(perRound.map((p) => p.memspike.cpu_ms_per_sample)),
    },
    brian2: {
      ms_per_sample_median: median(perRound.map((p) => p.brian2.ms_per_sample)),
      build_s_median: median(perRound.map((p) => p.brian2.build_s)),
    },
    ratio: median(perRound.map((p) => p.ratio)),
    load: { min: Math.min(...loads), max: Math.max(...loads), end: load1() },
    per_round: perRound,
  };
}

export const dcBenchmark: Benchmark = {
  name: 'dc',
  description: 'Diehl & Cook training speed: ms per MNIST sample (500 ms at dt 0.5 ms, plasticity on), with the spec of memspike train; --vs brian2 side by side',
  experiment: true,
  options: [
    { flag: '--samples <N>', key: 'samples', description: 'timed samples', type: 'int', min: 1, default: 200 },
    { flag: '--warmup <N>', key: 'warmup', description: 'untimed samples first (JIT warm-up)', type: 'int', min: 0, default: 20 },
    { flag: '--vs <peer>', key: 'vs', description: `also train Diehl & Cook in brian2 (C++ standalone, bench/peers/brian2_dc.py; needs \`${BRIAN2_INSTALL}\`), alternating`, type: 'string', default: '' },
    { flag: '--rounds <n>', key: 'rounds', description: 'with --vs: rounds, each one run of both sides (ABBA order)', type: 'int', min: 1, default: 1 },
    { flag: '--peer-method <m>', key: 'peerMethod', description: "with --vs brian2: Brian2's integration of the neurons, exponential_euler (memspike's: exact while the conductances are held over a step) or euler (Diehl & Cook's; cheaper)", type: 'string', default: PEER_METHODS[0] },
  ],
  run(opts, log) {
    const spec = opts['spec'] as ExperimentSpec;
    const samples = opts['samples'] as number;
    const warmup = opts['warmup'] as number;
    const { vs, rounds } = versusOptions(opts);
    const method = (opts['peerMethod'] as string | undefined) ?? PEER_METHODS[0];
    if (!(PEER_METHODS as readonly string[]).includes(method)) throw new Error(`--peer-method ${method}: use ${PEER_METHODS.join(' or ')}.`);
    if (vs === '' && method !== PEER_METHODS[0]) throw new Error(`--peer-method ${method} sets Brian2's integration: add --vs brian2.`);
    if (vs === 'brian2') refuseUnmodelled(spec);
    const train = loadMnist({ split: 'train' });
    if (samples + warmup > train.count) throw new Error(`--samples ${samples} + --warmup ${warmup} exceed the ${train.count} training images.`);
    return vs === 'brian2' ? versusBrian2(spec, samples, warmup, rounds, method, log) : runDc(spec, train, samples, warmup, log);
  },
};
