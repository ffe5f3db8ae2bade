/**
 * `memspike worker --queue redis://HOST:PORT [--concurrency N] [--out DIR]`: takes the trials of
 * sweeps enqueued by `memspike sweep SPEC --queue …` and runs them, each in a worker thread of its
 * own, until Ctrl-C or SIGTERM (then it finishes the trials it runs and takes no new ones; a second
 * signal stops at once, and those trials go back to the queue when their lock expires). Start one
 * on every machine; they share the work through Redis (cli/sweep/queue.ts says how, and what
 * happens when one dies). One line per event on stderr.
 *
 * --lock-duration and --stalled-interval are BullMQ's lockDuration and stalledInterval: how long a
 * dead worker's trial waits before it runs elsewhere (at most their sum). Keep the defaults (30 s)
 * in production; the tests shorten them to see a SIGKILLed worker's trial move in seconds.
 */
import type { Command } from 'commander';
import { intOption, quantityOption } from '../options.js';
import { summaryOf } from './summaries.js';

/** The most trials one worker runs at once. */
const MAX_CONCURRENCY = 256;

interface WorkerFlags {
  readonly queue?: string;
  readonly concurrency: number;
  readonly out?: string;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalled: number;
  readonly name?: string;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description(summaryOf('worker'))
    .option('--queue <URL>', 'the Redis server of the queue: redis://HOST:PORT[/DB] (rediss:// for TLS)')
    .option('--concurrency <N>', 'trials run at once, each in its own worker thread (default 1; up to the cores of this machine is useful)', intOption('--concurrency', 1), 1)
    .option('--out <DIR>', "write results into this folder instead of each sweep's DIR (for machines that do not share DIR; the queue keeps every result too)")
    .option('--lock-duration <time>', "how long a trial's lock lasts without renewal (renewed every half of it): a dead worker's trial runs elsewhere after this; keep the default except in tests (default '30 s')", quantityOption('--lock-duration', 'time'), 30_000)
    .option('--stalled-interval <time>', "how often to look for trials of dead workers; keep the default except in tests (default '30 s')", quantityOption('--stalled-interval', 'time'), 30_000)
    .option('--max-stalled <N>', 'times a trial may be found stalled (its worker died) and run again before it fails (default 1)', intOption('--max-stalled', 0), 1)
    .option('--name <NAME>', 'name of this worker in `memspike sweep status` (default HOST:PID)')
    .action(async (opts: WorkerFlags) => {
      if (opts.queue === undefined) throw new Error('--queue: give the Redis server the sweeps were enqueued on, e.g. memspike worker --queue redis://127.0.0.1:6379.');
      if (opts.concurrency > MAX_CONCURRENCY) throw new Error(`--concurrency ${opts.concurrency}: at most ${MAX_CONCURRENCY}; one trial per core is the useful most.`);
      for (const [flag, ms] of [['--lock-duration', opts.lockDuration], ['--stalled-interval', opts.stalledInterval]] as const) {
        if (!(ms >= 100) || !Number.isFinite(ms)) throw new Error(`${flag} ${ms} ms: expected a time ≥ 100 ms, e.g. ${flag} '30 s'.`);
      }
      const { parseQueueUrl, showUrl, startQueueWorker } = await import('../sweep/queue.js');
      const target = parseQueueUrl(opts.queue, '--queue');
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const worker = await startQueueWorker({
        target,
        concurrency: opts.concurrency,
        ...(opts.out !== undefined ? { outDir: opts.out } : {}),
        lockDurationMs: opts.lockDuration,
        stalledIntervalMs: opts.stalledInterval,
        maxStalledCount: opts.maxStalled,
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        log,
      });
      await worker.ready;
      log(`worker ${worker.name}: taking trials from ${showUrl(target)} (concurrency ${opts.concurrency}); Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string): void => {
          if (stopping) {
            log(`worker ${worker.name}: ${signal} again — stopping now; its running trials go back to the queue when their lock expires`);
            void worker.close(true).finally(resolve);
            return;
          }
          stopping = true;
          log(`worker ${worker.name}: ${signal} — finishing the running trials, taking no new ones (${signal} again stops at once)`);
          void worker.close(false).finally(resolve);
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
      });
      log(`worker ${worker.name}: stopped`);
      // nothing of the worker's is left to finish, but a Redis connection dropped while reconnecting
      // (see CONNECTION_CLOSE_MS) can keep its retry timer alive: end the process here
      process.exit(process.exitCode ?? 0);
    });
}
