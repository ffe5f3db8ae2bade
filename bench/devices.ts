/**
 * `memspike bench devices`: cost of the device kernels with every non-ideality enabled.
 *
 * Device: the hfs2 preset with, on top of its own c2c noise, d2d variation, asymmetry and drift,
 * also finite levels (64), endurance (10⁹, window shrinking), stuck-at faults (1 %), read noise
 * (1 %) and d2d nonlinearity (10 %), and the same non-idealities on the other kinds (softBounds =
 * reram-drift, power, table). n devices (default 10⁶) each receive one pulse of random polarity per
 * call of applyPulses (idx sequential, counts ±1 — the STDP case). Three timings:
 *   "fold"    (ns_per_pulse, the worst case) advances time by 2·t0 between batches so every pulse
 *             first folds in the drifted conductance, and before each batch gives every device its own
 *             programming time (as after learning, when each was last pulsed at another step), so the
 *             kernel's reuse of ln(dt/t0) between devices programmed together never applies: log + exp
 *             per pulse;
 *   "fold_shared"  the same with every device programmed at the same time (one batch programmed
 *             together, e.g. a neuron's synapses at its last spike): exp per pulse, ln(dt/t0) once;
 *   "nofold"  stays within t0 of the last programming (the usual case during learning).
 * Every timed call is checked to have applied exactly n pulses (the work is not skipped). The linear
 * kind runs as WebAssembly (core/devices/device-wasm.ts; ≥ 256 devices), the others as JavaScript.
 * For scale: bench/reference/linear-kernel.c is the linear kernel in C.
 * Also: ns per device for readConductances (drift + read noise) and ageTo, and bytes per device.
 */
import {
  ageTo,
  applyPulses,
  BYTES_PER_DEVICE,
  createDeviceArray,
  deviceArrayBytes,
  deviceParams,
  DEVICE_PRESETS,
  readConductances,
  type DeviceOverrides,
  type DeviceParams,
} from '../core/devices/index.js';
import { RandomStreams } from '../core/random.js';
import type { Benchmark } from './types.js';

const ALL_ON: DeviceOverrides = {
  quantLevels: 64,
  endurance: 1e9,
  stuckAt: { fraction: 0.01, high: 0.5 },
  readNoise: { rel: 0.01 },
  d2d: { step: 0.3, bounds: 0.15, nonlinearity: 0.1 },
  drift: { nuMean: 0.02, nuStd: 0.005, t0: 1000 },
  asymmetry: 0.05,
};

function allOnDevices(): Record<string, DeviceParams> {
  const hfs2 = deviceParams(DEVICE_PRESETS['hfs2'], ALL_ON);
  const soft = deviceParams(DEVICE_PRESETS['reram-drift'], ALL_ON);
  const power = deviceParams(hfs2, { kind: 'power', powUp: 2, powDown: 2, c2c: 5 });
  const dg = Array.from({ length: 32 }, (_, j) => 120 - 2.5 * j);
  const table = deviceParams(hfs2, { kind: 'table', dgUp: dg, dgDown: dg.slice().reverse() });
  return { linear: hfs2, softBounds: soft, power, table };
}

type Mode = 'fold' | 'fold_shared' | 'nofold';

function timePulses(p: DeviceParams, n: number, reps: number, mode: Mode): number {
  const random = new RandomStreams(7);
  const arr = createDeviceArray(p, n, random, 'bench');
  const idx = new Int32Array(n);
  const counts = new Int32Array(n);
  const pol = random.stream('bench/polarity');
  for (let i = 0; i < n; i++) {
    idx[i] = i;
    counts[i] = pol.uniform() < 0.5 ? 1 : -1;
  }
  const t0 = p.drift.t0;
  // distinct programming times: device i last programmed (i mod 4096)·dtStep before the batch before
  // (dtStep a power of 2 above the Float32 resolution of tProg here, so neighbours always differ)
  const dtStep = 0.125;
  const spread = 4096 * dtStep;
  let t = 0;
  applyPulses(arr, idx, counts, n, t); // warm-up (also gives the drift branch its type feedback below)
  t += 2 * t0 + spread;
  applyPulses(arr, idx, counts, n, t);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    if (mode === 'fold') {
      const tp = arr.tProg;
      for (let i = 0; i < n; i++) if (tp[i] !== Infinity) tp[i] = t - (i & 4095) * dtStep;
    }
    t += mode === 'nofold' ? 1e-3 : 2 * t0 + spread;
    const before = arr.pulses;
    const start = process.hrtime.bigint();
    applyPulses(arr, idx, counts, n, t);
    const ns = Number(process.hrtime.bigint() - start);
    if (arr.pulses - before !== n) throw new Error(`bench devices: a call applied ${arr.pulses - before} pulses, expected ${n}`);
    best = Math.min(best, ns / n);
  }
  return best;
}

export const devicesBench: Benchmark = {
  name: 'devices',
  description: 'ns per pulse per device with all non-idealities on (linear/softBounds/power/table), ns per read, bytes per device',
  options: [
    { flag: '--n <devices>', key: 'n', description: 'devices per array', type: 'int', min: 1, default: 1_000_000 },
    { flag: '--reps <n>', key: 'reps', description: 'timed batches (best is reported)', type: 'int', min: 1, default: 5 },
  ],
  // BYTES_PER_DEVICE of device state, the Int32 index and count buffers of the pulses, the Float32
  // read-out and calibration buffers: 48 B per device (measured: 420 MB resident at 10⁷ devices)
  memory: (opts) => ({ flag: '--n', value: (opts['n'] as number | undefined) ?? 1_000_000, bytes: (n) => n * (BYTES_PER_DEVICE + 24), arrayLength: (n) => n }),
  run(opts: Record<string, unknown>, log: (line: string) => void): Record<string, unknown> {
    const n = (opts['n'] as number | undefined) ?? 1_000_000;
    const reps = (opts['reps'] as number | undefined) ?? 5;
    const devs = allOnDevices();
    const perKind: Record<string, { fold: number; fold_shared: number; nofold: number }> = {};
    for (const [kind, p] of Object.entries(devs)) {
      const fold = timePulses(p, n, reps, 'fold');
      const shared = timePulses(p, n, reps, 'fold_shared');
      const nofold = timePulses(p, n, reps, 'nofold');
      perKind[kind] = { fold: Number(fold.toFixed(2)), fold_shared: Number(shared.toFixed(2)), nofold: Number(nofold.toFixed(2)) };
      log(`${kind.padEnd(10)} ${fold.toFixed(2)} ns/pulse (drift fold), ${shared.toFixed(2)} (fold, programmed together), ${nofold.toFixed(2)} (no fold)`);
    }
    const random = new RandomStreams(7);
    const arr = createDeviceArray(devs['linear'], n, random, 'bench');
    const out = new Float32Array(n);
    let readBest = Infinity;
    let ageBest = Infinity;
    for (let r = 0; r < reps; r++) {
      let s = process.hrtime.bigint();
      readConductances(out, arr, 1e6 + r, true);
      readBest = Math.min(readBest, Number(process.hrtime.bigint() - s) / n);
      s = process.hrtime.bigint();
      ageTo(out, arr, 2e6 + r);
      ageBest = Math.min(ageBest, Number(process.hrtime.bigint() - s) / n);
    }
    // Calibration: a trivial indexed Float32 update over the same n (memory traffic + loop cost of this machine now).
    const a = new Float32Array(n);
    const ix = new Int32Array(n);
    for (let i = 0; i < n; i++) ix[i] = i;
    let baseBest = Infinity;
    for (let r = 0; r < reps; r++) {
      const s = process.hrtime.bigint();
      for (let k = 0; k < n; k++) { const i = ix[k]; a[i] = a[i] * 0.999 + 0.5; }
      baseBest = Math.min(baseBest, Number(process.hrtime.bigint() - s) / n);
    }
    const cache = Math.min(n, 16384);
    const inCache = timePulses(devs['linear'], cache, Math.max(reps, Math.ceil(2e6 / cache)), 'nofold');
    log(`linear, ${cache} devices (in cache): ${inCache.toFixed(2)} ns/pulse; trivial loop ${baseBest.toFixed(2)} ns/element`);
    return {
      bench: 'devices',
      devices: n,
      preset: 'hfs2 + all non-idealities',
      ns_per_pulse: perKind['linear'].fold,
      ns_per_pulse_fold_shared: perKind['linear'].fold_shared,
      ns_per_pulse_nofold: perKind['linear'].nofold,
      ns_per_pulse_by_kind: perKind,
      ns_per_pulse_in_cache: Number(inCache.toFixed(2)),
      ns_baseline_loop: Number(baseBest.toFixed(2)),
      ns_per_read: Number(readBest.toFixed(2)),
      ns_per_age: Number(ageBest.toFixed(2)),
      bytes_per_device: deviceArrayBytes(arr) / n,
      bytes_per_device_constant: BYTES_PER_DEVICE,
      target_ns_per_pulse: 20,
      node: process.version,
    };
  },
};
