/**
 * Energy accounting of the temporal (spiking) simulation with memristive input synapses.
 *
 * Programming: the energy of every pulse the learning rule applied (devices accumulate
 * E = V²·G·t_pulse per pulse, core/devices). Inference: each input spike reads its row of devices
 * once (the synaptic event is a read of the cross-point at the read voltage for the read time):
 * E_row(i) = Σ_j V_read²·G_ij·t_read, E [nJ] = V[mV]²·G[µS]·t[ms]·10⁻⁶; an image costs
 * Σ_i spikes_i·E_row(i). Float stores have no device energy (0).
 */
import type { DiehlCookModel } from './network.js';

/** Read energy per input row [nJ], from the current conductances (zeros for a float store). */
export function rowReadEnergies(model: DiehlCookModel): Float64Array {
  const nIn = model.options.nInput;
  const nOut = model.options.nExc;
  const out = new Float64Array(nIn);
  const store = model.inputToExc.store;
  if (store.kind !== 'memristive') return out;
  for (const d of store.devices) {
    const c = d.params.read.v * d.params.read.v * d.params.read.width * 1e-6;
    for (let i = 0; i < nIn; i++) {
      let sum = 0;
      for (let j = 0; j < nOut; j++) sum += d.g[i * nOut + j];
      out[i] += c * sum;
    }
  }
  return out;
}

/** Programming energy so far [nJ] (device pulses; 0 for float). */
export function programmingEnergy(model: DiehlCookModel): number {
  const store = model.inputToExc.store;
  return store.kind === 'memristive' ? store.energyPulse_nJ : 0;
}

/** Pulses applied so far (0 for float). */
export function pulsesApplied(model: DiehlCookModel): number {
  const store = model.inputToExc.store;
  return store.kind === 'memristive' ? store.pulses : 0;
}
