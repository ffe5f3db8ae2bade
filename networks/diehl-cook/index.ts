/** Diehl & Cook 2015: the network, its readout, the experiment spec and runner, crossbar inference, model files. */
export { DIEHL_COOK, diehlCook2015, type DiehlCookModel, type DiehlCookOptions, type Instrument, type DiehlCookNeurons, type DiehlCookExcitatory, type Presentation, type Presenter } from './network.js';
export { LABEL_WINDOW, assignLabels, classify, createResponseWindow, type ResponseWindow } from './readout.js';
export {
  DIEHL_COOK_EXPERIMENT,
  COMMON_DEFAULTS,
  DEVICE_DEFAULTS,
  DEFAULT_SCHEDULE,
  CROSSBAR_DEFAULTS,
  CELLS,
  PROGRAMMING,
  MAX_D2D,
  resolveSpec,
  deviceOf,
  ruleOf,
  canonicalSpec,
  sameNetwork,
  networkDifferences,
  type ExperimentSpec,
  type SpecInput,
  type PhaseSpec,
  type TrainPhaseSpec,
  type LabelPhaseSpec,
  type EvaluatePhaseSpec,
  type TemporalPhaseSpec,
  type CrossbarPhaseSpec,
  type Cell,
  type Programming,
  type ExcitatoryOverrides,
  type ResolveOptions,
} from './spec.js';
export { DiehlCookExperiment, buildModel, checkData, ageName, identities, type ShownSample, type SampleAnswer, phaseName, type ExperimentData, type ExperimentOptions, type TrainedModel, type RunnerState, type TrainProgress } from './experiment.js';
export type { TrainResult, LabelResult, TemporalResult, CrossbarResult, EvaluationResult, PhaseResult, ModelSummary, ExperimentResult } from './results.js';
export { crossbarEvaluation, crossbarEvaluate, classifyDrives, READOUTS, INFERENCE_ADC_RANGE, READOUT_OFFSETS, READOUT_POWERS, READOUT_TEMPERATURES, type CrossbarRun, type CrossbarEvaluation, type CrossbarInferenceOptions, type Readout } from './crossbar.js';
export { rowReadEnergies, programmingEnergy, pulsesApplied } from './energy.js';
export { DIEHL_COOK_KIND, MODEL_PARAMS_FORMAT, saveModel, loadModel, type SavedModel, type ModelToSave } from './model-file.js';
