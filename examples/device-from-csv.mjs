/**
 * From measured pulse trains to a device model, and the model in a network.
 *
 *   node examples/device-from-csv.mjs [FILE.csv]        (default: examples/data/pulse-trains.csv)
 *
 * The device lab's CSV format (one row per read; pulse 0 is the read before the first pulse):
 *
 *   cycle,polarity,pulse,g_uS
 *   0,pot,0,2600
 *   0,pot,1,2675.7231
 *   …
 *
 * examples/data/pulse-trains.csv stands in for a measurement: it was written once by the device
 * lab running the seed paper's protocol (20 potentiation + 20 depression pulses per cycle) on a
 * simulated hfs2 device,
 *
 *   node dist/cli/main.js device curve --preset hfs2 --cycles 20 --csv examples/data/pulse-trains.csv
 *
 * so the fit below should give back the hfs2 preset (core/devices/presets.ts) — which is how one
 * checks a fitter. `memspike device curve --from-csv FILE` prints the same analysis for any file.
 *
 * Steps: parse the CSV → analyse the cycles (levels, bins, bin width, σ per state, R²) → fit a table
 * model (Δg versus g, plus c2c noise) → run the lab protocol on the fitted model and compare → put
 * the fitted device into the synapses of a small STDP network next to the hfs2 preset.
 */
import { readFileSync } from 'node:fs';
import {
  parsePulseTrainCsv,
  analyzeCycles,
  fitTableModel,
  runCycleProtocol,
  nominalStep,
  HFS2,
  Network,
  lif,
  poissonInput,
  allToAll,
  memristiveStore,
  stdp,
  DIEHL_COOK_RULE,
} from 'memspike';

const file = process.argv[2] ?? new URL('./data/pulse-trains.csv', import.meta.url);

// 1. Parse: one PulseTrains ({ pot: reads[][], dep: reads[][] }, µS) per device in the file.
const { devices, pulsesPerTrain, cycles } = parsePulseTrainCsv(readFileSync(file, 'utf8'), String(file));
const measured = devices[0];
console.log(`read ${cycles} cycles × (${pulsesPerTrain} + ${pulsesPerTrain} pulses) of ${devices.length} device(s)`);

// 2. The seed paper's figures of merit (Xhameni & Lombardo 2025, Fig. 2e–f).
const a = analyzeCycles(measured);
const f = (x, d = 1) => x.toFixed(d);
console.log(`analysis: ${a.levels} levels per device, ${a.bins} differential bins, bin width ${f(a.binWidthPot)} µS pot / ${f(a.binWidthDep)} µS dep, σ per state ${f(a.sigma)} µS, R² ${f(a.pot.r2, 5)} pot / ${f(a.dep.r2, 5)} dep`);

// 3. The table model: Δg per pulse as a function of g (32 nodes over [gMin, gMax]) from the mean
// trains, and the cycle-to-cycle σ per pulse from the residuals. What one device's trains cannot
// tell is given as overrides — here the hfs2 preset's values, the device the data came from: the
// pulse and read voltages and widths (without them every pulse costs 0 nJ), the device-to-device
// variation (one device shows none) and the drift (the trains take milliseconds).
const fit = fitTableModel(measured, {
  name: 'fitted-hfs2',
  overrides: { pulse: HFS2.pulse, read: HFS2.read, d2d: HFS2.d2d, drift: HFS2.drift },
});
const p = fit.params;
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
console.log('parameter            fitted      hfs2 preset');
const row = (name, x, y, d = 1) => console.log(`${name.padEnd(20)} ${f(x, d).padStart(9)}   ${f(y, d).padStart(9)}`);
row('gMin [µS]', p.gMin, HFS2.gMin);
row('gMax [µS]', p.gMax, HFS2.gMax);
row('levels', p.levels, HFS2.levels, 0);
row('first step up [µS]', nominalStep(p, 1), nominalStep(HFS2, 1));
row('first step down [µS]', nominalStep(p, -1), nominalStep(HFS2, -1));
row('mean Δg up [µS]', mean(p.dgUp), nominalStep(HFS2, 1));
row('mean Δg down [µS]', mean(p.dgDown), nominalStep(HFS2, -1));
row('c2c σ per pulse [µS]', fit.c2c, HFS2.c2c, 2);
console.log(`NeuroSim laws: A/Pmax ${f(fit.up.normA, 0)} pot, ${f(fit.down.normA, 0)} dep (nonlinearity label ${fit.up.nonlinearity} / ${fit.down.nonlinearity}: linear)`);

// 4. Does the model reproduce the measurement? Run the same protocol on the fitted device.
const again = analyzeCycles(runCycleProtocol(p, { cycles, pulsesPerTrain, seed: 2 }).devices[0]);
console.log(`fitted model in the lab: ${again.levels} levels, ${again.bins} bins, bin width ${f(again.binWidthPot)} µS, σ per state ${f(again.sigma)} µS`);

// 5. The fitted device as synapses: the same small STDP network (see library.mjs) on the fitted
// model and on the preset. A device is a parameter of the store; nothing else changes.
function train(device) {
  const net = new Network({ dt: '0.5 ms', seed: 3 });
  const input = net.add(poissonInput(50, '20 Hz', 'input'));
  const exc = net.add(lif(5, { tauMem: '20 ms', vRest: '-65 mV', vReset: '-65 mV', vThresh: '-52 mV', tRef: '5 ms', synapse: { type: 'conductance', tauExc: '5 ms', tauInh: '10 ms', eExc: '0 mV', eInh: '-100 mV' } }, 'exc'));
  const syn = net.connect(input, exc, { connector: allToAll(), weight: { uniform: [0.05, 0.15] }, store: memristiveStore({ device, mode: 'single', wMax: 0.3 }) });
  net.addUpdater(stdp(syn, DIEHL_COOK_RULE, { rounding: 'feedback' }));
  const counter = net.spikeCounter(exc);
  net.build();
  const w0 = mean(syn.store.weights);
  net.run('300 ms');
  return { rate: counter.total() / 5 / 0.3, dw: mean(syn.store.weights) - w0, pulses: syn.store.pulses, energy: syn.store.energyPulse_nJ };
}
for (const [name, device] of [['fitted', p], ['hfs2', 'hfs2']]) {
  const r = train(device);
  console.log(`network on ${name.padEnd(6)}: output ${f(r.rate)} Hz, mean weight change ${r.dw >= 0 ? '+' : ''}${r.dw.toFixed(4)}, ${r.pulses} pulses, ${f(r.energy)} nJ`);
}
