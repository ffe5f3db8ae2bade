/**
 * Diehl & Cook (2015): the network and the presentation of one sample.
 *
 * P. U. Diehl, M. Cook, "Unsupervised learning of digit recognition using spike-timing-dependent
 * plasticity", Front. Comput. Neurosci. 9:99 (2015), doi:10.3389/fncom.2015.00099, and their
 * Brian code (Diehl_and_Cook_spiking_MNIST.py), whose parameters are used here:
 *
 *   784 Poisson inputs (rate = pixel/8·intensity Hz) ─all-to-all, plastic→ N excitatory LIF
 *   excitatory ─one-to-one (w 10.4)→ N inhibitory LIF ─all-but-self (w 17.0)→ excitatory
 *
 *   excitatory: τ 100 ms, vRest −65, vReset −65 mV, threshold −52 mV + θ − 20 mV offset
 *     (θ starts at 20 mV in training from scratch, θ+ 0.05 mV, τθ 10⁷ ms), refractory 5 ms,
 *     conductance synapses τge 1 ms, τgi 2 ms, E_exc 0 mV, E_inh −100 mV
 *   inhibitory: τ 10 ms, vRest −60, vReset −45, threshold −40 mV, refractory 2 ms, E_inh −85 mV
 *   input weights (rand + 0.01)·0.3, clipped to [0, 1]; STDP: pre trace 20 ms, post traces 20 and
 *     40 ms, νpre 10⁻⁴, νpost 10⁻²; column sums normalised to 78 before every presentation
 *   dt 0.5 ms; each sample 350 ms, then 150 ms at rate 0; a presentation that evokes fewer than
 *     5 excitatory spikes is repeated with intensity + 1
 *
 * Changes from the original, stated: the original's random 0–10 ms input delays are left out
 * (BindsNET does the same); the "timer" quirk of the original equations is replaced by the
 * explicit 5 ms refractory period it was meant to be; traces below 10⁻⁹ are flushed to 0.
 *
 * The label assignment and the class decision are in readout.ts; the experiment (training, the
 * labelling pass, evaluations) in experiment.ts.
 */
import { Network, type LifPopulation, type PoissonPopulation, type Projection } from '../../core/network.js';
import { lif, poissonInput, type LifParams } from '../../core/populations/index.js';
import { allButSelf, allToAll, oneToOne, type WeightInit } from '../../core/synapses/connectors.js';
import { floatStore, type StoreFactory } from '../../core/synapses/store.js';
import { positiveInteger } from '../../core/units.js';
import { DIEHL_COOK_RULE, stdp, type PlasticityRule, type RuleParams } from '../../learning/rules.js';
import { columnNormaliser, type Normaliser } from '../../learning/homeostasis.js';
import { usesAccumulator, type Rounding } from '../../learning/apply.js';
import type { SpikeCounter } from '../../core/monitors.js';
import { INTENSITY_STEP, MIN_SPIKES, PIXEL_RATE_DIVISOR, PRESENTATION_MS, REST_MS, START_INTENSITY } from '../datasets/encoding.js';

/** Neuron parameters of one population [ms, mV] (Diehl & Cook's code; thresholds include their −20 mV offset). */
export interface DiehlCookNeurons {
  readonly tauMem: number;
  readonly vRest: number;
  readonly vReset: number;
  readonly vThresh: number;
  readonly tRef: number;
  readonly tauGe: number;
  readonly tauGi: number;
  readonly eExc: number;
  readonly eInh: number;
}
/** Excitatory neurons: also the adaptive threshold (θ start, step per spike [mV], decay [ms]). */
export interface DiehlCookExcitatory extends DiehlCookNeurons {
  readonly thetaInit: number;
  readonly thetaPlus: number;
  readonly tauTheta: number;
}

/** Published parameters (Diehl & Cook's code). */
export const DIEHL_COOK = Object.freeze({
  dt: 0.5,
  exc: Object.freeze({ tauMem: 100, vRest: -65, vReset: -65, vThresh: -52 - 20, tRef: 5, thetaInit: 20, thetaPlus: 0.05, tauTheta: 1e7, tauGe: 1, tauGi: 2, eExc: 0, eInh: -100 }) as DiehlCookExcitatory,
  inh: Object.freeze({ tauMem: 10, vRest: -60, vReset: -45, vThresh: -40, tRef: 2, tauGe: 1, tauGi: 2, eExc: 0, eInh: -85 }) as DiehlCookNeurons,
  wExcToInh: 10.4,
  wInhToExc: 17.0,
  wInputMax: 1,
  inputWeightScale: 0.3,
  normalisationTarget: 78,
  presentMs: PRESENTATION_MS,
  restMs: REST_MS,
});

export interface DiehlCookOptions {
  /** excitatory (= inhibitory) neurons; default 400 */
  readonly nExc?: number;
  /** input neurons; default 784 (28 × 28) */
  readonly nInput?: number;
  readonly seed?: number | string;
  /** synapse store of the plastic input → excitatory projection; default floatStore([0, 1]) */
  readonly store?: StoreFactory;
  /** learning rule; default Diehl & Cook's */
  readonly rule?: RuleParams;
  /** rounding of pulse counts (memristive store) */
  readonly rounding?: Rounding;
  /** column-sum normalisation target (null: off); default 78 */
  readonly normalisation?: number | null;
  /** in device mode, normalise by pulses or not at all; default 'off' (see learning/homeostasis.ts) */
  readonly deviceNormalisation?: 'pulses' | 'off';
  /** initial input weights; default (U[0,1) + 0.01)·0.3 */
  readonly inputWeights?: WeightInit;
  /** excitatory / inhibitory neuron parameters; default DIEHL_COOK.exc / .inh */
  readonly excitatory?: DiehlCookExcitatory;
  readonly inhibitory?: DiehlCookNeurons;
  /** presentations per sample before giving up (intensity 2, 3, …); default 12 */
  readonly maxPresentations?: number;
  /**
   * Called once before the network is built, to add monitors or read-only updaters (a live viewer's
   * spike recorders and probes). It must not change the model: anything it adds runs in the record
   * phase and draws no random numbers, so the run is bit-identical with or without it.
   */
  readonly instrument?: Instrument;
}

/** Adds observers to a Diehl & Cook network before it is built (see DiehlCookOptions.instrument). */
export type Instrument = (net: Network, populations: { readonly input: PoissonPopulation; readonly exc: LifPopulation; readonly inh: LifPopulation }) => void;

/** Outcome of presenting one sample. */
export interface Presentation {
  /** spikes of each excitatory neuron in the last (accepted) presentation — live buffer, copy to keep */
  readonly counts: Int32Array;
  readonly total: number;
  /** presentations used (1 = first try) */
  readonly presentations: number;
  /** fewer than MIN_SPIKES spikes even at the highest intensity */
  readonly silent: boolean;
}

/**
 * Presents samples a slice of steps at a time: `start(pixels)`, then `advance(budget)` until
 * `busy` is false. Stopping between any two steps and going on is the same run as one call:
 * the actions between windows (spike count, rates off, the next presentation's normalisation
 * request and rates) happen right after the step that ends a window, whatever the slicing.
 */
export interface Presenter {
  /** Starts presenting an image (plasticity as currently switched); the previous one must be finished. */
  start(pixels: Uint8Array): void;
  /** Runs at most `budget` steps of the current sample; returns the steps run. */
  advance(budget: number): number;
  /** a sample is being presented */
  readonly busy: boolean;
  /** the finished sample's outcome (valid once `busy` turns false) */
  readonly result: Presentation;
  /** steps one presentation window takes (presentation + rest) */
  readonly stepsPerPresentation: number;
}

export interface DiehlCookModel {
  readonly net: Network;
  readonly input: PoissonPopulation;
  readonly exc: LifPopulation;
  readonly inh: LifPopulation;
  readonly inputToExc: Projection;
  readonly rule: PlasticityRule;
  readonly normaliser: Normaliser | null;
  /** excitatory spikes per neuron in the current presentation */
  readonly counter: SpikeCounter;
  /** spikes per input neuron since the last reset (for read-energy accounting) */
  readonly inputCounter: SpikeCounter;
  readonly options: { readonly nExc: number; readonly nInput: number; readonly maxPresentations: number; readonly normalisation: number | null };
  readonly presenter: Presenter;
  /** Presents one image to the end (plasticity as currently switched), including the rest period. */
  present(pixels: Uint8Array): Presentation;
}

/** LIF parameters of a Diehl & Cook population. */
function lifParams(p: DiehlCookNeurons, theta: DiehlCookExcitatory | null): LifParams {
  return {
    tauMem: p.tauMem,
    vRest: p.vRest,
    vReset: p.vReset,
    vThresh: p.vThresh,
    tRef: p.tRef,
    vInit: p.vRest - 40, // the original starts v at v_rest − 40 mV
    synapse: { type: 'conductance', tauExc: p.tauGe, tauInh: p.tauGi, eExc: p.eExc, eInh: p.eInh },
    ...(theta ? { adaptation: { thetaPlus: theta.thetaPlus, tauTheta: theta.tauTheta, thetaInit: theta.thetaInit } } : {}),
  };
}

/** Builds the Diehl & Cook network (built and ready). */
export function diehlCook2015(options: DiehlCookOptions = {}): DiehlCookModel {
  const nExc = positiveInteger(options.nExc ?? 400, 'nExc', 'give the number of excitatory neurons, e.g. 400');
  const nInput = positiveInteger(options.nInput ?? 784, 'nInput');
  const maxPresentations = positiveInteger(options.maxPresentations ?? 12, 'maxPresentations');
  const P = DIEHL_COOK;
  const excParams = options.excitatory ?? P.exc;
  const net = new Network({ dt: P.dt, seed: options.seed ?? 1 });
  const input = net.add(poissonInput(nInput, 0, 'input'));
  const exc = net.add(lif(nExc, lifParams(excParams, excParams), 'exc'));
  const inh = net.add(lif(nExc, lifParams(options.inhibitory ?? P.inh, null), 'inh'));
  const inputToExc = net.connect(input, exc, {
    connector: allToAll(),
    weight: options.inputWeights ?? { uniform: [0.01 * P.inputWeightScale, 1.01 * P.inputWeightScale] },
    store: options.store ?? floatStore({ wMin: 0, wMax: P.wInputMax }),
    label: 'input→exc',
  });
  net.connect(exc, inh, { connector: oneToOne(), weight: P.wExcToInh, label: 'exc→inh' });
  net.connect(inh, exc, { connector: allButSelf(), weight: P.wInhToExc, channel: 'inh', label: 'inh→exc' });
  const rule = net.addUpdater(stdp(inputToExc, options.rule ?? DIEHL_COOK_RULE, { rounding: options.rounding ?? 'stochastic' }));
  const normalisation = options.normalisation === undefined ? P.normalisationTarget : options.normalisation;
  const normaliser =
    normalisation === null
      ? null
      : net.addUpdater(
          columnNormaliser(inputToExc, normalisation, {
            deviceMode: options.deviceNormalisation ?? 'off',
            // the normaliser rounds like the rule, except that 'deterministic' keeps stochastic rounding
            rounding: options.rounding !== undefined && usesAccumulator(options.rounding) ? options.rounding : 'stochastic',
          }),
        );
  const counter = net.spikeCounter(exc);
  const inputCounter = net.spikeCounter(input);
  options.instrument?.(net, { input, exc, inh });
  net.build();

  const presenter = createPresenter(net, input, counter, normaliser, nInput, maxPresentations);
  return {
    net,
    input,
    exc,
    inh,
    inputToExc,
    rule,
    normaliser,
    counter,
    inputCounter,
    options: { nExc, nInput, maxPresentations, normalisation },
    presenter,
    present(pixels: Uint8Array): Presentation {
      presenter.start(pixels);
      while (presenter.busy) presenter.advance(Infinity);
      return presenter.result;
    },
  };
}

/**
 * One sample: presentation windows of 350 ms at rates pixel/8·intensity, each followed by 150 ms at
 * rate 0, repeated at intensity + 1 while the excitatory neurons fire fewer than MIN_SPIKES times
 * (at most `maxPresentations` windows). While learning, each window starts with a normalisation.
 */
function createPresenter(net: Network, input: PoissonPopulation, counter: SpikeCounter, normaliser: Normaliser | null, nInput: number, maxPresentations: number): Presenter {
  const rates = new Float64Array(nInput);
  const zeros = new Float64Array(nInput);
  const presentSteps = net.stepsFor(DIEHL_COOK.presentMs);
  const restSteps = net.stepsFor(DIEHL_COOK.restMs);
  let pixels: Uint8Array = new Uint8Array(nInput);
  let busy = false;
  let resting = false;
  let left = 0;
  let intensity = START_INTENSITY;
  let presentations = 0;
  let total = 0;
  const result = { counts: counter.counts, total: 0, presentations: 0, silent: false };
  const beginWindow = () => {
    presentations++;
    if (normaliser && net.plasticity.enabled) normaliser.request();
    const gain = intensity / PIXEL_RATE_DIVISOR;
    for (let i = 0; i < nInput; i++) rates[i] = pixels[i] * gain;
    input.setRates(rates);
    counter.reset();
    resting = false;
    left = presentSteps;
  };
  return {
    stepsPerPresentation: presentSteps + restSteps,
    get busy() {
      return busy;
    },
    get result() {
      return result;
    },
    start(image: Uint8Array) {
      if (busy) throw new Error('present: the previous sample is still being presented; advance it to the end first.');
      if (image.length !== nInput) throw new Error(`present: image has ${image.length} pixels, the network has ${nInput} inputs; give ${nInput}-pixel images.`);
      pixels = image;
      busy = true;
      intensity = START_INTENSITY;
      presentations = 0;
      beginWindow();
    },
    advance(budget: number): number {
      let used = 0;
      while (busy && used < budget) {
        const n = Math.min(left, budget - used);
        net.runSteps(n); // the quiet end of the rest period is passed over at once (core/schedule.ts)
        used += n;
        left -= n;
        if (left > 0) break;
        if (!resting) {
          total = counter.total();
          input.setRates(zeros);
          resting = true;
          left = restSteps;
        } else if (total >= MIN_SPIKES || presentations >= maxPresentations) {
          busy = false;
          result.total = total;
          result.presentations = presentations;
          result.silent = total < MIN_SPIKES;
        } else {
          intensity += INTENSITY_STEP;
          beginWindow();
        }
      }
      return used;
    },
  };
}
