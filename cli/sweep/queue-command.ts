/**
 * The CLI side of queue mode (cli/sweep/queue.ts does the work):
 *
 *   memspike sweep SPEC --queue redis://HOST:PORT --out DIR [--attempts N] [--backoff TIME] [--wait]
 *       enqueues the sweep's trials (idempotent: a second time adds nothing) and returns, or with
 *       --wait follows the sweep until its table is built and writes every result and the table
 *       into DIR from the queue (so DIR need not be shared with the workers);
 *   memspike sweep status --queue redis://HOST:PORT [--out DIR | --sweep ID] [--json]
 *       trials done, running (with progress and worker), waiting, failed (with the error), and the
 *       state of the table.
 *
 * Flags are checked first, then the sweep file and DIR, then Redis (a few seconds at most when it
 * is unreachable), and only then is anything enqueued.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { expandTrials, sweepId, type SweepSpec } from '../../networks/sweep/spec.js';
import { intOption, quantityOption } from '../options.js';
import { collectSweep } from './collect.js';
import { claimSweepFolder, readSweepFile } from './folder.js';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  enqueueSweep,
  findSweep,
  formatStatus,
  parseQueueUrl,
  resultStatus,
  showUrl,
  sweepResultsFromQueue,
  sweepStatus,
  type QueueTarget,
  type SweepStatus,
} from './queue.js';
import { failedTrialResult, writeTrialResult } from './trial.js';

/** The most attempts of a trial. */
const MAX_ATTEMPTS = 100;
/** How often --wait asks the queue [ms]. */
const WAIT_POLL_MS = 1000;

/** Flags of `memspike sweep SPEC --queue URL` (commander's keys). */
export interface QueueSweepFlags {
  readonly queue: string;
  readonly out?: string;
  readonly attempts?: number | string;
  readonly backoff?: number | string;
  readonly saveModels?: boolean;
  readonly wait?: boolean;
  readonly json?: boolean;
  /** flags of the local pool that make no sense with a queue (named in the error) */
  readonly workers?: unknown;
  readonly shard?: unknown;
}

/** Adds the queue's own flags to `memspike sweep` (the command routes to runQueuedSweep when --queue is given). */
export function addQueueOptions(cmd: Command): Command {
  return cmd
    .option('--queue <URL>', 'enqueue the trials on this Redis server (redis://HOST:PORT) for `memspike worker`s on any machine, instead of running them here')
    .option('--attempts <N>', `with --queue: attempts of each trial before it fails (default ${DEFAULT_ATTEMPTS})`, intOption('--attempts', 1))
    .option('--backoff <time>', `with --queue: wait before a failed trial's next attempt, doubled each time (default '${DEFAULT_BACKOFF_MS / 1000} s')`, quantityOption('--backoff', 'time'))
    .option('--wait', 'with --queue: follow the sweep until its table is built, then write every result and the table into DIR from the queue');
}

/** Refuses the queue's own flags on a local sweep (they would be ignored silently). */
export function refuseQueueFlags(opts: Record<string, unknown>): void {
  for (const [key, flag] of [['attempts', '--attempts'], ['backoff', '--backoff'], ['wait', '--wait']] as const) {
    if (opts[key] !== undefined) throw new Error(`${flag}: only with --queue (a local sweep retries a trial once); drop ${flag}, or add --queue redis://HOST:PORT.`);
  }
}

/** `memspike sweep SPEC --queue URL --out DIR …`. */
export async function runQueuedSweep(specPath: string, f: QueueSweepFlags): Promise<void> {
  const target = parseQueueUrl(f.queue, '--queue');
  if (f.workers !== undefined) throw new Error('--workers: with --queue the trials run on `memspike worker`s (--concurrency there), not here; drop --workers.');
  if (f.shard !== undefined) throw new Error('--shard: with --queue every trial is enqueued and the workers share them; drop --shard.');
  if (f.out === undefined || (f.out as unknown) === true) throw new Error(`--out: give the sweep's folder (DIR/trials/<id>.json, table.csv …), e.g. --out sweeps/d2d; with --queue it should be a folder the workers share, or use --wait.`);
  const attempts = f.attempts === undefined ? DEFAULT_ATTEMPTS : Number(f.attempts);
  if (attempts > MAX_ATTEMPTS) throw new Error(`--attempts ${attempts}: at most ${MAX_ATTEMPTS}.`);
  const backoffMs = f.backoff === undefined ? DEFAULT_BACKOFF_MS : Number(f.backoff);
  if (!(backoffMs >= 0)) throw new Error(`--backoff ${String(f.backoff)}: expected a time ≥ 0, e.g. --backoff '5 s'.`);
  const sweep: SweepSpec = readSweepFile(specPath, `SPEC ${specPath}`);
  const trials = expandTrials(sweep);
  const id = sweepId(sweep);
  const r = await enqueueSweep({ target, sweep, sweepId: id, trials, outDir: f.out, attempts, backoffMs, saveModel: f.saveModels ?? false });
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  if (r.existing !== null) say(`sweep ${id} is on the queue ${showUrl(target)} already (table: ${r.existing}; its results go to ${r.outDir}); nothing was added.`);
  else say(`sweep ${id}: ${r.added} trial(s) enqueued on ${showUrl(target)}${r.reused ? `, ${r.reused} reused from an earlier sweep` : ''} (${attempts} attempt(s) each); results → ${r.outDir}`);
  if (!f.wait) {
    if (r.existing === null) say(`start workers on any machine: memspike worker --queue ${showUrl(target)}; follow it: memspike sweep status --queue ${showUrl(target)} --out ${f.out}`);
    if (f.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const status = await waitForSweep(target, id, say);
  // every result into DIR from the queue (a DIR the workers do not share gets them all), then the table
  const outDir = resolve(f.out);
  claimSweepFolder(outDir, sweep, '--out');
  const { results, failed } = await sweepResultsFromQueue(target, id);
  for (const res of results) if (resultStatus(outDir, res.id) !== 'done') writeTrialResult(outDir, res);
  for (const x of failed) if (resultStatus(outDir, x.ref.id) === null) writeTrialResult(outDir, failedTrialResult(x.ref, x.error, x.attempts, new Date(), 0));
  const c = collectSweep(outDir, say);
  say(`sweep ${id}: ${c.done} done, ${c.failed} failed of ${c.trials.length}; table: ${resolve(outDir, 'table.csv')}`);
  if (f.json) process.stdout.write(`${JSON.stringify({ ...r, done: c.done, failed: c.failed, table: status.table, files: c.files })}\n`);
}

/** Polls the sweep until its table is built (or failed), one line each time the counts change. */
async function waitForSweep(t: QueueTarget, id: string, say: (line: string) => void): Promise<SweepStatus> {
  const record = await findSweep(t, { sweepId: id });
  let last = '';
  for (;;) {
    const s = await sweepStatus(t, record);
    const line = `sweep ${id}: ${s.done} done, ${s.running} running, ${s.waiting} waiting, ${s.failed} failed of ${s.trials}; table: ${s.table}`;
    if (line !== last) say(line);
    last = line;
    if (s.table === 'built' || s.table === 'failed' || s.table === 'missing') {
      if (s.table !== 'built') throw new Error(`sweep ${id}: the table job ${s.table === 'failed' ? `failed (${s.tableError ?? '?'})` : 'is gone from the queue'}; \`memspike sweep collect ${record.outDir}\` builds it from the results there.`);
      return s;
    }
    await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
  }
}

interface StatusFlags {
  readonly queue?: string;
  readonly out?: string;
  readonly sweep?: string;
  readonly json?: boolean;
}

/** Registers `memspike sweep status` on the sweep command. */
export function registerSweepStatus(sweep: Command): void {
  sweep
    .command('status')
    .description('progress of a sweep enqueued with --queue: trials done, running (with their progress and worker), waiting, failed (with the error), and its table')
    .option('--queue <URL>', 'the Redis server the sweep was enqueued on (redis://HOST:PORT)')
    .option('--out <DIR>', 'the sweep with this folder (its --out when enqueued)')
    .option('--sweep <ID>', 'the sweep with this id (printed when enqueued)')
    .option('--json', 'print the status as one JSON object on stdout')
    .action(async (own: StatusFlags, cmd: Command) => {
      // `memspike sweep` has --queue, --out and --json too: commander gives them to it wherever they stand
      const o: StatusFlags = { ...(cmd.parent?.opts() as StatusFlags | undefined), ...own };
      if (o.queue === undefined) throw new Error('--queue: give the Redis server the sweep was enqueued on, e.g. memspike sweep status --queue redis://127.0.0.1:6379 (a local sweep shows its progress itself; `memspike sweep collect DIR` tables what is done).');
      if (o.out !== undefined && o.sweep !== undefined) throw new Error('--out and --sweep both name a sweep; give one of them.');
      if (o.sweep !== undefined && !/^[0-9a-f]{16}$/.test(o.sweep)) throw new Error(`--sweep ${o.sweep}: a sweep id is 16 hex digits, as \`memspike sweep … --queue\` prints it.`);
      const target = parseQueueUrl(o.queue, '--queue');
      const record = await findSweep(target, { ...(o.out !== undefined ? { outDir: o.out } : {}), ...(o.sweep !== undefined ? { sweepId: o.sweep } : {}) });
      const s = await sweepStatus(target, record);
      process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${formatStatus(s)}\n`);
    });
}
