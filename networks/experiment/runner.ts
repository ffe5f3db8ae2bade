/**
 * What every experiment runner offers its drivers (the CLI loop, the viewer's Worker, a sweep
 * job): advancing by a bounded slice of work, its phases as explicit states, one progress
 * observable, and an estimate of the time left for the whole run.
 */
import type { Observable } from 'rxjs';

/** A bounded slice of work: simulation steps, or whole samples (images). */
export type Slice = { readonly steps: number } | { readonly samples: number };

/** One progress report (emitted only while observed; never per step). */
export interface ExperimentProgress {
  /** the current phase: its kind and a short display name ('train', 'label', 'temporal', 'crossbar w-v 1 y') */
  readonly phase: string;
  readonly name: string;
  /** position of the phase in the schedule (0-based) and the number of phases */
  readonly index: number;
  readonly phases: number;
  /** samples done and in all, in this phase */
  readonly done: number;
  readonly total: number;
  /** throughput of this phase so far [samples/s] */
  readonly samplesPerSec: number;
  /** running accuracy of this phase's predictions (NaN where there are none yet) */
  readonly accuracy: number;
  /** estimated wall time to the end of the whole schedule [s] (NaN before anything was measured) */
  readonly etaSeconds: number;
}

/** An experiment a driver can advance a slice at a time. */
export interface SteppableExperiment<Result> {
  readonly progress$: Observable<ExperimentProgress>;
  /** The index of the current phase (= the number of phases when finished). */
  readonly phaseIndex: number;
  readonly finished: boolean;
  /** Whether no sample is half presented (a checkpoint can be written). */
  readonly atSampleBoundary: boolean;
  /** Advances by at most the slice; returns the samples completed. Stopping between any two slices changes nothing. */
  advance(slice: Slice): number;
  /** The typed result (once finished). */
  result(): Result;
}

/** Options of runExperiment. */
export interface RunOptions {
  /** asked before every slice; true stops the run at the next sample boundary */
  readonly shouldStop?: () => boolean;
  /** wall time between two yields to the event loop [ms] (default 50) */
  readonly yieldMs?: number;
  /**
   * Called at every yield, between two slices (never inside a step), with the wall time spent
   * advancing since the previous yield [ms]: where a driver takes a live frame. Not called after
   * the last slice; the driver takes its last frame when runExperiment returns.
   */
  readonly onYield?: (busyMs: number) => void;
}

/**
 * Runs an experiment to its end (or until `shouldStop()` says so, at a sample boundary), one sample
 * per slice, yielding to the event loop every `yieldMs` so that signals and I/O are served.
 * Returns whether it finished.
 */
export async function runExperiment<R>(exp: SteppableExperiment<R>, options: RunOptions = {}): Promise<boolean> {
  const yieldMs = options.yieldMs ?? 50;
  const onYield = options.onYield;
  let last = performance.now();
  while (!exp.finished) {
    if (options.shouldStop?.() && exp.atSampleBoundary) return false;
    exp.advance({ samples: 1 });
    const now = performance.now();
    if (now - last >= yieldMs) {
      onYield?.(now - last);
      await nextTurn();
      last = performance.now();
    }
  }
  return true;
}

/** Resolves on the next turn of the event loop (setImmediate where it exists: no 1 ms timer floor). */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  return new Promise<void>((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
