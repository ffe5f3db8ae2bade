/**
 * Queue mode against a real redis-server (Debian's; .ci/run installs it): each test starts what it
 * needs — redis-server on 127.0.0.1 with a free port, `memspike worker` processes of the built CLI
 * — and stops them at the end. Without the redis-server binary these tests fail with the advice
 * to install it; they are never skipped.
 *
 * The workers run with --lock-duration 1 s --stalled-interval 0.5 s (BullMQ's lockDuration and
 * stalledInterval; 30 s each in production) so that a SIGKILLed worker's trial moves to another
 * worker within about 1.5 s. Trials are tiny Diehl & Cook networks (10 neurons, a few hundred
 * MNIST images: about 1 to 3 s each).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expandTrials, resolveSweepSpec, sweepId } from '../../networks/sweep/spec.js';
import { CONNECTION_CLOSE_MS, LOCK_WATCH_MS, QUEUE_NAME, sweepJobId, trialJobId } from '../../cli/sweep/queue.js';
import { freePort, startRedisServer, type RedisServer } from '../../cli/sweep/redis-server.js';
import type { TrialResult } from '../../cli/sweep/trial.js';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
/** BullMQ's lock and stall check, shortened for the tests (see the module doc). */
const FAST_STALL = ['--lock-duration', '1 s', '--stalled-interval', '0.5 s'];

let dir = '';
let redis: RedisServer;
const workers: ChildProcess[] = [];

interface Worker {
  readonly proc: ChildProcess;
  readonly name: string;
  log(): string;
}

/** Starts `memspike worker` and waits until it takes trials. */
async function startWorker(url: string, name: string, extra: string[] = []): Promise<Worker> {
  const proc = spawn(process.execPath, [MAIN, 'worker', '--queue', url, '--name', name, ...FAST_STALL, ...extra], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  workers.push(proc);
  let log = '';
  proc.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  await waitFor(() => log.includes('taking trials'), 20_000, () => `worker ${name} did not start:\n${log}`);
  return { proc, name, log: () => log };
}

/** Stops a worker process (SIGTERM: it finishes its trial) and waits for its exit: a worker still there after a minute is a failure (killed, with its log). */
async function stopWorker(w: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', log: () => string = () => ''): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return;
  const exited = new Promise((r) => w.once('exit', r));
  w.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const stuck = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 60_000)))]);
  clearTimeout(timer);
  if (stuck) {
    w.kill('SIGKILL');
    throw new Error(`the worker did not exit within 60 s of ${signal}; its log:\n${log()}`);
  }
}

async function waitFor(ok: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the CLI to its end. */
function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a sweep of tiny trials: `seeds` seeds of a 10-neuron network trained on `samples` images. */
function sweepFile(name: string, seeds: number[], samples: number, extra: Record<string, unknown> = {}): { file: string; out: string } {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ base: { neurons: 10, schedule: [{ phase: 'train', samples }, { phase: 'label', samples: 20 }] }, axes: { seed: seeds, ...extra } }));
  return { file, out: join(dir, name) };
}

function trialsOf(file: string): { ids: string[]; sweep: string } {
  const s = resolveSweepSpec(JSON.parse(readFileSync(file, 'utf8')));
  return { ids: expandTrials(s).map((t) => t.id), sweep: sweepId(s) };
}

function results(out: string): TrialResult[] {
  return readFileSync(join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TrialResult);
}

function tableRows(out: string): string[] {
  return readFileSync(join(out, 'table.csv'), 'utf8').trim().split('\n').slice(1);
}

async function withQueue<T>(url: string, f: (q: Queue) => Promise<T>): Promise<T> {
  const port = Number(new URL(url).port);
  // gives up instead of waiting for a server that is down
  const q = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (n: number) => (n > 3 ? null : 200) } });
  q.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([f(q), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the queue on ${url} did not answer within 10 s`)), 10_000)))]);
  } finally {
    clearTimeout(timer);
    await q.close().catch(() => undefined);
  }
}

/** Waits until the sweep's parent job (the table) has completed. */
async function waitForTable(url: string, sweep: string, timeoutMs: number, logs: () => string): Promise<void> {
  await waitFor(async () => (await withQueue(url, async (q) => (await q.getJob(sweepJobId(sweep)))?.getState())) === 'completed', timeoutMs, () => `the table of sweep ${sweep} was not built; worker logs:\n${logs()}`);
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.json; npm test does it).`);
  dir = mkdtempSync(join(tmpdir(), 'memspike-queue-'));
  // fails (not skips) when redis-server is not installed, with the advice to install it
  redis = await startRedisServer();
});

afterEach(async () => {
  // a test that failed half-way leaves no worker to take the next test's trials
  await Promise.all(workers.splice(0).map((w) => stopWorker(w, 'SIGKILL')));
});

afterAll(async () => {
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('memspike sweep --queue and memspike worker, on a real redis-server', { timeout: 300_000 }, () => {
  it('refuses a bad URL naming the flag, and an unreachable Redis within seconds', async () => {
    const { file, out } = sweepFile('bad', [1], 20);
    const bad = cli(['sweep', file, '--queue', 'http://127.0.0.1:6379', '--out', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^memspike: --queue http:\/\/127\.0\.0\.1:6379: the scheme is http, not redis; give a Redis URL such as --queue redis:\/\//);
    const closed = await freePort();
    const t0 = Date.now();
    const down = cli(['sweep', file, '--queue', `redis://127.0.0.1:${closed}`, '--out', out]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`--queue redis://127.0.0.1:${closed}: cannot reach a Redis server there (connect ECONNREFUSED`);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(existsSync(out)).toBe(false); // nothing claimed before Redis answered
    const worker = cli(['worker', '--queue', `redis://127.0.0.1:${closed}`]);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain('cannot reach a Redis server there');
  });

  it('two worker processes run a sweep to a complete table; enqueueing it again adds nothing', async () => {
    const { file, out } = sweepFile('two', [1, 2, 3, 4], 150);
    const { ids, sweep } = trialsOf(file);
    const first = cli(['sweep', file, '--queue', redis.url, '--out', out, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ sweepId: sweep, trials: 4, added: 4, existing: null });
    const counts = await withQueue(redis.url, (q) => q.getJobCounts());
    const again = cli(['sweep', file, '--queue', redis.url, '--out', out, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sweepId: sweep, added: 0, existing: 'waiting-children' });
    expect(again.stderr).toContain('nothing was added');
    expect(await withQueue(redis.url, (q) => q.getJobCounts())).toEqual(counts);
    // one job per trial, its id the trial id, under one parent
    await withQueue(redis.url, async (q) => {
      for (const id of ids) expect((await q.getJob(trialJobId(id)))?.parentKey).toBe(`bull:${QUEUE_NAME}:${sweepJobId(sweep)}`);
    });

    const a = await startWorker(redis.url, 'w1');
    const b = await startWorker(redis.url, 'w2');
    await waitForTable(redis.url, sweep, 40_000, () => a.log() + b.log());
    const rs = results(out);
    expect(rs.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(rs.every((r) => r.status === 'done' && r.attempts === 1 && r.metrics['train.pulses'] > 0)).toBe(true);
    expect(tableRows(out)).toHaveLength(4);
    // both workers took trials; each trial's return value in the queue is its result file
    await withQueue(redis.url, async (q) => {
      const jobs = await Promise.all(ids.map((id) => q.getJob(trialJobId(id))));
      expect(new Set(jobs.map((j) => j!.processedBy))).toEqual(new Set(['w1', 'w2']));
      for (const j of jobs) expect(j!.returnvalue).toEqual(JSON.parse(readFileSync(join(out, 'trials', `${(j!.returnvalue as TrialResult).id}.json`), 'utf8')));
    });
    const status = cli(['sweep', 'status', '--queue', redis.url, '--out', out, '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ sweepId: sweep, trials: 4, done: 4, running: 0, waiting: 0, failed: 0, table: 'built' });
    // a folder the workers do not share: --wait writes every result from the queue, and the table, into it
    const elsewhere = join(dir, 'two-elsewhere');
    const waited = cli(['sweep', file, '--queue', redis.url, '--out', elsewhere, '--wait']);
    expect(waited.code, waited.stderr).toBe(0);
    expect(results(elsewhere)).toEqual(rs);
    expect(readFileSync(join(elsewhere, 'table.csv'), 'utf8')).toBe(readFileSync(join(out, 'table.csv'), 'utf8'));
    await Promise.all([stopWorker(a.proc), stopWorker(b.proc)]);
    expect(a.log()).toContain('worker w1: stopped');
  });

  it('a worker SIGKILLed in the middle of a trial: the trial runs again on the other, once in the table', async () => {
    const { file, out } = sweepFile('kill', [1, 2, 3], 400);
    const { ids, sweep } = trialsOf(file);
    const a = await startWorker(redis.url, 'k1');
    const b = await startWorker(redis.url, 'k2');
    expect(cli(['sweep', file, '--queue', redis.url, '--out', out]).code).toBe(0);
    // once k1 reports progress on a trial, well before its end, k1 is killed
    let victim = '';
    await waitFor(
      () =>
        withQueue(redis.url, async (q) => {
          const active = (await q.getActive()).find((j) => {
            const f = (j.progress as { fraction?: number }).fraction ?? 0;
            return j.processedBy === 'k1' && f > 0 && f < 0.6;
          });
          if (active) {
            a.proc.kill('SIGKILL');
            victim = active.id!;
          }
          return victim !== '';
        }),
      20_000,
      () => a.log(),
    );
    await stopWorker(a.proc, 'SIGKILL');
    // killed before its end: still active (or already moved back to wait by k2's stall check), never completed by k1
    expect(['active', 'waiting']).toContain(await withQueue(redis.url, async (q) => q.getJobState(victim)));
    await waitForTable(redis.url, sweep, 40_000, () => a.log() + b.log());
    expect(b.log()).toMatch(/stalled/);
    const rs = results(out);
    expect(rs.map((r) => r.id).sort()).toEqual([...ids].sort()); // every trial once
    expect(tableRows(out)).toHaveLength(3);
    expect(readdirSync(join(out, 'trials')).filter((f) => f.endsWith('.json'))).toHaveLength(3);
    await withQueue(redis.url, async (q) => {
      const killed = (await q.getJob(victim))!;
      expect(killed.attemptsStarted).toBe(2); // started on k1, run again on k2
      expect(killed.stalledCounter).toBe(1);
      expect(killed.attemptsMade).toBe(1); // one finished attempt: the stall is not a failed attempt
      expect(killed.processedBy).toBe('k2');
      expect(await q.getCompletedCount()).toBeGreaterThanOrEqual(3);
    });
    const again = rs.find((r) => trialJobId(r.id) === victim)!;
    expect(again.attempts).toBe(2);
    expect(again.status).toBe('done');
    await stopWorker(b.proc);
  });

  it('a trial that always throws ends as failed with its error after its attempts; the table is built', async () => {
    const corrupt = join(dir, 'corrupt.idx');
    writeFileSync(corrupt, 'not an IDX file at all');
    const { file, out } = sweepFile('fail', [1], 30, { 'data.train': ['mnist', { images: corrupt, labels: corrupt }] });
    const { sweep } = trialsOf(file);
    const w = await startWorker(redis.url, 'f1');
    const r = cli(['sweep', file, '--queue', redis.url, '--out', out, '--attempts', '3', '--backoff', '0.1 s']);
    expect(r.code, r.stderr).toBe(0);
    await waitForTable(redis.url, sweep, 30_000, () => w.log());
    const rs = results(out);
    expect(rs.map((x) => x.status).sort()).toEqual(['done', 'failed']);
    const failed = rs.find((x) => x.status === 'failed')!;
    expect(failed.attempts).toBe(3);
    expect(failed.error).toMatch(/corrupt\.idx: not an IDX file/);
    expect(w.log().match(/failed \(attempt \d of 3\)/g), w.log()).toHaveLength(3);
    const status = JSON.parse(cli(['sweep', 'status', '--queue', redis.url, '--out', out, '--json']).stdout) as { done: number; failed: number; list: { state: string; error: string | null; attempts: number }[] };
    expect(status).toMatchObject({ done: 1, failed: 1 });
    expect(status.list.find((x) => x.state === 'failed')).toMatchObject({ attempts: 3, error: expect.stringMatching(/not an IDX file/) });
    await stopWorker(w.proc);
  });

  it('Redis going away and coming back: the workers reconnect and the sweep finishes', async () => {
    // a server of its own that keeps an fsynced append-only file, so that it comes back with its queue
    const data = join(dir, 'redis-aof');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data);
    let server = await startRedisServer({ dir: data });
    const { file, out } = sweepFile('restart', [1, 2, 3, 4], 150);
    const { ids, sweep } = trialsOf(file);
    try {
      const a = await startWorker(server.url, 'r1');
      const b = await startWorker(server.url, 'r2');
      expect(cli(['sweep', file, '--queue', server.url, '--out', out]).code).toBe(0);
      await waitFor(() => existsSync(join(out, 'trials')) && readdirSync(join(out, 'trials')).length >= 1, 20_000, () => a.log() + b.log());
      await server.stop('SIGKILL');
      await new Promise((r) => setTimeout(r, 1500));
      server = await startRedisServer({ dir: data, port: server.port });
      await waitForTable(server.url, sweep, 40_000, () => a.log() + b.log());
      expect(a.log() + b.log()).toMatch(/ECONNREFUSED.*reconnecting/);
      expect(results(out).map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(tableRows(out)).toHaveLength(4);
      await Promise.all([stopWorker(a.proc, 'SIGTERM', a.log), stopWorker(b.proc, 'SIGTERM', b.log)]);
    } finally {
      await server.stop();
    }
  });

  it('SIGTERM in the middle of a trial: the worker finishes it, records its result and exits', async () => {
    // seed 5: a trial of no other test's sweep (a trial of a sweep still on the queue is not enqueued again)
    const { file, out } = sweepFile('term', [5], 400);
    const { ids } = trialsOf(file);
    const w = await startWorker(redis.url, 't1');
    const enqueued = cli(['sweep', file, '--queue', redis.url, '--out', out]);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    await waitFor(() => /trial \S+ .*started/.test(w.log()), 20_000, () => w.log());
    await stopWorker(w.proc, 'SIGTERM', w.log);
    expect(w.proc.exitCode).toBe(0);
    const log = w.log();
    expect(log).toMatch(/SIGTERM — finishing the running trials/);
    expect(log.indexOf(`trial ${ids[0]} done`)).toBeGreaterThan(log.indexOf('SIGTERM'));
    expect(log.indexOf('worker t1: stopped')).toBeGreaterThan(log.indexOf(`trial ${ids[0]} done`));
    expect(existsSync(join(out, 'trials', `${ids[0]}.json`))).toBe(true);
  });

  it('a trial that ends while Redis is away loses its lock: the worker lets it go and still stops on SIGTERM', async () => {
    const data = join(dir, 'redis-aof-lost');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data);
    let server = await startRedisServer({ dir: data });
    // seed 6: a trial of no other test's sweep
    const { file, out } = sweepFile('lost', [6], 400);
    const { ids } = trialsOf(file);
    try {
      const w = await startWorker(server.url, 'l1');
      const enqueued = cli(['sweep', file, '--queue', server.url, '--out', out]);
      expect(enqueued.code, enqueued.stderr).toBe(0);
      await waitFor(() => /trial \S+ .*started/.test(w.log()), 20_000, () => w.log());
      await server.stop('SIGKILL');
      // the trial (≈ 1–3 s) ends while Redis is away; its 1 s lock has expired when Redis is back
      await waitFor(() => existsSync(join(out, 'trials', `${ids[0]}.json`)), 30_000, () => w.log());
      await new Promise((r) => setTimeout(r, 2500)); // past the lock's 1 s (its expiry is absolute in the append-only file)
      server = await startRedisServer({ dir: data, port: server.port });
      await waitFor(() => new RegExp(`Missing lock for job ${trialJobId(ids[0])}|job ${trialJobId(ids[0])} stalled`).test(w.log()), 20_000, () => w.log());
      const t0 = Date.now();
      await stopWorker(w.proc, 'SIGTERM', w.log);
      expect(Date.now() - t0).toBeLessThan(CONNECTION_CLOSE_MS + 5_000);
      expect(w.proc.exitCode).toBe(0);
      expect(w.log()).toContain('worker l1: stopped');
    } finally {
      await server.stop();
    }
  });

  /**
   * A worker running a trial loses Redis; the trial ends during the outage; the worker is SIGTERMed
   * while Redis is still away. BullMQ reports nothing of a lost lock while it closes, so only the
   * worker's own reading of the lock (LOCK_WATCH_MS) lets the trial go. `back`: Redis returns right
   * after the SIGTERM (the lock is found gone) or stays away (the lock's time runs out).
   */
  async function stopDuringOutage(name: string, seed: number, back: boolean): Promise<{ w: Worker; jobId: string; seconds: number }> {
    const data = join(dir, `redis-aof-${name}`);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(data);
    let server = await startRedisServer({ dir: data });
    const { file, out } = sweepFile(name, [seed], 400);
    const { ids } = trialsOf(file);
    try {
      // its own stall check (every 30 s, the first at its start) does not find its trial before it closes
      const w = await startWorker(server.url, name, ['--stalled-interval', '30 s']);
      const enqueued = cli(['sweep', file, '--queue', server.url, '--out', out]);
      expect(enqueued.code, enqueued.stderr).toBe(0);
      await waitFor(() => /trial \S+ .*started/.test(w.log()), 20_000, () => w.log());
      await server.stop('SIGKILL');
      const killedAt = Date.now();
      await waitFor(() => existsSync(join(out, 'trials', `${ids[0]}.json`)), 30_000, () => w.log());
      // past the lock's 1 s (its expiry is absolute in the append-only file)
      await new Promise((r) => setTimeout(r, Math.max(0, killedAt + 1500 - Date.now())));
      const t0 = Date.now();
      const stopped = stopWorker(w.proc, 'SIGTERM', w.log);
      if (back) server = await startRedisServer({ dir: data, port: server.port });
      await stopped;
      return { w, jobId: trialJobId(ids[0]!), seconds: (Date.now() - t0) / 1000 };
    } finally {
      await server.stop();
    }
  }

  it('SIGTERM while Redis is away after the trial ended, Redis back at once: the worker finds the lock gone and exits', async () => {
    // seed 7: a trial of no other test's sweep
    const { w, jobId, seconds } = await stopDuringOutage('gone-lock', 7, true);
    expect(w.proc.exitCode).toBe(0);
    const log = w.log();
    expect(log).toContain(`job ${jobId} lost its lock (it ran out unrenewed); it runs again elsewhere`);
    expect(log.indexOf('worker gone-lock: stopped')).toBeGreaterThan(log.indexOf(`job ${jobId} lost its lock`));
    // two reads of the lock, then at most the connections' bounded close
    expect(seconds).toBeLessThan((3 * LOCK_WATCH_MS + CONNECTION_CLOSE_MS) / 1000 + 5);
  });

  it('SIGTERM while Redis stays away after the trial ended: the worker lets the trial go once its lock has run out', async () => {
    // seed 8: a trial of no other test's sweep
    const { w, jobId, seconds } = await stopDuringOutage('no-redis', 8, false);
    expect(w.proc.exitCode).toBe(0);
    const log = w.log();
    expect(log).toContain(`job ${jobId} cannot keep its lock: Redis has not answered for more than the lock's 1 s; it runs again elsewhere`);
    expect(log.indexOf('worker no-redis: stopped')).toBeGreaterThan(log.indexOf(`job ${jobId} cannot keep its lock`));
    // the lock (1 s) and one read more, then at most the connections' bounded close
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan((1000 + 3 * LOCK_WATCH_MS + CONNECTION_CLOSE_MS) / 1000 + 5);
  });

  it('stopped while Redis is away: the worker drops its reconnecting connections and exits', async () => {
    const server = await startRedisServer();
    const w = await startWorker(server.url, 'gone');
    await server.stop('SIGKILL');
    await waitFor(() => /reconnecting/.test(w.log()), 10_000, () => w.log());
    const t0 = Date.now();
    await stopWorker(w.proc, 'SIGTERM', w.log);
    // no job was running: only the connections' close to wait for, bounded by CONNECTION_CLOSE_MS
    expect(Date.now() - t0).toBeLessThan(CONNECTION_CLOSE_MS + 5_000);
    expect(w.proc.exitCode).toBe(0);
    expect(w.log()).toContain('worker gone: stopped');
  });
});
