/**
 * Time-varying input current of a LIF population: a schedule of bias currents, Brian2's
 * `TimedArray` for I(t).
 *
 *   iBias: timedArray([0, [30, 10], '5 nA'], '50 ms')
 *
 * Row k is in force during [k·interval, (k + 1)·interval): it is the bias current I_bias [nA] of
 * every neuron through the steps s with k·interval ≤ s·dt < (k + 1)·interval (the step integrates
 * with the current of its start, and the exact integration of core/neurons/lif.ts is exact for a
 * current held through the step, so the membrane follows the closed form piece by piece). A row is
 * one value for all neurons (a number in nA or a string with units) or one number [nA] per neuron.
 * After the last row the schedule holds it (`after: 'hold'`, the default, as Brian2's TimedArray
 * does) or starts again from row 0 (`after: 'repeat'`).
 *
 * Validated and converted once at build (the interval must be a whole number of steps); in a step
 * the population only compares the row in force with the row it last wrote and, when it changed,
 * copies that row into `state.iBias` — no allocation, no lookup, n writes per row change. While a
 * schedule is set it owns `state.iBias` (`setCurrent` refuses). A restore makes the next step write
 * its row again, so a restored run goes on bit for bit.
 */
import { format, positive, toInternal, type Quantity } from '../units.js';
import { perNeuron } from './built.js';
import type { LifParams } from './lif.js';

/**
 * A schedule of bias currents (see the module header): `LifParams.iBias`'s schedule form, plain
 * data that build() validates. (Written out in LifParams itself, so the public API documents it.)
 */
export type TimedArraySpec = Extract<NonNullable<LifParams['iBias']>, { readonly kind: 'timedArray' }>;

/**
 * A schedule of bias currents for a LIF population's `iBias` (Brian2's TimedArray): row k holds
 * during [k·interval, (k + 1)·interval). `lif(n, { …, iBias: timedArray(rows, '50 ms') })`.
 */
export function timedArray(values: ArrayLike<Quantity | ArrayLike<number>>, interval: Quantity, options: { readonly after?: 'hold' | 'repeat' } = {}): TimedArraySpec {
  return { kind: 'timedArray', values, interval, ...(options.after !== undefined ? { after: options.after } : {}) };
}

/** True when `x` asks for a schedule (as opposed to a constant current). */
export function isTimedArray(x: unknown): x is TimedArraySpec {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'timedArray';
}

/** A built schedule: the rows in internal units and the row last written. */
export interface CurrentSchedule {
  readonly n: number;
  readonly rows: number;
  /** steps each row holds (≥ 1) */
  readonly stepsPerRow: number;
  readonly repeat: boolean;
  /** true: `values` is rows × n (row-major); false: one value per row for all neurons */
  readonly perNeuron: boolean;
  /** currents [nA] */
  readonly values: Float64Array;
  /** the row last copied into iBias; −1 forces the next step to copy its row */
  row: number;
}

/** Validates a schedule for `n` neurons at `dt` and converts it; `name` is the field ('exc.iBias'). */
export function buildCurrentSchedule(spec: TimedArraySpec, n: number, dt: number, name: string): CurrentSchedule {
  const rowsIn = spec.values;
  if (rowsIn == null || typeof rowsIn !== 'object' || typeof (rowsIn as ArrayLike<unknown>).length !== 'number') {
    throw new Error(`${name}.values = ${format(rowsIn)} is not an array of rows; give one row per interval, each one current or ${n} currents [nA].`);
  }
  const rows = rowsIn.length;
  if (rows === 0) throw new Error(`${name}.values is empty; give at least one row (one current or ${n} currents [nA]).`);
  const after = spec.after ?? 'hold';
  if (after !== 'hold' && after !== 'repeat') throw new Error(`${name}.after = ${format(after)} is unknown; use 'hold' (keep the last row) or 'repeat' (start again from row 0).`);
  const interval = positive(spec.interval, 'time', `${name}.interval`, "give how long each row holds, e.g. '50 ms'");
  const exact = interval / dt;
  const stepsPerRow = Math.round(exact);
  if (stepsPerRow < 1 || Math.abs(exact - stepsPerRow) > 1e-6 * Math.max(1, exact)) {
    const lo = Math.max(1, Math.floor(exact)) * dt;
    const hi = Math.max(1, Math.ceil(exact)) * dt;
    const options = lo === hi ? `${+lo.toFixed(9)} ms` : `${+lo.toFixed(9)} ms or ${+hi.toFixed(9)} ms`;
    throw new Error(`${name}.interval = ${format(spec.interval)} is ${+exact.toFixed(4)} steps of dt = ${dt} ms, not a whole number; use ${options}.`);
  }
  let shared = true;
  for (let k = 0; k < rows; k++) {
    const r = rowsIn[k];
    if (typeof r !== 'number' && typeof r !== 'string') shared = false;
  }
  const values = new Float64Array(shared ? rows : rows * n);
  const row = new Float64Array(n);
  for (let k = 0; k < rows; k++) {
    const r = rowsIn[k];
    const field = `${name}.values[${k}]`;
    if (shared) values[k] = toInternal(r as Quantity, 'current', field);
    else {
      perNeuron(r, n, 'current', field, row);
      values.set(row, k * n);
    }
  }
  return { n, rows, stepsPerRow, repeat: after === 'repeat', perNeuron: !shared, values, row: -1 };
}

/** Copies the row in force at `step` into `iBias` when it is not the row written last. Allocation-free. */
export function applyCurrentSchedule(c: CurrentSchedule, iBias: Float64Array | Float32Array, step: number): void {
  let k = Math.floor(step / c.stepsPerRow);
  if (k >= c.rows) k = c.repeat ? k % c.rows : c.rows - 1;
  if (k === c.row) return;
  c.row = k;
  const v = c.values;
  const n = c.n;
  if (c.perNeuron) {
    const off = k * n;
    for (let i = 0; i < n; i++) iBias[i] = v[off + i];
  } else {
    const x = v[k];
    for (let i = 0; i < n; i++) iBias[i] = x;
  }
}
