/**
 * The CUBA benchmark network: Vogels & Abbott (2005), "Signal propagation and logic gating in
 * networks of integrate-and-fire neurons", J. Neurosci. 25:10786 — current-based version as in
 * Brian2's examples/CUBA.py and the Brette et al. (2007) simulator review, benchmark 2.
 *
 *   τm·dv/dt = (El − v) + ge + gi,  τe·dge/dt = −ge,  τi·dgi/dt = −gi   (ge, gi in mV)
 *   N = 4000 (80 % excitatory), connection probability p = 0.02·4000/N (≈ 80 inputs per neuron),
 *   τm 20 ms, τe 5 ms, τi 10 ms, Vt −50 mV, Vr −60 mV, El −49 mV, refractory 5 ms (v held),
 *   we = 60·0.27/10 mV = 1.62 mV, wi = −20·4.5/10 mV = −9 mV, v0 ~ U[Vr, Vt], dt 0.1 ms, exact
 *   integration. Brian2 2.5.1 gives a mean rate of ≈ 5.6 Hz.
 *
 * The single group of the original is split into an excitatory and an inhibitory population
 * (identical neurons) so that each projection has one sign; the connectivity law is the same
 * (every ordered pair independently with probability p, self-connections included, as Brian2's
 * `connect(p=…)`).
 */
import { Network } from '../core/network.js';
import { lif, type LifParams } from '../core/populations/index.js';
import { fixedProbability } from '../core/synapses/connectors.js';
import { positiveInteger } from '../core/units.js';

export interface CubaOptions {
  /** total neurons (80 % excitatory); default 4000 */
  readonly neurons?: number;
  readonly seed?: number | string;
  /** time step [ms]; default 0.1 */
  readonly dt?: number;
  /** weight storage; default 'csr' */
  readonly storage?: 'dense' | 'csr';
  /** neuron state precision (LifParams.precision); default 'float64', Brian2's */
  readonly precision?: 'float64' | 'float32';
}

/** Published CUBA constants (Brian2 examples/CUBA.py). */
export const CUBA = Object.freeze({
  tauMem: 20,
  tauExc: 5,
  tauInh: 10,
  vThresh: -50,
  vReset: -60,
  vRest: -49,
  tRef: 5,
  wExc: (60 * 0.27) / 10,
  wInh: (-20 * 4.5) / 10,
  excitatoryFraction: 0.8,
  pAt4000: 0.02,
});

export function cubaNetwork(options: CubaOptions = {}) {
  const n = positiveInteger(options.neurons ?? 4000, 'cuba.neurons', 'give the total number of neurons, e.g. 4000');
  if (n < 5) throw new Error(`cuba.neurons = ${n} is too small; CUBA needs at least 5 neurons (4 excitatory, 1 inhibitory).`);
  const nExc = Math.round(CUBA.excitatoryFraction * n);
  const nInh = n - nExc;
  const p = Math.min(1, (CUBA.pAt4000 * 4000) / n);
  const net = new Network({ dt: options.dt ?? 0.1, seed: options.seed ?? 1 });
  const params: LifParams = {
    tauMem: CUBA.tauMem,
    vRest: CUBA.vRest,
    vReset: CUBA.vReset,
    vThresh: CUBA.vThresh,
    tRef: CUBA.tRef,
    synapse: { type: 'current', tauExc: CUBA.tauExc, tauInh: CUBA.tauInh },
    vInit: { uniform: [CUBA.vReset, CUBA.vThresh] },
    ...(options.precision === undefined ? {} : { precision: options.precision }),
  };
  const exc = net.add(lif(nExc, params, 'exc'));
  const inh = net.add(lif(nInh, params, 'inh'));
  const storage = options.storage ?? 'csr';
  const projections = [
    net.connect(exc, exc, { connector: fixedProbability(p), weight: CUBA.wExc, channel: 'exc', storage }),
    net.connect(exc, inh, { connector: fixedProbability(p), weight: CUBA.wExc, channel: 'exc', storage }),
    net.connect(inh, exc, { connector: fixedProbability(p), weight: CUBA.wInh, channel: 'inh', storage }),
    net.connect(inh, inh, { connector: fixedProbability(p), weight: CUBA.wInh, channel: 'inh', storage }),
  ];
  return { net, exc, inh, projections, p };
}
