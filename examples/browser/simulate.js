/**
 * The simulation the browser page runs — plain ES module JavaScript with no DOM and no Node API, so
 * the very same function runs in a browser tab (main.js) and in Node (test/examples.test.ts runs it
 * there and checks that the page's spike counts are the same, bit for bit).
 *
 * The network: 200 Poisson inputs at 15 Hz → 20 conductance-based LIF neurons through hfs2
 * memristor synapses trained by the pair STDP rule (Song, Miller & Abbott 2000), 300 ms of
 * simulated time. Every physical value is a unit string, parsed by mathjs at build time.
 */
import { Network, lif, poissonInput, allToAll, memristiveStore, stdp, SONG_2000_PAIR } from 'memspike';

/**
 * Builds and runs the network.
 * @param {{ seed?: number, duration?: string }} [options]
 * @returns {{ counts: number[], spikes: { times: number[], neurons: number[] }, pulses: number, energy_nJ: number, steps: number, dt: number }}
 *   spike counts per output neuron, every recorded spike (time [ms], neuron), device pulses and
 *   programming energy [nJ], and the steps simulated
 */
export function simulate(options = {}) {
  const net = new Network({ dt: '0.1 ms', seed: options.seed ?? 42 });
  const input = net.add(poissonInput(200, '15 Hz', 'input'));
  const exc = net.add(lif(20, {
    tauMem: '20 ms', vRest: '-70 mV', vReset: '-70 mV', vThresh: '-54 mV', tRef: '2 ms',
    synapse: { type: 'conductance', tauExc: '5 ms', tauInh: '10 ms', eExc: '0 mV', eInh: '-80 mV' },
  }, 'exc'));
  const syn = net.connect(input, exc, {
    connector: allToAll(),
    weight: { uniform: [0, 0.06] },
    store: memristiveStore({ device: 'hfs2', mode: 'single', wMax: 0.12 }),
  });
  net.addUpdater(stdp(syn, SONG_2000_PAIR, { rounding: 'stochastic' }));
  const counter = net.spikeCounter(exc);
  const recorder = net.spikeRecorder(exc, { capacity: 10_000 });
  net.build();
  net.run(options.duration ?? '300 ms');
  const rec = recorder.read();
  return {
    counts: Array.from(counter.counts),
    spikes: { times: Array.from(rec.times), neurons: Array.from(rec.indices) },
    pulses: syn.store.pulses,
    energy_nJ: syn.store.energyPulse_nJ,
    steps: net.currentStep,
    dt: net.dt,
  };
}
