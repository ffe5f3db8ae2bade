/**
 * The driver behind train, experiment and eval: data loaded and checked, the runner looped to the
 * end with a progress display, and — for the commands that train — Ctrl-C (SIGINT) or SIGTERM
 * handled safely: the current sample is finished, a resumable checkpoint is written atomically,
 * the command that resumes it is printed, and the exit code is 130.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadDataSource } from '../networks/datasets/idx-node.js';
import { readModelFile } from '../networks/persist/file-node.js';
import { dataIdentity, describeData, sameData, type DataIdentity, type DataSource } from '../networks/experiment/data.js';
import { runExperiment } from '../networks/experiment/runner.js';
import { DiehlCookExperiment, type ExperimentData } from '../networks/diehl-cook/experiment.js';
import { loadModel, saveModel, storedSpec, type SavedModel } from '../networks/diehl-cook/model-file.js';
import { SpecError } from '../networks/experiment/spec-error.js';
import { encodeModel } from '../networks/persist/model-file.js';
import type { ExperimentSpec } from '../networks/diehl-cook/spec.js';
import type { Instrument } from '../networks/diehl-cook/network.js';
import type { ExperimentResult } from '../networks/diehl-cook/results.js';
import { showProgress } from './progress.js';
import { resultJson, resultTable } from './output.js';
import { checkOutputFile, writeOutputFile } from './output-path.js';
import { checkModelFits } from './resources.js';

/**
 * Checks that `--out FILE` can be written, before any work (cli/output-path.ts): the folder exists
 * and is writable, FILE is not a folder, and its name — and that of the checkpoint written next to
 * it on Ctrl-C — fits the file system with the temporary file's name.
 */
export function checkOutPath(out: string | undefined, flag = '--out'): void {
  if (out === undefined) return;
  checkOutputFile(flag, out, { example: 'model.mspk', siblings: out.trim() === '' ? [] : [{ path: checkpointPath(out), what: 'the checkpoint written next to it on Ctrl-C' }] });
}

/** Reads a model file (or checkpoint), validated (`instrument`: observers such as a live tap, added before the network is built; `saves`: the run may save it again). */
export function readModel(file: string, flag: string, instrument?: Instrument, saves = false): SavedModel {
  if (!existsSync(file)) throw new Error(`${flag === 'FILE' ? '' : `${flag} `}${file}: no such model file; write one with memspike train --out ${file}.`);
  const doc = readModelFile(file);
  // the size of the network the file describes, before it is built
  try {
    checkModelFits(storedSpec(doc, file), saves);
  } catch (e) {
    if (e instanceof SpecError) throw new Error(`${flag === 'FILE' ? '' : `${flag} `}${file}: ${e.problem}`);
    throw e;
  }
  return loadModel(doc, file, instrument);
}

/** Loads the images a spec names: the training set always, the test set when the schedule evaluates. */
export function loadData(spec: ExperimentSpec): ExperimentData {
  const train = loadDataSource(spec.data.train, 'train');
  const test = spec.schedule.some((p) => p.phase === 'evaluate') ? loadDataSource(spec.data.test, 'test') : null;
  return { train, test };
}

/** Refuses training data that is not what the model was trained on, showing both identities. */
export function checkTrainingData(saved: SavedModel, file: string, data: ExperimentData, source: DataSource): void {
  const given = dataIdentity(data.train);
  if (sameData(given, saved.trainData)) return;
  throw new Error(
    `${file} was trained on other images than ${source === 'mnist' ? 'the MNIST training set' : `${source.images},${source.labels}`}:\n` +
      `  trained on: ${describeData(saved.trainData)}\n  given:      ${describeData(given)}\n` +
      `give the training data of the model with --train-idx IMAGES,LABELS (its labelling pass and crossbar calibration use it).`,
  );
}

export interface DriveOptions {
  readonly command: 'train' | 'experiment' | 'eval';
  readonly title: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** save the model here at the end */
  readonly out?: string;
  /** handle SIGINT/SIGTERM with a checkpoint (commands that train) */
  readonly checkpoint: boolean;
  /** the arguments that resume a checkpoint, after `memspike <command> --resume <checkpoint>` */
  readonly resumeArgs?: string;
  /** extra fields of the JSON output */
  readonly extra?: Record<string, unknown>;
  /** called at every yield of the run, between slices (a live stream takes its frames here) */
  readonly onYield?: (busyMs: number) => void;
}

/** Runs the experiment to its end, saves and prints. Returns the result, or null if interrupted. */
export async function drive(exp: DiehlCookExperiment, o: DriveOptions): Promise<ExperimentResult | null> {
  const trainData: DataIdentity = dataIdentity(exp.data.train);
  let stop = false;
  // the run is over and its file is being written: a signal now must not cut the write short
  let saving = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (saving) {
      process.stderr.write(`\nmemspike: ${signal} — the model file is being written; it finishes in a moment.\n`);
      return;
    }
    if (stop) {
      process.stderr.write(`memspike: ${signal} again — stopping without a checkpoint.\n`);
      process.exit(130);
    }
    stop = true;
    process.stderr.write(`\nmemspike: ${signal} — finishing the current sample, then writing a checkpoint (${signal} again to stop at once)…\n`);
  };
  if (o.checkpoint) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    return await runAndSave(exp, o, trainData, () => stop, () => (saving = true));
  } finally {
    // kept until the files are written: without a listener a second Ctrl-C would kill the process
    // in the middle of writing the checkpoint (or the model) it is waiting for
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runAndSave(exp: DiehlCookExperiment, o: DriveOptions, trainData: DataIdentity, stop: () => boolean, startSaving: () => void): Promise<ExperimentResult | null> {
  const hide = showProgress(exp.progress$, o.quiet);
  let finished: boolean;
  try {
    finished = await runExperiment(exp, { shouldStop: stop, ...(o.onYield ? { onYield: o.onYield } : {}) });
  } finally {
    hide();
  }
  startSaving();
  if (!finished) {
    const wanted = checkpointPath(o.out);
    const { runner, snapshot } = exp.state();
    const bytes = modelBytes('checkpoint', wanted, () => saveModel({ spec: exp.spec, trainData, trained: exp.trained, runner, snapshot }));
    const { path, rescued } = saveOrRescue('checkpoint', wanted, bytes);
    if (rescued) process.stderr.write(`memspike: ${rescued.message}\n`);
    const phase = exp.phase;
    process.stderr.write(
      `memspike: interrupted in phase ${exp.phaseIndex + 1} of ${exp.spec.schedule.length}${phase ? ` (${phase.name}, ${phase.done}/${phase.total})` : ''}; checkpoint written to ${path}\n` +
        `resume with: memspike ${o.command} --resume ${quote(path)}${o.resumeArgs ? ` ${o.resumeArgs}` : ''}${o.out ? ` --out ${quote(o.out)}` : ''}\n`,
    );
    process.exitCode = 130;
    return null;
  }
  const result = exp.result();
  let saved: ReturnType<typeof saveOrRescue> | null = null;
  if (o.out) {
    const out = o.out;
    saved = saveOrRescue('--out', out, modelBytes('--out', out, () => saveModel({ spec: exp.spec, trainData, trained: exp.trained })));
  }
  if (o.json) process.stdout.write(`${resultJson(o.command, result, { ...o.extra, out: saved?.path ?? null })}\n`);
  else {
    process.stdout.write(resultTable(result, o.title));
    if (saved) process.stdout.write(`model written to ${saved.path}\n`);
  }
  // the result is printed and the model is on disk somewhere: now say what went wrong
  if (saved?.rescued) throw new Error(`${saved.rescued.message} The model was saved to ${saved.path} instead; move it where it belongs.`);
  return result;
}

/** The bytes of a model file; a state that cannot be saved (not finite) is an error naming `flag` and `path`, before anything is written. */
function modelBytes(flag: string, path: string, doc: () => Parameters<typeof encodeModel>[0]): Uint8Array {
  try {
    return encodeModel(doc());
  } catch (e) {
    throw new Error(`${flag} ${path}: not written — ${(e as Error).message} Any file already there is left as it was.`);
  }
}

/**
 * Writes a model file, returning where it went: if writing `path` fails after the work (its folder
 * was removed, the disk filled up), the bytes go to a rescue file in the system's temporary folder
 * rather than being lost, and `rescued` holds the error. Throws only if both writes fail.
 */
function saveOrRescue(flag: string, path: string, bytes: Uint8Array): { path: string; rescued: Error | null } {
  try {
    writeOutputFile(flag, path, bytes);
    return { path, rescued: null };
  } catch (e) {
    const rescue = join(tmpdir(), `memspike-rescued-${process.pid}-${basename(path).slice(0, 100)}`);
    try {
      writeOutputFile(flag, rescue, bytes);
    } catch {
      throw e;
    }
    return { path: rescue, rescued: e as Error };
  }
}

/** Next to --out (<name>.checkpoint.mspk), or memspike-checkpoint[-k].mspk in the working directory (never over another file). */
function checkpointPath(out: string | undefined): string {
  if (out) return `${out.replace(/\.mspk$/, '')}.checkpoint.mspk`;
  for (let k = 1; ; k++) {
    const p = k === 1 ? 'memspike-checkpoint.mspk' : `memspike-checkpoint-${k}.mspk`;
    if (!existsSync(p)) return p;
  }
}

function quote(s: string): string {
  return /^[\w./,@:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
