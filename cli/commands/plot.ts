/**
 * `memspike plot MODEL --out DIR`: the figures of a saved model, for people who would rather look
 * than read (cli/figures/model-figures.ts draws them):
 *
 *   receptive-fields.png   every excitatory neuron's input weights as a 28 × 28 tile (PNG)
 *   thresholds.svg         effective thresholds vThresh + θ [mV]
 *   conductances.svg       G⁺ and G⁻ [µS] of the devices (device models)
 *   pulses.svg             pulses received per device (device models)
 *   confusion.svg          the temporal evaluation on the first --samples test images
 *   drift.svg              with --crossbar: crossbar accuracy against array age, with and without
 *                          global drift compensation, on the same images
 *
 * The evaluations are the phases `memspike eval` runs (same spec, same seed: the same numbers as
 * `eval --samples N` and `eval --mode crossbar --age A [--no-compensate] --samples N`). Everything
 * is validated before any work (flags, DIR not a file, the model file, the spec, the data); then DIR
 * is created if missing and proved writable by a probe file (a DIR created for a run that then
 * fails is removed again), the figures are rendered and each file written atomically. The model
 * file is not changed.
 */
import { accessSync, constants, existsSync, mkdirSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { SavedModel } from '../../networks/diehl-cook/model-file.js';
import type { DiehlCookExperiment } from '../../networks/diehl-cook/experiment.js';
import type { CrossbarResult, TemporalResult } from '../../networks/diehl-cook/results.js';
import type * as Figures from '../figures/model-figures.js';
import { summaryOf } from './summaries.js';

/** Test images of the evaluations by default: 400 neurons take about 10 s for them on one core. */
export const PLOT_DEFAULT_SAMPLES = 1000;
/** Ages of the drift figure by default. */
export const PLOT_DEFAULT_AGES = '1s,1h,1d,1month,1y,10y';
const MAX_AGES = 12;
/** Flags of the crossbar evaluations: commander's key, the phase field it sets. */
const CROSSBAR_FLAGS = [
  { key: 'program', field: 'program', flag: '--program' },
  { key: 'readout', field: 'readout', flag: '--readout' },
  { key: 'crossbarDevice', field: 'device', flag: '--crossbar-device' },
] as const;

interface PlotFlags {
  readonly out: string;
  readonly samples: number;
  readonly crossbar: boolean;
  readonly ages: readonly number[];
  readonly prefix: string;
}

/** A whole number ≥ 0, or the flag's one-line error. */
function wholeFlag(flag: string, raw: unknown, fix: string): number {
  const s = String(raw).trim();
  const n = Number(s);
  if (!/^\+?\d+$/.test(s) || !Number.isSafeInteger(n)) throw new Error(`${flag} ${String(raw)}: expected a whole number ≥ 0; ${fix}.`);
  return n;
}

/** The flags of the command, checked (the spec checks the rest: sample counts against the data, crossbar fields). */
async function plotFlags(opts: Record<string, unknown>): Promise<PlotFlags> {
  const out = opts['out'];
  if (out === undefined || out === true) throw new Error('--out: give the directory to write the figures to (created if missing), e.g. --out figures.');
  if (String(out).trim() === '') throw new Error(`--out '${String(out)}': an empty directory name; give the directory to write the figures to, e.g. --out figures.`);
  const samples = opts['samples'] === undefined ? PLOT_DEFAULT_SAMPLES : wholeFlag('--samples', opts['samples'], `give the number of test images to evaluate, e.g. --samples ${PLOT_DEFAULT_SAMPLES} (0: no evaluation, no confusion matrix)`);
  const crossbar = opts['crossbar'] === true;
  const given = (k: string) => opts[k] !== undefined;
  if (!crossbar) {
    const flag = [{ key: 'ages', flag: '--ages' }, ...CROSSBAR_FLAGS].find((f) => given(f.key));
    if (flag) throw new Error(`${flag.flag} ${String(opts[flag.key])}: applies to the drift figure only; add --crossbar.`);
  }
  if (crossbar && samples === 0) throw new Error('--samples 0: the drift figure (--crossbar) needs test images; give --samples N ≥ 1, or drop --crossbar.');
  let ages: number[] = [];
  if (crossbar) {
    const raw = String(opts['ages'] ?? PLOT_DEFAULT_AGES);
    const { parseQuantity } = await import('../../core/units.js');
    const parts = raw.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '')) throw new Error(`--ages ${raw}: an empty age in the list; give ages separated by commas, e.g. --ages ${PLOT_DEFAULT_AGES}.`);
    for (const p of parts) {
      let ms: number;
      try {
        ms = parseQuantity(p, 'time', '--ages');
      } catch {
        throw new Error(`--ages ${raw}: '${p}' is not an age; give times with a unit separated by commas, e.g. --ages ${PLOT_DEFAULT_AGES} (a bare number is ms).`);
      }
      if (!(ms > 0) || !Number.isFinite(ms)) throw new Error(`--ages ${raw}: '${p}' cannot be shown on the log age axis; give ages > 0, e.g. --ages ${PLOT_DEFAULT_AGES}.`);
      ages.push(ms);
    }
    ages = [...new Set(ages)].sort((a, b) => a - b);
    if (ages.length > MAX_AGES) throw new Error(`--ages ${raw}: ${ages.length} ages; give at most ${MAX_AGES} (each is two crossbar evaluations).`);
  }
  const prefix = opts['prefix'] === undefined ? '' : String(opts['prefix']);
  if (/[/\\]/.test(prefix) || prefix === '.' || prefix === '..') throw new Error(`--prefix ${prefix}: a prefix of file names cannot hold a path; give the directory with --out and a plain prefix, e.g. --prefix model1-.`);
  return { out: String(out), samples, crossbar, ages, prefix };
}

/** Checks that DIR is a writable directory, or can be created; refuses a file. Creates nothing. */
export function checkOutDir(dir: string): void {
  const abs = resolve(dir);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new Error(`--out ${dir}: is a file, not a directory; give a directory for the figures (created if missing), e.g. --out ${dir}-figures.`);
    try {
      accessSync(abs, constants.W_OK | constants.X_OK);
    } catch {
      throw new Error(`--out ${dir}: the directory is not writable; give a directory you can write to.`);
    }
    return;
  }
  let parent = dirname(abs);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) throw new Error(`--out ${dir}: cannot create it: ${parent} is a file, not a directory; give another path.`);
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch {
    throw new Error(`--out ${dir}: cannot create it: ${parent} is not writable; give a directory you can write to.`);
  }
}

/**
 * Creates DIR and its missing parents, one level at a time (Node's recursive mkdir never returns
 * where a parent refuses new entries, e.g. under /proc), and proves it writable with a probe file.
 * Returns the directories it created (outermost first), for `removeDirs` if the run fails.
 */
export function makeOutDir(dir: string): string[] {
  const abs = resolve(dir);
  const missing: string[] = [];
  for (let p = abs; !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  const created: string[] = [];
  const fail = (what: string, e: unknown): never => {
    removeDirs(created);
    throw new Error(`--out ${dir}: ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a directory you can write to.`);
  };
  for (const d of missing) {
    try {
      mkdirSync(d);
      created.push(d);
    } catch (e) {
      fail(`cannot create ${d}`, e);
    }
  }
  const probe = join(abs, `.memspike-plot-${process.pid}.probe`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
  } catch (e) {
    fail('cannot write files in it', e);
  }
  return created;
}

/** Removes directories `makeOutDir` created, innermost first, where they are still empty. */
export function removeDirs(created: readonly string[]): void {
  for (const d of [...created].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      // not empty, or gone: leave it
    }
  }
}

interface Written {
  readonly figure: string;
  readonly path: string;
  readonly format: 'png' | 'svg';
  readonly width?: number;
  readonly height?: number;
}

async function plot(file: string, opts: Record<string, unknown>): Promise<void> {
  const started = performance.now();
  // 1. flags, DIR (a file is refused), the model, the spec and the data: all checked before any work
  const flags = await plotFlags(opts);
  checkOutDir(flags.out);
  const [{ readModel, loadData, checkTrainingData }, { resolveSpec }, { DiehlCookExperiment: Experiment }, { FieldSources, idxPair }, figures] = await Promise.all([
    import('../run-experiment.js'),
    import('../../networks/diehl-cook/spec.js'),
    import('../../networks/diehl-cook/experiment.js'),
    import('../experiment-options.js'),
    import('../figures/model-figures.js'),
  ]);
  const saved = readModel(file, 'FILE');
  if (saved.runner) throw new Error(`${file} is a checkpoint of an interrupted run, not a finished model; finish it with \`memspike train --resume ${file}\`.`);
  const note = (line: string) => process.stderr.write(`memspike plot: ${line}\n`);
  const sources = new FieldSources();
  let exp: DiehlCookExperiment | null = null;
  let testSource = 'the MNIST test set';
  if (flags.samples > 0) {
    try {
      const schedule: Record<string, unknown>[] = [{ phase: 'evaluate', mode: 'temporal', samples: flags.samples }];
      const crossbar: Record<string, unknown> = {};
      for (const f of CROSSBAR_FLAGS) if (opts[f.key] !== undefined) crossbar[f.field] = String(opts[f.key]);
      for (const age of flags.ages) for (const compensate of [true, false]) schedule.push({ phase: 'evaluate', mode: 'crossbar', samples: flags.samples, age, compensate, ...crossbar });
      // the spec's errors name a field; say them with the flag that set it
      schedule.forEach((p, i) => {
        sources.set(`schedule[${i}].samples`, '--samples', String(opts['samples'] ?? flags.samples));
        if (p['mode'] === 'crossbar') for (const f of CROSSBAR_FLAGS) if (opts[f.key] !== undefined) sources.set(`schedule[${i}].${f.field}`, f.flag, String(opts[f.key]));
      });
      const trainData = opts['trainIdx'] === undefined ? saved.spec.data.train : idxPair(String(opts['trainIdx']), '--train-idx');
      const testData = opts['testIdx'] === undefined ? 'mnist' : idxPair(String(opts['testIdx']), '--test-idx');
      if (opts['testIdx'] !== undefined) sources.set('data.test', '--test-idx', String(opts['testIdx']));
      if (opts['trainIdx'] !== undefined) sources.set('data.train', '--train-idx', String(opts['trainIdx']));
      const spec = resolveSpec({ ...saved.spec, data: { train: trainData, test: testData }, schedule }, { trained: true });
      const data = loadData(spec);
      checkTrainingData(saved, file, data, spec.data.train);
      exp = new Experiment(spec, data, { trained: saved.trained });
      if (testData !== 'mnist') testSource = testData.images;
    } catch (e) {
      throw sources.translate(e);
    }
  } else if (opts['testIdx'] !== undefined || opts['trainIdx'] !== undefined) {
    throw new Error(`${opts['testIdx'] !== undefined ? '--test-idx' : '--train-idx'}: applies to the evaluations; --samples 0 runs none — drop it, or give --samples N.`);
  }

  // 2. DIR: created now (and proved writable), removed again if anything below fails
  const created = makeOutDir(flags.out);
  try {
    await render(file, opts, flags, saved, exp, testSource, figures, note, started);
  } catch (e) {
    removeDirs(created);
    throw e;
  }
}

/** Renders the figures, runs the evaluations, writes the files and prints (DIR exists and is writable). */
async function render(
  file: string,
  opts: Record<string, unknown>,
  flags: PlotFlags,
  saved: SavedModel,
  exp: DiehlCookExperiment | null,
  testSource: string,
  figures: typeof Figures,
  note: (line: string) => void,
  started: number,
): Promise<void> {
  const json = opts['json'] === true;
  // 3. the figures of the weights and the neurons (the network as saved, before any evaluation)
  const files: { figure: string; name: string; bytes: Uint8Array; format: 'png' | 'svg'; width?: number; height?: number }[] = [];
  const svg = (figure: string, text: string) => files.push({ figure, name: `${flags.prefix}${figure}.svg`, bytes: Buffer.from(text, 'utf8'), format: 'svg' });
  const fields = figures.receptiveFieldsFigure(saved);
  files.push({ figure: 'receptive-fields', name: `${flags.prefix}receptive-fields.png`, bytes: fields.png, format: 'png', width: fields.width, height: fields.height });
  const thresholds = figures.thresholdsFigure(saved);
  svg('thresholds', thresholds.svg);
  const devices = figures.deviceFigures(saved);
  const skipped: { figure: string; reason: string }[] = [];
  if (devices) {
    svg('conductances', devices.conductances);
    svg('pulses', devices.pulses);
  } else {
    const reason = `${file} has float weights: there are no devices, so no conductance or pulse-count figures`;
    skipped.push({ figure: 'conductances', reason }, { figure: 'pulses', reason });
    note(`${reason} (train with --device <preset> for them).`);
  }
  if (flags.samples === 0) skipped.push({ figure: 'confusion', reason: '--samples 0: no evaluation' });
  if (!flags.crossbar) skipped.push({ figure: 'drift', reason: 'not asked for (--crossbar)' });

  // 4. the evaluations (the spec's frozen phases: each starts from the saved state)
  let temporal: TemporalResult | null = null;
  let drift: ReturnType<typeof figures.driftFigure> | null = null;
  if (exp) {
    const [{ showProgress }, { runExperiment }] = await Promise.all([import('../progress.js'), import('../../networks/experiment/runner.js')]);
    const hide = showProgress(exp.progress$, opts['quiet'] === true);
    try {
      await runExperiment(exp);
    } finally {
      hide();
    }
    const phases = exp.result().phases;
    const t = phases[0];
    if (t.phase !== 'evaluate' || t.mode !== 'temporal') throw new Error('plot: the first phase is not the temporal evaluation (internal error).');
    temporal = t;
    svg('confusion', figures.confusionFigure(saved, t, testSource));
    if (flags.crossbar) {
      const xbar = phases.slice(1).filter((p) => p.phase === 'evaluate' && p.mode === 'crossbar') as CrossbarResult[];
      drift = figures.driftFigure(saved, xbar, t, testSource);
      svg('drift', drift.svg);
      if (xbar[0].device === 'ideal') note(`the crossbar is of the 'ideal' preset, which does not drift (the model has float weights); give --crossbar-device <preset> to see drift.`);
    }
  }

  // 5. the files, each written atomically
  const { writeFileAtomic } = await import('../../networks/persist/file-node.js');
  const written: Written[] = [];
  for (const f of files) {
    const path = join(flags.out, f.name);
    writeFileAtomic(path, f.bytes);
    written.push({ figure: f.figure, path, format: f.format, ...(f.width !== undefined ? { width: f.width, height: f.height } : {}) });
  }
  const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
  const s = saved.spec;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        command: 'plot',
        file,
        out: flags.out,
        model: { neurons: s.neurons, device: s.device, cell: s.cell, wMax: s.wMax, seed: s.seed, trainedSamples: saved.trained.trainedSamples },
        files: written,
        skipped,
        receptiveFields: { unit: fields.unit, colourRange: [fields.lo, fields.hi], min: fields.min, max: fields.max },
        thresholds_mV: thresholds.stats,
        devices: devices ? devices.stats : null,
        temporal: temporal ? { samples: temporal.samples, correct: temporal.correct, accuracy: temporal.accuracy, confusion: temporal.confusion } : null,
        drift: drift ? drift.points : null,
        seconds,
      })}\n`,
    );
    return;
  }
  const lines = [`memspike plot ${file}: ${figures.describeModel(saved)}`];
  for (const w of written) lines.push(`  ${w.path}${w.width ? `  (${w.width} × ${w.height} px)` : ''}`);
  if (temporal) lines.push(`temporal simulation, first ${temporal.samples} test images: ${(100 * temporal.accuracy).toFixed(2)} %`);
  if (drift) {
    lines.push('crossbar accuracy against age        compensated   uncompensated');
    for (const age of [...new Set(drift.points.map((p) => p.ageMs))]) {
      const at = (c: boolean) => drift!.points.find((p) => p.ageMs === age && p.compensate === c)!;
      lines.push(`  ${figures.ageLabel(age).padEnd(34)}${`${(100 * at(true).accuracy).toFixed(2)} %`.padStart(11)}${`${(100 * at(false).accuracy).toFixed(2)} %`.padStart(16)}`);
    }
  }
  lines.push(`${written.length} figures written in ${seconds} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function register(program: Command): void {
  program
    .command('plot')
    .description(summaryOf('plot'))
    .argument('<MODEL>', 'model file written by memspike train --out (not changed)')
    .option('--out <DIR>', 'directory for the figures (created if missing; figures already there are replaced)')
    .option('--samples <N>', `test images (the first N) for the confusion matrix and the drift figure (default ${PLOT_DEFAULT_SAMPLES}: about 10 s with 400 neurons, plus about 2 s per crossbar evaluation; 0: no evaluation)`)
    .option('--crossbar', 'also the drift figure: crossbar accuracy against array age, with and without global drift compensation (two crossbar evaluations per age)')
    .option('--ages <list>', `with --crossbar: array ages, comma-separated (default ${PLOT_DEFAULT_AGES})`)
    .option('--program <mode>', 'with --crossbar: open-loop or write-verify programming (default write-verify)')
    .option('--readout <kind>', "with --crossbar: 'winner' or 'vote' (default winner)")
    .option('--crossbar-device <preset>', "with --crossbar: device of the inference array (default: the model's own; ideal for float models)")
    .option('--prefix <P>', 'start every file name with P (e.g. --prefix plot- writes plot-receptive-fields.png, …)')
    .option('--test-idx <IMAGES,LABELS>', 'evaluate on this IDX image/label pair instead of the MNIST test set')
    .option('--train-idx <IMAGES,LABELS>', "the model's training images, if they are no longer where it was trained from (crossbar calibration; checked against the identity in the file)")
    .option('--quiet', 'no progress display')
    .option('--json', 'print one JSON object on stdout: the files written, the accuracies and the numbers the figures show (notes and progress on stderr)')
    .addHelpText(
      'after',
      `
Figures (SVG, except the receptive fields: PNG):
  receptive-fields.png  every excitatory neuron's input weights as a 28×28 tile, its label under it; colour:
                        weight (float models) or G⁺ − G⁻ / G − Gmin in µS (device models), one scale for all
  thresholds.svg        effective thresholds vThresh + θ of the excitatory neurons (mV)
  conductances.svg      programmed conductances G⁺ and G⁻ of every device (µS)           (device models)
  pulses.svg            pulses received per device, in power-of-two bins                  (device models)
  confusion.svg         the temporal simulation on the first --samples test images, with its accuracy
  drift.svg             --crossbar: accuracy against array age, with and without compensation
The evaluations are those of memspike eval (the same numbers as eval --samples N, and
eval --mode crossbar --age A [--no-compensate] --samples N).`,
    )
    .action(async (file: string, opts: Record<string, unknown>) => plot(file, opts));
}
