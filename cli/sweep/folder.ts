/**
 * The folder of a sweep (`--out DIR`): what it holds and how one is claimed.
 *
 *   DIR/sweep.json        the sweep (base spec resolved, axes, repeats): the folder's identity
 *   DIR/trials/<id>.json  one result per trial (cli/sweep/trial.ts), written atomically
 *   DIR/models/<id>.mspk  the trained models (--save-models)
 *   DIR/results.jsonl, DIR/table.csv, DIR/table.md, DIR/plots/*.svg   built by collect
 *
 * claimSweepFolder refuses, before any work and without writing anything, a DIR that holds another
 * sweep or files that are not a sweep's; the same sweep is welcome (a restart, or another shard of
 * an array job sharing DIR).
 */
import { existsSync, linkSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRegularFile } from '../../networks/persist/file-node.js';
import { SpecError, showValue } from '../../networks/experiment/spec-error.js';
import { canonicalSweep, resolveSweepSpec, sweepId, type SweepSpec } from '../../networks/sweep/spec.js';
import { checkOutputFolder, writeOutputFile } from '../output-path.js';

/** The file that names a folder's sweep. */
export const SWEEP_FILE = 'sweep.json';

/** What a sweep folder may hold besides sweep.json (collect's outputs, results, models, temporary files of atomic writes). */
const SWEEP_ENTRIES = /^(trials|models|plots|results\.jsonl|table\.csv|table\.md|\..*\.tmp)$/;

/** Reads a sweep file (JSON), validated; `what` names it in errors (a flag and path). */
export function readSweepFile(path: string, what: string): SweepSpec {
  let text: string;
  try {
    text = new TextDecoder().decode(readRegularFile(path, what));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what}: no such file; write a sweep spec (docs/sweeps.md, examples/sweeps/).`);
    throw new Error(`${what}: cannot read it (${(e as Error).message}).`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: not valid JSON (${(e as Error).message}).`);
  }
  try {
    return resolveSweepSpec(v);
  } catch (e) {
    if (e instanceof SpecError) throw new Error(`${what}: ${e.message}`);
    throw e;
  }
}

/** The sweep stored in DIR (its sweep.json), validated; an error naming DIR if there is none. */
export function readSweepFolder(dir: string, flag = 'DIR'): SweepSpec {
  const file = join(dir, SWEEP_FILE);
  if (!existsSync(file)) throw new Error(`${flag} ${dir}: holds no ${SWEEP_FILE}, so it is not a sweep folder; give the --out DIR of a \`memspike sweep\`.`);
  return readSweepFile(file, `${flag} ${dir}: ${SWEEP_FILE}`);
}

/**
 * Makes DIR the folder of `sweep` (see the module doc): creates it and writes sweep.json if it is
 * new or empty; accepts it if it holds the same sweep; throws, naming what is there and the fix,
 * if it holds another sweep or other files. Nothing is overwritten.
 */
export function claimSweepFolder(dir: string, sweep: SweepSpec, flag = '--out'): void {
  checkOutputFolder(flag, dir, { createFolders: true });
  const full = resolve(dir);
  if (existsSync(full) && !statSync(full).isDirectory()) throw new Error(`${flag} ${dir}: is a file; give a folder for the sweep's results.`);
  const file = join(full, SWEEP_FILE);
  if (existsSync(file)) {
    let there: SweepSpec;
    try {
      there = readSweepFile(file, `${flag} ${dir}: ${SWEEP_FILE}`);
    } catch (e) {
      throw new Error(`${(e as Error).message} — the folder holds a sweep this one cannot be checked against; give another ${flag} folder.`);
    }
    if (sweepId(there) === sweepId(sweep)) return;
    const axes = Object.entries(there.axes)
      .map(([k, v]) => `${k} ${showValue(v)}`)
      .join(', ');
    throw new Error(
      `${flag} ${dir}: holds the results of another sweep (id ${sweepId(there)}, ${axes || 'no axes'}, ${there.repeats} repeat${there.repeats === 1 ? '' : 's'}${sameAxes(there, sweep) ? ', a different base spec' : ''}); ` +
        `nothing was changed — give another ${flag} folder, or remove ${dir} to start this sweep there.`,
    );
  }
  const other = existsSync(full) ? readdirSync(full).filter((n) => !SWEEP_ENTRIES.test(n) && n !== SWEEP_FILE) : [];
  const leftovers = existsSync(full) ? readdirSync(full).filter((n) => SWEEP_ENTRIES.test(n) && !n.endsWith('.tmp')) : [];
  if (other.length > 0 || leftovers.length > 0) {
    // another shard claimed the folder meanwhile: compare with its sweep
    if (existsSync(file)) return claimSweepFolder(dir, sweep, flag);
    const shown = [...other, ...leftovers].slice(0, 5).join(', ');
    throw new Error(`${flag} ${dir}: is not empty (${shown}${other.length + leftovers.length > 5 ? ', …' : ''}) and holds no ${SWEEP_FILE}; a sweep writes its results into a folder of its own — give a new or empty folder.`);
  }
  // claimed by an exclusive link, so that two shards starting together on a new folder cannot
  // overwrite each other's sweep.json: the second finds the first's and compares
  const claim = join(full, `.${SWEEP_FILE}.${process.pid}.claim.tmp`);
  writeOutputFile(flag, claim, `${JSON.stringify(JSON.parse(canonicalSweep(sweep)), null, 2)}\n`, { createFolders: true });
  try {
    linkSync(claim, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${flag} ${dir}: cannot write ${SWEEP_FILE} (${(e as Error).message}); choose another folder.`);
    claimSweepFolder(dir, sweep, flag);
  } finally {
    rmSync(claim, { force: true });
  }
}

function sameAxes(a: SweepSpec, b: SweepSpec): boolean {
  return JSON.stringify(a.axes) === JSON.stringify(b.axes) && a.repeats === b.repeats;
}
