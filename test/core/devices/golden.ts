/**
 * Golden device trajectories: for every model kind × non-ideality combination × variant, a seeded
 * run of random pulse batches (repeated devices, devices near their endurance and near the 32-bit
 * counter's end, trains of up to 70 pulses, time steps below, at and far beyond the drift t0),
 * interleaved with open-loop programming and noisy reads, hashed bit for bit after every call.
 * The hashes in golden-device-hashes.ts were recorded from the code before the device kernels were
 * restructured; they pin the physics without a second implementation of it. A deliberate change of
 * physics regenerates them (`MEMSPIKE_GOLDEN_WRITE=1 npx vitest run test/core/devices/golden.test.ts`)
 * and says so in the commit.
 *
 * No Node-only API here: the same runs can be hashed in a browser.
 */
import {
  applyPulses,
  createDeviceArray,
  deviceParams,
  DEVICE_PRESETS,
  programOpenLoop,
  readConductances,
  readSome,
  ageTo,
  type DeviceArray,
  type DeviceOverrides,
  type DeviceParams,
} from '../../../core/devices/index.js';
import { RandomStream, RandomStreams } from '../../../core/random.js';

export const KINDS = ['linear', 'softBounds', 'power', 'table'] as const;

export interface Combo {
  readonly c2c: boolean;
  readonly d2d: boolean;
  readonly quant: boolean;
  readonly endurance: 'inf' | 'gMin' | 'gMax' | 'last';
  readonly drift: 'off' | 'constant' | 'pcm';
  readonly stuckAt: boolean;
}

/** Every combination of the non-idealities (read noise goes with c2c; energy is always counted). */
export function combos(): Combo[] {
  const out: Combo[] = [];
  for (const c2c of [false, true])
    for (const d2d of [false, true])
      for (const quant of [false, true])
        for (const endurance of ['inf', 'gMin', 'gMax', 'last'] as const)
          for (const drift of ['off', 'constant', 'pcm'] as const)
            for (const stuckAt of [false, true]) out.push({ c2c, d2d, quant, endurance, drift, stuckAt });
  return out;
}

export const comboName = (c: Combo): string =>
  `${c.c2c ? 'c2c+read' : '-'}/${c.d2d ? 'd2d' : '-'}/${c.quant ? 'levels' : '-'}/endurance=${c.endurance}/drift=${c.drift}/${c.stuckAt ? 'stuck' : '-'}`;

export const T0 = 1000;

/** A device of `kind` with exactly the non-idealities of `c` (everything set explicitly). */
export function comboParams(kind: DeviceParams['kind'], c: Combo, variant: number): DeviceParams {
  const hfs2 = DEVICE_PRESETS['hfs2'];
  const baseOf: Record<DeviceParams['kind'], () => DeviceParams> = {
    linear: () => hfs2,
    softBounds: () => DEVICE_PRESETS['reram-drift'],
    power: () => deviceParams(hfs2, { kind: 'power', powUp: variant ? 0.6 : 2, powDown: variant ? 1.7 : 2 }),
    table: () => {
      const dg = Array.from({ length: 9 + 7 * variant }, (_, j) => 120 - 2.5 * j + 40 * Math.sin(j));
      return deviceParams(hfs2, { kind: 'table', dgUp: dg, dgDown: dg.slice().reverse().map((x) => 0.8 * x) });
    },
  };
  const b = baseOf[kind]();
  const step = (b.gMax - b.gMin) / (b.levels - 1);
  const o: DeviceOverrides = {
    asymmetry: variant ? -0.2 : 0.05,
    c2c: c.c2c ? (variant ? 0.9 : 0.25) * step : 0,
    d2d: c.d2d ? { step: 0.3, bounds: 0.15, nonlinearity: 0.2, upDown: 0.1 } : { step: 0, bounds: 0, nonlinearity: 0, upDown: 0 },
    quantLevels: c.quant ? (variant ? 5 : 33) : 0,
    endurance: c.endurance === 'inf' ? Infinity : variant ? 25 : 60,
    stuckState: c.endurance === 'inf' ? 'gMin' : c.endurance,
    drift:
      c.drift === 'off' ? { nuMean: 0, nuStd: 0, t0: T0, model: 'constant' }
        : c.drift === 'constant' ? { nuMean: 0.05, nuStd: 0.02, t0: T0, model: 'constant' }
          : { nuMean: 0, nuStd: 0, t0: T0, model: 'pcm' },
    readNoise: c.c2c ? { abs: 0.3, rel: 0.02 } : { abs: 0, rel: 0 },
    stuckAt: c.stuckAt ? { fraction: 0.1, high: 0.5 } : { fraction: 0, high: 0.5 },
  };
  return deviceParams(b, o);
}

/** A 64-bit hash (two 32-bit murmur-style lanes) of 32-bit words. */
export class Hash64 {
  private a = 0x9e3779b9 | 0;
  private b = 0x85ebca6b | 0;
  private readonly f64 = new Float64Array(1);
  private readonly u32 = new Uint32Array(this.f64.buffer);
  word(w: number): void {
    let k = Math.imul(w | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    this.a ^= k;
    this.a = Math.imul((this.a << 13) | (this.a >>> 19), 5) + 0xe6546b64;
    this.b = Math.imul(this.b ^ (w | 0), 0x01000193) ^ (this.a >>> 7);
  }
  /** A double, bit for bit (so −0 ≠ +0 and every NaN payload counts). */
  double(x: number): void {
    this.f64[0] = x;
    this.word(this.u32[0]!);
    this.word(this.u32[1]!);
  }
  words(a: Uint32Array): void {
    for (let i = 0; i < a.length; i++) this.word(a[i]!);
  }
  hex(): string {
    let a = this.a ^ (this.a >>> 16);
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    let b = this.b ^ (this.b >>> 15);
    b = Math.imul(b, 0xc2b2ae35);
    b ^= b >>> 16;
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}

const bits = (x: Float32Array | Int16Array | Uint16Array): Uint32Array =>
  x instanceof Float32Array ? new Uint32Array(x.buffer, x.byteOffset, x.length) : Uint32Array.from(x);

/**
 * Fills idx and counts with a random pulse batch over nDev devices: device indices with duplicates
 * (on purpose), signed counts mostly ±1, sometimes 0, a few, or tens of pulses.
 */
export function randomBatch(rnd: RandomStream, idx: Int32Array, counts: Int32Array, nDev: number): void {
  for (let k = 0; k < idx.length; k++) {
    idx[k] = (rnd.uniform() * nDev) | 0; // duplicates within a batch on purpose
    const u = rnd.uniform();
    const mag = u < 0.15 ? 0 : u < 0.75 ? 1 : u < 0.95 ? 1 + ((rnd.uniform() * 5) | 0) : 10 + ((rnd.uniform() * 60) | 0);
    counts[k] = rnd.uniform() < 0.5 ? mag : -mag;
  }
}

/** Folds an array's whole state (state arrays, totals, both streams) into h. */
export function hashState(h: Hash64, a: DeviceArray): void {
  h.words(bits(a.g));
  h.words(a.pulseCount);
  h.words(bits(a.tProg));
  for (const k of ['stepUp', 'stepDown', 'boundLo', 'boundHi', 'nonlin', 'driftZ'] as const) h.words(bits(a[k]));
  h.double(a.energyPulse_nJ);
  h.double(a.energyRead_nJ);
  h.double(a.pulses);
  h.double(a.reads);
  for (const s of [a.c2cStream, a.readStream]) for (let j = 0; j < s.state.length; j++) h.double(s.state[j]!);
}

/**
 * The golden trajectory of params `p` with `seed`: 40 calls of applyPulses on 48 devices, every
 * 5th followed by open-loop programming of a few devices (with energy every other time), every 7th
 * by a noisy read of all, of some devices and an ageTo. Returns the hash of every state on the way.
 */
export function trajectoryHash(p: DeviceParams, seed: number, wasm = false): string {
  const nDev = 48;
  const rnd = new RandomStream(`identity/${seed}`);
  const initial = new Float32Array(nDev);
  for (let i = 0; i < nDev; i++) initial[i] = p.gMin + (rnd.uniform() * 1.2 - 0.1) * (p.gMax - p.gMin);
  const a = createDeviceArray(p, nDev, new RandomStreams(seed), 'dev', { initial, t0: 0, wasm });
  if (wasm && a.wasm === null) throw new Error('the WebAssembly kernel was not used');
  // Some devices start near their counter's end (near the endurance, or at the 32-bit ceiling).
  const nearEnd = p.endurance === Infinity ? 0xffffffff - 4 : p.endurance - 3;
  for (const i of [3, 17, 30]) if (a.pulseCount[i] !== 0xffffffff) a.pulseCount[i] = nearEnd;
  const h = new Hash64();
  hashState(h, a);
  const maxLen = 80;
  const idx = new Int32Array(maxLen + 5);
  const counts = new Int32Array(maxLen + 5);
  const targets = new Float32Array(8);
  const out = new Float32Array(nDev);
  const dts = [0, 0.25 * T0, T0, 1.5 * T0, 20 * T0, 3e4 * T0, 1e-3];
  let t = 0;
  for (let r = 0; r < 40; r++) {
    t += dts[(rnd.uniform() * dts.length) | 0]!;
    const len = (rnd.uniform() * maxLen) | 0;
    randomBatch(rnd, idx, counts, nDev);
    applyPulses(a, idx, counts, len, t);
    hashState(h, a);
    if (r % 5 === 4) {
      for (let k = 0; k < targets.length; k++) {
        idx[k] = (rnd.uniform() * nDev) | 0;
        targets[k] = p.gMin + (rnd.uniform() * 1.3 - 0.15) * (p.gMax - p.gMin);
      }
      h.double(programOpenLoop(a, idx, targets, targets.length, t, r % 10 === 4));
      hashState(h, a);
    }
    if (r % 7 === 6) {
      readConductances(out, a, t + 0.5 * T0, true);
      h.words(bits(out));
      readSome(out, a, idx, 11, t + 2 * T0, true);
      h.words(bits(out));
      ageTo(out, a, t + 1e4 * T0);
      h.words(bits(out));
      hashState(h, a);
    }
  }
  return h.hex();
}

/** Every golden key → hash, in a fixed order (seed = position + 1, as the keys say). */
export function allGoldenHashes(kinds: readonly DeviceParams['kind'][] = KINDS, wasm = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kind of kinds) {
    let seed = 1;
    for (const c of combos()) {
      for (const variant of [0, 1]) {
        out[`${kind}/${comboName(c)}/v${variant}/seed${seed}`] = trajectoryHash(comboParams(kind, c, variant), seed, wasm);
        seed++;
      }
    }
  }
  return out;
}

/**
 * The long STDP-like run of `kind` (the bench's case: one ±1 pulse per device per call, every
 * non-ideality on, endurance 10⁹; linear: above one chunk of the WebAssembly buffer): its hash.
 */
export function longRunHash(kind: DeviceParams['kind'], wasm: boolean): string {
  const p = comboParams(kind, { c2c: true, d2d: true, quant: true, endurance: 'last', drift: 'constant', stuckAt: true }, 0);
  const n = kind === 'linear' ? 16384 * 2 + 1234 : 4096;
  const a = createDeviceArray(deviceParams(p, { endurance: 1e9 }), n, new RandomStreams(99), 'bench', { wasm });
  if (wasm && a.wasm === null) throw new Error('the WebAssembly kernel was not used');
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const counts = new Int32Array(n);
  const pol = new RandomStream('pol');
  for (let i = 0; i < n; i++) counts[i] = pol.uniform() < 0.5 ? 1 : -1;
  const h = new Hash64();
  let t = 0;
  for (let r = 0; r < 60; r++) {
    t += r % 3 === 0 ? 2 * T0 : 1e-3;
    applyPulses(a, idx, counts, n, t);
    if (r % 10 === 9) hashState(h, a);
  }
  hashState(h, a);
  return h.hex();
}
