/**
 * `memspike train` and `memspike experiment` (= `npm start`): flags → spec → runner → output.
 *
 *   train        [train samples × epochs] → [label pass]                    (+ --out: the model file)
 *   experiment   [train] → [label pass] → temporal evaluation → crossbar evaluations (open-loop;
 *                write-verify fresh, after 1 h, 1 day, 1 year with compensation, 1 year without,
 *                and the vote readout)
 *
 * Both take the same network flags and defaults (cli/experiment-options.ts, from the spec's), a
 * spec file (--spec), --print-spec, --resume (a saved model to train further, or a checkpoint of an
 * interrupted run), write checkpoints on Ctrl-C, and stream the run to viewers with --live
 * (cli/live-server.ts; the model is built with a live tap, which changes nothing in the run).
 */
import type { Command } from 'commander';
import { summaryOf } from './summaries.js';
import { resolveSpec, type ExperimentSpec } from '../../networks/diehl-cook/spec.js';
import { buildModel, DiehlCookExperiment } from '../../networks/diehl-cook/experiment.js';
import type { Instrument } from '../../networks/diehl-cook/network.js';
import { diehlCookTap, experimentSource } from '../../networks/live/source.js';
import { LABEL_WINDOW } from '../../networks/diehl-cook/readout.js';
import type { SavedModel } from '../../networks/diehl-cook/model-file.js';
import { isPlainObject, SpecError } from '../../networks/experiment/spec-error.js';
import {
  addNetworkOptions,
  addRunOptions,
  FieldSources,
  givenFlags,
  idxPair,
  keyOf,
  LABEL_PASS_HELP,
  livePort,
  NETWORK_FLAGS,
  networkFields,
  RATE_FLAG,
  readSpecFile,
  scheduleFlag,
} from '../experiment-options.js';
import { checkOutPath, checkTrainingData, drive, loadData, readModel } from '../run-experiment.js';
import { liveLine, startLiveServer, type LiveOutcome } from '../live-server.js';
import { checkModelFits } from '../resources.js';

type Kind = 'train' | 'experiment';

/** The crossbar evaluations of `experiment`: what skipping the verify costs, drift over a year with and without compensation, the vote readout. */
const EXPERIMENT_CROSSBAR_ROWS = [
  { program: 'open-loop', age: 0, compensate: true, readout: 'winner' },
  { program: 'write-verify', age: 0, compensate: true, readout: 'winner' },
  { program: 'write-verify', age: '1 h', compensate: true, readout: 'winner' },
  { program: 'write-verify', age: '1 d', compensate: true, readout: 'winner' },
  { program: 'write-verify', age: '1 y', compensate: true, readout: 'winner' },
  { program: 'write-verify', age: '1 y', compensate: false, readout: 'winner' },
  { program: 'write-verify', age: 0, compensate: true, readout: 'vote' },
] as const;

const SCHEDULE_FLAGS = ['--samples', '--epochs', '--label-pass', '--test-samples'];
const ALWAYS_ALLOWED = ['--out', '--json', '--quiet', '--resume', '--print-spec', '--live'];

/** The schedule of a command from its flags (sources record which flag set which field). */
function scheduleFrom(kind: Kind, opts: Record<string, unknown>, sources: FieldSources): Record<string, unknown>[] {
  const phases: Record<string, unknown>[] = [];
  const samples = scheduleFlag(opts, '--samples', sources, 'schedule[0].samples') ?? 10_000;
  const epochs = scheduleFlag(opts, '--epochs', sources, 'schedule[0].epochs') ?? 1;
  phases.push({ phase: 'train', samples, epochs });
  const trained = typeof samples === 'number' && typeof epochs === 'number' ? samples * epochs : LABEL_WINDOW;
  const labelPass = scheduleFlag(opts, '--label-pass', sources, 'schedule[1].samples') ?? Math.min(LABEL_WINDOW, trained);
  if (labelPass !== 0) phases.push({ phase: 'label', samples: labelPass });
  if (kind === 'experiment') {
    const first = phases.length;
    const testRaw = opts[keyOf('--test-samples')];
    const test = testRaw === undefined ? 10_000 : Number(testRaw);
    phases.push({ phase: 'evaluate', mode: 'temporal', samples: test });
    for (const row of EXPERIMENT_CROSSBAR_ROWS) phases.push({ phase: 'evaluate', mode: 'crossbar', samples: test, ...row });
    if (testRaw !== undefined) for (let i = first; i < phases.length; i++) sources.set(`schedule[${i}].samples`, '--test-samples', String(testRaw));
  }
  return phases;
}

/** Resolves the spec of a train/experiment command, and the model it resumes (if any), built with `instrument`. */
function specOf(kind: Kind, opts: Record<string, unknown>, sources: FieldSources, instrument?: Instrument): { spec: ExperimentSpec; saved: SavedModel | null; file: string | null } {
  const resume = opts['resume'] as string | undefined;
  const specFile = opts['spec'] as string | undefined;
  if (resume && specFile) throw new Error(`--spec ${specFile} with --resume ${resume}: a resumed model keeps the spec it was trained with; give the new schedule by flags (--samples, --epochs, --label-pass).`);
  const trainData = opts['trainIdx'] === undefined ? undefined : idxPair(String(opts['trainIdx']), '--train-idx');
  const testData = opts['testIdx'] === undefined ? undefined : idxPair(String(opts['testIdx']), '--test-idx');
  if (trainData) sources.set('data.train', '--train-idx', String(opts['trainIdx']));
  if (testData) sources.set('data.test', '--test-idx', String(opts['testIdx']));
  if (resume) {
    const saved = readModel(resume, '--resume', instrument, true);
    if (saved.runner) {
      // a checkpoint continues the run it was written from, exactly as it was specified
      const extra = Object.keys(opts).filter((k) => opts[k] !== undefined && !ALWAYS_ALLOWED.map(keyOf).includes(k));
      if (extra.length > 0) throw new Error(`--${extra[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${resume} is a checkpoint of an interrupted run; it continues as it was specified — drop the flag (see it with --print-spec).`);
      return { spec: saved.spec, saved, file: resume };
    }
    // network flags may repeat the model's values, never change them
    for (const [field, value] of Object.entries(networkFields(opts, sources, NETWORK_FLAGS))) {
      const was = saved.spec[field as keyof ExperimentSpec];
      if (JSON.stringify(value) === JSON.stringify(was)) continue;
      const f = sources.flagOf(field)!;
      throw new Error(`${f.flag} ${f.raw}: ${resume} was trained with ${field} = ${JSON.stringify(was)}; a resumed model keeps its network — drop ${f.flag}.`);
    }
    const rate = networkFields(opts, sources, [RATE_FLAG]);
    const input = { ...saved.spec, ...rate, data: { train: trainData ?? saved.spec.data.train, test: testData ?? saved.spec.data.test }, schedule: scheduleFrom(kind, opts, sources) };
    try {
      return { spec: resolveSpec(input, { trained: true }), saved, file: resume };
    } catch (e) {
      // a limit added after the model was trained (wMax ≤ 1, …): it still loads and evaluates, but does not train on
      if (e instanceof SpecError && sources.flagOf(e.field) === undefined) {
        throw new Error(`--resume ${resume}: the model's ${e.message.replace(/\.$/, '')} — it was trained before this limit; memspike eval still reads it, but it cannot be trained further.`);
      }
      throw e;
    }
  }
  const base = specFile ? readSpecFile(specFile) : {};
  sources.specFile = specFile ?? null;
  const schedFlags = givenFlags(opts, SCHEDULE_FLAGS);
  if (base['schedule'] !== undefined && schedFlags.length > 0) throw new Error(`${schedFlags[0]}: ${specFile} has its own schedule; change it there, or remove "schedule" from the file to build it from flags.`);
  const baseData = isPlainObject(base['data']) ? base['data'] : {};
  const input = {
    ...base,
    ...networkFields(opts, sources),
    data: { ...baseData, ...(trainData ? { train: trainData } : {}), ...(testData ? { test: testData } : {}) },
    schedule: base['schedule'] ?? scheduleFrom(kind, opts, sources),
  };
  return { spec: resolveSpec(input), saved: null, file: null };
}

async function run(kind: Kind, opts: Record<string, unknown>): Promise<void> {
  const sources = new FieldSources();
  const port = livePort(opts);
  // --live: the model is built with a tap (observers outside snapshots: the run stays bit for bit the same)
  const tap = port === null || opts['printSpec'] ? null : diehlCookTap();
  let built: ReturnType<typeof specOf>;
  try {
    built = specOf(kind, opts, sources, tap?.instrument);
  } catch (e) {
    throw sources.translate(e);
  }
  const { spec, saved, file } = built;
  if (opts['printSpec']) {
    process.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
    return;
  }
  // before any work: the size fits this machine, and --out (and its checkpoint) can be written
  try {
    checkModelFits(spec, true);
  } catch (e) {
    throw sources.translate(e);
  }
  const out = opts['out'] as string | undefined;
  checkOutPath(out);
  let exp: DiehlCookExperiment;
  try {
    const data = loadData(spec);
    if (saved) checkTrainingData(saved, file!, data, spec.data.train);
    exp = new DiehlCookExperiment(spec, data, saved ? { trained: saved.trained, ...(saved.runner ? { resume: saved.runner } : {}) } : tap ? { trained: buildModel(spec, tap.instrument) } : {});
  } catch (e) {
    throw sources.translate(e);
  }
  const title = kind === 'experiment' ? 'Diehl & Cook 2015 on MNIST' : 'memspike train';
  const live =
    tap === null || port === null
      ? null
      : await startLiveServer(experimentSource(exp, tap.tap(), 'diehl-cook', `${title}: ${spec.neurons} neurons, ${spec.device === 'float' ? 'float weights' : `${spec.device} ${spec.cell === 'pair' ? 'pairs' : 'devices'}`}, seed ${spec.seed}`), {
          port,
          flag: '--live',
          log: (line) => process.stderr.write(`${line}\n`),
        });
  if (live) process.stderr.write(`${liveLine(live.url)}\n`);
  let outcome: LiveOutcome = 'interrupted';
  try {
    const result = await drive(exp, {
      command: kind,
      title,
      json: opts['json'] === true,
      quiet: opts['quiet'] === true,
      ...(out ? { out } : {}),
      checkpoint: true,
      ...(live ? { onYield: live.onYield } : {}),
    });
    outcome = result === null ? 'interrupted' : 'finished';
  } catch (e) {
    outcome = { error: `the run failed: ${e instanceof Error ? e.message : String(e)}` };
    throw e;
  } finally {
    await live?.close(outcome);
  }
}

const SAMPLES_HELP = 'training images per epoch, taken from where training last stopped (default 10000)';

export function register(program: Command): void {
  for (const kind of ['train', 'experiment'] as const) {
    const cmd = program.command(kind).description(summaryOf(kind));
    addNetworkOptions(cmd);
    addRunOptions(cmd, { samples: SAMPLES_HELP, labelPass: LABEL_PASS_HELP });
    if (kind === 'experiment') {
      cmd.option('--test-samples <N>', 'test images for each evaluation (default 10000)');
      cmd.option('--test-idx <IMAGES,LABELS>', 'evaluate on this IDX image/label pair instead of the MNIST test set');
    }
    cmd.addHelpText(
      'after',
      `
Defaults (the best validated setting, docs/results.md): --device hfs2 in differential pairs (--cell pair),
--w-max 0.5, --rounding feedback, --device-normalisation pulses. With --device float the device flags
do not apply (float weights lie in [0, 1] and normalise exactly); giving one is an error.
Ctrl-C finishes the current sample, writes a checkpoint and prints the command that resumes it.
--live streams spikes, the probed neuron, the image on show and (once a second) the weights and device
state to any number of viewers: run \`memspike view\` and open the URL --live prints on stderr,
http://127.0.0.1:8765/?attach=ws://127.0.0.1:PORT. A slow viewer misses frames (counted) and never
slows the run; with or without --live the run, its result and its model file are the same.`,
    );
    cmd.action(async (opts: Record<string, unknown>) => run(kind, opts));
  }
}
