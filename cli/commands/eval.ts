/**
 * `memspike eval FILE`: evaluates a saved model — by the temporal simulation or by crossbar
 * inference — optionally after relabelling its neurons by a frozen pass over the training images
 * it was trained on (the file is not changed). The model's spec and the identity of its training
 * data come from the file; training images that are not the model's are refused.
 *
 * `--independent-images` evaluates each test image from the trained state with its own input
 * stream (networks/diehl-cook/independent.ts) instead of one simulation through all of them;
 * only then can `--workers N` split the images across worker threads (cli/eval-pool.ts), with the
 * result of one thread, bit for bit. A label pass runs once, in this thread, before them.
 */
import type { Command } from 'commander';
import { merge, Subject } from 'rxjs';
import { summaryOf } from './summaries.js';
import { resolveSpec, type TemporalPhaseSpec } from '../../networks/diehl-cook/spec.js';
import { DiehlCookExperiment } from '../../networks/diehl-cook/experiment.js';
import { LABEL_WINDOW } from '../../networks/diehl-cook/readout.js';
import { runExperiment, type ExperimentProgress } from '../../networks/experiment/runner.js';
import { FieldSources, idxPair, keyOf, scheduleFlag } from '../experiment-options.js';
import { checkTrainingData, drive, loadData, readModel, type DriveOptions } from '../run-experiment.js';
import { checkMemory, checkModelFits } from '../resources.js';
import { modelSize } from '../../networks/diehl-cook/resources.js';
import { evaluateOnWorkers, fileStamp, parseWorkers, type FileStamp } from '../eval-pool.js';
import { showProgress } from '../progress.js';

/** Crossbar-only flags: each sets the field of the evaluation phase it is named after. */
const CROSSBAR_FLAGS: readonly { flag: string; field: string; value: (raw: unknown) => unknown }[] = [
  { flag: '--program', field: 'program', value: String },
  { flag: '--age', field: 'age', value: (raw) => (/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(String(raw)) ? Number(raw) : String(raw)) },
  { flag: '--readout', field: 'readout', value: String },
  { flag: '--crossbar-device', field: 'device', value: String },
];

async function evaluate(file: string, opts: Record<string, unknown>, cmd: Command): Promise<void> {
  const sources = new FieldSources();
  // --workers first: a split that cannot be made is refused before the model is read
  const workers = opts['workers'] === undefined ? 1 : parseWorkers(opts['workers']);
  const independent = opts['independentImages'] === true;
  if (workers > 1 && opts['mode'] !== undefined && String(opts['mode']) === 'crossbar') {
    throw new Error(`--workers ${String(opts['workers'])}: a crossbar evaluation runs in this thread (it takes seconds); leave --workers out, or evaluate with --mode temporal --independent-images.`);
  }
  if (workers > 1 && !independent) {
    throw new Error(
      `--workers ${String(opts['workers'])}: the default (sequential) evaluation carries each image's state — membrane potentials, conductances, the input stream — into the next, so it cannot be split across threads; ` +
        `add --independent-images (each image from the trained state with its own input stream: a different protocol, whose result any number of workers reproduces bit for bit), or leave --workers out.`,
    );
  }
  // the file's stamp before it is read: a thread that finds another file refuses to go on
  let stamp: FileStamp | null = null;
  try {
    if (workers > 1) stamp = fileStamp(file);
  } catch {
    // no such file: readModel says so in its words
  }
  const saved = readModel(file, 'FILE');
  if (workers > 1) {
    // every thread holds the network, its trained snapshot and, while it loads, the file's bytes
    const size = modelSize(saved.spec);
    const perThread = 2 * size.memoryBytes + size.fileBytes;
    checkMemory('--workers', String(opts['workers']), workers, `evaluating a network of ${saved.spec.neurons} neurons on ${workers} worker threads (each loads the model)`, { bytes: (w) => (w + 1) * perThread });
  }
  if (saved.runner) throw new Error(`${file} is a checkpoint of an interrupted run, not a finished model; finish it with \`memspike train --resume ${file}\`.`);
  let exp: DiehlCookExperiment;
  try {
    const schedule: Record<string, unknown>[] = [];
    const labelPass = scheduleFlag(opts, '--label-pass', sources, 'schedule[0].samples');
    if (labelPass !== undefined && labelPass !== 0) schedule.push({ phase: 'label', samples: labelPass });
    const at = schedule.length;
    const mode = opts['mode'] === undefined ? 'temporal' : String(opts['mode']);
    if (opts['mode'] !== undefined) sources.set(`schedule[${at}].mode`, '--mode', mode);
    const phase: Record<string, unknown> = { phase: 'evaluate', mode, samples: scheduleFlag(opts, '--samples', sources, `schedule[${at}].samples`) ?? 10_000 };
    if (independent) {
      phase['images'] = 'independent';
      sources.set(`schedule[${at}].images`, '--independent-images', '');
    }
    for (const f of CROSSBAR_FLAGS) {
      const raw = opts[keyOf(f.flag)];
      if (raw === undefined) continue;
      phase[f.field] = f.value(raw);
      sources.set(`schedule[${at}].${f.field}`, f.flag, String(raw));
    }
    // the switches: set only when given on the command line (their absence is the spec's default)
    for (const [key, field, flagOn, flagOff] of [
      ['compensate', 'compensate', '--compensate', '--no-compensate'],
      ['columnCorrection', 'columnCorrection', '--column-correction', '--no-column-correction'],
    ] as const) {
      if (cmd.getOptionValueSource(key) !== 'cli') continue;
      const on = opts[key] === true;
      phase[field] = on;
      sources.set(`schedule[${at}].${field}`, on ? flagOn : flagOff, '');
    }
    schedule.push(phase);
    const trainData = opts['trainIdx'] === undefined ? saved.spec.data.train : idxPair(String(opts['trainIdx']), '--train-idx');
    const testData = opts['testIdx'] === undefined ? 'mnist' : idxPair(String(opts['testIdx']), '--test-idx');
    if (opts['testIdx'] !== undefined) sources.set('data.test', '--test-idx', String(opts['testIdx']));
    const spec = resolveSpec({ ...saved.spec, data: { train: trainData, test: testData }, schedule }, { trained: true, stored: true });
    // the crossbar of a crossbar evaluation must fit too (the network itself was checked when the file was read)
    checkModelFits(spec, false);
    const data = loadData(spec);
    checkTrainingData(saved, file, data, spec.data.train);
    exp = new DiehlCookExperiment(spec, data, { trained: saved.trained });
  } catch (e) {
    throw sources.translate(e);
  }
  const how = independent ? ` (independent images${workers > 1 ? `, ${workers} worker threads` : ''})` : '';
  const o: DriveOptions = { command: 'eval', title: `memspike eval ${file}${how}`, json: opts['json'] === true, quiet: opts['quiet'] === true, checkpoint: false, extra: { file } };
  if (workers > 1) await driveOnWorkers(exp, file, stamp!, workers, o);
  else await drive(exp, o);
}

/**
 * `drive` with the temporal evaluation of independent images on worker threads: the phases
 * before it (a label pass) run here, the evaluation on the threads — their progress through the
 * same display —, and its merged answers finish the phase; then `drive` prints the result as for
 * one thread.
 */
async function driveOnWorkers(exp: DiehlCookExperiment, file: string, stamp: FileStamp, workers: number, o: DriveOptions): Promise<void> {
  const at = exp.spec.schedule.findIndex((p) => p.phase === 'evaluate' && p.mode === 'temporal' && p.images === 'independent');
  const p = exp.spec.schedule[at] as TemporalPhaseSpec;
  const threads = new Subject<ExperimentProgress>();
  const hide = showProgress(merge(exp.progress$, threads), o.quiet);
  try {
    await runExperiment(exp, { shouldStop: () => exp.phaseIndex >= at });
    const test = exp.data.test!;
    const t0 = performance.now();
    let lastShown = 0;
    const answers = await evaluateOnWorkers({
      file,
      fileStamp: stamp,
      test,
      labels: exp.trained.labels.slice(),
      samples: p.samples,
      workers,
      onProgress: (done, correct) => {
        const now = performance.now();
        if (done < p.samples && now - lastShown < 100) return;
        lastShown = now;
        const seconds = (now - t0) / 1000;
        const rate = done / Math.max(seconds, 1e-9);
        const left = (p.samples - done) / Math.max(rate, 1e-9);
        threads.next({ phase: 'evaluate', name: 'temporal', index: at, phases: exp.spec.schedule.length, done, total: p.samples, samplesPerSec: rate, accuracy: done > 0 ? correct / done : Number.NaN, etaSeconds: done > 0 ? left : Number.NaN });
      },
    });
    exp.completeFromAnswers(answers, (performance.now() - t0) / 1000);
  } finally {
    hide();
  }
  await drive(exp, o);
}

export function register(program: Command): void {
  program
    .command('eval')
    .description(summaryOf('eval'))
    .argument('<FILE>', 'model file written by memspike train --out')
    .option('--mode <mode>', 'temporal (the spiking simulation) or crossbar (rate-coded inference on a simulated array) (default temporal)')
    .option('--samples <N>', 'test images, the first N (default 10000)')
    .option('--independent-images', "temporal: evaluate each image from the trained state with its own input stream (seeded by the image's index), instead of one simulation through all images; a different protocol, needed by --workers")
    .option('--workers <N>', 'temporal, with --independent-images: split the test images across N worker threads (default 1); the result equals that of one thread, bit for bit')
    .option('--label-pass <N>', `relabel the neurons first by a frozen pass over the last N images of the model's training set (≤ ${LABEL_WINDOW}); the file is not changed`)
    .option('--test-idx <IMAGES,LABELS>', 'evaluate on this IDX image/label pair instead of the MNIST test set')
    .option('--train-idx <IMAGES,LABELS>', "the model's training images, if they are no longer where it was trained from (checked against the identity in the file)")
    .option('--program <mode>', 'crossbar: open-loop or write-verify programming (default write-verify)')
    .option('--age <T>', "crossbar: age of the array at read time, e.g. '1h', '1d', '1y' (drift) (default 0)")
    .option('--compensate', 'crossbar: global drift compensation (the default)')
    .option('--no-compensate', 'crossbar: no drift compensation')
    .option('--readout <kind>', "crossbar: 'winner' (label of the most driven neuron) or 'vote' (class-mean vote of all neurons) (default winner)")
    .option('--crossbar-device <preset>', "crossbar: device of the inference array (default: the model's own; ideal for float models)")
    .option('--no-column-correction', 'crossbar: skip the per-column affine correction of the ADC outputs')
    .option('--quiet', 'no progress display')
    .option('--json', 'print the result as one JSON object on stdout (progress to stderr)')
    .action(async (file: string, opts: Record<string, unknown>, cmd: Command) => evaluate(file, opts, cmd));
}
