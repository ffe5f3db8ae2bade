/**
 * Typed results of a Diehl & Cook experiment: one object per phase, and the whole run. Every field
 * is a plain number, string, boolean, null or array of numbers, so a result is its own JSON.
 * Energies in nJ, times in s (wall time) or ms (simulated and array age).
 */
import type { DataIdentity } from '../experiment/data.js';
import type { ExperimentSpec, Programming } from './spec.js';
import type { Readout } from './crossbar.js';

export interface TrainResult {
  readonly phase: 'train';
  /** images shown in this phase (samples × epochs) and presentations (re-presentations included) */
  readonly samples: number;
  readonly epochs: number;
  readonly presentations: number;
  /** accuracy of the predictions made during training with the labels of the time (null before any) */
  readonly runningAccuracy: number | null;
  readonly seconds: number;
  readonly samplesPerSec: number;
  /** training images shown to the model in all, after this phase */
  readonly trainedSamples: number;
  /** device pulses and their energy during this phase (0 for float weights) */
  readonly pulses: number;
  readonly programmingEnergy_nJ: number;
}

export interface LabelResult {
  readonly phase: 'label';
  readonly samples: number;
  /** index of the first training image shown (the pass shows the last `samples` images of the set) */
  readonly first: number;
  /** neurons whose label changed, and neurons left without a label (never fired) */
  readonly labelsChanged: number;
  readonly unlabelled: number;
  readonly seconds: number;
  readonly samplesPerSec: number;
}

interface EvaluationBase {
  readonly phase: 'evaluate';
  readonly samples: number;
  readonly correct: number;
  readonly accuracy: number;
  /** confusion[true class][predicted class]; column 10: no prediction */
  readonly confusion: number[][];
  readonly seconds: number;
  readonly samplesPerSec: number;
  /** read energy per test image [nJ] */
  readonly inferenceEnergy_nJ: number;
}

export interface TemporalResult extends EvaluationBase {
  readonly mode: 'temporal';
  /** samples with fewer than 5 excitatory spikes at every intensity, and their share */
  readonly silent: number;
  readonly silentRate: number;
}

export interface CrossbarResult extends EvaluationBase {
  readonly mode: 'crossbar';
  /** the device preset of the inference array */
  readonly device: string;
  readonly program: Programming;
  /** age of the array at read time [ms] */
  readonly age: number;
  readonly compensate: boolean;
  readonly readout: Readout;
  readonly columnCorrection: boolean;
  /** readout calibration chosen on training images: offset weight α, gain exponent p, vote temperature τ */
  readonly readoutOffset: number;
  readonly readoutPower: number;
  readonly readoutTemperature: number;
  /** pulses and energy to program the array (both devices of every cell) */
  readonly programmingPulses: number;
  readonly programmingEnergy_nJ: number;
  /** latency of one vector-matrix product [µs] */
  readonly latencyUs: number;
}

export type EvaluationResult = TemporalResult | CrossbarResult;
export type PhaseResult = TrainResult | LabelResult | EvaluationResult;

/** The state of the model after the run. */
export interface ModelSummary {
  readonly neurons: number;
  readonly device: string;
  readonly trainedSamples: number;
  /** device pulses and programming energy of all training (0 for float weights) */
  readonly pulses: number;
  readonly programmingEnergy_nJ: number;
  readonly programmingEnergyPerSample_nJ: number;
}

export interface ExperimentResult {
  readonly spec: ExperimentSpec;
  readonly data: { readonly train: DataIdentity; readonly test: DataIdentity | null };
  readonly phases: readonly PhaseResult[];
  readonly model: ModelSummary;
  /** wall time of all phases, those before a resume included [s] */
  readonly seconds: number;
}
