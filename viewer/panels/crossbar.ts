/**
 * The crossbar panel: the input→excitatory weights written into a simulated memristor crossbar
 * (on request: the "program crossbar" button with a programming choice asks the worker through the
 * host), shown as the programmed array (rows = inputs × columns = neurons, weight units, colour bar)
 * and the column currents for the image on show (one bar per column, the largest marked, the
 * predicted class noted).
 *
 * Table: the column currents (default), or the programmed matrix (rows × cols) with the CSV choice
 * set to "programmed matrix".
 */
import type { LiveAnalysis, LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { PanelHost, PanelTable, ViewWindow } from './panel.js';
import { CanvasPanel } from './base.js';
import { buttonControl, CANVAS_H, CANVAS_W, controlRow, drawColourBar, drawHeatmap, drawLegend, drawMessage, drawText, drawTitle, indexAxis, linearAxis, Plot, plotRect, selectControl, Surface, THEME } from './chart.js';
import { AGE_CHOICES, downsampleMatrix, finiteRange, niceDomain } from './stats.js';

type Program = 'open-loop' | 'write-verify' | 'exact';
type CsvChoice = 'currents' | 'matrix';

const BAR_COLOUR = '#4fc3f7';
const MAX_COLOUR = '#ffd54f';

/** What the panel keeps of an analysis, and which sample it belongs to. */
interface Programmed extends Pick<LiveAnalysis, 'rows' | 'cols' | 'programmed' | 'currents' | 'input' | 'device' | 'programming' | 'predicted'> {
  readonly ageMs: number;
  /** the true label when the input is the image last shown (−1: unknown) */
  readonly label: number;
  readonly sample: string;
}

export class CrossbarPanel extends CanvasPanel {
  private readonly arraySurface = new Surface(CANVAS_W, CANVAS_H, 'crossbar-array-canvas');
  private readonly currentSurface = new Surface(CANVAS_W, CANVAS_H, 'crossbar-currents-canvas');
  private readonly programSelect: HTMLSelectElement;
  private readonly button: HTMLButtonElement;
  private program: Program = 'write-verify';
  /** what table() exports */
  csv: CsvChoice = 'currents';
  private data: Programmed | null = null;
  private image: Float32Array | null = null;
  private imageShape = { rows: 0, cols: 0 };
  private imageRange: readonly [number, number] = [0, 1];
  private imageStale = false;
  private pending = false;
  private lastSample: { readonly label: number; readonly pixels: Uint8Array; readonly name: string } | null = null;

  constructor(host: PanelHost) {
    super(host, 'crossbar', 'Crossbar: programmed array and column currents', false);
    const controls = controlRow();
    const program = selectControl<Program>(
      'programming:',
      [
        { value: 'open-loop', label: 'open-loop' },
        { value: 'write-verify', label: 'write-verify' },
        { value: 'exact', label: 'exact' },
      ],
      this.program,
      'crossbar-programming',
      (v) => (this.program = v),
    );
    this.programSelect = program.select;
    this.button = buttonControl('program crossbar', 'crossbar-program', () => this.request());
    const csv = selectControl<CsvChoice>(
      'CSV:',
      [
        { value: 'currents', label: 'column currents' },
        { value: 'matrix', label: 'programmed matrix' },
      ],
      this.csv,
      'crossbar-csv-choice',
      (v) => (this.csv = v),
    );
    controls.append(program.element, this.button, csv.element);
    this.element.append(controls, this.arraySurface.canvas, this.currentSurface.canvas);
  }

  protected surfaces(): readonly Surface[] {
    return [this.arraySurface, this.currentSurface];
  }

  protected clear(hello: LiveHello): void {
    this.data = null;
    this.image = null;
    this.pending = false;
    this.lastSample = null;
    const off = hello.receptive === null;
    this.button.disabled = off;
    this.programSelect.disabled = off;
  }

  protected take(f: LiveFrame): void {
    if (f.sample !== null) this.lastSample = { label: f.sample.label, pixels: f.sample.pixels.slice(), name: `${f.sample.split} #${f.sample.index}` };
  }

  private request(): void {
    if (this.hello === null || this.hello.receptive === null) return;
    this.pending = true;
    this.dirty = true;
    this.host.requestAnalysis({ ageMs: this.data?.ageMs ?? AGE_CHOICES[1].ms, program: this.program });
  }

  analysis(a: LiveAnalysis): void {
    const s = this.lastSample;
    const same = s !== null && s.pixels.length === a.input.length && s.pixels.every((v, k) => v === a.input[k]);
    this.data = {
      rows: a.rows,
      cols: a.cols,
      programmed: a.programmed.slice(),
      currents: a.currents.slice(),
      input: a.input.slice(),
      device: a.device,
      programming: a.programming,
      predicted: a.predicted,
      ageMs: a.ages.length > 0 ? a.ages[a.ages.length - 1] : AGE_CHOICES[1].ms,
      label: same ? s.label : -1,
      sample: same ? s.name : '',
    };
    this.imageStale = true;
    this.pending = false;
    this.dirty = true;
  }

  private arrayRect() {
    return plotRect(this.arraySurface.width, this.arraySurface.height, { right: 78, legend: true });
  }

  protected render(_view: ViewWindow): void {
    this.renderArray();
    this.renderCurrents();
  }

  private renderArray(): void {
    const s = this.arraySurface;
    const ctx = s.begin();
    const all = { x: 0, y: 0, w: s.width, h: s.height };
    const hello = this.hello;
    if (hello === null) return drawMessage(ctx, all, 'waiting for the stream…');
    drawTitle(ctx, 'programmed crossbar array', 8, 16, s.width - 16);
    if (hello.receptive === null) return drawMessage(ctx, all, `this scenario (${hello.scenario}) has no plastic input projection: no crossbar to program`);
    const d = this.data;
    if (d === null) {
      return drawMessage(
        ctx,
        { x: 0, y: 20, w: s.width, h: s.height - 20 },
        this.pending
          ? 'programming the crossbar…'
          : "'program crossbar' writes the current input→excitatory weights into a simulated memristor crossbar (the run's device, the chosen programming) and shows the array as programmed and its column currents for the image on show",
      );
    }
    drawText(ctx, `${d.rows} × ${d.cols} (inputs × neurons) · ${d.device} · ${d.programming}${this.pending ? ' · updating…' : ''}`, 8, 32, { colour: THEME.dim, maxWidth: s.width - 16 });
    const rect = this.arrayRect();
    if (this.imageStale || this.image === null) {
      this.imageStale = false;
      this.image = downsampleMatrix(d.programmed, d.rows, d.cols, Math.round(rect.h), Math.round(rect.w), { reduce: 'mean' });
      this.imageShape = { rows: Math.min(Math.round(rect.h), d.rows), cols: Math.min(Math.round(rect.w), d.cols) };
      const [lo, hi] = finiteRange(d.programmed);
      this.imageRange = Number.isFinite(lo) ? [Math.min(0, lo), hi > Math.min(0, lo) ? hi : Math.min(0, lo) + 1] : [0, 1];
    }
    const [lo, hi] = this.imageRange;
    drawHeatmap(s, ctx, rect, this.image, this.imageShape.rows, this.imageShape.cols, lo, hi, 'viridis');
    new Plot(ctx, rect, indexAxis(d.cols, 'column (neuron)', false), indexAxis(d.rows, 'row (input)', true)).axes();
    drawColourBar(ctx, { x: rect.x + rect.w + 10, y: rect.y, w: 10, h: rect.h }, lo, hi, 'viridis', 'weight [weight units]');
  }

  private renderCurrents(): void {
    const s = this.currentSurface;
    const ctx = s.begin();
    const all = { x: 0, y: 0, w: s.width, h: s.height };
    const hello = this.hello;
    if (hello === null) return drawMessage(ctx, all, 'waiting for the stream…');
    const d = this.data;
    if (hello.receptive === null || d === null) {
      drawTitle(ctx, 'column currents for the input', 8, 16, s.width - 16);
      return drawMessage(ctx, all, hello.receptive === null ? 'no crossbar in this scenario' : this.pending ? 'programming the crossbar…' : 'the column currents appear here once the crossbar is programmed');
    }
    let best = -1;
    let bestV = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < d.currents.length; k++) {
      if (d.currents[k] > bestV) {
        bestV = d.currents[k];
        best = k;
      }
    }
    const predicted = d.predicted < 0 ? 'no prediction (neurons not labelled yet)' : `predicted class ${d.predicted}`;
    const truth = d.label >= 0 ? `, label ${d.label} ${d.label === d.predicted ? '✓' : '✗'}` : '';
    drawTitle(ctx, `column currents: ${predicted}${truth}`, 8, 16, s.width - 16);
    const rect = plotRect(s.width, s.height, { legend: true });
    const [c0, c1] = finiteRange(d.currents);
    const [ylo, yhi] = niceDomain(Math.min(0, Number.isFinite(c0) ? c0 : 0), Math.max(Number.isFinite(c1) ? c1 : 1, 1e-12), 5);
    const plot = new Plot(ctx, rect, linearAxis(0, d.cols, 'column (excitatory neuron)', 5), linearAxis(ylo, yhi, 'current [normalised]', 5));
    plot.axes();
    const Y0 = plot.py(0);
    plot.clipped(() => {
      const w = Math.max(1, rect.w / Math.max(1, d.cols) - (d.cols < rect.w / 3 ? 1 : 0));
      ctx.fillStyle = BAR_COLOUR;
      for (let k = 0; k < d.currents.length; k++) {
        const v = d.currents[k];
        if (!Number.isFinite(v) || k === best) continue;
        const Y = plot.py(v);
        ctx.fillRect(plot.px(k), Math.min(Y, Y0), w, Math.abs(Y0 - Y));
      }
      if (best >= 0) {
        const Y = plot.py(bestV);
        ctx.fillStyle = MAX_COLOUR;
        ctx.fillRect(plot.px(best), Math.min(Y, Y0), Math.max(2, w), Math.abs(Y0 - Y));
      }
    });
    drawLegend(
      ctx,
      [
        { label: 'column current', colour: BAR_COLOUR, kind: 'box' },
        { label: best >= 0 ? `largest: column ${best}` : 'largest', colour: MAX_COLOUR, kind: 'box' },
        ...(d.sample !== '' ? [{ label: `input ${d.sample}`, colour: THEME.dim, kind: 'mark' as const }] : []),
      ],
      rect.x,
      32,
      rect.w,
    );
  }

  table(): PanelTable {
    const d = this.data;
    if (this.csv === 'matrix') {
      if (d === null) return { columns: ['row (input)'], rows: [] };
      const columns = ['row (input)', ...Array.from({ length: d.cols }, (_, c) => `col ${c}`)];
      const rows: number[][] = [];
      for (let r = 0; r < d.rows; r++) rows.push([r, ...Array.from(d.programmed.subarray(r * d.cols, (r + 1) * d.cols))]);
      return { columns, rows };
    }
    const rows: (number | string)[][] = [];
    if (d !== null) d.currents.forEach((v, k) => rows.push([k, v]));
    return { columns: ['column', 'current [normalised]'], rows };
  }
}
