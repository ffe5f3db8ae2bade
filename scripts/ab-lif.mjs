#!/usr/bin/env node
/**
 * A/B of the WebAssembly LIF kernels of two builds (core/neurons/lif-wasm.js of each dist):
 *
 *   node scripts/ab-lif.mjs OLD/dist NEW/dist [--samples 5] [--rounds 8] [--pairs 3]
 *
 * One process per build, alternately (old, new, new, old, …: `--pairs` of them), so that the two
 * never share V8's state and a change of machine load hits both. Each process times, in CPU time
 * (process.cpuUsage), `--rounds` rounds of `--samples` Diehl & Cook-like samples of the conductance
 * kernel: 400 neurons, dt 0.5 ms, τm 100 ms, θ decaying; per sample 700 steps with excitatory input
 * (gE += 0…0.2 per step on every neuron) and an inhibitory kick of gI += 17 every 20 steps (y = 0.085:
 * the exp lanes), then 300 steps of rest. Prints min/median ms per sample of every process and one
 * JSON line.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const k = args.indexOf(name);
  return k >= 0 ? Number(args[k + 1]) : def;
};
const samples = opt('--samples', 5);
const rounds = opt('--rounds', 8);

if (args[0] === '--child') {
  const { createLifWasm } = await import(pathToFileURL(resolve(args[1], 'core/neurons/lif-wasm.js')).href);
  const n = 400;
  const dt = 0.5;
  const k = Object.freeze({
    vRest: -65, vReset: -65, vThresh: -52, decayMem: Math.exp(-dt / 100), dtOverTau: dt / 100, decayE: Math.exp(-dt / 1), decayI: Math.exp(-dt / 2),
    couplingE: 0, couplingI: 0, eExc: 0, eInh: -100, rMem: 1, refSteps: 10, thetaPlus: 0.05, decayTheta: Math.exp(-dt / 1e7),
  });
  const w = createLifWasm(n);
  const step = w.kernel(k, true);
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < n; i++) w.state.v[i] = -65 + 10 * rnd();
  const input = new Float64Array(700 * 8);
  for (let x = 0; x < input.length; x++) input[x] = 0.2 * rnd();
  const { gE, gI } = w.state;
  let clock = 0;
  const run = (count) => {
    for (let q = 0; q < count; q++) {
      for (let t = 0; t < 1000; t++) {
        if (t < 700) {
          const o = t * 8;
          for (let i = 0; i < n; i += 8) for (let j = 0; j < 8; j++) gE[i + j] += input[o + j];
          if (t % 20 === 0) for (let i = 0; i < n; i++) gI[i] += 17;
        }
        step(w.state, k, clock++, 3);
      }
    }
  };
  run(2);
  const ms = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    run(samples);
    const c = process.cpuUsage(c0);
    ms.push((c.user + c.system) / 1000 / samples);
  }
  ms.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ min: ms[0], median: ms[ms.length >> 1] }) + '\n');
} else {
  const [oldDist, newDist] = args;
  if (!oldDist || !newDist) {
    process.stderr.write('usage: node scripts/ab-lif.mjs OLD/dist NEW/dist [--samples 5] [--rounds 8] [--pairs 3]\n');
    process.exit(2);
  }
  const self = fileURLToPath(import.meta.url);
  const pairs = opt('--pairs', 3);
  const order = [];
  for (let p = 0; p < pairs; p++) order.push(...(p % 2 === 0 ? ['old', 'new'] : ['new', 'old']));
  const out = { old: [], new: [] };
  for (const which of order) {
    const dist = which === 'old' ? oldDist : newDist;
    const r = JSON.parse(execFileSync(process.execPath, [self, '--child', dist, '--samples', String(samples), '--rounds', String(rounds)], { encoding: 'utf8' }));
    out[which].push(r);
    process.stderr.write(`${which}: ${r.min.toFixed(3)} / ${r.median.toFixed(3)} ms per sample (min / median CPU)\n`);
  }
  process.stdout.write(JSON.stringify({ kernel: 'conductance', samples, rounds, ...out }) + '\n');
}
