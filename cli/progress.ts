/**
 * Progress display for long runs: a cli-progress bar on a terminal (samples/s, ETA, running
 * accuracy); on a pipe or in CI one plain line every 10 %. Always on stderr, so that stdout keeps
 * only results (and the final JSON line).
 */
import cliProgress from 'cli-progress';
import type { Observable } from 'rxjs';

export interface ProgressLike {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly samplesPerSec: number;
  readonly accuracy: number;
}

export function showProgress(source: Observable<ProgressLike>, quiet = false): () => void {
  if (quiet) return () => {};
  const tty = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let phase = '';
  let lastDecile = -1;
  const sub = source.subscribe((e) => {
    const acc = Number.isNaN(e.accuracy) ? '  –  ' : `${(100 * e.accuracy).toFixed(1)}%`;
    if (tty) {
      if (!bar || e.phase !== phase) {
        bar?.stop();
        phase = e.phase;
        bar = new cliProgress.SingleBar(
          { format: `${e.phase.padEnd(5)} [{bar}] {value}/{total} | {rate} samples/s | ETA {eta_formatted} | acc {acc}`, stream: process.stderr, hideCursor: true, etaBuffer: 200 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total, 0, { rate: '0', acc });
      }
      bar.update(e.done, { rate: e.samplesPerSec.toFixed(1), acc });
      if (e.done === e.total) {
        bar.stop();
        bar = null;
      }
    } else {
      if (e.phase !== phase) {
        phase = e.phase;
        lastDecile = -1;
      }
      const decile = Math.floor((10 * e.done) / e.total);
      if (decile !== lastDecile) {
        lastDecile = decile;
        const eta = (e.total - e.done) / Math.max(e.samplesPerSec, 1e-9);
        process.stderr.write(`${e.phase} ${e.done}/${e.total}  ${e.samplesPerSec.toFixed(1)} samples/s  ETA ${eta.toFixed(0)} s  acc ${acc}\n`);
      }
    }
  });
  return () => {
    bar?.stop();
    sub.unsubscribe();
  };
}
