#!/usr/bin/env node
/**
 * The current-based LIF kernels alone, double against single precision, in one process
 * (alternating rounds): ns per neuron-step of createLifWasm(n).kernel and createLifWasm(n,
 * 'float32').kernel on CUBA's neuron (dt 0.1 ms) with 16 random synaptic kicks per step, the load
 * of bench/reference/cuba-lif-kernel.c, so the figures compare with it.
 *
 *   npx tsc -p tsconfig.json && node scripts/lif-kernel-ns.mjs [--neurons 4000] [--rounds 10]
 *
 * Prints the three best rounds of each (CPU time) and one JSON line.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const k = args.indexOf(name);
  return k >= 0 ? Number(args[k + 1]) : def;
};
const n = opt('--neurons', 4000);
const rounds = opt('--rounds', 10);
const steps = 20000;
const root = resolve(fileURLToPath(import.meta.url), '../..');
const { createLifWasm } = await import(pathToFileURL(resolve(root, 'dist/core/neurons/lif-wasm.js')).href);
const dt = 0.1;
const a = Math.exp(-dt / 20);
const k = Object.freeze({
  vRest: -49, vReset: -60, vThresh: -50, decayMem: a, dtOverTau: dt / 20, decayE: Math.exp(-dt / 5), decayI: Math.exp(-dt / 10),
  couplingE: 0.1, couplingI: 0.12, eExc: 0, eInh: 0, rMem: 1, refSteps: 50, thetaPlus: 0, decayTheta: 1,
});
let seed = 7;
const uniform = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const sides = ['float64', 'float32'].map((precision) => {
  const w = createLifWasm(n, precision);
  return { precision, w, step: w.kernel(k, false), ns: [] };
});
for (let i = 0; i < n; i++) {
  const v = -60 + 10 * uniform();
  for (const s of sides) s.w.state.v[i] = v;
}
const kick = Int32Array.from({ length: 4096 }, () => Math.floor(uniform() * n));
let clock = 0;
const run = (s, from, count) => {
  const { state } = s.w;
  for (let t = from; t < from + count; t++) {
    s.step(state, k, t, 0);
    for (let j = 0; j < 16; j++) state.gE[kick[(t * 16 + j) & 4095]] += 1.6;
  }
};
for (const s of sides) run(s, 0, 2000);
clock = 2000;
for (let r = 0; r < rounds; r++) {
  for (const s of r % 2 ? [...sides].reverse() : sides) {
    const c0 = process.cpuUsage();
    run(s, clock, steps);
    const c = process.cpuUsage(c0);
    s.ns.push(((c.user + c.system) * 1000) / (steps * n));
  }
  clock += steps;
}
const out = { neurons: n, rounds };
for (const s of sides) {
  const best = [...s.ns].sort((x, y) => x - y).slice(0, 3).map((x) => +x.toFixed(3));
  process.stderr.write(`${s.precision}: ${best.join(' / ')} ns per neuron-step (best three rounds)\n`);
  out[s.precision] = best;
}
process.stdout.write(JSON.stringify(out) + '\n');
