/**
 * SVG charts of `memspike plot` (pure: strings in, a string out; the command writes the files):
 * histograms, binned bar charts (log y where counts span decades), line charts with a log x axis,
 * and a confusion matrix. Every chart has a title, axis labels with units, ticks and a legend
 * where there is more than one series. In the style of the device lab's figure (core/devices/svg.ts):
 * plain SVG 1.1, sans-serif, white background.
 *
 * Marks carry their data as attributes (data-*), so a figure can be checked against the numbers
 * it shows without parsing geometry.
 */
import { niceTicks, tickLabel } from './scale.js';

const W = 760;
const H = 470;
const PAD = { l: 76, r: 24, t: 76, b: 58 };

/** Colours of series (colour-blind safe: Okabe–Ito blue, vermilion, bluish green, orange). */
export const SERIES_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#E69F00'] as const;

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f1 = (v: number): string => v.toFixed(1);

interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly log?: boolean;
  /** explicit ticks (default: nice ticks of the range) */
  readonly ticks?: readonly { readonly value: number; readonly label: string }[];
}

interface Frame {
  readonly parts: string[];
  readonly sx: (x: number) => number;
  readonly sy: (y: number) => number;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Up to two grey lines under the title (`subtitle` split at '\n'). */
function subtitleLines(parts: string[], subtitle: string, width: number): void {
  subtitle
    .split('\n')
    .slice(0, 2)
    .forEach((line, k) => parts.push(`<text class="subtitle" x="${width / 2}" y="${41 + 16 * k}" text-anchor="middle" fill="#555">${esc(line)}</text>`));
}

/** The SVG header, title, subtitle, plot frame, ticks and axis labels. */
function frame(title: string, subtitle: string, xLabel: string, yLabel: string, x: Axis, y: Axis, slantX = false): Frame {
  const left = PAD.l;
  const top = PAD.t;
  const width = W - PAD.l - PAD.r;
  const height = H - PAD.t - PAD.b;
  const map = (a: Axis, v: number, from: number, span: number, flip: boolean): number => {
    const t = a.log ? (Math.log10(v) - Math.log10(a.lo)) / (Math.log10(a.hi) - Math.log10(a.lo)) : (v - a.lo) / (a.hi - a.lo);
    return flip ? from + span - t * span : from + t * span;
  };
  const sx = (v: number) => map(x, v, left, width, false);
  const sy = (v: number) => map(y, v, top, height, true);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<title>${esc(title)}</title>`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text class="title" x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`);
  subtitleLines(parts, subtitle, W);
  parts.push(`<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#444"/>`);
  const xt = x.ticks ?? niceTicks(x.lo, x.hi, 6).map((v) => ({ value: v, label: tickLabel(v) }));
  for (const t of xt) {
    const px = f1(sx(t.value));
    const label = slantX
      ? `<text x="${px}" y="${top + height + 14}" text-anchor="end" font-size="11" transform="rotate(-30 ${px} ${top + height + 14})">${esc(t.label)}</text>`
      : `<text x="${px}" y="${top + height + 18}" text-anchor="middle">${esc(t.label)}</text>`;
    parts.push(`<line x1="${px}" x2="${px}" y1="${top + height}" y2="${top + height + 5}" stroke="#444"/>${label}`);
  }
  const yt = y.ticks ?? niceTicks(y.lo, y.hi, 5).map((v) => ({ value: v, label: tickLabel(v) }));
  for (const t of yt) {
    const py = f1(sy(t.value));
    parts.push(`<line x1="${left - 5}" x2="${left}" y1="${py}" y2="${py}" stroke="#444"/><line x1="${left}" x2="${left + width}" y1="${py}" y2="${py}" stroke="#eee"/><text x="${left - 8}" y="${f1(sy(t.value) + 4)}" text-anchor="end">${esc(t.label)}</text>`);
  }
  parts.push(`<text class="x-label" x="${left + width / 2}" y="${slantX ? H - 4 : H - 14}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text class="y-label" transform="translate(18 ${top + height / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  return { parts, sx, sy, left, top, width, height };
}

const REF_COLOUR = '#555';

type LegendItem = { readonly name: string; readonly colour: string; readonly dash?: string | null; readonly kind: 'box' | 'line' };
/** A corner of the plot area: 'left' and 'right' are the top corners. */
type LegendCorner = 'right' | 'left' | 'bottom-left' | 'bottom-right';

/** The legend's box in a corner of the plot area [px]. */
function legendBox(fr: Frame, items: readonly LegendItem[], where: LegendCorner): { x: number; y: number; w: number; h: number } {
  const w = Math.max(...items.map((i) => 7 * i.name.length)) + 40;
  const h = items.length * 18 + 8;
  const x = where === 'right' || where === 'bottom-right' ? fr.left + fr.width - w - 8 : fr.left + 8;
  const y = where === 'bottom-left' || where === 'bottom-right' ? fr.top + fr.height - h - 8 : fr.top + 8;
  return { x, y, w, h };
}

/** Of the corners (in order of preference), the one whose legend box covers the fewest of the given points [px]. */
function freestCorner(fr: Frame, items: readonly LegendItem[], points: readonly (readonly [number, number])[], corners: readonly LegendCorner[]): LegendCorner {
  let best = corners[0];
  let fewest = Infinity;
  for (const corner of corners) {
    const b = legendBox(fr, items, corner);
    const covered = points.filter(([px, py]) => px >= b.x - 6 && px <= b.x + b.w + 6 && py >= b.y - 6 && py <= b.y + b.h + 6).length;
    if (covered < fewest) {
      fewest = covered;
      best = corner;
    }
  }
  return best;
}

function legend(fr: Frame, items: readonly LegendItem[], where: LegendCorner = 'right'): void {
  if (items.length === 0) return;
  const { x, y, w, h } = legendBox(fr, items, where);
  fr.parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
  items.forEach((it, k) => {
    const cy = y + 14 + 18 * k;
    if (it.kind === 'box') fr.parts.push(`<rect x="${x + 8}" y="${cy - 6}" width="16" height="10" fill="${it.colour}" fill-opacity="0.6" stroke="${it.colour}"/>`);
    else fr.parts.push(`<line x1="${x + 6}" x2="${x + 26}" y1="${cy - 1}" y2="${cy - 1}" stroke="${it.colour}" stroke-width="2"${it.dash ? ` stroke-dasharray="${it.dash}"` : ''}/>`);
    fr.parts.push(`<text x="${x + 32}" y="${cy + 3}">${esc(it.name)}</text>`);
  });
}

function close(fr: Frame): string {
  fr.parts.push('</svg>');
  return `${fr.parts.join('\n')}\n`;
}

export interface HistogramSeries {
  readonly name: string;
  readonly values: ArrayLike<number>;
}

export interface HistogramChart {
  readonly title: string;
  /** one or two lines (split at '\n') */
  readonly subtitle: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly HistogramSeries[];
  /** bins (default: √(values), between 10 and 50) */
  readonly bins?: number;
  /** vertical reference lines (e.g. a device's window, the initial threshold) */
  readonly markers?: readonly { readonly x: number; readonly label: string }[];
}

/** Equal-width bin counts of `values` over [lo, hi] (the last bin closed). */
export function binCounts(values: ArrayLike<number>, lo: number, hi: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  for (let k = 0; k < values.length; k++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((values[k] - lo) / w)));
    counts[b]++;
  }
  return counts;
}

/** Overlaid histograms of one quantity (same bins for every series). */
export function histogramSvg(c: HistogramChart): string {
  let lo = Infinity;
  let hi = -Infinity;
  let total = 0;
  for (const s of c.series) {
    total = Math.max(total, s.values.length);
    for (let k = 0; k < s.values.length; k++) {
      lo = Math.min(lo, s.values[k]);
      hi = Math.max(hi, s.values[k]);
    }
  }
  for (const m of c.markers ?? []) {
    lo = Math.min(lo, m.x);
    hi = Math.max(hi, m.x);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = 0.02 * (hi - lo);
  lo -= pad;
  hi += pad;
  const bins = c.bins ?? Math.max(10, Math.min(50, Math.round(Math.sqrt(total))));
  const counts = c.series.map((s) => binCounts(s.values, lo, hi, bins));
  const top = Math.max(1, ...counts.flat());
  const fr = frame(c.title, c.subtitle, c.xLabel, c.yLabel, { lo, hi }, { lo: 0, hi: top * 1.08, ticks: niceTicks(0, top * 1.08, 5).filter((v) => Number.isInteger(v)).map((v) => ({ value: v, label: tickLabel(v) })) });
  const w = (hi - lo) / bins;
  c.series.forEach((s, si) => {
    const colour = SERIES_COLOURS[si % SERIES_COLOURS.length];
    for (let b = 0; b < bins; b++) {
      const x0 = fr.sx(lo + b * w);
      const x1 = fr.sx(lo + (b + 1) * w);
      const y = fr.sy(counts[si][b]);
      fr.parts.push(
        `<rect class="bar" data-series="${esc(s.name)}" data-lo="${lo + b * w}" data-hi="${lo + (b + 1) * w}" data-count="${counts[si][b]}" x="${f1(x0)}" y="${f1(y)}" width="${f1(Math.max(0, x1 - x0))}" height="${f1(fr.sy(0) - y)}" fill="${colour}" fill-opacity="${c.series.length > 1 ? 0.5 : 0.75}" stroke="${colour}" stroke-width="0.5"/>`,
      );
    }
  });
  for (const m of c.markers ?? []) {
    const x = f1(fr.sx(m.x));
    fr.parts.push(`<line class="marker" x1="${x}" x2="${x}" y1="${fr.top}" y2="${fr.top + fr.height}" stroke="#333" stroke-dasharray="5 4"/>`);
    fr.parts.push(`<text x="${f1(fr.sx(m.x) + 4)}" y="${fr.top + fr.height - 8}" fill="#333" font-size="11">${esc(m.label)}</text>`);
  }
  if (c.series.length > 1) legend(fr, c.series.map((s, si) => ({ name: s.name, colour: SERIES_COLOURS[si % SERIES_COLOURS.length], kind: 'box' as const })));
  return close(fr);
}

export interface BarsChart {
  readonly title: string;
  /** one or two lines (split at '\n') */
  readonly subtitle: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** category labels along x */
  readonly categories: readonly string[];
  readonly series: readonly { readonly name: string; readonly counts: readonly number[] }[];
  /** log y axis (counts spanning decades); zero counts are drawn as no bar */
  readonly logY?: boolean;
}

/** Grouped bars over categories (one bar per series in each). */
export function barsSvg(c: BarsChart): string {
  const top = Math.max(1, ...c.series.flatMap((s) => s.counts));
  const nCat = c.categories.length;
  let y: Axis;
  if (c.logY) {
    const hi = 10 ** Math.ceil(Math.log10(top * 1.5));
    const ticks: { value: number; label: string }[] = [];
    const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
    for (let v = 1; v <= hi; v *= 10) ticks.push({ value: v, label: v >= 1e4 ? `10${[...String(Math.round(Math.log10(v)))].map((d) => SUP[Number(d)]).join('')}` : String(v) });
    y = { lo: 0.5, hi, log: true, ticks };
  } else y = { lo: 0, hi: top * 1.08 };
  const fr = frame(c.title, c.subtitle, c.xLabel, c.yLabel, { lo: 0, hi: nCat, ticks: c.categories.map((label, k) => ({ value: k + 0.5, label })) }, y, nCat > 9);
  const slot = fr.width / nCat;
  const bw = (0.8 * slot) / c.series.length;
  const base = fr.top + fr.height;
  c.series.forEach((s, si) => {
    const colour = SERIES_COLOURS[si % SERIES_COLOURS.length];
    s.counts.forEach((n, k) => {
      const x = fr.left + k * slot + 0.1 * slot + si * bw;
      const yTop = n > 0 ? fr.sy(n) : base;
      fr.parts.push(`<rect class="bar" data-series="${esc(s.name)}" data-category="${esc(c.categories[k])}" data-count="${n}" x="${f1(x)}" y="${f1(yTop)}" width="${f1(bw)}" height="${f1(base - yTop)}" fill="${colour}" fill-opacity="0.75" stroke="${colour}"/>`);
    });
  });
  if (c.series.length > 1) legend(fr, c.series.map((s, si) => ({ name: s.name, colour: SERIES_COLOURS[si % SERIES_COLOURS.length], kind: 'box' as const })));
  return close(fr);
}

export interface LinePoint {
  readonly x: number;
  readonly y: number;
  /** half-length of an error bar (y units), or none */
  readonly yErr?: number;
  /** extra data-* attributes of the point's mark */
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

export interface LineChart {
  readonly title: string;
  /** one or two lines (split at '\n') */
  readonly subtitle: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: Axis;
  readonly y: Axis;
  readonly series: readonly { readonly name: string; readonly points: readonly LinePoint[]; readonly dashed?: boolean }[];
  /** horizontal reference lines */
  readonly refLines?: readonly { readonly y: number; readonly label: string }[];
}

/** Lines with point marks (e.g. accuracy against age on a log axis). */
export function lineChartSvg(c: LineChart): string {
  const fr = frame(c.title, c.subtitle, c.xLabel, c.yLabel, c.x, c.y);
  for (const r of c.refLines ?? []) {
    const y = f1(fr.sy(r.y));
    fr.parts.push(`<line class="reference" data-y="${r.y}" x1="${fr.left}" x2="${fr.left + fr.width}" y1="${y}" y2="${y}" stroke="${REF_COLOUR}" stroke-dasharray="2 3"/>`);
  }
  c.series.forEach((s, si) => {
    const colour = SERIES_COLOURS[si % SERIES_COLOURS.length];
    const pts = s.points.map((p) => `${f1(fr.sx(p.x))},${f1(fr.sy(p.y))}`).join(' ');
    fr.parts.push(`<polyline points="${pts}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const p of s.points) {
      if (p.yErr !== undefined && p.yErr > 0) {
        const x = fr.sx(p.x) + (si - (c.series.length - 1) / 2) * 3; // side by side where series meet
        const y0 = f1(fr.sy(p.y - p.yErr));
        const y1 = f1(fr.sy(p.y + p.yErr));
        fr.parts.push(`<path class="error-bar" d="M${f1(x)},${y0}V${y1}M${f1(x - 3)},${y0}H${f1(x + 3)}M${f1(x - 3)},${y1}H${f1(x + 3)}" stroke="${colour}" stroke-opacity="0.6" fill="none"/>`);
      }
      const data = Object.entries(p.data ?? {})
        .map(([k, v]) => ` data-${k}="${esc(String(v))}"`)
        .join('');
      fr.parts.push(`<circle class="point" data-series="${esc(s.name)}" data-x="${p.x}" data-y="${p.y}"${data} cx="${f1(fr.sx(p.x))}" cy="${f1(fr.sy(p.y))}" r="4" fill="${colour}"/>`);
    }
  });
  // reference lines are named in the legend (a label on the plot would sit on the data), which
  // goes in the corner that hides the fewest points and error-bar ends
  const items: LegendItem[] = [
    ...c.series.map((s, si) => ({ name: s.name, colour: SERIES_COLOURS[si % SERIES_COLOURS.length], dash: s.dashed ? '6 4' : null, kind: 'line' as const })),
    ...(c.refLines ?? []).map((r) => ({ name: r.label, colour: REF_COLOUR, dash: '2 3', kind: 'line' as const })),
  ];
  const marks = c.series.flatMap((s) => s.points.flatMap((p) => {
    const px = fr.sx(p.x);
    const e = p.yErr ?? 0;
    return [[px, fr.sy(p.y)], [px, fr.sy(p.y - e)], [px, fr.sy(p.y + e)]] as (readonly [number, number])[];
  }));
  if (items.length > 0) legend(fr, items, freestCorner(fr, items, marks, ['left', 'right', 'bottom-left', 'bottom-right']));
  return close(fr);
}

export interface ConfusionChart {
  readonly title: string;
  /** one or two lines (split at '\n') */
  readonly subtitle: string;
  /** confusion[true][predicted]; a last column beyond the class count = no prediction */
  readonly confusion: readonly (readonly number[])[];
}

/** A confusion matrix: counts in the cells, shaded by the share of the true class's images. */
export function confusionSvg(c: ConfusionChart): string {
  const rows = c.confusion.length;
  const cols = c.confusion[0]?.length ?? 0;
  const size = Math.min(30, Math.floor(330 / rows));
  const cell = Math.max(size, 30);
  const gridW = cols * cell;
  const gridH = rows * cell;
  const width = Math.max(W, gridW + 220);
  const height = gridH + 160;
  const left = (width - gridW) / 2;
  const top = 110;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<title>${esc(c.title)}</title>`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text class="title" x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(c.title)}</text>`);
  subtitleLines(parts, c.subtitle, width);
  for (let r = 0; r < rows; r++) {
    const total = c.confusion[r].reduce((a, b) => a + b, 0);
    for (let p = 0; p < cols; p++) {
      const n = c.confusion[r][p];
      const share = total > 0 ? n / total : 0;
      // white → Okabe–Ito blue by share; text white on dark cells
      const mix = (a: number, b: number) => Math.round(a + share * (b - a));
      const fill = `rgb(${mix(255, 0)},${mix(255, 114)},${mix(255, 178)})`;
      const x = left + p * cell;
      const y = top + r * cell;
      parts.push(
        `<g class="cell" data-true="${r}" data-predicted="${p < rows ? p : 'none'}" data-count="${n}"><rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="${r === p ? '#333' : '#ddd'}"/>` +
          (n > 0 ? `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="11" fill="${share > 0.5 ? 'white' : 'black'}">${n}</text>` : '') +
          '</g>',
      );
    }
    parts.push(`<text x="${left - 8}" y="${top + r * cell + cell / 2 + 4}" text-anchor="end">${r}</text>`);
    parts.push(`<text class="row-total" x="${left + gridW + 8}" y="${top + r * cell + cell / 2 + 4}" fill="#555">${total}</text>`);
  }
  for (let p = 0; p < cols; p++) parts.push(`<text x="${left + p * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${p < rows ? p : 'none'}</text>`);
  parts.push(`<text x="${left + gridW + 8}" y="${top - 8}" fill="#555">images</text>`);
  parts.push(`<text class="x-label" x="${left + gridW / 2}" y="${top - 30}" text-anchor="middle">predicted label (none: no labelled neuron fired)</text>`);
  parts.push(`<text class="y-label" transform="translate(${left - 30} ${top + gridH / 2}) rotate(-90)" text-anchor="middle">true label</text>`);
  parts.push(`<text x="${width / 2}" y="${top + gridH + 26}" text-anchor="middle" fill="#555">cells: test images (count); shade: share of the true class's images</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
