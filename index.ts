/**
 * memspike — the library's public API (Node and browser): the engine, device models and crossbars
 * (core/), plasticity rules (learning/), and experiment builders, datasets and model files
 * (networks/). Node-only file helpers (MNIST from disk, model files with atomic writes) are in
 * 'memspike/node'. Everything here is a named export, pinned by test/api.test.ts; the step kernels,
 * their constants and the validation helpers stay internal so that they can change.
 */

// Units and randomness
export { toInternal, parseQuantity, INTERNAL_UNITS } from './core/units.js';
export type { Quantity, Dimension } from './core/units.js';
export { stepTime } from './core/time.js';
export { RandomStream, RandomStreams } from './core/random.js';
export type { RandomStreamState } from './core/random.js';

// The network: populations, connectivity, synapse stores, monitors
export { Network } from './core/network.js';
export type {
  NetworkOptions,
  NetworkSnapshot,
  Population,
  LifPopulation,
  PoissonPopulation,
  GeneratorPopulation,
  Projection,
  SpikeEvent,
  StepFrame,
  HandleFor,
} from './core/network.js';
export { lif } from './core/populations/lif.js';
export type { LifParams, LifSpec, SynapseModel, BuiltLif } from './core/populations/lif.js';
export { timedArray } from './core/populations/current.js';
export type { TimedArraySpec } from './core/populations/current.js';
export type { LifState, LifConstants, StateArray } from './core/neurons/lif.js';
export type { PoissonState } from './core/neurons/poisson.js';
export type { GeneratorState } from './core/neurons/generator.js';
export type { SpikeBuffer } from './core/neurons/spikes.js';
export { poissonInput } from './core/populations/poisson.js';
export type { PoissonSpec, BuiltPoisson } from './core/populations/poisson.js';
export { spikeGenerator } from './core/populations/generator.js';
export type { GeneratorSpec, BuiltGenerator } from './core/populations/generator.js';
export type { PopulationSpec, BuiltPopulation } from './core/populations/index.js';
export type { PopulationSnapshot } from './core/populations/built.js';
export { allToAll, oneToOne, allButSelf, fixedProbability, pairs } from './core/synapses/connectors.js';
export type { Connector, Connectivity, WeightInit } from './core/synapses/connectors.js';
export type { ProjectionSpec } from './core/synapses/build.js';
export type { ProjectionStructure, ColumnIndex } from './core/synapses/projection.js';
export { floatStore } from './core/synapses/store.js';
export type { SynapseStore, StoreFactory, FloatStore, FloatStoreOptions } from './core/synapses/store.js';
export type { StoreSnapshot, StoreInit } from './core/synapses/store-base.js';
export type { SpikeRecorder, SpikeRecorderData, StateProbe, RateMonitor, SpikeCounter } from './core/monitors.js';
export { PHASES } from './core/schedule.js';
export type { Updater, Phase, FrozenBehaviour, BuildContext, QuietSteps, Runnable } from './core/schedule.js';

// Memristive devices: presets, models, arrays, the device lab
export { DEVICE_PRESETS, devicePreset, HFS2, AGSI, TAOX_HFOX, PCM_GST, EPIRAM, RERAM_DRIFT, IDEAL_DEVICE } from './core/devices/presets.js';
export { deviceParams, NO_NONIDEALITIES } from './core/devices/params.js';
export type {
  DeviceParams,
  DeviceOverrides,
  DeviceKind,
  DeviceCommon,
  LinearDevice,
  SoftBoundsDevice,
  PowerDevice,
  TableDevice,
  D2dParams,
  DriftParams,
  ReadNoiseParams,
  StuckAtParams,
  PulseParams,
  ReadParams,
  StuckState,
} from './core/devices/params.js';
export { gAfterPulses, pulsesToReach, nominalStep } from './core/devices/models.js';
export { createDeviceArray, applyPulses, readConductances, ageTo, programOpenLoop, deviceArrayBytes } from './core/devices/array.js';
export type { DeviceArray, DeviceArrayOptions, DeviceConsts, PulseKernel } from './core/devices/array.js';
export type { DeviceWasm } from './core/devices/device-wasm.js';
export { memristiveStore } from './core/devices/store.js';
export type { MemristiveStore, MemristiveStoreOptions, MemristiveMode, PairPolicy, MemristiveStoreFactory } from './core/devices/store.js';
export { runCycleProtocol, analyzeCycles, labReport } from './core/devices/lab.js';
export type { PulseTrains, CycleOptions, CycleData, TrainStats, CycleAnalysis, LabReport } from './core/devices/lab.js';
export { fitTableModel } from './core/devices/fit.js';
export type { FitOptions, TableFit, NeuroSimFit } from './core/devices/fit.js';
export { parsePulseTrainCsv, writePulseTrainCsv } from './core/devices/csv.js';
export { cycleFigureSvg } from './core/devices/svg.js';

// Crossbar inference
export { createCrossbar, Crossbar } from './core/crossbar/crossbar.js';
export type { CrossbarOptions, CellKind, ProgramOptions, ProgramReport } from './core/crossbar/crossbar.js';
export { IO_IDEAL, IO_HFS2_PAPER, ioParams } from './core/crossbar/params.js';
export type { IoParams } from './core/crossbar/params.js';
export { solveWireNetwork } from './core/crossbar/irdrop.js';
export type { WireSolveInfo } from './core/crossbar/irdrop.js';

// Learning: STDP rules that choose device pulses, weight normalisation
export { stdp, ruleByName, ruleParams, RULES, DIEHL_COOK_RULE, SONG_2000_PAIR, TRIPLET_VISUAL_CORTEX, QUERLIOZ_2013 } from './learning/rules.js';
export type {
  PlasticityRule,
  RuleName,
  RuleOptions,
  RuleParams,
  RuleStats,
  PairStdpParams,
  TripletStdpParams,
  DiehlCookParams,
  QuerliozParams,
} from './learning/rules.js';
export { ROUNDINGS } from './learning/apply.js';
export type { Rounding } from './learning/apply.js';
export { columnNormaliser } from './learning/homeostasis.js';
export type { Normaliser, NormaliserOptions } from './learning/homeostasis.js';

// Networks: Vogels & Abbott's CUBA, Diehl & Cook 2015, the experiment layer
export { cubaNetwork, CUBA } from './networks/cuba.js';
export type { CubaOptions } from './networks/cuba.js';
export { diehlCook2015, DIEHL_COOK } from './networks/diehl-cook/network.js';
export type { DiehlCookModel, DiehlCookOptions, DiehlCookNeurons, DiehlCookExcitatory, Instrument, Presentation, Presenter } from './networks/diehl-cook/network.js';
export { resolveSpec, canonicalSpec, sameNetwork, networkDifferences, DIEHL_COOK_EXPERIMENT, DEFAULT_SCHEDULE, CELLS, PROGRAMMING } from './networks/diehl-cook/spec.js';
export type {
  ExperimentSpec,
  SpecInput,
  PhaseSpec,
  TrainPhaseSpec,
  LabelPhaseSpec,
  EvaluatePhaseSpec,
  TemporalPhaseSpec,
  CrossbarPhaseSpec,
  Cell,
  Programming,
  ExcitatoryOverrides,
  ResolveOptions,
} from './networks/diehl-cook/spec.js';
export { DiehlCookExperiment, buildModel, evaluateIndependentImages } from './networks/diehl-cook/experiment.js';
export type { ImageAnswers } from './networks/diehl-cook/independent.js';
export type { ExperimentData, ExperimentOptions, TrainedModel, ShownSample, SampleAnswer, TrainProgress, RunnerState } from './networks/diehl-cook/experiment.js';
export type {
  ExperimentResult,
  PhaseResult,
  TrainResult,
  LabelResult,
  EvaluationResult,
  TemporalResult,
  CrossbarResult,
  ModelSummary,
} from './networks/diehl-cook/results.js';
export { assignLabels, classify, LABEL_WINDOW } from './networks/diehl-cook/readout.js';
export type { ResponseWindow } from './networks/diehl-cook/readout.js';
export { crossbarEvaluate, READOUTS } from './networks/diehl-cook/crossbar.js';
export type { CrossbarEvaluation, CrossbarInferenceOptions, CrossbarRun, Readout } from './networks/diehl-cook/crossbar.js';
export { saveModel, loadModel } from './networks/diehl-cook/model-file.js';
export type { SavedModel, ModelToSave } from './networks/diehl-cook/model-file.js';
export { runExperiment } from './networks/experiment/runner.js';
export type { SteppableExperiment, ExperimentProgress, RunOptions, Slice } from './networks/experiment/runner.js';
export { SpecError } from './networks/experiment/spec-error.js';
export { dataSource, dataIdentity } from './networks/experiment/data.js';
export type { DataSource, DataIdentity } from './networks/experiment/data.js';

// Datasets and model files
export { parseIdx, encodeIdx } from './networks/datasets/idx.js';
export type { IdxData, IdxArray, IdxType, IdxExpectation } from './networks/datasets/idx.js';
export { imageDatasetFromIdx, sliceDataset } from './networks/datasets/image-dataset.js';
export type { ImageDataset, DatasetFile } from './networks/datasets/image-dataset.js';
export { pixelRates } from './networks/datasets/encoding.js';
export { encodeModel, decodeModel, MODEL_FORMAT_VERSION } from './networks/persist/model-file.js';
export type { ModelDoc, ModelArray, ModelDtype, JsonValue } from './networks/persist/model-file.js';

// The live stream (memspike view, train --live)
export { encodeLive, decodeLive, LiveFormatError, LIVE_FORMAT } from './networks/live/frame.js';
export type {
  LiveMessage,
  LiveHello,
  LiveFrame,
  LiveAnalysis,
  LiveError,
  LiveProgress,
  LiveSpikes,
  LiveProbe,
  LiveSample,
  LiveDevices,
  LiveDevice,
  LivePopulation,
  LiveArray,
} from './networks/live/frame.js';
export { attachTap, diehlCookTap, experimentSource, cubaSource } from './networks/live/source.js';
export type { LiveSource, LiveTap, FrameOptions, AnalysisRequest } from './networks/live/source.js';
export { crossbarView } from './networks/live/analysis.js';
export type { CrossbarViewInput } from './networks/live/analysis.js';
