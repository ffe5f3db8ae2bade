/**
 * The figures of `memspike plot`, from a loaded model and its evaluations (pure: returns the files'
 * bytes and the numbers they show; the command validates, evaluates and writes):
 *
 *   receptive-fields.png   input → excitatory weights of every neuron as 28 × 28 tiles (one colour
 *                          scale: weight for float models, the conductance difference in µS for
 *                          device synapses), the neuron's label under its tile
 *   thresholds.svg         histogram of the excitatory neurons' effective thresholds vThresh + θ [mV]
 *   conductances.svg       histograms of the programmed conductances G⁺ and G⁻ [µS] (device models)
 *   pulses.svg             distribution of the pulses each device received (device models)
 *   confusion.svg          confusion matrix of the temporal evaluation, with its accuracy
 *   drift.svg              crossbar accuracy against array age (log axis), with and without global
 *                          drift compensation
 */
import { FAULT_COUNT } from '../../core/devices/array.js';
import type { SavedModel } from '../../networks/diehl-cook/model-file.js';
import { DIEHL_COOK } from '../../networks/diehl-cook/network.js';
import type { CrossbarResult, TemporalResult } from '../../networks/diehl-cook/results.js';
import { barsSvg, confusionSvg, histogramSvg, lineChartSvg } from './charts.js';
import { receptiveFieldsPng } from './receptive-fields.js';
import { niceTicks, tickLabel } from './scale.js';

/** 12345 → '12 345'. */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** '1 neuron', '400 neurons'. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${grouped(n)} ${n === 1 ? one : many}`;
}

/** The model in a few words: '400 neurons · hfs2 differential pairs (wMax 0.5) · 10 000 training images · seed 1' (without the neurons: `neurons` false). */
export function describeModel(m: SavedModel, neurons = true): string {
  const s = m.spec;
  const store = s.device === 'float' ? 'float weights' : `${s.device} ${s.cell === 'pair' ? 'differential pairs' : 'single devices'} (wMax ${s.wMax})`;
  return `${neurons ? `${count(s.neurons, 'neuron')} · ` : ''}${store} · ${count(m.trained.trainedSamples, 'training image')} · seed ${s.seed}`;
}

export interface PngFile {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

/** The receptive-field image, its colour range and the values' extremes (in the figure's unit). */
export function receptiveFieldsFigure(m: SavedModel): PngFile & { readonly unit: string; readonly lo: number; readonly hi: number; readonly min: number; readonly max: number } {
  const model = m.trained.model;
  const store = model.inputToExc.store;
  const n = model.options.nExc;
  const w = store.weights;
  let values: Float32Array = w;
  let unit = 'weight (dimensionless)';
  let what = 'weight';
  if (store.kind === 'memristive') {
    // w = scale·(G⁺ − G⁻) (pair) or scale·(G − Gmin) (single), from the drifted conductances the network reads
    values = new Float32Array(w.length);
    const inv = 1 / store.scale;
    for (let k = 0; k < w.length; k++) values[k] = w[k] * inv;
    unit = store.mode === 'pair' ? 'G⁺ − G⁻ (µS)' : 'G − Gmin (µS)';
    what = store.mode === 'pair' ? 'conductance difference G⁺ − G⁻' : 'conductance above Gmin';
  }
  const labels = m.trained.labels;
  const labelled = labels.some((l) => l >= 0);
  const r = receptiveFieldsPng({
    values,
    neurons: n,
    labels: labelled ? labels : null,
    unit,
    title: [
      `Receptive fields of ${count(n, 'excitatory neuron')}`,
      describeModel(m, false),
      `a tile: one neuron's input ${what} per pixel of the 28×28 image${labelled ? '; under it: its label (–: none)' : '; no labels yet'}`,
    ],
  });
  return { png: r.png, width: r.layout.width, height: r.layout.height, unit, lo: r.lo, hi: r.hi, min: r.min, max: r.max };
}

/** The excitatory neurons' effective thresholds vThresh + θ [mV]. */
export function effectiveThresholds(m: SavedModel): { readonly values: Float64Array; readonly initial: number } {
  const exc = { ...DIEHL_COOK.exc, ...(m.spec.excitatory ?? {}) };
  const theta = m.trained.model.exc.state.theta;
  const values = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) values[i] = exc.vThresh + theta[i];
  return { values, initial: exc.vThresh + exc.thetaInit };
}

function summary(v: ArrayLike<number>): { min: number; mean: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let k = 0; k < v.length; k++) {
    min = Math.min(min, v[k]);
    max = Math.max(max, v[k]);
    sum += v[k];
  }
  return { min, mean: sum / Math.max(1, v.length), max };
}

export function thresholdsFigure(m: SavedModel): { readonly svg: string; readonly stats: { min: number; mean: number; max: number } } {
  const { values, initial } = effectiveThresholds(m);
  const stats = summary(values);
  const svg = histogramSvg({
    title: 'Effective thresholds of the excitatory neurons',
    subtitle: describeModel(m),
    xLabel: 'effective threshold vThresh + θ (mV)',
    yLabel: 'neurons',
    series: [{ name: 'neurons', values }],
    markers: [{ x: initial, label: `untrained (θ = θinit): ${tickLabel(initial)} mV` }],
  });
  return { svg, stats: { min: round(stats.min, 4), mean: round(stats.mean, 4), max: round(stats.max, 4) } };
}

function round(v: number, digits: number): number {
  return Number(v.toPrecision(digits));
}

export interface DeviceStats {
  readonly name: string;
  readonly devices: number;
  /** programmed conductance [µS] */
  readonly gMin: number;
  readonly gMean: number;
  readonly gMax: number;
  readonly pulsesTotal: number;
  readonly pulsesMean: number;
  readonly pulsesMax: number;
  /** stuck-at faults (left out of the pulse counts) */
  readonly faults: number;
}

/** Power-of-two bins of pulse counts: 0, 1, 2–3, 4–7, … up to the largest. */
export function pulseBins(maxCount: number): { readonly labels: string[]; readonly binOf: (c: number) => number } {
  const labels = ['0'];
  for (let lo = 1; lo <= Math.max(1, maxCount); lo *= 2) labels.push(lo === 1 ? '1' : `${lo}–${2 * lo - 1}`);
  return { labels, binOf: (c: number) => (c === 0 ? 0 : 1 + Math.floor(Math.log2(c))) };
}

/** Conductance and pulse-count figures of a device model; null for float weights (no devices). */
export function deviceFigures(m: SavedModel): { readonly conductances: string; readonly pulses: string; readonly stats: DeviceStats[] } | null {
  const store = m.trained.model.inputToExc.store;
  if (store.kind !== 'memristive') return null;
  const pair = store.mode === 'pair';
  const names = pair ? ['G⁺', 'G⁻'] : ['G'];
  const device = store.device;
  const stats: DeviceStats[] = [];
  let maxCount = 0;
  const counts: Uint32Array[] = [];
  store.devices.forEach((d, k) => {
    const g = summary(d.g);
    let total = 0;
    let max = 0;
    let faults = 0;
    const c = d.pulseCount;
    for (let i = 0; i < c.length; i++) {
      if (c[i] === FAULT_COUNT) {
        faults++;
        continue;
      }
      total += c[i];
      if (c[i] > max) max = c[i];
    }
    maxCount = Math.max(maxCount, max);
    counts.push(c);
    stats.push({ name: names[k], devices: d.n, gMin: round(g.min, 6), gMean: round(g.mean, 6), gMax: round(g.max, 6), pulsesTotal: total, pulsesMean: round(total / Math.max(1, d.n - faults), 6), pulsesMax: max, faults });
  });
  const faults = stats.reduce((a, s) => a + s.faults, 0);
  const cell = pair ? `${grouped(store.size)} differential pairs (set-only)` : `${grouped(store.size)} single devices`;
  const conductances = histogramSvg({
    title: `Device conductances: ${device.name}, ${cell}`,
    subtitle: `programmed conductance (before drift) of every device\n${describeModel(m)}`,
    xLabel: 'conductance G (µS)',
    yLabel: 'devices',
    series: store.devices.map((d, k) => ({ name: `${names[k]} (mean ${tickLabel(round(stats[k].gMean, 4))} µS)`, values: d.g })),
    markers: [
      { x: device.gMin, label: `Gmin ${tickLabel(round(device.gMin, 5))} µS` },
      { x: device.gMax, label: `Gmax ${tickLabel(round(device.gMax, 5))} µS` },
    ],
  });
  const bins = pulseBins(maxCount);
  const series = counts.map((c, k) => {
    const h = new Array<number>(bins.labels.length).fill(0);
    for (let i = 0; i < c.length; i++) if (c[i] !== FAULT_COUNT) h[bins.binOf(c[i])]++;
    return { name: `${names[k]}: ${pair ? (k === 0 ? 'pulses that raise the weight' : 'pulses that lower the weight') : 'SET and RESET pulses'} (${grouped(stats[k].pulsesTotal)} in all)`, counts: h };
  });
  const pulses = barsSvg({
    title: `Pulses received per device: ${device.name}, ${cell}`,
    subtitle: `initial programming${pair ? ' and refreshes' : ''} included${faults > 0 ? `; ${grouped(faults)} stuck-at faults left out` : ''}\n${describeModel(m)}`,
    xLabel: 'pulses received by a device (bins of powers of two)',
    yLabel: 'devices (log scale)',
    categories: bins.labels,
    series,
    logY: true,
  });
  return { conductances, pulses, stats };
}

/** The confusion matrix of a temporal evaluation. */
export function confusionFigure(m: SavedModel, r: TemporalResult, testSource: string): string {
  return confusionSvg({
    title: `Confusion matrix: temporal simulation, accuracy ${(100 * r.accuracy).toFixed(2)} % (${grouped(r.correct)} of ${grouped(r.samples)})`,
    subtitle: `first ${grouped(r.samples)} images of ${testSource}\n${describeModel(m)}`,
    confusion: r.confusion,
  });
}

/** A short name of an age [ms]: 1 s, 1 h, 1 day, 1 month, 1 year, 10 years… */
export function ageLabel(ms: number): string {
  const units: readonly [number, string, string][] = [
    [315_576_000_000, 'decade', 'decades'],
    [31_557_600_000, 'year', 'years'],
    [2_629_800_000, 'month', 'months'],
    [604_800_000, 'week', 'weeks'],
    [86_400_000, 'day', 'days'],
    [3_600_000, 'h', 'h'],
    [60_000, 'min', 'min'],
    [1000, 's', 's'],
    [1, 'ms', 'ms'],
  ];
  for (const [size, one, many] of units) {
    const q = ms / size;
    if (q >= 1 && Math.abs(q - Math.round(q)) < 1e-9 * q) {
      if (one === 'decade') return `${Math.round(q) * 10} years`;
      return `${Math.round(q)} ${Math.round(q) === 1 ? one : many}`;
    }
  }
  return ms >= 1000 ? `${Number((ms / 1000).toPrecision(4))} s` : `${Number(ms.toPrecision(4))} ms`;
}

export interface DriftPoint {
  readonly ageMs: number;
  readonly age: string;
  readonly compensate: boolean;
  readonly accuracy: number;
  readonly correct: number;
  readonly samples: number;
}

/** Accuracy against array age, with and without compensation; the temporal accuracy as a reference. */
export function driftFigure(m: SavedModel, results: readonly CrossbarResult[], temporal: TemporalResult | null, testSource: string): { readonly svg: string; readonly points: DriftPoint[] } {
  const points: DriftPoint[] = results.map((r) => ({ ageMs: r.age, age: ageLabel(r.age), compensate: r.compensate, accuracy: r.accuracy, correct: r.correct, samples: r.samples }));
  const ages = [...new Set(points.map((p) => p.ageMs))].sort((a, b) => a - b);
  const lo = ages[0];
  const hi = ages[ages.length - 1];
  const span = Math.log10(hi / lo) || 1;
  const se = (p: DriftPoint) => 100 * Math.sqrt((p.accuracy * (1 - p.accuracy)) / p.samples);
  const accs = points.flatMap((p) => [100 * p.accuracy - se(p), 100 * p.accuracy + se(p)]).concat(temporal ? [100 * temporal.accuracy] : []);
  const yLo = Math.max(0, Math.floor((Math.min(...accs) - 5) / 5) * 5);
  const yHi = Math.min(100, Math.ceil((Math.max(...accs) + 5) / 5) * 5);
  const first = results[0];
  const series = [true, false].map((compensate) => ({
    name: compensate ? 'with global drift compensation' : 'without compensation',
    dashed: !compensate,
    points: points
      .filter((p) => p.compensate === compensate)
      .map((p) => ({ x: p.ageMs, y: 100 * p.accuracy, yErr: 100 * Math.sqrt((p.accuracy * (1 - p.accuracy)) / p.samples), data: { 'age-ms': p.ageMs, accuracy: p.accuracy, compensate: p.compensate } })),
  }));
  const svg = lineChartSvg({
    title: `Crossbar inference against drift: ${first.device}, ${first.program} programming, ${first.readout} readout`,
    subtitle: `first ${grouped(first.samples)} images of ${testSource} · bars: ±1 binomial standard error\n${describeModel(m)}`,
    xLabel: 'array age at read time (time since programming, log scale)',
    yLabel: 'accuracy (%)',
    x: { lo: lo / 10 ** (0.06 * span), hi: hi * 10 ** (0.06 * span), log: true, ticks: ages.map((a) => ({ value: a, label: ageLabel(a) })) },
    y: { lo: yLo, hi: yHi, ticks: niceTicks(yLo, yHi, 6).map((v) => ({ value: v, label: tickLabel(v) })) },
    series,
    refLines: temporal ? [{ y: 100 * temporal.accuracy, label: `temporal simulation (no drift): ${(100 * temporal.accuracy).toFixed(2)} %` }] : [],
  });
  return { svg, points };
}
