/**
 * `memspike bench cuba`: Vogels & Abbott's CUBA network (networks/cuba.ts), timed like
 * ../shared/peers/brian2_cuba.py: build (construction + connectivity) and the simulation loop
 * separately; synaptic events = Σ over spikes of the spiking neuron's out-degree.
 */
import type { Benchmark } from './types.js';
import { cubaNetwork } from '../networks/cuba.js';

export const cubaBenchmark: Benchmark = {
  name: 'cuba',
  description: "Vogels & Abbott's current-based network (4000 LIF, 1 s, dt 0.1 ms): build and loop time, events/s",
  options: [
    { flag: '--neurons <N>', key: 'neurons', description: 'total neurons (p scaled to keep ~80 inputs per neuron)', type: 'int', min: 5, default: 4000 },
    { flag: '--duration <T>', key: 'duration', description: "simulated time, e.g. 1000 or '1 s'", type: 'time', default: 1000 },
    { flag: '--seed <S>', key: 'seed', description: 'seed', type: 'int', min: 0, default: 1 },
    { flag: '--storage <kind>', key: 'storage', description: 'dense or csr', type: 'string', default: 'csr' },
  ],
  // about 80 synapses per neuron at ~40 B each in CSR (measured: 114 MB resident at 40 000
  // neurons); dense storage holds every pair: ~10 B per neuron² (950 MB at 10 000)
  memory: (opts) => {
    const dense = opts['storage'] === 'dense';
    return { flag: '--neurons', value: opts['neurons'] as number, bytes: (n) => 3200 * n + (dense ? 10 * n * n : 0), arrayLength: (n) => (dense ? n * n : 80 * n) };
  },
  run(opts, log) {
    const neurons = opts['neurons'] as number;
    const duration = opts['duration'] as number;
    const storage = opts['storage'] as string;
    if (storage !== 'csr' && storage !== 'dense') throw new Error(`--storage ${storage}: use csr or dense.`);
    const t0 = performance.now();
    const { net, exc, inh, projections } = cubaNetwork({ neurons, seed: opts['seed'] as number, storage });
    const cExc = net.spikeCounter(exc);
    const cInh = net.spikeCounter(inh);
    net.build();
    const steps = net.stepsFor(duration, opts['duration'] as number);
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
      seed: opts['seed'],
    };
  },
};
