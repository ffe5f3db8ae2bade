/**
 * The receptive fields of a Diehl & Cook network as one PNG: the input → excitatory weights of
 * each excitatory neuron reshaped to the 28 × 28 input image, as a grid of tiles (neuron i at row
 * ⌊i / columns⌋, column i mod columns), one colour scale for all tiles (inferno: brighter = larger;
 * the 0.1 % at either end take the end colours) with its bar and unit, the neuron's assigned label under its tile, and a title.
 *
 * Layout (fieldsLayout; pure, so tests can find a tile's pixels): a grid of ⌈√n⌉ columns; each
 * input pixel is a `px` × `px` block, px = 6, 5, 4, 3, 2 for n ≤ 16, 64, 144, 900, more (400
 * neurons: 20 × 20 tiles of 84 px, a 2010 × 2192 image).
 */
import { GLYPH_HEIGHT, textWidth } from './font.js';
import { BLACK, colourOf, GREY, Raster, WHITE } from './raster.js';
import { niceTicks, tickLabel } from './scale.js';

export interface FieldsLayout {
  readonly neurons: number;
  readonly gridCols: number;
  readonly gridRows: number;
  /** image pixels per input pixel */
  readonly px: number;
  /** tile side [px] (28·px) */
  readonly tile: number;
  /** top-left corner of the grid, and the pitch from one tile to the next [px] */
  readonly x0: number;
  readonly y0: number;
  readonly pitchX: number;
  readonly pitchY: number;
  /** height of the label strip under each tile [px] */
  readonly labelHeight: number;
  /** the colour bar */
  readonly barX: number;
  readonly barY: number;
  readonly barWidth: number;
  readonly barHeight: number;
  readonly width: number;
  readonly height: number;
}

/** Input image side (MNIST). */
export const FIELD_SIDE = 28;
const GAP_X = 6;
const GAP_Y = 4;
const LABEL_SCALE = 2;
const LABEL_HEIGHT = GLYPH_HEIGHT * LABEL_SCALE + 2;
const MARGIN = 16;
/** title lines above the grid */
const TITLE_LINES = 3;
const TOP = 10 + 20 * TITLE_LINES + 8;
const BAR_AREA = 200;
const MIN_WIDTH = 760;

/** Pixels per input pixel for `n` tiles. */
function pxFor(n: number): number {
  return n <= 16 ? 6 : n <= 64 ? 5 : n <= 144 ? 4 : n <= 900 ? 3 : 2;
}

/** Where everything goes for `n` neurons. */
export function fieldsLayout(n: number): FieldsLayout {
  const gridCols = Math.ceil(Math.sqrt(n));
  const gridRows = Math.ceil(n / gridCols);
  const px = pxFor(n);
  const tile = FIELD_SIDE * px;
  const pitchX = tile + GAP_X;
  const pitchY = tile + LABEL_HEIGHT + GAP_Y;
  const gridW = gridCols * pitchX - GAP_X;
  const gridH = gridRows * pitchY - GAP_Y;
  const barX = MARGIN + gridW + 28;
  const barY = TOP + 28;
  const barHeight = Math.max(160, Math.min(512, gridH - 28));
  return {
    neurons: n,
    gridCols,
    gridRows,
    px,
    tile,
    x0: MARGIN,
    y0: TOP,
    pitchX,
    pitchY,
    labelHeight: LABEL_HEIGHT,
    barX,
    barY,
    barWidth: 24,
    barHeight,
    width: Math.max(MIN_WIDTH, MARGIN + gridW + BAR_AREA),
    height: Math.max(TOP + gridH, barY + barHeight + 24) + MARGIN,
  };
}

/** Top-left pixel of neuron i's tile. */
export function tileOrigin(l: FieldsLayout, i: number): { readonly x: number; readonly y: number } {
  return { x: l.x0 + (i % l.gridCols) * l.pitchX, y: l.y0 + Math.floor(i / l.gridCols) * l.pitchY };
}

export interface FieldsFigure {
  /** input → neuron values, inputs × neurons row-major (input j, neuron i at j·neurons + i), in display units */
  readonly values: Float32Array | Float64Array;
  readonly neurons: number;
  /** each neuron's label (−1: none), or null when the model has no labels */
  readonly labels: ArrayLike<number> | null;
  /** what the colour encodes, with its unit: 'weight (dimensionless)', 'G⁺ − G⁻ (µS)' */
  readonly unit: string;
  /** the title's lines (the first in bold black, the others grey), each shrunk to fit */
  readonly title: readonly string[];
}

/** Share of the values left out at each end of the colour scale (they take its end colours). */
export const CLIP_QUANTILE = 0.001;

/**
 * The colour range of a figure: from min(0, the 0.1 % quantile) to the 99.9 % quantile, so that a
 * few devices far outside the window (device-to-device variation of the bounds) do not wash out
 * every tile; 0 is always on the bar. Also the values' own extremes.
 */
export function fieldsRange(values: ArrayLike<number>): { readonly lo: number; readonly hi: number; readonly min: number; readonly max: number } {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const min = n > 0 ? sorted[0] : 0;
  const max = n > 0 ? sorted[n - 1] : 1;
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))))];
  let lo = Math.min(0, n > 0 ? at(CLIP_QUANTILE) : 0);
  let hi = n > 0 ? at(1 - CLIP_QUANTILE) : 1;
  if (!(hi > lo)) {
    lo = Math.min(0, min);
    hi = max > lo ? max : lo + 1;
  }
  return { lo, hi, min, max };
}

/** Renders the figure; returns the PNG, its layout and colour range. */
export function receptiveFieldsPng(f: FieldsFigure): { readonly png: Buffer; readonly layout: FieldsLayout; readonly lo: number; readonly hi: number; readonly min: number; readonly max: number } {
  const n = f.neurons;
  const l = fieldsLayout(n);
  const inputs = FIELD_SIDE * FIELD_SIDE;
  if (f.values.length !== inputs * n) throw new Error(`receptive fields: ${f.values.length} values for ${inputs} inputs × ${n} neurons.`);
  const { lo, hi, min, max } = fieldsRange(f.values);
  const img = new Raster(l.width, l.height, WHITE);
  // title lines: scale 2 when they fit, else 1
  f.title.slice(0, TITLE_LINES).forEach((s, k) => img.text(s, MARGIN, 10 + 20 * k, textWidth(s, 2) <= l.width - 2 * MARGIN ? 2 : 1, k === 0 ? BLACK : GREY));
  const anyLabel = f.labels !== null && Array.from(f.labels).some((c) => c >= 0);
  for (let i = 0; i < n; i++) {
    const { x, y } = tileOrigin(l, i);
    for (let r = 0; r < FIELD_SIDE; r++) {
      for (let c = 0; c < FIELD_SIDE; c++) img.fillRect(x + c * l.px, y + r * l.px, l.px, l.px, colourOf(f.values[(r * FIELD_SIDE + c) * n + i], lo, hi));
    }
    if (anyLabel) {
      const label = f.labels![i];
      img.text(label >= 0 ? String(label) : '–', x + l.tile / 2, y + l.tile + 2, LABEL_SCALE, label >= 0 ? BLACK : GREY, 'middle');
    }
  }
  // the colour bar: hi at the top, lo at the bottom, with its unit above and ticks on the right
  img.text(f.unit, l.barX, l.barY - 22, textWidth(f.unit, 2) <= l.width - l.barX - 8 ? 2 : 1, BLACK);
  for (let k = 0; k < l.barHeight; k++) img.fillRect(l.barX, l.barY + k, l.barWidth, 1, colourOf(hi - ((hi - lo) * k) / (l.barHeight - 1), lo, hi));
  img.strokeRect(l.barX - 1, l.barY - 1, l.barWidth + 2, l.barHeight + 2, BLACK);
  const yOf = (v: number) => Math.round(l.barY + ((hi - v) / (hi - lo)) * (l.barHeight - 1));
  for (const t of niceTicks(lo, hi, 6)) {
    const y = yOf(t);
    img.fillRect(l.barX + l.barWidth, y, 5, 1, BLACK);
    img.text(tickLabel(t), l.barX + l.barWidth + 8, y - GLYPH_HEIGHT + 1, 2, BLACK);
  }
  // clipped ends: the values beyond them, in grey below the bar
  const notes: string[] = [];
  if (max > hi) notes.push(`≥ ${tickLabel(Number(hi.toPrecision(3)))}: up to ${tickLabel(Number(max.toPrecision(3)))}`);
  if (min < lo) notes.push(`≤ ${tickLabel(Number(lo.toPrecision(3)))}: down to ${tickLabel(Number(min.toPrecision(3)))}`);
  if (notes.length > 0) notes.unshift(`scale: ${100 * CLIP_QUANTILE}–${100 - 100 * CLIP_QUANTILE} % quantiles`);
  notes.forEach((s, k) => img.text(s, l.barX, l.barY + l.barHeight + 10 + 12 * k, 1, GREY));
  return { png: img.encodePng(), layout: l, lo, hi, min, max };
}
