/**
 * Canvas2D drawing shared by the panels: a device-pixel-ratio aware surface, a plot area with
 * axes, nice ticks, axis labels with units, a title and a legend; line series (decimated to the
 * pixel columns), bar histograms, heat maps from a Float32Array with a colour bar. Dark theme
 * (background #111, text #ddd), 11–12 px fonts.
 *
 * Panels draw into a `Surface` once per animation frame at most, and only when their data changed.
 */
import { logTicks, niceTicks, type Tick } from './stats.js';

export const THEME = {
  background: '#111',
  text: '#ddd',
  dim: '#999',
  grid: 'rgba(255,255,255,0.07)',
  axis: '#666',
  font: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  titleFont: '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  messageFont: '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
} as const;

/** Colours of the population roles (the raster's, so panels agree with it). */
export const ROLE_COLOURS = { input: '#b0bec5', exc: '#ff8a50', inh: '#4fc3f7' } as const;

/** Colours of further series, in order. */
export const PALETTE = ['#ff8a50', '#4fc3f7', '#aed581', '#ce93d8', '#ffd54f', '#f06292', '#4db6ac', '#90a4ae'] as const;

/** Default size of a panel canvas [CSS px]. */
export const CANVAS_W = 360;
export const CANVAS_H = 220;

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** A panel's root: `<section class="panel" data-testid="panel-<id>">` with its `<h2>` title. */
export function panelSection(id: string, title: string): HTMLElement {
  const section = document.createElement('section');
  section.className = 'panel';
  section.dataset['testid'] = `panel-${id}`;
  section.dataset['panel'] = id;
  const h2 = document.createElement('h2');
  h2.textContent = title;
  section.append(h2);
  return section;
}

/** A row of controls under a panel's title. */
export function controlRow(): HTMLDivElement {
  const row = document.createElement('div');
  row.className = 'panel-controls';
  row.style.cssText = 'display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:2px 0 4px;font:12px system-ui,sans-serif;color:#ddd';
  return row;
}

/** A `<select>` of labelled values, with a label before it. */
export function selectControl<T extends string>(label: string, options: readonly { readonly value: T; readonly label: string }[], value: T, testid: string, onChange: (v: T) => void): { readonly element: HTMLLabelElement; readonly select: HTMLSelectElement } {
  const element = document.createElement('label');
  element.style.cssText = 'display:inline-flex;gap:4px;align-items:center';
  element.append(document.createTextNode(label));
  const select = document.createElement('select');
  select.dataset['testid'] = testid;
  for (const o of options) {
    const opt = document.createElement('option');
    opt.value = o.value;
    opt.textContent = o.label;
    select.append(opt);
  }
  select.value = value;
  select.addEventListener('change', () => onChange(select.value as T));
  element.append(select);
  return { element, select };
}

export function buttonControl(text: string, testid: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.dataset['testid'] = testid;
  b.addEventListener('click', onClick);
  return b;
}

/** A line of text under the canvases (readouts and hints). */
export function noteLine(testid: string, text = ''): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = 'panel-note';
  p.dataset['testid'] = testid;
  p.style.cssText = 'margin:2px 0;font:12px system-ui,sans-serif;color:#bbb';
  p.textContent = text;
  return p;
}

/** A canvas of a fixed CSS size, backed by device pixels. */
export class Surface {
  readonly canvas: HTMLCanvasElement;
  readonly width: number;
  readonly height: number;
  private scratchCanvas: HTMLCanvasElement | null = null;
  private readonly images = new Map<string, ImageData>();

  constructor(width = CANVAS_W, height = CANVAS_H, testid?: string) {
    this.width = width;
    this.height = height;
    this.canvas = document.createElement('canvas');
    this.canvas.style.cssText = `display:block;width:${width}px;height:${height}px;background:${THEME.background}`;
    if (testid !== undefined) this.canvas.dataset['testid'] = testid;
    this.canvas.width = width;
    this.canvas.height = height;
  }

  /** Sizes the backing store to the device pixel ratio, clears to the background; returns the context in CSS px. */
  begin(): CanvasRenderingContext2D {
    const dpr = Math.min(4, Math.max(1, (typeof window !== 'undefined' && window.devicePixelRatio) || 1));
    const w = Math.round(this.width * dpr);
    const h = Math.round(this.height * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) throw new Error('this browser gives no 2D canvas context');
    ctx.setTransform(w / this.width, 0, 0, h / this.height, 0, 0);
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    ctx.fillStyle = THEME.background;
    ctx.fillRect(0, 0, this.width, this.height);
    ctx.font = THEME.font;
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.lineJoin = 'round';
    return ctx;
  }

  /** An ImageData of w × h pixels for the scratch canvas (reused while the size stays; contents are stale). */
  pixels(w: number, h: number): ImageData {
    const key = `${w}x${h}`;
    let img = this.images.get(key);
    if (img === undefined) {
      if (this.images.size > 4) this.images.clear();
      img = new ImageData(Math.max(1, w), Math.max(1, h));
      this.images.set(key, img);
    }
    return img;
  }

  /** An offscreen canvas of at least w × h pixels (reused), for images drawn pixel by pixel. */
  scratch(w: number, h: number): { readonly canvas: HTMLCanvasElement; readonly ctx: CanvasRenderingContext2D } {
    if (this.scratchCanvas === null) this.scratchCanvas = document.createElement('canvas');
    const c = this.scratchCanvas;
    if (c.width !== w || c.height !== h) {
      c.width = Math.max(1, w);
      c.height = Math.max(1, h);
    }
    const ctx = c.getContext('2d');
    if (ctx === null) throw new Error('this browser gives no 2D canvas context');
    return { canvas: c, ctx };
  }
}

/** Text shortened with an ellipsis to fit `maxWidth` px. */
export function fitText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ctx.measureText(text.slice(0, mid) + '…').width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + '…';
}

/** A plot title at the top left of a canvas (baseline at y). */
export function drawTitle(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxWidth: number, colour: string = THEME.text): void {
  ctx.save();
  ctx.font = THEME.titleFont;
  ctx.fillStyle = colour;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(fitText(ctx, text, maxWidth), x, y);
  ctx.restore();
}

/** Plain text in the theme's small font. */
export function drawText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, options: { readonly colour?: string; readonly align?: CanvasTextAlign; readonly maxWidth?: number; readonly bold?: boolean } = {}): void {
  ctx.save();
  ctx.font = options.bold ? THEME.titleFont : THEME.font;
  ctx.fillStyle = options.colour ?? THEME.text;
  ctx.textAlign = options.align ?? 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(options.maxWidth !== undefined ? fitText(ctx, text, options.maxWidth) : text, x, y);
  ctx.restore();
}

/** Centred lines of text in a rectangle (placeholders and "nothing to show" messages), wrapped to fit. */
export function drawMessage(ctx: CanvasRenderingContext2D, rect: Rect, text: string, colour: string = THEME.dim): void {
  ctx.save();
  ctx.font = THEME.messageFont;
  ctx.fillStyle = colour;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const maxW = rect.w - 16;
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      const next = line === '' ? word : `${line} ${word}`;
      if (ctx.measureText(next).width > maxW && line !== '') {
        lines.push(line);
        line = word;
      } else line = next;
    }
    lines.push(line);
  }
  const lh = 16;
  const y0 = rect.y + rect.h / 2 - ((lines.length - 1) * lh) / 2;
  lines.forEach((l, k) => ctx.fillText(fitText(ctx, l, maxW), rect.x + rect.w / 2, y0 + k * lh));
  ctx.restore();
}

export interface LegendItem {
  readonly label: string;
  readonly colour: string;
  /** 'line' (default), 'box' (a filled swatch) or 'mark' (a spike tick) */
  readonly kind?: 'line' | 'box' | 'mark';
  readonly dash?: readonly number[];
}

/** A legend as one row of swatches and names starting at (x, y) (y = text baseline); returns its width. */
export function drawLegend(ctx: CanvasRenderingContext2D, items: readonly LegendItem[], x: number, y: number, maxWidth: number): number {
  ctx.save();
  ctx.font = THEME.font;
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  let cx = x;
  for (const it of items) {
    const tw = ctx.measureText(it.label).width;
    if (cx + 18 + tw > x + maxWidth && cx > x) break;
    const kind = it.kind ?? 'line';
    ctx.strokeStyle = it.colour;
    ctx.fillStyle = it.colour;
    if (kind === 'box') ctx.fillRect(cx, y - 8, 12, 8);
    else if (kind === 'mark') {
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(cx + 6, y - 10);
      ctx.lineTo(cx + 6, y);
      ctx.stroke();
    } else {
      ctx.lineWidth = 2;
      ctx.setLineDash(it.dash ? [...it.dash] : []);
      ctx.beginPath();
      ctx.moveTo(cx, y - 4);
      ctx.lineTo(cx + 14, y - 4);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = THEME.text;
    ctx.fillText(it.label, cx + 18, y);
    cx += 18 + tw + 12;
  }
  ctx.restore();
  return cx - x;
}

/** An axis: its range, scale, label (with unit) and ticks. */
export interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  readonly label: string;
  readonly ticks: readonly Tick[];
  /** hi at the left / top instead of lo (matrix rows: row 0 at the top) */
  readonly reversed?: boolean;
}

/** A linear axis over [lo, hi] with nice ticks (the range is kept as given). */
export function linearAxis(lo: number, hi: number, label: string, count = 5): Axis {
  if (!(hi > lo)) {
    const d = lo === 0 || !Number.isFinite(lo) ? 1 : Math.abs(lo) * 0.1;
    lo = Number.isFinite(lo) ? lo - d : 0;
    hi = lo + 2 * d;
  }
  return { lo, hi, log: false, label, ticks: niceTicks(lo, hi, count).ticks };
}

/** An axis of matrix indices 0 … n (row 0 at the top when used as y), with nice integer ticks. */
export function indexAxis(n: number, label: string, reversed: boolean): Axis {
  const ticks = niceTicks(0, Math.max(1, n - 1), 4).ticks.filter((t) => Number.isInteger(t.value));
  // a tick at index i sits at the middle of its cell
  return { lo: 0, hi: Math.max(1, n), log: false, label, reversed, ticks: ticks.map((t) => ({ value: t.value + 0.5, label: t.label })) };
}

/** A log axis over [lo, hi] (lo > 0), with decade ticks unless others are given. */
export function logAxis(lo: number, hi: number, label: string, ticks?: readonly Tick[]): Axis {
  if (!(lo > 0)) lo = 1e-3;
  if (!(hi > lo)) hi = lo * 10;
  return { lo, hi, log: true, label, ticks: ticks ?? logTicks(lo, hi) };
}

/** Margins of a plot inside a canvas: room for the title, legend, tick labels and axis labels. */
export function plotRect(width: number, height: number, options: { readonly legend?: boolean; readonly right?: number; readonly left?: number; readonly bottom?: number; readonly top?: number } = {}): Rect {
  const top = options.top ?? (options.legend ? 38 : 24);
  const left = options.left ?? 50;
  const right = options.right ?? 12;
  const bottom = options.bottom ?? 34;
  return { x: left, y: top, w: Math.max(10, width - left - right), h: Math.max(10, height - top - bottom) };
}

/** A plot area: maps data to pixels and draws axes, series and bars. */
export class Plot {
  readonly ctx: CanvasRenderingContext2D;
  readonly rect: Rect;
  readonly x: Axis;
  readonly y: Axis;
  private readonly xl0: number;
  private readonly xl1: number;
  private readonly yl0: number;
  private readonly yl1: number;

  constructor(ctx: CanvasRenderingContext2D, rect: Rect, x: Axis, y: Axis) {
    this.ctx = ctx;
    this.rect = rect;
    this.x = x;
    this.y = y;
    const xl = x.log ? Math.log10(x.lo) : x.lo;
    const xh = x.log ? Math.log10(x.hi) : x.hi;
    const yl = y.log ? Math.log10(y.lo) : y.lo;
    const yh = y.log ? Math.log10(y.hi) : y.hi;
    [this.xl0, this.xl1] = x.reversed ? [xh, xl] : [xl, xh];
    [this.yl0, this.yl1] = y.reversed ? [yh, yl] : [yl, yh];
  }

  /** x pixel of a data value */
  px(v: number): number {
    const t = ((this.x.log ? Math.log10(v) : v) - this.xl0) / (this.xl1 - this.xl0);
    return this.rect.x + t * this.rect.w;
  }

  /** y pixel of a data value */
  py(v: number): number {
    const t = ((this.y.log ? Math.log10(v) : v) - this.yl0) / (this.yl1 - this.yl0);
    return this.rect.y + this.rect.h - t * this.rect.h;
  }

  /** Grid, ticks, tick labels (overlapping ones left out), axis labels and the frame. */
  axes(): void {
    const { ctx, rect } = this;
    ctx.save();
    ctx.font = THEME.font;
    ctx.lineWidth = 1;
    // grid
    ctx.strokeStyle = THEME.grid;
    ctx.beginPath();
    for (const t of this.x.ticks) {
      const X = Math.round(this.px(t.value)) + 0.5;
      if (X < rect.x - 0.5 || X > rect.x + rect.w + 0.5) continue;
      ctx.moveTo(X, rect.y);
      ctx.lineTo(X, rect.y + rect.h);
    }
    for (const t of this.y.ticks) {
      const Y = Math.round(this.py(t.value)) + 0.5;
      if (Y < rect.y - 0.5 || Y > rect.y + rect.h + 0.5) continue;
      ctx.moveTo(rect.x, Y);
      ctx.lineTo(rect.x + rect.w, Y);
    }
    ctx.stroke();
    // frame
    ctx.strokeStyle = THEME.axis;
    ctx.strokeRect(Math.round(rect.x) + 0.5, Math.round(rect.y) + 0.5, Math.round(rect.w), Math.round(rect.h));
    // x ticks and labels
    ctx.fillStyle = THEME.text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    let lastLeft = Number.POSITIVE_INFINITY;
    let lastRight = Number.NEGATIVE_INFINITY;
    const bottom = rect.y + rect.h;
    ctx.strokeStyle = THEME.axis;
    ctx.beginPath();
    for (const t of this.x.ticks) {
      const X = this.px(t.value);
      if (X < rect.x - 0.5 || X > rect.x + rect.w + 0.5) continue;
      ctx.moveTo(Math.round(X) + 0.5, bottom);
      ctx.lineTo(Math.round(X) + 0.5, bottom + 4);
      const w = ctx.measureText(t.label).width;
      const left = X - w / 2;
      const right = X + w / 2;
      if (left < lastRight + 6 && right > lastLeft - 6) continue;
      ctx.fillText(t.label, X, bottom + 5);
      lastLeft = left;
      lastRight = right;
    }
    // y ticks and labels
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    let lastY = Number.POSITIVE_INFINITY;
    for (const t of this.y.ticks) {
      const Y = this.py(t.value);
      if (Y < rect.y - 0.5 || Y > rect.y + rect.h + 0.5) continue;
      ctx.moveTo(rect.x - 4, Math.round(Y) + 0.5);
      ctx.lineTo(rect.x, Math.round(Y) + 0.5);
      if (Math.abs(Y - lastY) < 13) continue;
      ctx.fillText(t.label, rect.x - 6, Y);
      lastY = Y;
    }
    ctx.stroke();
    // axis labels
    ctx.fillStyle = THEME.dim;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(fitText(ctx, this.x.label, rect.w + 40), rect.x + rect.w / 2, bottom + 30);
    ctx.save();
    ctx.translate(Math.max(12, rect.x - 38), rect.y + rect.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(fitText(ctx, this.y.label, rect.h + 20), 0, 0);
    ctx.restore();
    ctx.restore();
  }

  /** Runs `fn` with drawing clipped to the plot area. */
  clipped(fn: () => void): void {
    const { ctx, rect } = this;
    ctx.save();
    ctx.beginPath();
    ctx.rect(rect.x, rect.y, rect.w, rect.h);
    ctx.clip();
    fn();
    ctx.restore();
  }

  /**
   * A line through (xs[i], ys[i]) for i < n (NaN y breaks the line); more points than pixel columns
   * are reduced to each column's first, lowest, highest and last point, so the envelope stays exact.
   */
  line(xs: ArrayLike<number>, ys: ArrayLike<number>, colour: string, options: { readonly width?: number; readonly dash?: readonly number[]; readonly n?: number; readonly dots?: boolean } = {}): void {
    const n = options.n ?? Math.min(xs.length, ys.length);
    const { ctx } = this;
    this.clipped(() => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = options.width ?? 1.5;
      ctx.setLineDash(options.dash ? [...options.dash] : []);
      ctx.beginPath();
      let pen = false;
      const dense = n > this.rect.w * 2;
      let col = Number.NaN;
      let cFirst = 0;
      let cMin = 0;
      let cMax = 0;
      let cLast = 0;
      const flush = () => {
        if (Number.isNaN(col)) return;
        const X = col + 0.5;
        if (!pen) {
          ctx.moveTo(X, cFirst);
          pen = true;
        } else ctx.lineTo(X, cFirst);
        ctx.lineTo(X, cMin);
        ctx.lineTo(X, cMax);
        ctx.lineTo(X, cLast);
        col = Number.NaN;
      };
      for (let i = 0; i < n; i++) {
        const y = ys[i];
        const x = xs[i];
        if (!Number.isFinite(y) || !Number.isFinite(x)) {
          if (dense) flush();
          pen = false;
          continue;
        }
        const X = this.px(x);
        const Y = this.py(y);
        if (dense) {
          const c = Math.floor(X);
          if (c !== col) {
            flush();
            col = c;
            cFirst = cMin = cMax = cLast = Y;
          } else {
            if (Y < cMin) cMin = Y;
            if (Y > cMax) cMax = Y;
            cLast = Y;
          }
        } else if (!pen) {
          ctx.moveTo(X, Y);
          pen = true;
        } else ctx.lineTo(X, Y);
      }
      if (dense) flush();
      ctx.stroke();
      ctx.setLineDash([]);
      if (options.dots && !dense) {
        ctx.fillStyle = colour;
        for (let i = 0; i < n; i++) {
          if (!Number.isFinite(ys[i]) || !Number.isFinite(xs[i])) continue;
          ctx.beginPath();
          ctx.arc(this.px(xs[i]), this.py(ys[i]), 2.5, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
    });
  }

  /** Bars of a histogram: counts[k] over [edges[k], edges[k+1]); zero (or, on a log y axis, < lo) bars are left out. */
  bars(edges: ArrayLike<number>, counts: ArrayLike<number>, colour: string, options: { readonly alpha?: number; readonly outline?: boolean; readonly part?: readonly [number, number] } = {}): void {
    const { ctx } = this;
    const base = this.y.log ? this.y.lo : Math.max(this.y.lo, 0);
    const Y0 = this.py(base);
    this.clipped(() => {
      ctx.fillStyle = colour;
      ctx.globalAlpha = options.alpha ?? 0.75;
      for (let k = 0; k < counts.length; k++) {
        const c = counts[k];
        if (!(c > 0) || (this.y.log && c < this.y.lo)) continue;
        let x0 = this.px(edges[k]);
        let x1 = this.px(edges[k + 1]);
        if (options.part) {
          // the i-th of m bars side by side in the bin
          const [i, m] = options.part;
          const bw = (x1 - x0) / m;
          x0 += i * bw;
          x1 = x0 + bw;
        }
        const Y = this.py(c);
        const w = Math.max(1, x1 - x0 - (x1 - x0 > 4 ? 1 : 0));
        ctx.fillRect(x0, Y, w, Y0 - Y);
      }
      ctx.globalAlpha = 1;
      if (options.outline) {
        ctx.strokeStyle = colour;
        ctx.lineWidth = 1.25;
        ctx.beginPath();
        ctx.moveTo(this.px(edges[0]), Y0);
        for (let k = 0; k < counts.length; k++) {
          const c = counts[k];
          const Y = c > 0 && !(this.y.log && c < this.y.lo) ? this.py(c) : Y0;
          ctx.lineTo(this.px(edges[k]), Y);
          ctx.lineTo(this.px(edges[k + 1]), Y);
        }
        ctx.lineTo(this.px(edges[counts.length]), Y0);
        ctx.stroke();
      }
    });
  }

  /** A horizontal reference line. */
  hline(v: number, colour: string, dash: readonly number[] = [4, 3]): void {
    const { ctx, rect } = this;
    const Y = Math.round(this.py(v)) + 0.5;
    if (Y < rect.y || Y > rect.y + rect.h) return;
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1;
    ctx.setLineDash([...dash]);
    ctx.beginPath();
    ctx.moveTo(rect.x, Y);
    ctx.lineTo(rect.x + rect.w, Y);
    ctx.stroke();
    ctx.restore();
  }

  /** A vertical reference line. */
  vline(v: number, colour: string, dash: readonly number[] = [4, 3]): void {
    const { ctx, rect } = this;
    const X = Math.round(this.px(v)) + 0.5;
    if (X < rect.x || X > rect.x + rect.w) return;
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1;
    ctx.setLineDash([...dash]);
    ctx.beginPath();
    ctx.moveTo(X, rect.y);
    ctx.lineTo(X, rect.y + rect.h);
    ctx.stroke();
    ctx.restore();
  }
}

// ---------------------------------------------------------------------------------------------
// heat maps

function lut(anchors: readonly string[]): Uint8Array {
  const rgb = anchors.map((h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)]);
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (rgb.length - 1);
    const k = Math.min(rgb.length - 2, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(rgb[k][c] * (1 - f) + rgb[k + 1][c] * f);
  }
  return out;
}

/** Colour maps as 256 RGB entries (perceptually ordered, readable on a dark background). */
export const COLOURMAPS = {
  viridis: lut(['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#fde725']),
  inferno: lut(['#000004', '#1b0c41', '#4a0c6b', '#781c6d', '#a52c60', '#cf4446', '#ed6925', '#fb9b06', '#fcffa4']),
  grey: lut(['#000000', '#ffffff']),
} as const;
export type ColourMap = keyof typeof COLOURMAPS;

/** A #rgb / #rrggbb colour as a little-endian RGBA word for a Uint32Array view of ImageData. */
export function rgba(hex: string): number {
  const h = hex.length === 4 ? `#${hex[1]}${hex[1]}${hex[2]}${hex[2]}${hex[3]}${hex[3]}` : hex;
  const r = parseInt(h.slice(1, 3), 16);
  const g = parseInt(h.slice(3, 5), 16);
  const b = parseInt(h.slice(5, 7), 16);
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** The CSS colour of t ∈ [0, 1] in a map. */
export function mapColour(map: ColourMap, t: number): string {
  const m = COLOURMAPS[map];
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
  return `rgb(${m[i]},${m[i + 1]},${m[i + 2]})`;
}

/**
 * A heat map of `values` (rows × cols, row-major) into `rect`, value lo → first colour, hi → last
 * (NaN: background). Pixels are blocky (no smoothing), the image is framed.
 */
export function drawHeatmap(surface: Surface, ctx: CanvasRenderingContext2D, rect: Rect, values: ArrayLike<number>, rows: number, cols: number, lo: number, hi: number, map: ColourMap): void {
  const { canvas, ctx: sctx } = surface.scratch(cols, rows);
  const img = surface.pixels(cols, rows);
  const px = img.data;
  const m = COLOURMAPS[map];
  const span = hi > lo ? hi - lo : 1;
  for (let k = 0; k < rows * cols; k++) {
    const v = values[k];
    const o = k * 4;
    if (!Number.isFinite(v)) {
      px[o] = 17;
      px[o + 1] = 17;
      px[o + 2] = 17;
      px[o + 3] = 255;
      continue;
    }
    let t = (v - lo) / span;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const i = Math.round(t * 255) * 3;
    px[o] = m[i];
    px[o + 1] = m[i + 1];
    px[o + 2] = m[i + 2];
    px[o + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(canvas, 0, 0, cols, rows, rect.x, rect.y, rect.w, rect.h);
  ctx.strokeStyle = THEME.axis;
  ctx.lineWidth = 1;
  ctx.strokeRect(Math.round(rect.x) - 0.5, Math.round(rect.y) - 0.5, Math.round(rect.w) + 1, Math.round(rect.h) + 1);
  ctx.restore();
}

/**
 * A vertical colour bar in `rect` for values lo … hi of `map`, ticks on its right and a rotated
 * label (with unit) beyond them. `ticks` default to nice ticks of [lo, hi]; with `position` the
 * ticks' values are placed by it (e.g. log10(1 + v) for a log colour scale).
 */
export function drawColourBar(ctx: CanvasRenderingContext2D, rect: Rect, lo: number, hi: number, map: ColourMap, label: string, options: { readonly ticks?: readonly Tick[]; readonly position?: (v: number) => number } = {}): void {
  const m = COLOURMAPS[map];
  const span = hi > lo ? hi - lo : 1;
  ctx.save();
  for (let y = 0; y < rect.h; y++) {
    const t = 1 - y / Math.max(1, rect.h - 1);
    const i = Math.round(t * 255) * 3;
    ctx.fillStyle = `rgb(${m[i]},${m[i + 1]},${m[i + 2]})`;
    ctx.fillRect(rect.x, rect.y + y, rect.w, 1.5);
  }
  ctx.strokeStyle = THEME.axis;
  ctx.lineWidth = 1;
  ctx.strokeRect(Math.round(rect.x) + 0.5, Math.round(rect.y) + 0.5, Math.round(rect.w), Math.round(rect.h));
  const ticks = options.ticks ?? niceTicks(lo, hi, 4).ticks;
  const pos = options.position ?? ((v: number) => v);
  ctx.font = THEME.font;
  ctx.fillStyle = THEME.text;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  let lastTop = Number.POSITIVE_INFINITY;
  let widest = 0;
  for (const t of ticks) {
    const Y = rect.y + rect.h - ((pos(t.value) - lo) / span) * rect.h;
    if (Y < rect.y - 0.5 || Y > rect.y + rect.h + 0.5) continue;
    ctx.moveTo(rect.x + rect.w, Math.round(Y) + 0.5);
    ctx.lineTo(rect.x + rect.w + 3, Math.round(Y) + 0.5);
    if (Y + 6 > lastTop - 1) continue;
    ctx.fillText(t.label, rect.x + rect.w + 5, Y);
    widest = Math.max(widest, ctx.measureText(t.label).width);
    lastTop = Y - 6;
  }
  ctx.stroke();
  ctx.fillStyle = THEME.dim;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.translate(rect.x + rect.w + 5 + widest + 12, rect.y + rect.h / 2);
  ctx.rotate(Math.PI / 2);
  ctx.fillText(fitText(ctx, label, rect.h + 24), 0, 0);
  ctx.restore();
}

/** Several canvases side by side (wrapping after `columns`) as one canvas, for a PNG of a whole panel. */
export function composeCanvases(canvases: readonly HTMLCanvasElement[], columns = 2): HTMLCanvasElement {
  const shown = canvases.filter((c) => c.style.display !== 'none');
  const list = shown.length > 0 ? shown : canvases.slice(0, 1);
  if (list.length === 1) return list[0];
  const cols = Math.max(1, Math.min(columns, list.length));
  const rows = Math.ceil(list.length / cols);
  const cw = Math.max(...list.map((c) => c.width));
  const ch = Math.max(...list.map((c) => c.height));
  const out = document.createElement('canvas');
  out.width = cw * cols;
  out.height = ch * rows;
  const ctx = out.getContext('2d');
  if (ctx === null) throw new Error('this browser gives no 2D canvas context');
  ctx.fillStyle = THEME.background;
  ctx.fillRect(0, 0, out.width, out.height);
  list.forEach((c, k) => ctx.drawImage(c, (k % cols) * cw, Math.floor(k / cols) * ch));
  return out;
}

/** Whether a view differs from the one last drawn (and remembers it). */
export class ViewTracker {
  private key = '';
  changed(view: { readonly endStep: number; readonly spanSteps: number; readonly dt: number }): boolean {
    const key = `${view.endStep}|${view.spanSteps}|${view.dt}`;
    if (key === this.key) return false;
    this.key = key;
    return true;
  }
  forget(): void {
    this.key = '';
  }
}
