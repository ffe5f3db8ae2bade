/**
 * memspike as a library: Poisson inputs → LIF neurons with conductance-based synapses, whose
 * synapses are hfs2 memristors trained by Diehl & Cook's STDP rule.
 *
 *   node examples/library.mjs          (after `npm install`, or `npx tsc -p tsconfig.json` in this repo)
 *
 * What it shows: 100 inputs fire as Poisson processes, the first 20 at 40 Hz ("the pattern") and the
 * other 80 at 5 Hz ("the background"). 10 excitatory LIF neurons receive all of them through
 * synapses held in hfs2 devices (one device per synapse, w = s·(G − Gmin)). STDP may only change a
 * synapse by sending its device SET/RESET pulses; what a pulse does (its step, noise, the finite
 * levels, the energy) is the device's business. After 500 ms of simulated time the synapses from
 * the pattern have been potentiated more than those from the background: the neurons learnt which
 * inputs fire together with them.
 *
 * Every physical parameter is a string with units, parsed (and dimension-checked) by mathjs once, at
 * net.build(); numbers are read in memspike's internal units (ms, mV, µS, nA, nJ, Hz).
 * Only the public API is used: everything comes from the package root, 'memspike'.
 */
import { Network, lif, poissonInput, allToAll, memristiveStore, stdp, DIEHL_COOK_RULE } from 'memspike';

const N_IN = 100;
const N_PATTERN = 20; // inputs 0..19 fire at 40 Hz, the rest at 5 Hz
const N_EXC = 10;

// One network, one seed: every random stream (Poisson draws, initial weights, device variation,
// pulse rounding) is derived from it by label, so the run is the same bits on every machine.
const net = new Network({ dt: '0.5 ms', seed: 7 });

const input = net.add(poissonInput(N_IN, '0 Hz', 'input'));
const exc = net.add(
  lif(N_EXC, {
    tauMem: '20 ms',
    vRest: '-65 mV',
    vReset: '-65 mV',
    vThresh: '-52 mV',
    tRef: '5 ms',
    // conductance-based synapses: a weight is a conductance jump relative to the leak, and the
    // drive scales with the distance to the reversal potential (eExc − v)
    synapse: { type: 'conductance', tauExc: '5 ms', tauInh: '10 ms', eExc: '0 mV', eInh: '-100 mV' },
  }, 'exc'),
);

// The synapses: one hfs2 device each ('single' mode: weights in [0, wMax]). The initial weights are
// written into the devices open-loop at t = 0 (not counted in the pulses and energy below).
const syn = net.connect(input, exc, {
  connector: allToAll(),
  weight: { uniform: [0.02, 0.1] },
  store: memristiveStore({ device: 'hfs2', mode: 'single', wMax: 0.3 }),
});

// Diehl & Cook's rule (pre trace, two post traces): on a post spike Δw = νpost·pre·post2, on a pre
// spike Δw = −νpre·post1. On a device store Δw becomes whole pulses; 'feedback' rounding keeps the
// fractional remainder in a digital accumulator and closes it through the device reads.
// nuPost is twice the published rate so that 500 ms are enough to see learning.
const rule = net.addUpdater(stdp(syn, { ...DIEHL_COOK_RULE, nuPost: 0.02 }, { rounding: 'feedback' }));

const spikes = net.spikeRecorder(exc); // (step, neuron) pairs in a bounded ring
const counter = net.spikeCounter(exc); // spikes per neuron since the last reset

net.build(); // validates, converts the unit strings, allocates the state, sorts the schedule

const rates = new Float64Array(N_IN);
for (let i = 0; i < N_IN; i++) rates[i] = i < N_PATTERN ? 40 : 5; // Hz
input.setRates(rates);

/** Mean weight of the synapses from inputs [from, to) onto every neuron (row-major: pre × post for allToAll). */
function meanWeight(weights, from, to) {
  let s = 0;
  for (let i = from; i < to; i++) for (let j = 0; j < N_EXC; j++) s += weights[i * N_EXC + j];
  return s / ((to - from) * N_EXC);
}

const store = syn.store; // the memristive store (after build): weights, devices, pulse and energy counters
const before = { pattern: meanWeight(store.weights, 0, N_PATTERN), background: meanWeight(store.weights, N_PATTERN, N_IN) };

const duration = '500 ms';
net.run(duration); // a whole number of steps (1000 here), or an error

const after = { pattern: meanWeight(store.weights, 0, N_PATTERN), background: meanWeight(store.weights, N_PATTERN, N_IN) };
const seconds = net.time / 1000; // net.time is in ms
const counts = counter.counts;
let total = 0;
for (let j = 0; j < N_EXC; j++) total += counts[j];
const fmt = (x, d = 4) => x.toFixed(d);

console.log(`simulated ${duration} (${net.currentStep} steps of ${net.dt} ms) on ${store.size} ${store.device.name} synapses (${store.mode} mode, ${store.device.levels} levels per device)`);
console.log(`output rate: ${fmt(total / N_EXC / seconds, 1)} Hz mean; per neuron [Hz]: ${Array.from(counts, (c) => (c / seconds).toFixed(0)).join(' ')}`);
console.log(`weight from the pattern (40 Hz): ${fmt(before.pattern)} -> ${fmt(after.pattern)} (${after.pattern >= before.pattern ? '+' : ''}${fmt(after.pattern - before.pattern)})`);
console.log(`weight from the background (5 Hz): ${fmt(before.background)} -> ${fmt(after.background)} (${after.background >= before.background ? '+' : ''}${fmt(after.background - before.background)})`);
// Devices differ (hfs2: d2d σ 30 % of the step, 15 % of the window on the bounds): a device whose own
// floor lies below the nominal Gmin reads as a weight below 0 even in 'single' mode.
let wLo = Infinity;
let wHi = -Infinity;
for (const w of store.weights) { wLo = Math.min(wLo, w); wHi = Math.max(wHi, w); }
console.log(`weights now span [${fmt(wLo)}, ${fmt(wHi)}] (wMax ${store.wMax}, one pulse ≈ ${fmt(store.wStepUp)})`);
console.log(`device pulses applied: ${store.pulses} (rule requested ${rule.stats.pulses} in ${rule.stats.updates} updates); programming energy ${fmt(store.energyPulse_nJ, 2)} nJ, read energy ${fmt(store.energyRead_nJ, 2)} nJ`);
const rec = spikes.read(); // owned copies: steps, neuron indices, times [ms] (start of the spike's step)
// the rate rises as the pattern's synapses grow: compare the first and the last 100 ms
const inWindow = (lo, hi) => rec.times.filter((t) => t >= lo && t < hi).length / N_EXC / 0.1;
console.log(`output rate in the first 100 ms: ${fmt(inWindow(0, 100), 1)} Hz, in the last 100 ms: ${fmt(inWindow(net.time - 100, net.time), 1)} Hz`);
const first = Array.from({ length: Math.min(5, rec.indices.length) }, (_, k) => `neuron ${rec.indices[k]} at ${rec.times[k]} ms`);
console.log(`first spikes: ${first.join(', ')} (${rec.total} recorded)`);
