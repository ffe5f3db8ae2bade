/**
 * The memristive synapse store: a projection's weights held in devices.
 *
 * Mapping (scale s = wMax / (gMax − gMin) of the nominal device, channel units per µS):
 *   single  w = s·(G − gMin)           one device per synapse, weights in [0, wMax]
 *                                      (gMin is subtracted, as a reference column would)
 *   pair    w = s·(G⁺ − G⁻)            differential pair, weights in [−wMax, wMax]
 * `weights` caches w computed from the *drifted* conductances (plus one read-noise draw per refresh
 * when `readNoise`); propagation reads only this array. It is refreshed for the synapses touched by
 * `pulse` and for all synapses by `age(tNow)` — drift is not evaluated per step.
 *
 * Plasticity changes weights only through `pulse(synapses, counts, n, tNow)`: synapse
 * synapses[k] gets counts[k] pulses; the sign is the direction of the *weight* change:
 *   single               + → SET (potentiate) G, − → RESET (depress) G
 *   pair, 'set-only'     + → SET G⁺, − → SET G⁻ (Burr et al. 2015 / aihwkit OneSided: only the
 *                        gradual SET is used). Refresh: after a batch, a touched synapse whose G⁺ or
 *                        G⁻ (drifted) exceeds gMin + refreshAt·(gMax − gMin) is re-programmed: both
 *                        devices are RESET to gMin and the difference is written open-loop onto one
 *                        of them (pulses and energy counted; `refreshes` counts events).
 *   pair, 'push-pull'    + → SET G⁺ and RESET G⁻, − → RESET G⁺ and SET G⁻ (|count| pulses each:
 *                        twice the weight step per count, no refresh needed).
 * Initial weights (init.initial) are programmed open-loop at construction, at t = 0, with
 * `programOpenLoop` (the devices' own d2d response and c2c noise apply, pulse counts and wear are
 * recorded, but energy and `pulses` start at zero: initial programming is not counted).
 * With the `ideal` preset (step 1.5·10⁻⁵ of the window) the weights equal float weights to within
 * half a step: |w − w_float| ≤ 0.5·wMax/65536 + Float32 rounding.
 */
import type { StoreInit, StoreSnapshot, SynapseStoreBase } from '../synapses/store-base.js';
import { applyPulses, createDeviceArray, programOpenLoop, readSome, DEVICE_STATE_ARRAYS, type DeviceArray } from './array.js';
import { nominalStep } from './models.js';
import type { DeviceParams } from './params.js';
import { resolveDevice } from './presets.js';
import { weightArrays } from '../wasm.js';

export type MemristiveMode = 'single' | 'pair';
export type PairPolicy = 'set-only' | 'push-pull';

export interface MemristiveStoreOptions {
  /** The device: a preset name ('hfs2', …) or DeviceParams. */
  readonly device: DeviceParams | string;
  /** One device per synapse (positive weights) or a differential pair; default 'pair'. */
  readonly mode?: MemristiveMode;
  /** The weight [channel units] that maps to the full window gMax − gMin. */
  readonly wMax: number;
  /** How a signed count drives a pair; default 'set-only'. */
  readonly pairPolicy?: PairPolicy;
  /** 'set-only' refresh threshold as a fraction of the window (0, 1]; default 0.9; 1 = refresh only at gMax. */
  readonly refreshAt?: number;
  /** Add one read-noise draw to a weight whenever it is refreshed; default false. */
  readonly readNoise?: boolean;
}

export interface MemristiveStore extends SynapseStoreBase {
  readonly kind: 'memristive';
  readonly mode: MemristiveMode;
  readonly pairPolicy: PairPolicy;
  readonly device: DeviceParams;
  /** Weight per µS [channel units/µS]. */
  readonly scale: number;
  /** The device arrays: [G] in single mode, [G⁺, G⁻] in pair mode. */
  readonly devices: readonly DeviceArray[];
  /** Weight change of one count at the start of the range, nominal device [channel units] (≥ 0). */
  readonly wStepUp: number;
  readonly wStepDown: number;
  /** Batched pulses (see module doc). Allocation-free once its scratch has grown to n. */
  pulse(synapses: Int32Array, counts: Int32Array, n: number, tNow: number): void;
  /** Recomputes every weight from the drifted conductances at tNow [ms]. */
  age(tNow: number): void;
  /** Programming energy so far [nJ] (all devices; initial programming excluded). */
  readonly energyPulse_nJ: number;
  /** Read energy so far [nJ]. */
  readonly energyRead_nJ: number;
  /** Pulses applied so far (initial programming excluded). */
  readonly pulses: number;
  /** Refresh events so far ('set-only' pairs). */
  readonly refreshes: number;
  /**
   * Digital accumulator next to the array, one value per synapse [weight units]: the desired weight
   * change not yet turned into pulses, used by the learning layer's 'accumulate' rounding (mixed
   * precision, Nandakumar et al. 2018; aihwkit's MixedPrecisionCompound). Zero unless that rounding
   * is used; saved in snapshots. 4 bytes per synapse, outside the devices.
   */
  readonly residual: Float32Array;
}

/** Builds memristive stores for projections (a StoreFactory). */
export interface MemristiveStoreFactory {
  readonly kind: 'memristive';
  create(init: StoreInit): MemristiveStore;
}

/** Factory for memristive stores. Options are validated here, once. */
export function memristiveStore(options: MemristiveStoreOptions): MemristiveStoreFactory {
  if (options === null || typeof options !== 'object') throw new Error(`memristiveStore(options): options = ${String(options)} must be an object such as { device: 'hfs2', wMax: 1 }.`);
  const device = resolveDevice(options.device);
  const mode = options.mode ?? 'pair';
  if (mode !== 'single' && mode !== 'pair') throw new Error(`memristiveStore.mode = '${String(mode)}' is not 'single' or 'pair'; use 'pair' for signed weights.`);
  const wMax = options.wMax;
  if (typeof wMax !== 'number' || !(wMax > 0) || !Number.isFinite(wMax)) throw new Error(`memristiveStore.wMax = ${String(wMax)} must be a finite number > 0 (the weight that maps to the full conductance window).`);
  const pairPolicy = options.pairPolicy ?? 'set-only';
  if (pairPolicy !== 'set-only' && pairPolicy !== 'push-pull') throw new Error(`memristiveStore.pairPolicy = '${String(pairPolicy)}' is not 'set-only' or 'push-pull'.`);
  const refreshAt = options.refreshAt ?? 0.9;
  if (typeof refreshAt !== 'number' || !(refreshAt > 0 && refreshAt <= 1)) throw new Error(`memristiveStore.refreshAt = ${String(refreshAt)} must be in (0, 1] (fraction of the window); default 0.9.`);
  const readNoise = options.readNoise ?? false;
  return Object.freeze({
    kind: 'memristive' as const,
    create: (init: StoreInit): MemristiveStore => createMemristiveStore(init, device, mode, wMax, pairPolicy, refreshAt, readNoise === true),
  });
}

function createMemristiveStore(init: StoreInit, device: DeviceParams, mode: MemristiveMode, wMax: number, pairPolicy: PairPolicy, refreshAt: number, readNoise: boolean): MemristiveStore {
  const size = init.size;
  if (!(init.initial instanceof Float32Array) || init.initial.length !== size) {
    throw new Error(`memristive store '${init.label}': init.initial must be a Float32Array of length ${size}.`);
  }
  const pair = mode === 'pair';
  const wMin = pair ? -wMax : 0;
  for (let k = 0; k < size; k++) {
    const w = init.initial[k];
    if (!(w >= wMin - 1e-6 * wMax && w <= wMax * (1 + 1e-6))) {
      throw new Error(`memristive store '${init.label}': initial weight [${k}] = ${w} is outside [${wMin}, ${wMax}] (${mode} mode); raise wMax${pair ? '' : ", use mode: 'pair' for negative weights,"} or clip the initial weights.`);
    }
  }
  const gMin = device.gMin;
  const W = device.gMax - device.gMin;
  const scale = wMax / W;
  const invScale = 1 / scale;
  const plus = createDeviceArray(device, size, init.random, pair ? `${init.label}/g+` : init.label);
  const minus = pair ? createDeviceArray(device, size, init.random, `${init.label}/g-`) : null;
  const devices: readonly DeviceArray[] = minus ? [plus, minus] : [plus];
  // weights and the accumulator in one weight memory (core/wasm.ts), so that the normalisation's
  // SIMD kernel (core/synapses/weights-wasm.ts) works on them in place
  const [weights, residual] = weightArrays(size, 2);

  // Open-loop initial programming at t = 0.
  {
    const idx = new Int32Array(size);
    const tgtP = new Float32Array(size);
    const tgtM = new Float32Array(size);
    for (let k = 0; k < size; k++) {
      idx[k] = k;
      const w = init.initial[k];
      tgtP[k] = gMin + (w > 0 ? w : 0) * invScale;
      tgtM[k] = gMin + (w < 0 ? -w : 0) * invScale;
    }
    if (!pair) for (let k = 0; k < size; k++) tgtP[k] = gMin + init.initial[k] * invScale;
    programOpenLoop(plus, idx, tgtP, size, 0, false);
    if (minus) programOpenLoop(minus, idx, tgtM, size, 0, false);
  }

  // Scratch (grown on demand, never shrunk).
  let cap = 0;
  let idxP = new Int32Array(0);
  let cntP = new Int32Array(0);
  let idxM = new Int32Array(0);
  let cntM = new Int32Array(0);
  let gP = new Float32Array(0);
  let gM = new Float32Array(0);
  const grow = (n: number): void => {
    if (n <= cap) return;
    cap = Math.max(n, 2 * cap, 64);
    idxP = new Int32Array(cap); cntP = new Int32Array(cap);
    idxM = new Int32Array(cap); cntM = new Int32Array(cap);
    gP = new Float32Array(cap); gM = new Float32Array(cap);
  };
  const one = new Int32Array(1);
  const oneT = new Float32Array(1);
  let refreshes = 0;
  const refreshLevel = gMin + refreshAt * W;

  /** Refresh the weights of synapses idx[k], k < n, from reads of their devices at tNow. */
  const refreshWeights = (idx: Int32Array, n: number, tNow: number): void => {
    readSome(gP, plus, idx, n, tNow, readNoise);
    if (minus) {
      readSome(gM, minus, idx, n, tNow, readNoise);
      for (let k = 0; k < n; k++) weights[idx[k]] = scale * (gP[k] - gM[k]);
    } else {
      for (let k = 0; k < n; k++) weights[idx[k]] = scale * (gP[k] - gMin);
    }
  };

  const store: MemristiveStore = {
    kind: 'memristive',
    size,
    weights,
    wMin,
    wMax,
    mode,
    pairPolicy,
    device,
    scale,
    devices,
    residual,
    wStepUp: scale * nominalStep(device, 1) * (pair && pairPolicy === 'push-pull' ? 2 : 1),
    wStepDown: scale * (pair ? (pairPolicy === 'push-pull' ? nominalStep(device, 1) + nominalStep(device, -1) : nominalStep(device, 1)) : nominalStep(device, -1)),
    get energyPulse_nJ() { return plus.energyPulse_nJ + (minus ? minus.energyPulse_nJ : 0); },
    get energyRead_nJ() { return plus.energyRead_nJ + (minus ? minus.energyRead_nJ : 0); },
    get pulses() { return plus.pulses + (minus ? minus.pulses : 0); },
    get refreshes() { return refreshes; },

    pulse(synapses: Int32Array, counts: Int32Array, n: number, tNow: number): void {
      if (n <= 0) return;
      grow(n);
      if (!minus) {
        applyPulses(plus, synapses, counts, n, tNow);
        refreshWeights(synapses, n, tNow);
        return;
      }
      if (pairPolicy === 'push-pull') {
        for (let k = 0; k < n; k++) cntM[k] = -counts[k];
        applyPulses(plus, synapses, counts, n, tNow);
        applyPulses(minus, synapses, cntM, n, tNow);
        refreshWeights(synapses, n, tNow);
        return;
      }
      // set-only: split by sign; both lists carry positive (SET) counts.
      let np = 0;
      let nm = 0;
      for (let k = 0; k < n; k++) {
        const c = counts[k];
        if (c > 0) { idxP[np] = synapses[k]; cntP[np++] = c; }
        else if (c < 0) { idxM[nm] = synapses[k]; cntM[nm++] = -c; }
      }
      applyPulses(plus, idxP, cntP, np, tNow);
      applyPulses(minus, idxM, cntM, nm, tNow);
      // Refresh policy: a touched synapse with either device above the refresh level is rewritten.
      readSome(gP, plus, synapses, n, tNow, false);
      readSome(gM, minus, synapses, n, tNow, false);
      for (let k = 0; k < n; k++) {
        if (gP[k] > refreshLevel || gM[k] > refreshLevel) {
          const s = synapses[k];
          const diff = gP[k] - gM[k];
          one[0] = s;
          oneT[0] = gMin;
          programOpenLoop(plus, one, oneT, 1, tNow, true);
          programOpenLoop(minus, one, oneT, 1, tNow, true);
          oneT[0] = gMin + (diff > 0 ? diff : -diff);
          programOpenLoop(diff > 0 ? plus : minus, one, oneT, 1, tNow, true);
          refreshes++;
        }
      }
      refreshWeights(synapses, n, tNow);
    },

    age(tNow: number): void {
      const chunk = 1024;
      grow(chunk);
      const idx = idxP;
      for (let start = 0; start < size; start += chunk) {
        const m = Math.min(chunk, size - start);
        for (let k = 0; k < m; k++) idx[k] = start + k;
        refreshWeights(idx, m, tNow);
      }
    },

    snapshot(): StoreSnapshot {
      const arrays: Record<string, StoreSnapshot['arrays'][string]> = { weights: weights.slice(), residual: residual.slice() };
      const scalars: Record<string, number> = { refreshes, pair: pair ? 1 : 0, wMax };
      devices.forEach((d, j) => {
        const pre = j === 0 ? 'g+' : 'g-';
        for (const name of DEVICE_STATE_ARRAYS) arrays[`${pre}.${name}`] = asSnapshotArray(d[name]);
        scalars[`${pre}.energyPulse_nJ`] = d.energyPulse_nJ;
        scalars[`${pre}.energyRead_nJ`] = d.energyRead_nJ;
        scalars[`${pre}.pulses`] = d.pulses;
        scalars[`${pre}.reads`] = d.reads;
      });
      return { kind: 'memristive', size, arrays, scalars };
    },

    check(s: StoreSnapshot): void {
      const fail = (why: string): never => {
        throw new Error(`memristive store '${init.label}': cannot restore snapshot: ${why}.`);
      };
      if (!s || s.kind !== 'memristive') fail(`kind is '${s?.kind}', expected 'memristive'`);
      if (s.arrays === null || typeof s.arrays !== 'object' || s.scalars === null || typeof s.scalars !== 'object') fail('arrays or scalars missing');
      if (s.size !== size) fail(`size ${s.size} does not match ${size}`);
      if (s.scalars['pair'] !== (pair ? 1 : 0)) fail(`it is a ${s.scalars['pair'] ? 'pair' : 'single'}-mode snapshot, this store is ${mode}`);
      const w = s.arrays['weights'];
      if (!(w instanceof Float32Array) || w.length !== size) fail('weights missing or of the wrong type/length');
      const r = s.arrays['residual']; // absent in files written before the accumulator existed: zeros
      if (r !== undefined && (!(r instanceof Float32Array) || r.length !== size)) fail('residual of the wrong type/length');
      devices.forEach((d, j) => {
        const pre = j === 0 ? 'g+' : 'g-';
        for (const name of DEVICE_STATE_ARRAYS) {
          const a = s.arrays[`${pre}.${name}`];
          const target = d[name];
          const expected = target instanceof Int16Array ? Uint16Array : target.constructor;
          if (!a || a.constructor !== expected || a.length !== size) fail(`${pre}.${name} missing or of the wrong type/length`);
        }
        for (const f of ['energyPulse_nJ', 'energyRead_nJ', 'pulses', 'reads']) {
          if (!Number.isFinite(s.scalars[`${pre}.${f}`])) fail(`${pre}.${f} missing or not finite`);
        }
      });
      if (!Number.isFinite(s.scalars['refreshes'])) fail('refreshes missing');
    },

    restore(s: StoreSnapshot): void {
      store.check(s);
      // Validated: now change state.
      const w = s.arrays['weights'];
      const r = s.arrays['residual'];
      weights.set(w as Float32Array);
      if (r !== undefined) residual.set(r as Float32Array);
      else residual.fill(0);
      devices.forEach((d, j) => {
        const pre = j === 0 ? 'g+' : 'g-';
        for (const name of DEVICE_STATE_ARRAYS) {
          const target = d[name];
          const a = s.arrays[`${pre}.${name}`];
          if (target instanceof Int16Array) target.set(new Int16Array(a.buffer, a.byteOffset, a.length));
          else (target as Float32Array).set(a as Float32Array);
        }
        d.energyPulse_nJ = s.scalars[`${pre}.energyPulse_nJ`];
        d.energyRead_nJ = s.scalars[`${pre}.energyRead_nJ`];
        d.pulses = s.scalars[`${pre}.pulses`];
        d.reads = s.scalars[`${pre}.reads`];
      });
      refreshes = s.scalars['refreshes'];
    },
  };
  store.age(0);
  // The initial weight read is bookkeeping, not a measurement: reset read counters.
  for (const d of devices) { d.energyRead_nJ = 0; d.reads = 0; }
  return store;
}

/** Snapshot copy; Int16 arrays travel as their bits in a Uint16Array (StoreSnapshot has no Int16Array). */
function asSnapshotArray(a: DeviceArray[(typeof DEVICE_STATE_ARRAYS)[number]]): StoreSnapshot['arrays'][string] {
  if (a instanceof Int16Array) return new Uint16Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
  return a.slice();
}
