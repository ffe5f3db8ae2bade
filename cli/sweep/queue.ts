/**
 * Queue mode: a sweep's trials on many machines through BullMQ on one Redis server.
 *
 *   memspike sweep SPEC --queue redis://HOST:PORT --out DIR    enqueue (enqueueSweep)
 *   memspike worker --queue redis://HOST:PORT                  on every machine (startQueueWorker)
 *   memspike sweep status --queue redis://HOST:PORT            progress (sweepStatus)
 *
 * One BullMQ flow per sweep (FlowProducer): a parent job `table` (job id `sweep-<sweep id>`) whose
 * children are the trials, one job `trial` each, whose job id is the trial id — the hash of its
 * canonical spec (prefixed `trial-` in the rare case the hex digits are all decimal: BullMQ refuses
 * ids that read as integers). Enqueueing the same sweep again finds the parent and adds nothing;
 * BullMQ itself never adds a second job with an existing id.
 *
 * A worker takes jobs with a sandboxed processor (queue-processor.ts) that runs in a worker thread
 * of its own, so a CPU-bound trial never blocks the worker's event loop: the lock of the job is
 * renewed on time (every lockDuration / 2) and a running trial is never taken for stalled. A worker
 * that dies (SIGKILL, power, network) stops renewing: after lockDuration its job's lock expires, the
 * stalled-job checker of any live worker (every stalledInterval) moves it back to `wait`, and
 * another worker runs it from the start (a job stalled more than maxStalledCount times fails). A
 * trial that throws is retried with exponential backoff until its attempts are used up; then it
 * fails, and its result file says so with the error. Results go back to the queue (the job's return
 * value) and into DIR/trials/<id>.json, atomically, keyed by the trial id: a trial run twice
 * (after a stall) writes the same file again and is never counted twice. When every child has
 * finished (failed ones included: `ignoreDependencyOnFailure`), the parent runs: it writes the
 * results it got from the queue into its DIR (so a DIR that is not shared still gets all of them)
 * and builds the table (collectSweep).
 *
 * bullmq and ioredis are optional peer dependencies: a library install does not download them; the
 * CLI imports them here, only in queue mode, and says how to install them when they are missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowJob, JobsOptions } from 'bullmq';
import { describeTrialAxes, type SweepSpec, type Trial } from '../../networks/sweep/spec.js';
import { claimSweepFolder } from './folder.js';
import { trialsDir, type TrialResult } from './trial.js';

/** The BullMQ queue every memspike sweep uses (one Redis may hold many sweeps). */
export const QUEUE_NAME = 'memspike-sweep';
/** The Redis hash of the sweeps enqueued (sweep id → JSON of SweepRecord), for `sweep status`. */
export const SWEEPS_KEY = 'memspike:sweeps';
/** Defaults of a trial job: attempts in all, and the first backoff delay [ms] (then 2×, 4× …). */
export const DEFAULT_ATTEMPTS = 2;
export const DEFAULT_BACKOFF_MS = 5000;
/** BullMQ's own defaults, which a worker keeps unless told otherwise [ms]. */
export const DEFAULT_LOCK_MS = 30_000;
export const DEFAULT_STALLED_INTERVAL_MS = 30_000;
/**
 * How long a worker's Redis connections get to close once none of its jobs runs any more. BullMQ's
 * close waits for its connections' end, which a connection left in ioredis' reconnecting state by a
 * Redis outage may never signal (taskforcesh/bullmq#2430, #4656): after this the worker drops them.
 */
export const CONNECTION_CLOSE_MS = 10_000;
/** How long an enqueuer or `sweep status` waits for Redis before it gives up [ms]. */
export const CONNECT_TIMEOUT_MS = 5000;

/** Where the queue is: a parsed redis:// URL. */
export interface QueueTarget {
  /** the URL as given */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
}

/**
 * Parses `redis://[user:password@]HOST[:PORT][/DB]` (or `rediss://` for TLS); throws an Error
 * naming the flag, the value and the fix.
 */
export function parseQueueUrl(value: string, flag = '--queue'): QueueTarget {
  const fix = `give a Redis URL such as ${flag} redis://127.0.0.1:6379 (redis://HOST:PORT, rediss:// for TLS, /DB for a database number).`;
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    throw new Error(`${flag} ${value}: not a URL; ${fix}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`${flag} ${value}: the scheme is ${u.protocol.replace(/:$/, '')}, not redis; ${fix}`);
  if (u.hostname === '') throw new Error(`${flag} ${value}: no host; ${fix}`);
  if (u.search !== '' || u.hash !== '') throw new Error(`${flag} ${value}: a Redis URL has no query or fragment; ${fix}`);
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${flag} ${value}: port ${u.port} is not in 1 … 65535; ${fix}`);
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw new Error(`${flag} ${value}: the path /${path} is not a database number; ${fix}`);
  const db = path === '' ? 0 : Number(path);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    url: value.trim(),
    host,
    port,
    db,
    ...(u.username !== '' ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== '' ? { password: decodeURIComponent(u.password) } : {}),
    tls: u.protocol === 'rediss:',
  };
}

/** ioredis options for a target (BullMQ passes them to the ioredis constructor). */
function redisOptions(t: QueueTarget): Record<string, unknown> {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username !== undefined ? { username: t.username } : {}),
    ...(t.password !== undefined ? { password: t.password } : {}),
    ...(t.tls ? { tls: {} } : {}),
  };
}

/** The URL without its password, for messages. */
export function showUrl(t: QueueTarget): string {
  return t.password === undefined ? t.url : t.url.replace(/:[^:@/]*@/, ':***@');
}

const importBullmq = () => import('bullmq');
const importIoredis = () => import('ioredis');
type BullMQ = Awaited<ReturnType<typeof importBullmq>>;
type IORedis = Awaited<ReturnType<typeof importIoredis>>;

/** Imports an optional queue package, or explains how to install it. */
async function importOptional<T>(name: 'bullmq' | 'ioredis', load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(`queue mode needs the optional packages bullmq and ioredis, and '${name}' is not installed (a library install leaves them out): run \`npm install bullmq ioredis\` where memspike is installed (\`npm install -g bullmq ioredis\` for a global memspike).`);
    }
    throw e;
  }
}

/** bullmq and ioredis (BullMQ ≥ 6 loads ioredis itself; it is checked here for a clear message). */
async function loadQueuePackages(): Promise<{ bullmq: BullMQ; ioredis: IORedis }> {
  const ioredis = await importOptional('ioredis', importIoredis);
  const bullmq = await importOptional('bullmq', importBullmq);
  return { bullmq, ioredis };
}

/**
 * Connects once, without retrying, and checks that a Redis server answers (PING) within the
 * timeout; throws an Error naming the flag, the URL, the cause and what to do. Used before any
 * BullMQ object is made, so that a wrong or unreachable URL is an error in seconds, not an endless
 * reconnect.
 */
export async function checkRedisReachable(t: QueueTarget, flag = '--queue', timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  const { ioredis } = await loadQueuePackages();
  const client = new ioredis.Redis({
    ...redisOptions(t),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | null = null;
  client.on('error', (e: Error) => (lastError = e));
  try {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs).unref());
    await Promise.race([
      (async () => {
        await client.connect();
        const pong = await client.ping();
        if (pong !== 'PONG') throw new Error(`it answered PING with ${JSON.stringify(pong)}`);
      })(),
      timeout,
    ]);
  } catch (e) {
    const cause = (lastError ?? (e as Error)).message || (e as Error).message;
    if (/RESP|Protocol error/i.test(cause)) throw new Error(`${flag} ${showUrl(t)}: what answers there is not a Redis server (${cause}); give the host and port of Redis.`);
    const loopback = /^(127\.|localhost$|::1$)/.test(t.host);
    throw new Error(`${flag} ${showUrl(t)}: cannot reach a Redis server there (${cause}); start one (\`redis-server --port ${t.port}\`${loopback ? '' : `, listening on an address other machines reach — \`--bind\``}) or fix the URL.`);
  } finally {
    client.disconnect();
  }
}

/**
 * The BullMQ job id of a trial: its id, or `trial-<id>` when the hex digits happen to be all
 * decimal (BullMQ refuses custom ids that read as integers).
 */
export function trialJobId(trialId: string): string {
  return /^\d+$/.test(trialId) ? `trial-${trialId}` : trialId;
}

/** The BullMQ job id of a sweep's parent job. */
export function sweepJobId(sweepId: string): string {
  return `sweep-${sweepId}`;
}

/** A trial as the parent job keeps it (everything but the spec). */
export interface TrialRef {
  readonly id: string;
  readonly index: number;
  readonly axes: Readonly<Record<string, unknown>>;
  readonly repeat: number;
}

/** The data of a trial job. */
export interface TrialJobData {
  readonly sweepId: string;
  /** the sweep, so that a worker writing into a DIR of its own can make it the sweep's folder */
  readonly sweep: SweepSpec;
  /** the sweep's folder as given to the enqueuer (absolute); a worker's --out replaces it */
  readonly outDir: string;
  readonly saveModel: boolean;
  readonly trial: Trial;
}

/** The data of a sweep's parent job (`table`): its trials in full, so that it can write a failed trial's result anywhere. */
export interface TableJobData {
  readonly sweepId: string;
  readonly sweep: SweepSpec;
  readonly outDir: string;
  /** attempts of each trial */
  readonly attempts: number;
  readonly trials: readonly Trial[];
}

/** What `sweep status` knows of a sweep without asking its jobs. */
export interface SweepRecord {
  readonly sweepId: string;
  readonly outDir: string;
  readonly trials: number;
  readonly attempts: number;
  readonly enqueuedAt: string;
  readonly host: string;
}

export interface EnqueueOptions {
  readonly target: QueueTarget;
  readonly sweep: SweepSpec;
  readonly sweepId: string;
  readonly trials: readonly Trial[];
  /** the sweep's folder (made absolute here) */
  readonly outDir: string;
  /** attempts of each trial in all (≥ 1) */
  readonly attempts?: number;
  /** first backoff delay after a failed attempt [ms]; the next ones double */
  readonly backoffMs?: number;
  readonly saveModel?: boolean;
}

export interface EnqueueResult {
  readonly sweepId: string;
  readonly jobId: string;
  readonly trials: number;
  /** trial jobs added now (0 when the sweep was on the queue already) */
  readonly added: number;
  /** trials whose job existed already, from an earlier sweep that has finished (their result is reused) */
  readonly reused: number;
  /** the parent's state when the sweep was on the queue already, else null */
  readonly existing: string | null;
  readonly outDir: string;
}

/** A connection for a short-lived client (enqueue, status): gives up after a few seconds without Redis. */
function shortLivedConnection(t: QueueTarget): Record<string, unknown> {
  return { ...redisOptions(t), connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 2, retryStrategy: (times: number) => (times > 5 ? null : 200 * times) };
}

/**
 * Enqueues a sweep as one flow (see the module doc). Idempotent: when the sweep's parent job exists
 * nothing is added. Throws (before adding anything) when the URL is unreachable, or when a trial
 * of this sweep is a job of another sweep that is still on the queue.
 */
export async function enqueueSweep(o: EnqueueOptions): Promise<EnqueueResult> {
  const attempts = o.attempts ?? DEFAULT_ATTEMPTS;
  const backoffMs = o.backoffMs ?? DEFAULT_BACKOFF_MS;
  if (!Number.isSafeInteger(attempts) || attempts < 1) throw new Error(`--attempts ${attempts}: expected a whole number ≥ 1.`);
  if (!(backoffMs >= 0)) throw new Error(`--backoff ${backoffMs}: expected a time ≥ 0.`);
  if (o.trials.length === 0) throw new Error('the sweep has no trials to enqueue.');
  await checkRedisReachable(o.target);
  const { bullmq } = await loadQueuePackages();
  const outDir = resolve(o.outDir);
  const connection = shortLivedConnection(o.target);
  const queue = new bullmq.Queue(QUEUE_NAME, { connection });
  const flows = new bullmq.FlowProducer({ connection });
  queue.on('error', () => undefined);
  flows.on('error', () => undefined);
  try {
    const parentId = sweepJobId(o.sweepId);
    const parent = await queue.getJob(parentId);
    if (parent) {
      return { sweepId: o.sweepId, jobId: parentId, trials: o.trials.length, added: 0, reused: 0, existing: await parent.getState(), outDir: (parent.data as TableJobData).outDir };
    }
    // DIR becomes the sweep's folder (or is refused, holding another sweep) before anything is queued
    claimSweepFolder(o.outDir, o.sweep, '--out');
    // A trial job of another sweep: reused when that sweep is gone (BullMQ attaches it to this
    // parent, with its result if it has finished); refused while that sweep is on the queue.
    const parentKey = `bull:${QUEUE_NAME}:${parentId}`;
    let reused = 0;
    const clashes: string[] = [];
    const existing = await Promise.all(o.trials.map((t) => queue.getJob(trialJobId(t.id))));
    for (let k = 0; k < o.trials.length; k++) {
      const job = existing[k];
      if (!job) continue;
      const other = job.parentKey;
      const what = `trial ${o.trials[k].id} (${describeTrialAxes(o.trials[k].axes, o.trials[k].repeat)})`;
      if (other && other !== parentKey && (await queue.getJob(other.split(':').pop()!))) clashes.push(`${what} belongs to ${other.split(':').pop()}`);
      // a failed job would hold the new parent back for ever
      else if (await job.isFailed()) clashes.push(`${what} failed on this queue before: ${job.failedReason}`);
      else reused++;
    }
    if (clashes.length > 0) {
      throw new Error(
        `${clashes.length} trial(s) of this sweep cannot join it on the queue ${showUrl(o.target)} (nothing was added):\n  ${clashes.slice(0, 10).join('\n  ')}\n` +
          'a trial runs once per queue: use another Redis database for this sweep (redis://HOST:PORT/1), or run it locally (`memspike sweep SPEC --out DIR`).',
      );
    }
    const trialOpts: JobsOptions = {
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      ignoreDependencyOnFailure: true,
    };
    const flow: FlowJob = {
      name: 'table',
      queueName: QUEUE_NAME,
      data: { sweepId: o.sweepId, sweep: o.sweep, outDir, attempts, trials: o.trials } satisfies TableJobData,
      opts: { jobId: parentId },
      children: o.trials.map((trial) => ({
        name: 'trial',
        queueName: QUEUE_NAME,
        data: { sweepId: o.sweepId, sweep: o.sweep, outDir, saveModel: o.saveModel ?? false, trial } satisfies TrialJobData,
        opts: { ...trialOpts, jobId: trialJobId(trial.id) },
      })),
    };
    // the record first: a sweep on the queue is always listed by `sweep status`
    const record: SweepRecord = { sweepId: o.sweepId, outDir, trials: o.trials.length, attempts, enqueuedAt: new Date().toISOString(), host: hostname() };
    await withClient(o.target, (c) => c.hset(SWEEPS_KEY, o.sweepId, JSON.stringify(record)));
    await flows.add(flow);
    return { sweepId: o.sweepId, jobId: parentId, trials: o.trials.length, added: o.trials.length - reused, reused, existing: null, outDir };
  } finally {
    await Promise.allSettled([flows.close(), queue.close()]);
  }
}

/** One trial's state on the queue. */
export interface TrialStatus {
  readonly id: string;
  readonly index: number;
  readonly axes: Readonly<Record<string, unknown>>;
  readonly repeat: number;
  /** done, running, waiting (including delayed for a retry), failed, or missing (removed from the queue) */
  readonly state: 'done' | 'running' | 'waiting' | 'failed' | 'missing';
  /** attempts started (a stalled run counts) */
  readonly attempts: number;
  /** the worker running it or that ran it last */
  readonly worker: string | null;
  /** the last progress reported (running trials) */
  readonly progress: unknown;
  /** the error of the last failed attempt */
  readonly error: string | null;
}

export interface SweepStatus {
  readonly sweepId: string;
  readonly outDir: string;
  readonly trials: number;
  readonly done: number;
  readonly running: number;
  readonly waiting: number;
  readonly failed: number;
  readonly missing: number;
  /** the parent job: waiting for trials, building the table, built, failed */
  readonly table: 'waiting for trials' | 'queued' | 'building' | 'built' | 'failed' | 'missing';
  readonly tableError: string | null;
  readonly workers: number;
  readonly list: readonly TrialStatus[];
}

function trialState(state: string): TrialStatus['state'] {
  switch (state) {
    case 'completed':
      return 'done';
    case 'active':
      return 'running';
    case 'failed':
      return 'failed';
    case 'unknown':
      return 'missing';
    default:
      return 'waiting'; // wait, delayed (backoff), prioritized, waiting-children
  }
}

/** Runs `f` with a short-lived plain Redis client. */
async function withClient<T>(t: QueueTarget, f: (c: InstanceType<IORedis['Redis']>) => Promise<T>): Promise<T> {
  const { ioredis } = await loadQueuePackages();
  const client = new ioredis.Redis({ ...shortLivedConnection(t) });
  client.on('error', () => undefined);
  try {
    return await f(client);
  } finally {
    client.disconnect();
  }
}

/** The sweeps enqueued on a queue, newest first. */
export async function listSweeps(t: QueueTarget): Promise<SweepRecord[]> {
  await checkRedisReachable(t);
  const all = await withClient(t, (c) => c.hgetall(SWEEPS_KEY));
  return Object.values(all)
    .map((s) => JSON.parse(s) as SweepRecord)
    .sort((a, b) => b.enqueuedAt.localeCompare(a.enqueuedAt));
}

/**
 * The sweep a `sweep status` names: by its id, or by its folder (`--out DIR`, as given to the
 * enqueuer), or the only one on the queue. Throws naming the flag and the choices.
 */
export async function findSweep(t: QueueTarget, which: { sweepId?: string; outDir?: string }): Promise<SweepRecord> {
  const sweeps = await listSweeps(t);
  const list = sweeps.map((s) => `  ${s.sweepId}  ${s.trials} trials  → ${s.outDir}  (${s.enqueuedAt})`).join('\n');
  if (sweeps.length === 0) throw new Error(`--queue ${showUrl(t)}: no sweep was enqueued there; enqueue one with \`memspike sweep SPEC --queue ${showUrl(t)} --out DIR\`.`);
  if (which.sweepId !== undefined) {
    const s = sweeps.find((x) => x.sweepId === which.sweepId);
    if (!s) throw new Error(`sweep ${which.sweepId}: not on the queue ${showUrl(t)}; the sweeps there:\n${list}`);
    return s;
  }
  if (which.outDir !== undefined) {
    const dir = resolve(which.outDir);
    const s = sweeps.find((x) => x.outDir === dir);
    if (!s) throw new Error(`--out ${which.outDir}: no sweep on the queue ${showUrl(t)} writes to ${dir}; the sweeps there:\n${list}`);
    return s;
  }
  if (sweeps.length > 1) throw new Error(`--queue ${showUrl(t)} holds ${sweeps.length} sweeps; name one with --out DIR or its id:\n${list}`);
  return sweeps[0];
}

/** The state of every trial of a sweep, and of its table. */
export async function sweepStatus(t: QueueTarget, record: SweepRecord): Promise<SweepStatus> {
  const { bullmq } = await loadQueuePackages();
  const queue = new bullmq.Queue(QUEUE_NAME, { connection: shortLivedConnection(t) });
  queue.on('error', () => undefined);
  try {
    const parent = await queue.getJob(sweepJobId(record.sweepId));
    const refs: readonly TrialRef[] = parent ? (parent.data as TableJobData).trials : [];
    const jobs = await Promise.all(refs.map((r) => queue.getJob(trialJobId(r.id))));
    const states = await Promise.all(jobs.map((j) => (j ? j.getState() : Promise.resolve('unknown'))));
    const list: TrialStatus[] = refs.map((r, k) => {
      const j = jobs[k];
      const state = trialState(states[k]);
      return {
        id: r.id,
        index: r.index,
        axes: r.axes,
        repeat: r.repeat,
        state,
        attempts: j?.attemptsStarted ?? 0,
        worker: j?.processedBy ?? null,
        progress: state === 'running' ? (j?.progress ?? null) : null,
        error: j?.failedReason ? j.failedReason : null,
      };
    });
    const count = (s: TrialStatus['state']): number => list.filter((x) => x.state === s).length;
    let table: SweepStatus['table'] = 'missing';
    if (parent) {
      const ps = await parent.getState();
      table = ps === 'waiting-children' ? 'waiting for trials' : ps === 'active' ? 'building' : ps === 'completed' ? 'built' : ps === 'failed' ? 'failed' : 'queued';
    }
    return {
      sweepId: record.sweepId,
      outDir: record.outDir,
      trials: refs.length || record.trials,
      done: count('done'),
      running: count('running'),
      waiting: count('waiting'),
      failed: count('failed'),
      missing: count('missing'),
      table,
      tableError: parent?.failedReason ? parent.failedReason : null,
      workers: await queue.getWorkersCount().catch(() => 0),
      list,
    };
  } finally {
    await queue.close().catch(() => undefined);
  }
}

/** `sweep status` as text: one summary line, then the running and failed trials. */
export function formatStatus(s: SweepStatus): string {
  const lines = [
    `sweep ${s.sweepId} → ${s.outDir}`,
    `trials ${s.trials}: ${s.done} done, ${s.running} running, ${s.waiting} waiting, ${s.failed} failed${s.missing ? `, ${s.missing} missing from the queue` : ''}; ${s.workers} worker connection(s); table: ${s.table}${s.tableError ? ` (${s.tableError})` : ''}`,
  ];
  for (const x of s.list.filter((y) => y.state === 'running')) {
    const p = x.progress as { fraction?: number; phase?: string } | null;
    const pct = p && typeof p.fraction === 'number' ? ` ${(100 * p.fraction).toFixed(0)} %${p.phase ? ` (${p.phase})` : ''}` : '';
    lines.push(`  running  ${x.id}  ${describeTrialAxes(x.axes, x.repeat)}  on ${x.worker ?? '?'}${pct}${x.attempts > 1 ? `, attempt ${x.attempts}` : ''}`);
  }
  for (const x of s.list.filter((y) => y.state === 'failed')) lines.push(`  failed   ${x.id}  ${describeTrialAxes(x.axes, x.repeat)}  after ${x.attempts} attempt(s): ${x.error ?? '?'}`);
  return lines.join('\n');
}

/** Options of a worker. */
export interface QueueWorkerOptions {
  readonly target: QueueTarget;
  /** trials run at once, each in its own worker thread (default 1) */
  readonly concurrency?: number;
  /** write results here instead of each sweep's DIR (a folder that is not shared) */
  readonly outDir?: string;
  /** BullMQ lockDuration [ms] (default 30 s): how long a dead worker's trial waits before it runs elsewhere */
  readonly lockDurationMs?: number;
  /** BullMQ stalledInterval [ms] (default 30 s): how often this worker looks for stalled jobs */
  readonly stalledIntervalMs?: number;
  /** times a trial may stall before it fails (default 1) */
  readonly maxStalledCount?: number;
  /** a name for the worker in `sweep status` (default host:pid) */
  readonly name?: string;
  /** one line per event (default: nothing) */
  readonly log?: (line: string) => void;
  /** called when a job this worker ran has completed (the job's name and return value) */
  readonly onCompleted?: (name: string, value: unknown) => void;
}

export interface QueueWorker {
  readonly name: string;
  /** resolves once the worker is connected and takes jobs */
  readonly ready: Promise<void>;
  /** stops taking jobs; waits for the running ones unless `force` (those go back to the queue when their lock expires) */
  close(force?: boolean): Promise<void>;
}

/** How often a closing worker reads the locks of the jobs it still waits for [ms]. */
export const LOCK_WATCH_MS = 1000;

/**
 * While a worker closes, reads the lock of each job it still waits for, every LOCK_WATCH_MS, through
 * a connection of its own (the worker's may be stuck reconnecting). A job is this worker's while its
 * lock holds the token the worker took it with. `lost` is called for a job whose lock is gone or
 * holds another token at two reads in a row (one read could fall between a completion and its
 * event), and for every job once Redis has not answered for longer than lockDuration plus one
 * interval: no lock outlives that without a renewal, so another worker runs the job again.
 */
function watchLocks(
  ioredis: IORedis,
  t: QueueTarget,
  running: ReadonlyMap<string, string | undefined>,
  lockKey: (id: string) => string,
  lockDurationMs: number,
  lost: (id: string, why: string) => void,
): { stop(): void } {
  const client = new ioredis.Redis({ ...redisOptions(t), enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: LOCK_WATCH_MS, commandTimeout: LOCK_WATCH_MS, retryStrategy: () => LOCK_WATCH_MS / 2 });
  client.on('error', () => undefined);
  const strikes = new Map<string, number>();
  let lastAnswer = Date.now();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async (): Promise<void> => {
    const ids = [...running.keys()];
    try {
      const held = await Promise.all(ids.map((id) => client.get(lockKey(id))));
      lastAnswer = Date.now();
      ids.forEach((id, k) => {
        const token = running.get(id);
        const ours = held[k] !== null && (token === undefined || held[k] === token);
        const n = ours ? 0 : (strikes.get(id) ?? 0) + 1;
        strikes.set(id, n);
        if (n >= 2 && !stopped && running.has(id)) lost(id, held[k] === null ? 'lost its lock (it ran out unrenewed)' : 'is locked by another worker now');
      });
    } catch {
      if (Date.now() - lastAnswer > lockDurationMs + LOCK_WATCH_MS) {
        for (const id of ids) if (!stopped && running.has(id)) lost(id, `cannot keep its lock: Redis has not answered for more than the lock's ${lockDurationMs / 1000} s`);
      }
    }
    if (!stopped) timer = setTimeout(() => void check(), LOCK_WATCH_MS);
  };
  timer = setTimeout(() => void check(), LOCK_WATCH_MS);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      client.disconnect();
    },
  };
}

/** The compiled processor file next to this module (dist/cli/sweep/queue-processor.js). */
export function processorFile(): string {
  return fileURLToPath(new URL('./queue-processor.js', import.meta.url));
}

/**
 * Starts a BullMQ worker on the queue (see the module doc). Fails fast if Redis is unreachable at
 * start; once connected it reconnects for ever (every ≤ 2 s) when Redis goes away, and carries on
 * when it comes back.
 */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const concurrency = o.concurrency ?? 1;
  const lockDuration = o.lockDurationMs ?? DEFAULT_LOCK_MS;
  const stalledInterval = o.stalledIntervalMs ?? DEFAULT_STALLED_INTERVAL_MS;
  const log = o.log ?? (() => undefined);
  const file = processorFile();
  if (!existsSync(file)) throw new Error(`${file} is missing: build memspike first (npm run build).`);
  await checkRedisReachable(o.target);
  const { bullmq, ioredis } = await loadQueuePackages();
  const name = o.name ?? `${hostname()}:${process.pid}`;
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  if (o.outDir !== undefined) env['MEMSPIKE_QUEUE_OUT'] = resolve(o.outDir);
  const worker = new bullmq.Worker(QUEUE_NAME, file, {
    connection: { ...redisOptions(o.target), maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(250 * times, 2000) },
    name,
    concurrency,
    useWorkerThreads: true,
    workerThreadsOptions: { env },
    lockDuration,
    stalledInterval,
    maxStalledCount: o.maxStalledCount ?? 1,
    // a dead worker's trial is back on the queue within lockDuration + stalledInterval
  });
  // the jobs this worker runs now: id → the token its lock holds while the job is this worker's.
  // A close waits for them, then bounds the connections' close. A job leaves the map when it
  // completes or fails, or, during a close, when Redis shows that its lock is no longer this
  // worker's (watchLocks): a job whose lock ran out during an outage ends with no event at all
  // (BullMQ reports a lost lock as an error, and not even that while it closes).
  const running = new Map<string, string | undefined>();
  let idle: (() => void) | null = null;
  const finished = (id: string | undefined): void => {
    if (id !== undefined && running.delete(id) && running.size === 0) idle?.();
  };
  let lastError = '';
  worker.on('error', (e: Error) => {
    // the same connection error repeats while Redis is away: say it once
    if (e.message !== lastError) log(`worker ${name}: ${e.message}${/ECONNREFUSED|Connection is closed|ECONNRESET/.test(e.message) ? ' — reconnecting' : ''}`);
    lastError = e.message;
  });
  worker.on('ready', () => {
    if (lastError !== '') log(`worker ${name}: connected to ${showUrl(o.target)} again`);
    lastError = '';
  });
  worker.on('active', (job) => {
    if (job.id !== undefined) running.set(job.id, job.token);
    if (job.name === 'trial') {
      const t = (job.data as TrialJobData).trial;
      log(`worker ${name}: trial ${t.id} (${describeTrialAxes(t.axes, t.repeat)}) started, attempt ${job.attemptsStarted}`);
    } else log(`worker ${name}: building the table of sweep ${(job.data as TableJobData).sweepId}`);
  });
  worker.on('completed', (job, value: unknown) => {
    finished(job.id);
    o.onCompleted?.(job.name, value);
    if (job.name === 'trial') {
      const r = value as TrialResult;
      const acc = r.metrics['accuracy'];
      log(`worker ${name}: trial ${r.id} done in ${r.provenance.wallSeconds.toFixed(1)} s${acc !== undefined ? `, accuracy ${(100 * acc).toFixed(1)} %` : ''}`);
    } else log(`worker ${name}: table of sweep ${(job.data as TableJobData).sweepId} built in ${(value as { outDir: string }).outDir}`);
  });
  worker.on('failed', (job, e: Error) => {
    if (!job) return;
    finished(job.id);
    const left = (job.opts.attempts ?? 1) - job.attemptsMade;
    log(`worker ${name}: ${job.name} ${job.id} failed (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1}): ${e.message}${left > 0 ? ' — retried later' : ''}`);
  });
  worker.on('stalled', (jobId: string) => {
    log(`worker ${name}: job ${jobId} stalled (its worker stopped renewing its lock); it runs again`);
  });
  const ready = worker.waitUntilReady().then(() => undefined);
  const close = async (force: boolean): Promise<void> => {
    const closed = worker.close(force);
    if (!force && running.size > 0) {
      const watch = watchLocks(ioredis, o.target, running, (id) => worker.toKey(id) + ':lock', lockDuration, (id, why) => {
        log(`worker ${name}: job ${id} ${why}; it runs again elsewhere, and this worker does not wait for it`);
        finished(id);
      });
      try {
        await Promise.race([closed, new Promise<void>((r) => (idle = r))]);
      } finally {
        watch.stop();
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), CONNECTION_CLOSE_MS)));
    const tooLate = await Promise.race([closed.then(() => false), late]);
    clearTimeout(timer);
    if (tooLate) {
      log(`worker ${name}: its Redis connections did not close within ${CONNECTION_CLOSE_MS / 1000} s after its last job (left reconnecting by an outage); dropped`);
      void worker.disconnect().catch(() => undefined);
    }
  };
  return { name, ready, close: (force = false) => close(force) };
}

/**
 * The results of a finished sweep as the queue holds them: each trial's result, and the trials that
 * failed after their attempts (from their error). Written into `outDir` by the caller.
 */
export async function sweepResultsFromQueue(t: QueueTarget, sweepId: string): Promise<{ results: TrialResult[]; failed: { ref: Trial; error: string; attempts: number }[] }> {
  const { bullmq } = await loadQueuePackages();
  const queue = new bullmq.Queue(QUEUE_NAME, { connection: shortLivedConnection(t) });
  queue.on('error', () => undefined);
  try {
    const parent = await queue.getJob(sweepJobId(sweepId));
    if (!parent) throw new Error(`sweep ${sweepId} is not on the queue ${showUrl(t)}.`);
    const refs = (parent.data as TableJobData).trials;
    const jobs = await Promise.all(refs.map((r) => queue.getJob(trialJobId(r.id))));
    const results: TrialResult[] = [];
    const failed: { ref: Trial; error: string; attempts: number }[] = [];
    refs.forEach((ref, k) => {
      const j = jobs[k];
      if (j?.finishedOn && j.returnvalue) results.push(j.returnvalue as TrialResult);
      else if (j?.failedReason && j.finishedOn) failed.push({ ref, error: j.failedReason, attempts: j.attemptsMade });
    });
    return { results, failed };
  } finally {
    await queue.close().catch(() => undefined);
  }
}

/** The status of a trial's result file in DIR (done or failed), or null if there is none readable. */
export function resultStatus(outDir: string, id: string): 'done' | 'failed' | null {
  try {
    const v = JSON.parse(readFileSync(resolve(trialsDir(outDir), `${id}.json`), 'utf8')) as { status?: string; id?: string };
    return v.id === id && (v.status === 'done' || v.status === 'failed') ? v.status : null;
  } catch {
    return null;
  }
}
