/**
 * The driver behind train, experiment and eval: data loaded and checked, the runner looped to the
 * end with a progress display, and — for the commands that train — Ctrl-C (SIGINT) or SIGTERM
 * handled safely: the current sample is finished, a resumable checkpoint is written atomically,
 * the command that resumes it is printed, and the exit code is 130.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadDataSource } from '../networks/datasets/idx-node.js';
import { readModelFile, writeModelFile } from '../networks/persist/file-node.js';
import { dataIdentity, describeData, sameData, type DataIdentity, type DataSource } from '../networks/experiment/data.js';
import { runExperiment } from '../networks/experiment/runner.js';
import { DiehlCookExperiment, type ExperimentData } from '../networks/diehl-cook/experiment.js';
import { loadModel, saveModel, type SavedModel } from '../networks/diehl-cook/model-file.js';
import type { ExperimentSpec } from '../networks/diehl-cook/spec.js';
import type { Instrument } from '../networks/diehl-cook/network.js';
import type { ExperimentResult } from '../networks/diehl-cook/results.js';
import { showProgress } from './progress.js';
import { resultJson, resultTable } from './output.js';

/** Checks that `--out FILE` can be written, before any work. */
export function checkOutPath(out: string | undefined, flag = '--out'): void {
  if (out === undefined) return;
  if (out.trim() === '') throw new Error(`${flag} '${out}': an empty file name; give the file to write, e.g. ${flag} model.mspk.`);
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${flag} ${out}: the directory ${dir} does not exist; create it first.`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new Error(`${flag} ${out} is a directory; give a file path.`);
}

/** Reads a model file (or checkpoint), validated (`instrument`: observers such as a live tap, added before the network is built). */
export function readModel(file: string, flag: string, instrument?: Instrument): SavedModel {
  if (!existsSync(file)) throw new Error(`${flag === 'FILE' ? '' : `${flag} `}${file}: no such model file; write one with memspike train --out ${file}.`);
  return loadModel(readModelFile(file), file, instrument);
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
  const onSignal = (signal: NodeJS.Signals) => {
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
  const hide = showProgress(exp.progress$, o.quiet);
  let finished: boolean;
  try {
    finished = await runExperiment(exp, { shouldStop: () => stop, ...(o.onYield ? { onYield: o.onYield } : {}) });
  } finally {
    hide();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!finished) {
    const path = checkpointPath(o.out);
    const { runner, snapshot } = exp.state();
    writeModelFile(path, saveModel({ spec: exp.spec, trainData, trained: exp.trained, runner, snapshot }));
    const phase = exp.phase;
    process.stderr.write(
      `memspike: interrupted in phase ${exp.phaseIndex + 1} of ${exp.spec.schedule.length}${phase ? ` (${phase.name}, ${phase.done}/${phase.total})` : ''}; checkpoint written to ${path}\n` +
        `resume with: memspike ${o.command} --resume ${quote(path)}${o.resumeArgs ? ` ${o.resumeArgs}` : ''}${o.out ? ` --out ${quote(o.out)}` : ''}\n`,
    );
    process.exitCode = 130;
    return null;
  }
  const result = exp.result();
  if (o.out) writeModelFile(o.out, saveModel({ spec: exp.spec, trainData, trained: exp.trained }));
  if (o.json) process.stdout.write(`${resultJson(o.command, result, { ...o.extra, out: o.out ?? null })}\n`);
  else {
    process.stdout.write(resultTable(result, o.title));
    if (o.out) process.stdout.write(`model written to ${o.out}\n`);
  }
  return result;
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
