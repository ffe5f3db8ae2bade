/**
 * The progress display of a whole sweep, on stderr: trials done, running, failed and to go, and
 * the estimated time left. On a terminal one cli-progress bar; on a pipe or in CI one line per
 * event that matters (a trial done, retried or failed).
 *
 * ETA: the trials still queued × the mean wall time of the trials finished in this run ÷ the
 * threads, plus what the running trials report they have left; before any trial has finished, the
 * running trials' own estimates (networks/diehl-cook/experiment.ts) stand in for the mean.
 */
import cliProgress from 'cli-progress';
import { describeTrialAxes } from '../../networks/sweep/spec.js';
import { duration, SHOW_CURSOR } from '../progress.js';
import type { PoolEvent } from './local.js';

export interface SweepProgressOptions {
  /** trials of this run (those without a result) */
  readonly trials: number;
  /** trials of the sweep (or shard) in all, and those already done before this run */
  readonly total: number;
  readonly skipped: number;
  readonly workers: number;
  readonly quiet: boolean;
}

/** Shows the progress of a sweep; `update` takes the pool's events, `stop` ends the display. */
export class SweepProgress {
  private readonly o: SweepProgressOptions;
  private readonly tty = Boolean(process.stderr.isTTY);
  private bar: cliProgress.SingleBar | null = null;
  private done = 0;
  private failed = 0;
  private readonly running = new Map<string, { startedAt: number; eta: number; index: number }>();
  private readonly seconds: number[] = [];
  private readonly onExit = () => process.stderr.write(SHOW_CURSOR);

  constructor(o: SweepProgressOptions) {
    this.o = o;
    if (o.quiet) return;
    if (this.tty) {
      process.on('exit', this.onExit);
      this.bar = new cliProgress.SingleBar(
        { format: 'sweep [{bar}] {value}/{total} trials | {running} running | {failed} failed | ETA {left}', stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(o.total, o.skipped, { running: 0, failed: 0, left: '?' });
    } else {
      process.stderr.write(`sweep: ${o.total} trials, ${o.skipped} already done, ${o.trials} to run on ${o.workers} worker thread${o.workers === 1 ? '' : 's'}\n`);
    }
  }

  /** Seconds left for the whole run (NaN before anything was measured). */
  eta(): number {
    const queued = this.o.trials - this.done - this.failed - this.running.size;
    const now = performance.now();
    const running = [...this.running.values()];
    let mean = this.seconds.length > 0 ? this.seconds.reduce((a, b) => a + b, 0) / this.seconds.length : Number.NaN;
    if (Number.isNaN(mean)) {
      const guesses = running.filter((r) => Number.isFinite(r.eta)).map((r) => (now - r.startedAt) / 1000 + r.eta);
      if (guesses.length > 0) mean = guesses.reduce((a, b) => a + b, 0) / guesses.length;
    }
    if (Number.isNaN(mean)) return Number.NaN;
    const left = running.map((r) => (Number.isFinite(r.eta) ? r.eta : Math.max(0, mean - (now - r.startedAt) / 1000)));
    const longest = left.length > 0 ? Math.max(...left) : 0;
    return Math.max(longest, (queued * mean) / this.o.workers + (left.length > 0 ? left.reduce((a, b) => a + b, 0) / left.length : 0));
  }

  update(e: PoolEvent): void {
    switch (e.type) {
      case 'start':
        this.running.set(e.trial.id, { startedAt: performance.now(), eta: Number.NaN, index: e.trial.index });
        break;
      case 'progress': {
        const r = this.running.get(e.trial.id);
        if (r) r.eta = e.progress.etaSeconds;
        break;
      }
      case 'retry':
        this.running.delete(e.trial.id);
        this.line(`sweep: trial ${e.trial.index} (${describeTrialAxes(e.trial.axes, e.trial.repeat)}) threw on attempt ${e.attempt}: ${e.error} — running it again`);
        break;
      case 'done': {
        this.running.delete(e.trial.id);
        this.done++;
        this.seconds.push(e.result.provenance.wallSeconds);
        const acc = e.result.metrics['accuracy'];
        this.line(`sweep: trial ${e.trial.index} (${describeTrialAxes(e.trial.axes, e.trial.repeat)}) done in ${duration(e.result.provenance.wallSeconds)}${acc === undefined ? '' : `: accuracy ${(100 * acc).toFixed(2)} %`}`);
        break;
      }
      case 'failed':
        this.running.delete(e.trial.id);
        this.failed++;
        this.line(`sweep: trial ${e.trial.index} (${describeTrialAxes(e.trial.axes, e.trial.repeat)}) FAILED after ${e.result.attempts} attempts: ${e.result.error}`);
        break;
    }
    this.redraw();
  }

  private redraw(): void {
    if (this.bar === null) return;
    this.bar.update(this.o.skipped + this.done + this.failed, { running: this.running.size, failed: this.failed, left: duration(this.eta()) });
  }

  /** A line for the log: above the bar on a terminal, with the counts on a pipe. */
  private line(text: string): void {
    if (this.o.quiet) return;
    if (this.bar !== null) {
      this.bar.stop();
      process.stderr.write(`${text}\n`);
      this.bar.start(this.o.total, this.o.skipped + this.done + this.failed, { running: this.running.size, failed: this.failed, left: duration(this.eta()) });
      return;
    }
    const finished = this.o.skipped + this.done + this.failed;
    process.stderr.write(`${text}  [${finished}/${this.o.total} finished, ${this.running.size} running, ${this.failed} failed, ETA ${duration(this.eta())}]\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
    process.off('exit', this.onExit);
  }
}
