/**
 * What the LIF kernel tests share: a small deterministic generator, plain JavaScript state, CUBA's
 * constants, bitwise comparison, the θ mode a population picks, and fresh modules with or without
 * WebAssembly.
 */
import { vi } from 'vitest';
import { THETA_MODE, type LifConstants, type LifState, type ThetaMode } from '../../../core/neurons/lif.js';

/** Small deterministic generator (mulberry32) so the tests need no seeded stream from core. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A population's state in plain typed arrays (the JavaScript kernels' own), all zero, not refractory. */
export function plainState(n: number, Arr: Float64ArrayConstructor | Float32ArrayConstructor = Float64Array): LifState {
  return {
    n,
    v: new Arr(n),
    gE: new Arr(n),
    gI: new Arr(n),
    theta: new Arr(n),
    iBias: new Arr(n),
    refUntil: new Int32Array(n).fill(-0x7fffffff),
    spikes: { idx: new Int32Array(n), count: 0 },
  };
}

/** CUBA's neuron (Brian2 examples/CUBA.py: τm 20, τE 5, τI 10 ms) at step dt, with a bias gain and θ. */
export function cubaConstants(dt: number, tauTheta: number, thetaPlus: number): LifConstants {
  const tauMem = 20;
  const tauE = 5;
  const tauI = 10;
  const a = Math.exp(-dt / tauMem);
  return Object.freeze({
    vRest: -49,
    vReset: -60,
    vThresh: -50,
    decayMem: a,
    dtOverTau: dt / tauMem,
    decayE: Math.exp(-dt / tauE),
    decayI: Math.exp(-dt / tauI),
    couplingE: (tauE / (tauE - tauMem)) * (Math.exp(-dt / tauE) - a),
    couplingI: (tauI / (tauI - tauMem)) * (Math.exp(-dt / tauI) - a),
    eExc: 0,
    eInh: 0,
    rMem: 1.7,
    refSteps: 20,
    thetaPlus,
    decayTheta: tauTheta === Infinity ? 1 : Math.exp(-dt / tauTheta),
  });
}

/**
 * Diehl & Cook-like conductance-based constants at step dt: vRest = vReset = −65 mV, τE 1 ms, τI
 * 2 ms, reversal potentials 0 and −100 mV; the rest as given (τθ = Infinity: θ does not decay).
 */
export function conductanceConstants(dt: number, tauMem: number, o: { vThresh: number; rMem: number; refSteps: number; tauTheta: number; thetaPlus: number }): LifConstants {
  return Object.freeze({
    vRest: -65,
    vReset: -65,
    vThresh: o.vThresh,
    decayMem: Math.exp(-dt / tauMem),
    dtOverTau: dt / tauMem,
    decayE: Math.exp(-dt / 1),
    decayI: Math.exp(-dt / 2),
    couplingE: 0,
    couplingI: 0,
    eExc: 0,
    eInh: -100,
    rMem: o.rMem,
    refSteps: o.refSteps,
    thetaPlus: o.thetaPlus,
    decayTheta: o.tauTheta === Infinity ? 1 : Math.exp(-dt / o.tauTheta),
  });
}

/**
 * Synaptic input as propagation would add it, the same to two states side by side: to random
 * subsets, gE += U[0, 2) with probability 0.05, gI += −U[0, 4) with probability 0.02.
 */
export function addSynapticInput(a: LifState, b: LifState, rnd: () => number): void {
  for (let i = 0; i < a.n; i++) {
    if (rnd() < 0.05) {
      const x = 2 * rnd();
      a.gE[i] += x;
      b.gE[i] += x;
    }
    if (rnd() < 0.02) {
      const y = -4 * rnd();
      a.gI[i] += y;
      b.gI[i] += y;
    }
  }
}

/** Bitwise equality of two typed arrays (distinguishes −0/+0 and NaN payloads). */
export function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The θ mode a population picks: adapting while learning (decaying when τθ is finite), held while frozen. */
export function thetaMode(adapt: boolean, plastic: boolean, k: LifConstants): ThetaMode {
  if (!adapt) return THETA_MODE.NONE;
  if (!plastic) return THETA_MODE.HELD;
  return k.decayTheta !== 1 ? THETA_MODE.ADAPTS : THETA_MODE.GROWS;
}

/**
 * Runs `body` on freshly imported modules, with the global WebAssembly removed when `withoutWasm`
 * (so that every kernel takes its JavaScript fallback), and restores both afterwards.
 */
export async function withFreshModules<T>(withoutWasm: boolean, body: () => Promise<T>): Promise<T> {
  vi.resetModules();
  if (withoutWasm) vi.stubGlobal('WebAssembly', undefined);
  try {
    return await body();
  } finally {
    vi.unstubAllGlobals();
    vi.resetModules();
  }
}
