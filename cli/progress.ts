/**
 * Progress display for long runs: a cli-progress bar on a terminal (phase k/n, samples/s, running
 * accuracy, ETA of the phase and of the whole run); on a pipe or in CI one plain line every 10 %
 * of a phase. Always on stderr, so that stdout keeps only results.
 */
import cliProgress from 'cli-progress';
import type { Observable } from 'rxjs';
import type { ExperimentProgress } from '../networks/experiment/runner.js';

/** Seconds as '42 s', '7 min', '1 h 05 min'. */
export function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  const h = Math.floor(s / 3600);
  return `${h} h ${String(Math.round((s - 3600 * h) / 60)).padStart(2, '0')} min`;
}

/** The terminal sequence that shows the cursor again (DECTCEM). */
export const SHOW_CURSOR = '\x1b[?25h';

/**
 * Shows the progress of a run until the returned function is called.
 *
 * On a terminal the bar hides the cursor while it draws (cli-progress `hideCursor`) and shows it
 * again when it stops. A process can also end while a bar is drawn: Ctrl-C (SIGINT) or SIGTERM
 * with no handler of the command's own kills it at once, and a second Ctrl-C during a checkpointed
 * run calls process.exit. So while a bar is up, an 'exit' listener shows the cursor, and a signal
 * that nothing else handles shows it and then ends the process by the same signal, as it would have
 * without the listener (exit code 128 + signal for the shell).
 */
export function showProgress(source: Observable<ExperimentProgress>, quiet = false): () => void {
  if (quiet) return () => {};
  const tty = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  const showCursor = (): void => {
    if (bar !== null) process.stderr.write(SHOW_CURSOR);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    // someone else handles it (a checkpointed run finishes its sample): the bar stops normally
    if (process.listenerCount(signal) > 1) return;
    showCursor();
    unlisten();
    process.kill(process.pid, signal);
  };
  const unlisten = (): void => {
    process.off('exit', showCursor);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  if (tty) {
    process.on('exit', showCursor);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  let phase = -1;
  let lastDecile = -1;
  const sub = source.subscribe((e) => {
    const acc = Number.isNaN(e.accuracy) ? '  –  ' : `${(100 * e.accuracy).toFixed(1)}%`;
    const head = `${e.index + 1}/${e.phases} ${e.name}`;
    const phaseEta = (e.total - e.done) / Math.max(e.samplesPerSec, 1e-9);
    if (tty) {
      if (!bar || e.index !== phase) {
        bar?.stop();
        phase = e.index;
        bar = new cliProgress.SingleBar(
          { format: `${head} [{bar}] {value}/{total} | {rate} samples/s | acc {acc} | ETA {eta} (all {all})`, stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total, 0, { rate: '0', acc, eta: '?', all: '?' });
      }
      bar.update(e.done, { rate: e.samplesPerSec.toFixed(1), acc, eta: duration(phaseEta), all: duration(e.etaSeconds) });
      if (e.done === e.total) {
        bar.stop();
        bar = null;
      }
    } else {
      if (e.index !== phase) {
        phase = e.index;
        lastDecile = -1;
      }
      const decile = Math.floor((10 * e.done) / e.total);
      if (decile !== lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${head} ${e.done}/${e.total}  ${e.samplesPerSec.toFixed(1)} samples/s  acc ${acc}  ETA ${duration(phaseEta)} (all ${duration(e.etaSeconds)})\n`);
      }
    }
  });
  return () => {
    bar?.stop();
    bar = null;
    unlisten();
    sub.unsubscribe();
  };
}
