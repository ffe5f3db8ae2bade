/**
 * A minimal RGB raster for PNG figures: filled rectangles, bitmap text (font.ts), a sequential
 * colour map, and PNG encoding through pngjs (the one maintained pure-JS PNG codec; zlib from
 * Node). Pixels are RGBA bytes, row-major; the PNG is written as 8-bit RGB.
 */
import { PNG } from 'pngjs';
import { drawText, textWidth } from './font.js';

export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const GREY: Rgb = [120, 120, 120];

export class Raster {
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major */
  readonly data: Uint8Array;

  constructor(width: number, height: number, background: Rgb = WHITE) {
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel (clipped to the raster). */
  set(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = 4 * (y * this.width + x);
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
    this.data[i + 3] = 255;
  }

  /** Fills the rectangle [x, x + w) × [y, y + h) (clipped). */
  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w));
    const y1 = Math.min(this.height, Math.floor(y + h));
    for (let py = y0; py < y1; py++) {
      let i = 4 * (py * this.width + x0);
      for (let px = x0; px < x1; px++, i += 4) {
        this.data[i] = c[0];
        this.data[i + 1] = c[1];
        this.data[i + 2] = c[2];
        this.data[i + 3] = 255;
      }
    }
  }

  /** A one-pixel rectangle outline. */
  strokeRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.fillRect(x, y, w, 1, c);
    this.fillRect(x, y + h - 1, w, 1, c);
    this.fillRect(x, y, 1, h, c);
    this.fillRect(x + w - 1, y, 1, h, c);
  }

  /** Text with its top-left corner at (x, y); `align` places x at the start, centre or end. */
  text(s: string, x: number, y: number, scale: number, c: Rgb = BLACK, align: 'start' | 'middle' | 'end' = 'start'): void {
    const w = textWidth(s, scale);
    const x0 = align === 'start' ? x : align === 'middle' ? Math.round(x - w / 2) : x - w;
    drawText(s, x0, y, scale, (px, py) => this.set(px, py, c));
  }

  /** The PNG file (8-bit RGB). */
  encodePng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    // input RGBA (pngjs's default), output 8-bit RGB: the figures are opaque
    return PNG.sync.write(png, { colorType: 2 });
  }
}

/**
 * Inferno (matplotlib's perceptually uniform map, from black through purple and orange to pale
 * yellow), sampled at 9 points and interpolated linearly: its luma rises monotonically, so a
 * brighter pixel always means a larger value.
 */
const INFERNO: readonly Rgb[] = [
  [0, 0, 4],
  [31, 12, 72],
  [85, 15, 109],
  [136, 34, 106],
  [186, 54, 85],
  [227, 89, 51],
  [249, 140, 10],
  [249, 201, 50],
  [252, 255, 164],
];

/** 256-entry lookup table of the colour map. */
export const COLOUR_MAP: readonly Rgb[] = Array.from({ length: 256 }, (_, k) => {
  const t = (k / 255) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(t));
  const f = t - i;
  const a = INFERNO[i];
  const b = INFERNO[i + 1];
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))] as Rgb;
});

/** Luma (Rec. 709 weights on the sRGB values) of a colour, 0–255: what "brighter" means in tests. */
export function luma(c: Rgb | readonly number[]): number {
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** The colour of `v` on a scale from `lo` (darkest) to `hi` (brightest), clamped. */
export function colourOf(v: number, lo: number, hi: number): Rgb {
  const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  const k = Math.max(0, Math.min(255, Math.round(255 * t)));
  return COLOUR_MAP[k];
}
