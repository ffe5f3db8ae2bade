#!/usr/bin/env node
/**
 * A/B of the device kernels of two builds, for changes that must not slow them down:
 *
 *   node scripts/ab-devices.mjs OLD/dist NEW/dist [--n 1000000] [--rounds 9] [--pairs 3]
 *
 * Runs one process per build, alternately (old, new, new, old, old, new, …: `--pairs` of them), so that the
 * two never share a process (their kernels would share V8's state) and a change of machine load hits
 * both. Each process times, on the `bench devices` devices (hfs2 + every non-ideality; the other
 * kinds likewise), `--rounds` calls of one ±1 pulse per device on `--n` devices, without and with
 * the drift fold, per kind (linear as WebAssembly, linearJs its JavaScript kernel), then
 * readConductances and ageTo. Timed in CPU
 * time of the process (process.cpuUsage), not wall time: on a machine shared with other jobs the
 * wall time mostly measures the waits for a core. Prints min/median ns per pulse (per device for
 * reads) of every process, then one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const k = args.indexOf(name);
  return k >= 0 ? Number(args[k + 1]) : def;
};
const n = opt('--n', 1_000_000);
const rounds = opt('--rounds', 9);
const ALL_ON = { quantLevels: 64, endurance: 1e9, stuckAt: { fraction: 0.01, high: 0.5 }, readNoise: { rel: 0.01 }, d2d: { step: 0.3, bounds: 0.15, nonlinearity: 0.1 }, drift: { nuMean: 0.02, nuStd: 0.005, t0: 1000 }, asymmetry: 0.05 };
const cpuNs = (f) => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) * 1000;
};
const stats = (a) => {
  const b = [...a].sort((x, y) => x - y);
  return [+b[0].toFixed(2), +b[b.length >> 1].toFixed(2)];
};

/** One build, in this process: { 'kind/mode': [min, median] }. */
async function measure(dist) {
  const D = await import(pathToFileURL(resolve(dist, 'core/devices/index.js')).href);
  const R = await import(pathToFileURL(resolve(dist, 'core/random.js')).href);
  const hfs2 = D.deviceParams(D.DEVICE_PRESETS['hfs2'], ALL_ON);
  const dg = Array.from({ length: 32 }, (_, j) => 120 - 2.5 * j);
  const kinds = {
    linear: hfs2,
    linearJs: hfs2,
    softBounds: D.deviceParams(D.DEVICE_PRESETS['reram-drift'], ALL_ON),
    power: D.deviceParams(hfs2, { kind: 'power', powUp: 2, powDown: 2, c2c: 5 }),
    table: D.deviceParams(hfs2, { kind: 'table', dgUp: dg, dgDown: dg.slice().reverse() }),
  };
  const out = {};
  for (const [kind, p] of Object.entries(kinds)) {
    for (const mode of ['nofold', 'fold']) {
      const random = new R.RandomStreams(7);
      const arr = D.createDeviceArray(p, n, random, 'bench', { wasm: kind === 'linear' });
      const idx = new Int32Array(n);
      const counts = new Int32Array(n);
      const pol = random.stream('bench/polarity');
      for (let i = 0; i < n; i++) {
        idx[i] = i;
        counts[i] = pol.uniform() < 0.5 ? 1 : -1;
      }
      const t0 = p.drift.t0;
      let t = 0;
      D.applyPulses(arr, idx, counts, n, t);
      t += 2 * t0 + 512;
      D.applyPulses(arr, idx, counts, n, t);
      const T = [];
      for (let r = 0; r < rounds; r++) {
        if (mode === 'fold') for (let i = 0; i < n; i++) if (arr.tProg[i] !== Infinity) arr.tProg[i] = t - (i & 4095) * 0.125;
        t += mode === 'nofold' ? 1e-3 : 2 * t0 + 512;
        T.push(cpuNs(() => D.applyPulses(arr, idx, counts, n, t)) / n);
      }
      out[`${kind}/${mode}`] = stats(T);
    }
  }
  const arr = D.createDeviceArray(hfs2, n, new R.RandomStreams(7), 'bench');
  const buf = new Float32Array(n);
  const read = [];
  const age = [];
  for (let r = 0; r < rounds; r++) {
    read.push(cpuNs(() => D.readConductances(buf, arr, 1e6 + r, true)) / n);
    age.push(cpuNs(() => D.ageTo(buf, arr, 2e6 + r)) / n);
  }
  out['read'] = stats(read);
  out['age'] = stats(age);
  return out;
}

if (args[0] === '--one') {
  console.log(JSON.stringify(await measure(args[1])));
} else {
  const [oldDist, newDist] = args;
  if (!oldDist || !newDist) throw new Error('usage: node scripts/ab-devices.mjs OLD/dist NEW/dist [--n N] [--rounds R] [--pairs P]');
  const runs = { old: [], new: [] };
  for (let pair = 0; pair < opt('--pairs', 3); pair++) {
    const order = [['old', oldDist], ['new', newDist]];
    // old, new, new, old, old, new, …: neither build always runs first
    for (const [v, dist] of pair % 2 ? order.reverse() : order) {
      const line = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--one', dist, '--n', String(n), '--rounds', String(rounds)], { encoding: 'utf8' });
      runs[v].push(JSON.parse(line.trim().split('\n').pop()));
    }
  }
  for (const key of Object.keys(runs.old[0])) {
    const f = (v) => runs[v].map((r) => r[key].join('/')).join('  ');
    console.log(`${key.padEnd(18)} old ${f('old')}   new ${f('new')}`);
  }
  console.log(JSON.stringify({ n, rounds, unit: 'ns CPU per pulse (read, age: per device), [min, median] per process', ...runs }));
}
