/**
 * The linear device kernel as WebAssembly (core/devices/device-wasm.ts, scripts/device-kernels.wat)
 * against the JavaScript kernel, bit for bit: every state array, the energy and pulse totals and the
 * c2c stream after each of many random applyPulses calls. The physics itself is pinned by the golden
 * trajectory hashes (golden.test.ts); this test checks that the two implementations agree on random
 * batches with repeated devices, worn-out devices, the two-device lanes and drift over dt/t0 from 1
 * to 10⁹ — cases the golden runs meet only by chance.
 */
import { describe, expect, it } from 'vitest';
import { applyPulses, createDeviceArray, deviceParams, DRIFT_Z_SCALE, type DeviceArray, type DeviceParams } from '../../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../../core/random.js';
import { deviceWasmAvailable } from '../../../core/devices/device-wasm.js';
import { comboName, comboParams, combos, randomBatch, T0 } from './golden.js';

/** First difference between two arrays' states (bitwise), or null. */
function stateDiff(a: DeviceArray, b: DeviceArray): string | null {
  const gA = new Uint32Array(a.g.buffer, a.g.byteOffset, a.n), gB = new Uint32Array(b.g.buffer, b.g.byteOffset, b.n);
  const tA = new Uint32Array(a.tProg.buffer, a.tProg.byteOffset, a.n), tB = new Uint32Array(b.tProg.buffer, b.tProg.byteOffset, b.n);
  for (let i = 0; i < a.n; i++) {
    if (gA[i] !== gB[i]) return `g[${i}]: ${a.g[i]} vs JavaScript ${b.g[i]}`;
    if (a.pulseCount[i] !== b.pulseCount[i]) return `pulseCount[${i}]: ${a.pulseCount[i]} vs JavaScript ${b.pulseCount[i]}`;
    if (tA[i] !== tB[i]) return `tProg[${i}]: ${a.tProg[i]} vs JavaScript ${b.tProg[i]}`;
  }
  for (const k of ['stepUp', 'stepDown', 'boundLo', 'boundHi', 'nonlin', 'driftZ'] as const) {
    for (let i = 0; i < a.n; i++) if (a[k][i] !== b[k][i]) return `${k}[${i}] differs`;
  }
  if (!Object.is(a.energyPulse_nJ, b.energyPulse_nJ)) return `energyPulse_nJ: ${a.energyPulse_nJ} vs JavaScript ${b.energyPulse_nJ}`;
  if (a.pulses !== b.pulses) return `pulses: ${a.pulses} vs JavaScript ${b.pulses}`;
  for (let j = 0; j < 4; j++) {
    if (!Object.is(a.c2cStream.state[j], b.c2cStream.state[j])) return `c2cStream.state[${j}]: ${a.c2cStream.state[j]} vs JavaScript ${b.c2cStream.state[j]}`;
  }
  return null;
}

/** Runs `batches` random applyPulses calls on a WebAssembly and a JavaScript array and compares after each. */
function runIdentity(p: DeviceParams, seed: number, batches: number): string | null {
  const nDev = 48;
  const rnd = new RandomStream(`identity/${seed}`);
  const initial = new Float32Array(nDev);
  for (let i = 0; i < nDev; i++) initial[i] = p.gMin + (rnd.uniform() * 1.2 - 0.1) * (p.gMax - p.gMin);
  const a = createDeviceArray(p, nDev, new RandomStreams(seed), 'dev', { initial, t0: 0, wasm: true });
  const b = createDeviceArray(p, nDev, new RandomStreams(seed), 'dev', { initial, t0: 0, wasm: false });
  if (a.wasm === null) return 'the WebAssembly kernel was not used';
  // Some devices start near their counter's end (near the endurance, or at the 32-bit ceiling).
  const nearEnd = p.endurance === Infinity ? 0xffffffff - 4 : p.endurance - 3;
  for (const i of [3, 17, 30]) if (a.pulseCount[i] !== 0xffffffff) a.pulseCount[i] = b.pulseCount[i] = nearEnd;
  const diff0 = stateDiff(a, b);
  if (diff0) return `after creation: ${diff0}`;
  const maxLen = 80;
  const idx = new Int32Array(maxLen + 5);
  const counts = new Int32Array(maxLen + 5);
  const dts = [0, 0.25 * T0, T0, 1.5 * T0, 20 * T0, 3e4 * T0, 1e-3];
  let t = 0;
  for (let r = 0; r < batches; r++) {
    t += dts[(rnd.uniform() * dts.length) | 0]!;
    const len = (rnd.uniform() * maxLen) | 0;
    randomBatch(rnd, idx, counts, nDev);
    applyPulses(a, idx, counts, len, t);
    applyPulses(b, idx, counts, len, t);
    const d = stateDiff(a, b);
    if (d) return `batch ${r} (t = ${t}, n = ${len}): ${d}`;
  }
  return null;
}

describe('the linear kernel as WebAssembly equals the JavaScript kernel bit for bit', () => {
  it('every non-ideality combination, random batches (repeated devices, trains, near the endurance and the counter ceiling)', () => {
    expect(deviceWasmAvailable()).toBe(true); // Node 20 and every current browser have WebAssembly
    const failures: string[] = [];
    let seed = 1001;
    for (const c of combos()) {
      for (const variant of [0, 1]) {
        const d = runIdentity(comboParams('linear', c, variant), seed++, 40);
        if (d) failures.push(`${comboName(c)}, variant ${variant}: ${d}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  it('the two-device lanes and their fall-backs (same device twice, wear-out inside a pair, odd tails, long trains between single pulses)', () => {
    // The linear WebAssembly kernel runs two adjacent ±1 pulses on distinct devices that stay below
    // their endurance in the two lanes of f64x2 vectors, and everything else one device at a time.
    // Each batch below mixes those cases at every position; endurance 7 makes devices wear out
    // inside pairs within a few batches; the drift law alternates so that some lanes fold and some do not.
    for (const drift of ['constant', 'pcm'] as const) {
      for (const endurance of ['gMin', 'gMax', 'last'] as const) {
        const p = deviceParams(comboParams('linear', { c2c: true, d2d: true, quant: true, endurance, drift, stuckAt: true }, 1), { endurance: 7 });
        const n = 40;
        const a = createDeviceArray(p, n, new RandomStreams(5), 'pairs', { t0: 0, wasm: true });
        const b = createDeviceArray(p, n, new RandomStreams(5), 'pairs', { t0: 0, wasm: false });
        expect(a.wasm).not.toBeNull();
        const rnd = new RandomStream(`pairs/${drift}/${endurance}`);
        const len = 63; // odd: the last entry is always on its own
        const idx = new Int32Array(len);
        const counts = new Int32Array(len);
        let t = 0;
        for (let r = 0; r < 30; r++) {
          for (let k = 0; k < len; k++) {
            const u = rnd.uniform();
            // a repeated device right after itself (u < 0.1), otherwise any device
            idx[k] = k > 0 && u < 0.1 ? idx[k - 1]! : (rnd.uniform() * n) | 0;
            const v = rnd.uniform();
            counts[k] = v < 0.8 ? (v < 0.4 ? 1 : -1) : v < 0.9 ? 0 : (v < 0.95 ? 3 : -4);
          }
          t += r % 4 === 0 ? 5 * T0 : 0.5;
          applyPulses(a, idx, counts, len, t);
          applyPulses(b, idx, counts, len, t);
          expect(stateDiff(a, b), `${drift}, stuck ${endurance}, batch ${r}`).toBeNull();
        }
        // devices did wear out (so pairs met worn-out devices and fell back to the one-device path)
        expect(Array.from(a.pulseCount).some((c) => c === 7)).toBe(true);
      }
    }
  });

  it('the inline drift ln/exp over dt/t0 from 1 to 10⁹ and ν of both signs (4096 devices × 8 batches)', () => {
    // Every device gets its own programming time, log-uniform back to 10⁹·t0, before each batch of
    // one ±1 pulse per device, so each pulse folds with a dt of its own, across the whole range of
    // the tables and exponents. (A one-ulp slip of ln or exp would rarely reach a Float32
    // conductance: drift-math.test.ts compares the kernel's ln and exp themselves bit for bit.)
    for (const drift of ['constant', 'pcm'] as const) {
      const p = deviceParams(comboParams('linear', { c2c: true, d2d: true, quant: false, endurance: 'inf', drift, stuckAt: false }, 0), {
        drift: drift === 'constant' ? { nuMean: 0.02, nuStd: 0.05, t0: T0, model: 'constant' } : { nuMean: 0, nuStd: 0, t0: T0, model: 'pcm' },
      });
      const n = 4096;
      const a = createDeviceArray(p, n, new RandomStreams(9), 'fold', { t0: 0, wasm: true });
      const b = createDeviceArray(p, n, new RandomStreams(9), 'fold', { t0: 0, wasm: false });
      expect(a.wasm).not.toBeNull();
      const rnd = new RandomStream(`fold/${drift}`);
      const idx = Int32Array.from({ length: n }, (_, i) => i);
      const counts = new Int32Array(n);
      let t = 2e9 * T0;
      let negative = 0;
      for (let r = 0; r < 8; r++) {
        for (let i = 0; i < n; i++) {
          const back = T0 * 10 ** (9 * rnd.uniform());
          a.tProg[i] = t - back;
          b.tProg[i] = a.tProg[i]!;
          counts[i] = rnd.uniform() < 0.5 ? 1 : -1;
        }
        applyPulses(a, idx, counts, n, t);
        applyPulses(b, idx, counts, n, t);
        expect(stateDiff(a, b), `${drift}, batch ${r}`).toBeNull();
        t += 1e3 * T0;
      }
      if (drift === 'constant') {
        for (let i = 0; i < n; i++) if (0.02 + 0.05 * (a.driftZ[i]! / DRIFT_Z_SCALE) < 0) negative++;
        expect(negative).toBeGreaterThan(n / 10); // ν < 0 (conductance growing) is exercised too
      }
    }
  });
});
