/**
 * `memspike sweep collect DIR`, and the end of every sweep: the table of whatever results are in
 * DIR (a sweep that is still running, or the shards of an array job that have finished so far).
 *
 *   DIR/results.jsonl   every valid trial result of the sweep, one JSON object a line, by index
 *   DIR/table.csv       one row per result: index, id, one column per axis, repeat, status,
 *                       attempts, one column per metric (trial.ts trialMetrics), wall time, error
 *   DIR/table.md        one row per grid point: the axes, runs done (and failed), and mean ± std
 *                       over its repeats of the summary metrics (accuracies, model pulses, seconds)
 *   DIR/plots/<metric>--<axis>.svg   each metric against each axis, mean ± std over repeats; with
 *                       several axes one line per combination of the others (at most
 *                       MAX_SERIES, else pooled over them, as the subtitle says)
 *
 * Every file is written atomically. Results of trials that are not in DIR's sweep (the folder was
 * shared by mistake) and invalid result files are reported (`warn`) and left out.
 */
import { join } from 'node:path';
import { expandTrials, sweepId, type SweepSpec, type Trial } from '../../networks/sweep/spec.js';
import { lineChartSvg, type LineChart } from '../figures/charts.js';
import { niceTicks } from '../figures/scale.js';
import { writeOutputFile } from '../output-path.js';
import { readSweepFolder } from './folder.js';
import { readTrialResults, type TrialResult } from './trial.js';

/** What collect found and wrote. */
export interface SweepCollection {
  readonly sweep: SweepSpec;
  readonly trials: readonly Trial[];
  /** the valid results of the sweep's trials, by index */
  readonly results: readonly TrialResult[];
  readonly done: number;
  readonly failed: number;
  /** trials without a result yet */
  readonly missing: readonly Trial[];
  /** the metric columns of the table, in order */
  readonly metrics: readonly string[];
  /** table.md's table (without its note) */
  readonly table: string;
  /** the files written (paths under DIR) */
  readonly files: readonly string[];
}

/** Lines of one plot at most; beyond it a plot pools over the other axes. */
export const MAX_SERIES = 6;

/** A metric shown as a percentage (an accuracy is a fraction in results). */
function isAccuracy(metric: string): boolean {
  return metric === 'accuracy' || metric.endsWith('.accuracy') || metric.endsWith('.runningAccuracy');
}

/**
 * The metrics of table.md: the accuracies of the evaluations (the first one as `accuracy` only:
 * its own column would repeat it), the model's pulses and the wall time.
 */
function summaryMetrics(metrics: readonly string[]): string[] {
  const firstEvaluation = metrics.find((m) => m.endsWith('.accuracy'));
  return metrics.filter((m) => (m === 'accuracy' || (m.endsWith('.accuracy') && m !== firstEvaluation) || m === 'model.pulses' || m === 'seconds'));
}

/** Mean and sample standard deviation (0 for one value). */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

/** An axis value as a table cell: numbers and strings as they are, anything else as JSON. */
function cellOf(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? '');
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The metric names of the results, in the order first met (a sweep's trials share one schedule shape). */
function metricNames(results: readonly TrialResult[]): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    for (const k of Object.keys(r.metrics)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  return names;
}

function tableCsv(axes: readonly string[], metrics: readonly string[], results: readonly TrialResult[]): string {
  const head = ['index', 'id', ...axes, 'repeat', 'status', 'attempts', ...metrics, 'wallSeconds', 'error'];
  const rows = results.map((r) => [String(r.index), r.id, ...axes.map((a) => cellOf(r.axes[a])), String(r.repeat), r.status, String(r.attempts), ...metrics.map((m) => (r.metrics[m] === undefined ? '' : String(r.metrics[m]))), String(r.provenance.wallSeconds), r.error ?? '']);
  return `${[head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

/** A metric's mean ± std as a table cell (accuracies in %). */
function statCell(metric: string, xs: readonly number[]): string {
  if (xs.length === 0) return '–';
  const { mean, std } = meanStd(xs);
  const scale = isAccuracy(metric) ? 100 : 1;
  const digits = isAccuracy(metric) ? 2 : Math.abs(mean) >= 100 ? 0 : 3;
  const m = (scale * mean).toFixed(digits);
  return xs.length > 1 ? `${m} ± ${(scale * std).toFixed(digits)}` : m;
}

/** The grid points of a sweep (its trials with repeat 0), with the results of their repeats. */
function gridPoints(trials: readonly Trial[], byId: ReadonlyMap<string, TrialResult>, repeats: number): { axes: Readonly<Record<string, unknown>>; results: TrialResult[] }[] {
  const points: { axes: Readonly<Record<string, unknown>>; results: TrialResult[] }[] = [];
  for (const t of trials) {
    const p = Math.floor(t.index / repeats);
    if (points[p] === undefined) points[p] = { axes: t.axes, results: [] };
    const r = byId.get(t.id);
    if (r !== undefined) points[p].results.push(r);
  }
  return points;
}

function tableMd(c: { sweep: SweepSpec; trials: readonly Trial[]; byId: ReadonlyMap<string, TrialResult>; metrics: readonly string[]; id: string; done: number; failed: number }): { note: string; table: string } {
  const axes = Object.keys(c.sweep.axes);
  const shown = summaryMetrics(c.metrics);
  const points = gridPoints(c.trials, c.byId, c.sweep.repeats);
  const head = [...axes, 'runs', ...shown.map((m) => (isAccuracy(m) ? `${m} [%]` : m))];
  const lines = [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const p of points) {
    const done = p.results.filter((r) => r.status === 'done');
    const failed = p.results.length - done.length;
    const runs = `${done.length}/${c.sweep.repeats}${failed > 0 ? ` (${failed} failed)` : ''}`;
    lines.push(`| ${[...axes.map((a) => mdCell(cellOf(p.axes[a]))), runs, ...shown.map((m) => statCell(m, done.flatMap((r) => (r.metrics[m] === undefined ? [] : [r.metrics[m]]))))].join(' | ')} |`);
  }
  const missing = c.trials.length - c.done - c.failed;
  const note = `Sweep ${c.id}: ${c.trials.length} trials (${c.sweep.repeats} repeat${c.sweep.repeats === 1 ? '' : 's'} of each grid point, seeds seed, seed + 1, …): ${c.done} done, ${c.failed} failed, ${missing} not run yet. Mean ± standard deviation over the repeats that are done; every metric of every trial is in table.csv.`;
  return { note, table: `${lines.join('\n')}\n` };
}

/** A file name part from a metric or axis name. */
function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_.#-]+/g, '_').replace(/#/g, '-');
}

/** The x positions of an axis's values: the numbers themselves (log when they span ≥ 10× and are > 0), else evenly spaced categories. */
function xAxisOf(values: readonly unknown[]): { pos: (v: unknown) => number; axis: LineChart['x']; log: boolean } {
  const numeric = values.every((v) => typeof v === 'number');
  if (numeric && values.length > 1) {
    const xs = values as number[];
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    const log = lo > 0 && hi / lo >= 10;
    if (log) return { pos: (v) => v as number, axis: { lo: lo / 1.3, hi: hi * 1.3, log: true, ticks: xs.map((x) => ({ value: x, label: String(x) })) }, log };
    const pad = (hi - lo) * 0.05;
    return { pos: (v) => v as number, axis: { lo: lo - pad, hi: hi + pad }, log };
  }
  const keys = values.map((v) => JSON.stringify(v));
  return { pos: (v) => keys.indexOf(JSON.stringify(v)), axis: { lo: -0.5, hi: values.length - 0.5, ticks: values.map((v, k) => ({ value: k, label: cellOf(v) })) }, log: false };
}

/** The base's network in a few words, leaving out what the axes vary: ': 400 neurons, hfs2 pair, rule diehlCook'. */
function baseLine(sweep: SweepSpec): string {
  const varied = new Set(Object.keys(sweep.axes).map((a) => a.split(/[.[]/)[0]));
  const b = sweep.base;
  const parts: string[] = [];
  if (!varied.has('neurons')) parts.push(`${b.neurons} neurons`);
  if (!varied.has('device')) parts.push(b.device === 'float' ? 'float weights' : `${b.device}${varied.has('cell') || b.cell === null ? '' : ` ${b.cell}`}`);
  if (!varied.has('rule')) parts.push(`rule ${b.rule}`);
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
}

/** One plot: `metric` against `axis`, a line per combination of the other axes (or pooled over them). */
function plotSvg(c: { sweep: SweepSpec; trials: readonly Trial[]; byId: ReadonlyMap<string, TrialResult>; metric: string; axis: string; id: string }): string | null {
  const axes = Object.keys(c.sweep.axes);
  const others = axes.filter((a) => a !== c.axis);
  const combos = others.reduce((n, a) => n * c.sweep.axes[a].length, 1);
  const pooled = combos > MAX_SERIES;
  const scale = isAccuracy(c.metric) ? 100 : 1;
  const x = xAxisOf(c.sweep.axes[c.axis]);
  // series key → x value key → values of the metric
  const series = new Map<string, Map<string, number[]>>();
  for (const t of c.trials) {
    const r = c.byId.get(t.id);
    const v = r?.status === 'done' ? r.metrics[c.metric] : undefined;
    if (v === undefined) continue;
    const key = pooled || others.length === 0 ? '' : others.map((a) => `${a} = ${cellOf(t.axes[a])}`).join(', ');
    const s = series.get(key) ?? new Map<string, number[]>();
    series.set(key, s);
    const xk = JSON.stringify(t.axes[c.axis]);
    s.set(xk, [...(s.get(xk) ?? []), scale * v]);
  }
  if (series.size === 0) return null;
  const lines = [...series.entries()].map(([name, points]) => ({
    name: name === '' ? c.metric : name,
    points: c.sweep.axes[c.axis]
      .filter((v) => points.has(JSON.stringify(v)))
      .map((v) => {
        const ys = points.get(JSON.stringify(v))!;
        const { mean, std } = meanStd(ys);
        return { x: x.pos(v), y: mean, yErr: std, data: { n: ys.length, value: cellOf(v) } };
      }),
  }));
  const ys = lines.flatMap((l) => l.points.flatMap((p) => [p.y - p.yErr, p.y + p.yErr]));
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (hi - lo < 1e-12) {
    const d = Math.abs(hi) * 0.05 || 1;
    lo -= d;
    hi += d;
  }
  const pad = (hi - lo) * 0.08;
  const yLo = lo - pad;
  const yHi = hi + pad;
  const ticks = niceTicks(yLo, yHi, 5);
  const spread = c.sweep.repeats > 1 ? `mean ± std over ${c.sweep.repeats} repeats (seeds)` : 'one run per point';
  const pooledNote = pooled ? `; pooled over ${others.join(', ')} (${combos} combinations)` : '';
  return lineChartSvg({
    title: `${c.metric} against ${c.axis}`,
    subtitle: `memspike sweep ${c.id}${baseLine(c.sweep)}\n${spread}${pooledNote}`,
    xLabel: `${c.axis}${x.log ? ' (log)' : ''}`,
    yLabel: isAccuracy(c.metric) ? `${c.metric} [%]` : c.metric,
    x: x.axis,
    y: { lo: Math.min(yLo, ticks[0] ?? yLo), hi: Math.max(yHi, ticks[ticks.length - 1] ?? yHi) },
    series: lines,
  });
}

/**
 * Builds the table and plots of DIR's sweep from the results there (see the module doc); returns
 * what it found. `warn` hears about result files it leaves out.
 */
export function collectSweep(outDir: string, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): SweepCollection {
  const sweep = readSweepFolder(outDir);
  const trials = expandTrials(sweep);
  const ids = new Map(trials.map((t) => [t.id, t]));
  const all = readTrialResults(outDir, (file, problem) => warn(`memspike sweep collect: ${file} is left out: ${problem}.`));
  const results: TrialResult[] = [];
  for (const r of all) {
    const t = ids.get(r.id);
    if (t === undefined) warn(`memspike sweep collect: ${join(outDir, 'trials', `${r.id}.json`)} is left out: its trial is not in this folder's sweep.`);
    // the index and axes are the sweep's (a result file only records them)
    else results.push({ ...r, index: t.index, axes: t.axes, repeat: t.repeat });
  }
  results.sort((a, b) => a.index - b.index);
  const byId = new Map(results.map((r) => [r.id, r]));
  const metrics = metricNames(results);
  const axes = Object.keys(sweep.axes);
  const id = sweepId(sweep);
  const done = results.filter((r) => r.status === 'done').length;
  const failed = results.length - done;
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    writeOutputFile('DIR', join(outDir, name), text, { createFolders: true });
    files.push(name);
  };
  write('results.jsonl', results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  write('table.csv', tableCsv(axes, metrics, results));
  const md = tableMd({ sweep, trials, byId, metrics, id, done, failed });
  write('table.md', `${md.note}\n\n${md.table}`);
  for (const metric of metrics) {
    for (const axis of axes) {
      const svg = plotSvg({ sweep, trials, byId, metric, axis, id });
      if (svg !== null) write(join('plots', `${slug(metric)}--${slug(axis)}.svg`), svg);
    }
  }
  return { sweep, trials, results, done, failed, missing: trials.filter((t) => !byId.has(t.id)), metrics, table: md.table, files };
}
