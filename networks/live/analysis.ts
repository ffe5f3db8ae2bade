/**
 * The crossbar view of a viewer: the current input → excitatory weights programmed into a simulated
 * array of the run's device (its own random streams, label 'viewer/crossbar': the run's draws are
 * untouched), the column outputs for the image on show, and the array's drift over age — mean
 * |weight| relative to fresh, raw and with global drift compensation (aihwkit's
 * GlobalDriftCompensation, core/crossbar). A pure function of plain data, so that a live CLI run can
 * compute it in another thread from a copy of its weights.
 */
import { createCrossbar } from '../../core/crossbar/crossbar.js';
import { deviceOf, type ExperimentSpec } from '../diehl-cook/spec.js';
import { classify } from '../diehl-cook/readout.js';
import type { LiveAnalysis } from './frame.js';
import { pow } from '../../core/math.js';

export interface CrossbarViewInput {
  readonly spec: ExperimentSpec;
  /** rows × cols, row-major (row = input) [weight units] */
  readonly weights: Float32Array;
  /** the weight the full conductance span encodes */
  readonly wMax: number;
  readonly rows: number;
  readonly cols: number;
  /** the image on show (0…255) */
  readonly pixels: Uint8Array;
  /** each column's class (−1: none) */
  readonly labels: Int8Array;
  readonly request: { readonly ageMs: number; readonly program: 'open-loop' | 'write-verify' | 'exact' };
}

/** Ages of the drift curve: 1 s … `oldest` [ms], log-spaced. */
function driftAges(oldest: number): Float64Array {
  const lo = 1000;
  const hi = Math.max(oldest, 10_000);
  const n = 13;
  return Float64Array.from({ length: n }, (_, k) => lo * pow(hi / lo, k / (n - 1)));
}

function meanAbs(w: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += Math.abs(w[i]);
  return sum / w.length;
}

export function crossbarView(o: CrossbarViewInput): LiveAnalysis {
  const device = deviceOf(o.spec);
  const xbar = createCrossbar({ rows: o.rows, cols: o.cols, device: device ?? 'ideal', cell: o.spec.cell === 'single' ? 'single' : 'differential', seed: o.spec.seed, label: 'viewer/crossbar', io: { drift: true, driftCompensation: 'global' } });
  xbar.program(o.weights, { mode: o.request.program, weightRange: o.wMax });
  const fresh = xbar.effectiveWeights();
  const currents = xbar.vmm(new Float32Array(o.cols), Float64Array.from(o.pixels, (p) => p / 255));
  const base = meanAbs(fresh) || 1;
  const ages = driftAges(o.request.ageMs);
  const driftRaw = new Float64Array(ages.length);
  const driftCompensated = new Float64Array(ages.length);
  ages.forEach((t, k) => {
    xbar.setAge(t);
    driftRaw[k] = meanAbs(xbar.effectiveWeights()) / base;
    driftCompensated[k] = driftRaw[k] * xbar.compensation;
  });
  return {
    kind: 'analysis',
    rows: o.rows,
    cols: o.cols,
    programmed: fresh,
    currents,
    input: o.pixels,
    device: device === null ? 'ideal' : typeof o.spec.device === 'string' ? o.spec.device : device.name,
    programming: o.request.program,
    ages,
    driftRaw,
    driftCompensated,
    predicted: classify(currents, o.labels),
  };
}
