/**
 * The input panel: the image on show (greyscale, scaled up) with its true label and the last
 * prediction, and the Poisson spikes of the input population as a small raster (one row per input
 * neuron, the last 500 ms up to the view's end step, each spike a dot).
 *
 * Table: the input spikes in view (step, time, neuron, its pixel), or — with the CSV choice set to
 * "image pixels" — the pixel values of the image shown.
 */
import type { LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { PanelHost, PanelTable, ViewWindow } from './panel.js';
import { CanvasPanel, KEPT_MS } from './base.js';
import { CANVAS_H, CANVAS_W, controlRow, drawMessage, drawText, drawTitle, indexAxis, linearAxis, Plot, rgba, ROLE_COLOURS, selectControl, Surface, THEME } from './chart.js';
import { EventRing } from './ring.js';

/** Time across the input raster [ms]. */
export const INPUT_RASTER_MS = 500;
const SPIKE_CAPACITY = 1 << 18;
const SAMPLE_CAPACITY = 256;

interface ShownSample {
  /** first step it was seen in */
  readonly step: number;
  readonly split: string;
  readonly index: number;
  readonly label: number;
  readonly pixels: Uint8Array;
}

interface Prediction {
  readonly step: number;
  readonly predicted: number;
  readonly label: number;
}

type CsvChoice = 'spikes' | 'pixels';

export class InputPanel extends CanvasPanel {
  private readonly surface = new Surface(CANVAS_W, CANVAS_H, 'input-canvas');
  private readonly spikes = new EventRing(SPIKE_CAPACITY);
  private readonly controls = controlRow();
  private samples: ShownSample[] = [];
  private predictions: Prediction[] = [];
  private inputPop = -1;
  private nInput = 0;
  /** what table() exports */
  csv: CsvChoice = 'spikes';

  constructor(host: PanelHost) {
    super(host, 'input', 'Input image and its Poisson spikes', true);
    const controls = this.controls;
    controls.append(
      selectControl<CsvChoice>(
        'CSV:',
        [
          { value: 'spikes', label: 'input spikes in view' },
          { value: 'pixels', label: 'image pixels' },
        ],
        this.csv,
        'input-csv-choice',
        (v) => (this.csv = v),
      ).element,
    );
    this.element.append(this.surface.canvas, controls);
  }

  protected surfaces(): readonly Surface[] {
    return [this.surface];
  }

  protected clear(hello: LiveHello): void {
    this.spikes.clear();
    this.samples = [];
    this.predictions = [];
    this.inputPop = hello.populations.findIndex((p) => p.role === 'input');
    this.nInput = this.inputPop >= 0 ? hello.populations[this.inputPop].n : 0;
    this.controls.style.display = this.inputPop >= 0 ? '' : 'none';
  }

  protected take(f: LiveFrame): void {
    // time went back without a hello: start over
    const newest = this.spikes.newestStep;
    if (newest > f.stepTo) this.spikes.clear();
    if (f.sample !== null) {
      this.samples.push({ step: f.stepFrom, split: f.sample.split, index: f.sample.index, label: f.sample.label, pixels: f.sample.pixels.slice() });
      if (this.samples.length > SAMPLE_CAPACITY) this.samples.splice(0, this.samples.length - SAMPLE_CAPACITY);
      this.dirty = true;
    }
    if (f.prediction !== null) {
      this.predictions.push({ step: f.stepTo, predicted: f.prediction.predicted, label: f.prediction.label });
      if (this.predictions.length > SAMPLE_CAPACITY) this.predictions.splice(0, this.predictions.length - SAMPLE_CAPACITY);
      this.dirty = true;
    }
    const s = this.inputPop >= 0 ? f.spikes[this.inputPop] : undefined;
    if (s !== undefined && s.steps.length > 0) {
      this.spikes.pushAll(s.steps, s.indices);
      this.dirty = true;
    }
    // drop samples older than the kept window (but keep the newest one)
    const dt = this.hello?.dt ?? 0.5;
    const keep = f.stepTo - Math.round(KEPT_MS / dt);
    let k = 0;
    while (k < this.samples.length - 1 && this.samples[k + 1].step <= keep) k++;
    if (k > 0) this.samples.splice(0, k);
  }

  /** The sample on show at `step` (the newest that started at or before it). */
  private sampleAt(step: number): ShownSample | null {
    for (let k = this.samples.length - 1; k >= 0; k--) if (this.samples[k].step <= step) return this.samples[k];
    return null;
  }

  private predictionAt(step: number): Prediction | null {
    for (let k = this.predictions.length - 1; k >= 0; k--) if (this.predictions[k].step <= step) return this.predictions[k];
    return null;
  }

  private window(view: ViewWindow): { readonly from: number; readonly to: number; readonly span: number } {
    const span = Math.max(1, Math.round(INPUT_RASTER_MS / view.dt));
    return { from: view.endStep - span, to: view.endStep, span };
  }

  protected render(view: ViewWindow): void {
    const s = this.surface;
    const ctx = s.begin();
    const W = s.width;
    const H = s.height;
    const hello = this.hello;
    const all = { x: 0, y: 0, w: W, h: H };
    if (hello === null) return drawMessage(ctx, all, 'waiting for the stream…');
    if (this.inputPop < 0 || hello.image === null) {
      drawTitle(ctx, 'input', 8, 16, W - 16);
      return drawMessage(ctx, all, `no image input in this scenario (${hello.scenario}): its populations are ${hello.populations.map((p) => p.label).join(', ')}`);
    }
    const { rows, cols } = hello.image;
    const dt = view.dt;
    const { from, to, span } = this.window(view);
    drawTitle(ctx, `input: image on show and its spikes (last ${INPUT_RASTER_MS} ms)`, 8, 16, W - 16);

    // the image
    const scale = Math.max(1, Math.floor(Math.min(140 / cols, 140 / rows)));
    const img = { x: 8, y: 28, w: cols * scale, h: rows * scale };
    const sample = this.sampleAt(to);
    if (sample !== null && sample.pixels.length === rows * cols) {
      const { canvas, ctx: sc } = s.scratch(cols, rows);
      const data = s.pixels(cols, rows);
      for (let k = 0; k < rows * cols; k++) {
        const v = sample.pixels[k];
        data.data[k * 4] = v;
        data.data[k * 4 + 1] = v;
        data.data[k * 4 + 2] = v;
        data.data[k * 4 + 3] = 255;
      }
      sc.putImageData(data, 0, 0);
      ctx.save();
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(canvas, 0, 0, cols, rows, img.x, img.y, img.w, img.h);
      ctx.restore();
      drawText(ctx, `label ${sample.label}`, img.x, img.y + img.h + 15, { bold: true, maxWidth: 150 });
      drawText(ctx, `${sample.split} #${sample.index}`, img.x + 60, img.y + img.h + 15, { colour: THEME.dim, maxWidth: 90 });
    } else {
      drawMessage(ctx, img, 'no image yet');
    }
    ctx.strokeStyle = THEME.axis;
    ctx.lineWidth = 1;
    ctx.strokeRect(img.x - 0.5, img.y - 0.5, img.w + 1, img.h + 1);
    const p = this.predictionAt(to);
    if (p !== null) {
      const text = p.predicted < 0 ? 'previous: no answer (no labelled neuron spiked)' : p.predicted === p.label ? `previous: predicted ${p.predicted} ✓` : `previous: predicted ${p.predicted} ✗ (label ${p.label})`;
      drawText(ctx, text, img.x, img.y + img.h + 31, { colour: p.predicted < 0 ? THEME.dim : p.predicted === p.label ? '#aed581' : '#ff8a80', maxWidth: 178 });
    }

    // the raster
    const left = img.x + img.w + 52;
    const rect = { x: left, y: 28, w: W - left - 10, h: H - 28 - 34 };
    const plot = new Plot(ctx, rect, linearAxis((from * dt) / 1000, (to * dt) / 1000, 'time [s]', 3), indexAxis(this.nInput, 'input neuron', true));
    const w = Math.max(1, Math.round(rect.w));
    const h = Math.max(1, Math.round(rect.h));
    const { canvas, ctx: sc } = s.scratch(w, h);
    const data = s.pixels(w, h);
    const px = new Uint32Array(data.data.buffer);
    const bg = rgba(THEME.background);
    px.fill(bg);
    const dot = rgba(ROLE_COLOURS.input);
    const n = this.nInput;
    this.spikes.forEachIn(from, to, (step, idx) => {
      const X = Math.floor(((step - from) * w) / span);
      const Y = Math.floor((idx * h) / n);
      if (X >= 0 && X < w && Y >= 0 && Y < h) px[Y * w + X] = dot;
    });
    sc.putImageData(data, 0, 0);
    ctx.save();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(canvas, 0, 0, w, h, rect.x, rect.y, rect.w, rect.h);
    ctx.restore();
    plot.axes();
    if (this.spikes.length > 0 && this.spikes.newestStep < from) drawMessage(ctx, rect, 'no spikes in this window');
  }

  table(): PanelTable {
    const hello = this.hello;
    const view = this.lastView ?? this.fallbackView();
    const cols = hello?.image?.cols ?? 0;
    if (this.csv === 'pixels') {
      const sample = this.sampleAt(view.endStep);
      const rows: (number | string)[][] = [];
      if (sample !== null && cols > 0) sample.pixels.forEach((v, k) => rows.push([Math.floor(k / cols), k % cols, k, v]));
      return { columns: ['row', 'col', 'neuron', 'pixel (0-255)'], rows };
    }
    const { from, to } = this.window(view);
    const rows: (number | string)[][] = [];
    this.spikes.forEachIn(from, to, (step, idx) => {
      const sample = this.sampleAt(step);
      rows.push([step, step * view.dt, idx, cols > 0 ? Math.floor(idx / cols) : '', cols > 0 ? idx % cols : '', sample !== null && idx < sample.pixels.length ? sample.pixels[idx] : '']);
    });
    return { columns: ['step', 't [ms]', 'neuron', 'row', 'col', 'pixel (0-255)'], rows };
  }
}
