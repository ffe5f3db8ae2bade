/**
 * `memspike eval FILE`: evaluates a saved model — by the temporal simulation or by crossbar
 * inference — optionally after relabelling its neurons by a frozen pass over the training images
 * it was trained on (the file is not changed). The model's spec and the identity of its training
 * data come from the file; training images that are not the model's are refused.
 */
import type { Command } from 'commander';
import { summaryOf } from './summaries.js';
import { resolveSpec } from '../../networks/diehl-cook/spec.js';
import { DiehlCookExperiment } from '../../networks/diehl-cook/experiment.js';
import { LABEL_WINDOW } from '../../networks/diehl-cook/readout.js';
import { FieldSources, idxPair, keyOf, scheduleFlag } from '../experiment-options.js';
import { checkTrainingData, drive, loadData, readModel } from '../run-experiment.js';
import { checkModelFits } from '../resources.js';

/** Crossbar-only flags: each sets the field of the evaluation phase it is named after. */
const CROSSBAR_FLAGS: readonly { flag: string; field: string; value: (raw: unknown) => unknown }[] = [
  { flag: '--program', field: 'program', value: String },
  { flag: '--age', field: 'age', value: (raw) => (/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(String(raw)) ? Number(raw) : String(raw)) },
  { flag: '--readout', field: 'readout', value: String },
  { flag: '--crossbar-device', field: 'device', value: String },
];

async function evaluate(file: string, opts: Record<string, unknown>, cmd: Command): Promise<void> {
  const sources = new FieldSources();
  const saved = readModel(file, 'FILE');
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
  await drive(exp, { command: 'eval', title: `memspike eval ${file}`, json: opts['json'] === true, quiet: opts['quiet'] === true, checkpoint: false, extra: { file } });
}

export function register(program: Command): void {
  program
    .command('eval')
    .description(summaryOf('eval'))
    .argument('<FILE>', 'model file written by memspike train --out')
    .option('--mode <mode>', 'temporal (the spiking simulation) or crossbar (rate-coded inference on a simulated array) (default temporal)')
    .option('--samples <N>', 'test images, the first N (default 10000)')
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
