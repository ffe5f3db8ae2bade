/**
 * The device panel (memristive synapses only; ideal float weights say so): histograms of the G+
 * and G− conductances [µS] over [gMin, gMax]; the pulses each synapse has taken as a heat map
 * (neurons × inputs, reduced to the canvas by the maximum per pixel) of the endurance used, or of
 * the pulse count on a log colour scale when the device does not wear out; pulses and energy so
 * far; and the drift of the programmed array — mean |weight| relative to fresh against age, raw
 * and with global compensation — for a chosen age (asks the worker through the host).
 *
 * Device state arrives about once a second; the panel copies it and recomputes on its next draw.
 *
 * Table (long format): the conductance histograms (series, bin range [µS], count) and the drift
 * curve (series, age [ms], relative mean |weight|).
 */
import type { LiveAnalysis, LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { PanelHost, PanelTable, ViewWindow } from './panel.js';
import { CanvasPanel } from './base.js';
import { buttonControl, CANVAS_H, CANVAS_W, controlRow, drawColourBar, drawHeatmap, drawLegend, drawMessage, drawTitle, indexAxis, linearAxis, logAxis, noteLine, Plot, plotRect, selectControl, Surface, THEME } from './chart.js';
import { AGE_CHOICES, ageTicks, downsampleMatrix, finiteRange, formatCount, formatDuration, formatEnergy, histogram, linearBins, logTicks, niceDomain, niceTicks, type Bins, type Histogram } from './stats.js';

/** Bins of the conductance histograms. */
export const G_BINS = 40;
const G_PLUS_COLOUR = '#ff8a50';
const G_MINUS_COLOUR = '#4fc3f7';
const RAW_COLOUR = '#ff8a65';
const COMP_COLOUR = '#aed581';

type Program = 'open-loop' | 'write-verify' | 'exact';

export class DevicesPanel extends CanvasPanel {
  private readonly histSurface = new Surface(CANVAS_W, CANVAS_H, 'devices-histogram-canvas');
  private readonly wearSurface = new Surface(CANVAS_W, CANVAS_H, 'devices-wear-canvas');
  private readonly driftSurface = new Surface(CANVAS_W, CANVAS_H, 'devices-drift-canvas');
  private readonly readout = noteLine('devices-readout');
  private readonly controls = controlRow();
  private readonly ageSelect: HTMLSelectElement;
  private readonly driftButton: HTMLButtonElement;
  private ageMs = AGE_CHOICES[1].ms;
  // the latest device state (copied)
  private gPlus: Float32Array = new Float32Array(0);
  private gMinus: Float32Array | null = null;
  private pulseCount: Uint32Array = new Uint32Array(0);
  private pulses = 0;
  private energy = 0;
  private hasState = false;
  private stateChanged = false;
  // derived on draw
  private bins: Bins | null = null;
  private histPlus: Histogram | null = null;
  private histMinus: Histogram | null = null;
  private wear: Float32Array | null = null;
  private wearShape = { rows: 0, cols: 0 };
  private wearMax = 0;
  // the drift curve
  private drift: { readonly ages: Float64Array; readonly raw: Float64Array; readonly comp: Float64Array; readonly programming: string; readonly device: string } | null = null;
  private pending = false;

  constructor(host: PanelHost) {
    super(host, 'devices', 'Devices: conductances, wear, energy and drift', false);
    const age = selectControl(
      'drift to age:',
      AGE_CHOICES.map((c) => ({ value: String(c.ms), label: c.label })),
      String(this.ageMs),
      'devices-age',
      (v) => {
        this.ageMs = Number(v);
        this.requestDrift();
      },
    );
    this.ageSelect = age.select;
    this.driftButton = buttonControl('compute drift', 'devices-drift-button', () => this.requestDrift());
    this.controls.append(age.element, this.driftButton);
    this.element.append(this.readout, this.histSurface.canvas, this.wearSurface.canvas, this.driftSurface.canvas, this.controls);
  }

  protected surfaces(): readonly Surface[] {
    return this.hello?.device ? [this.histSurface, this.wearSurface, this.driftSurface] : [this.histSurface];
  }

  protected clear(hello: LiveHello): void {
    this.hasState = false;
    this.stateChanged = false;
    this.gPlus = new Float32Array(0);
    this.gMinus = null;
    this.pulseCount = new Uint32Array(0);
    this.pulses = 0;
    this.energy = 0;
    this.histPlus = null;
    this.histMinus = null;
    this.wear = null;
    this.drift = null;
    this.pending = false;
    const d = hello.device;
    this.bins = d !== null && d.gMax > d.gMin ? linearBins(d.gMin, d.gMax, G_BINS) : null;
    const on = d !== null;
    for (const el of [this.wearSurface.canvas, this.driftSurface.canvas, this.controls]) el.style.display = on ? '' : 'none';
    this.ageSelect.disabled = !on || hello.receptive === null;
    this.driftButton.disabled = !on || hello.receptive === null;
    this.readout.textContent = on ? `${d.preset} (${d.cell === 'pair' ? 'G+/G− pair' : 'single device'}), ${d.gMin}–${d.gMax} µS, endurance ${d.endurance === null ? '∞' : formatCount(d.endurance)} pulses — waiting for device state…` : 'ideal float weights: no devices';
  }

  protected take(f: LiveFrame): void {
    const d = f.devices;
    if (d === null || this.hello?.device == null) return;
    this.gPlus = copyInto(this.gPlus, d.gPlus);
    this.gMinus = d.gMinus === null ? null : copyInto(this.gMinus ?? new Float32Array(0), d.gMinus);
    this.pulseCount = copyInto(this.pulseCount, d.pulseCount);
    this.pulses = d.pulses;
    this.energy = d.energy_nJ;
    this.hasState = true;
    this.stateChanged = true;
    this.dirty = true;
  }

  analysis(a: LiveAnalysis): void {
    this.drift = { ages: a.ages.slice(), raw: a.driftRaw.slice(), comp: a.driftCompensated.slice(), programming: a.programming, device: a.device };
    this.pending = false;
    this.dirty = true;
  }

  private requestDrift(): void {
    if (this.hello?.device == null || this.hello.receptive === null) return;
    const program = (this.drift?.programming ?? 'write-verify') as Program;
    this.pending = true;
    this.dirty = true;
    this.host.requestAnalysis({ ageMs: this.ageMs, program: program === 'open-loop' || program === 'exact' ? program : 'write-verify' });
  }

  /** Histograms and the wear map from the latest state (on draw, only after new state). */
  private derive(): void {
    const hello = this.hello;
    if (!this.stateChanged || hello === null || hello.device === null) return;
    this.stateChanged = false;
    if (this.bins !== null) {
      this.histPlus = histogram(this.gPlus, this.bins, true);
      this.histMinus = this.gMinus === null ? null : histogram(this.gMinus, this.bins, true);
    }
    const r = hello.receptive;
    const endurance = hello.device.endurance;
    if (r !== null && this.pulseCount.length === r.inputs * r.neurons) {
      const rect = this.wearRect();
      const map = endurance !== null && endurance > 0 ? (v: number) => v / endurance : (v: number) => Math.log10(1 + v);
      // the map is monotone, so the max of the mapped values is the mapped max: map the cells, not the 300 k synapses
      this.wear = downsampleMatrix(this.pulseCount, r.inputs, r.neurons, Math.round(rect.h), Math.round(rect.w), { transpose: true, reduce: 'max' });
      for (let k = 0; k < this.wear.length; k++) if (!Number.isNaN(this.wear[k])) this.wear[k] = map(this.wear[k]);
      this.wearShape = { rows: Math.min(Math.round(rect.h), r.neurons), cols: Math.min(Math.round(rect.w), r.inputs) };
      this.wearMax = finiteRange(this.wear)[1];
    } else this.wear = null;
    const d = hello.device;
    this.readout.textContent = `${d.preset} (${d.cell === 'pair' ? 'G+/G− pair' : 'single device'}): ${formatCount(this.pulses)} pulses so far, energy ${formatEnergy(this.energy)}`;
  }

  private wearRect() {
    return plotRect(this.wearSurface.width, this.wearSurface.height, { right: 78, legend: true });
  }

  protected render(_view: ViewWindow): void {
    this.derive();
    this.renderHistogram();
    if (this.hello?.device != null) {
      this.renderWear();
      this.renderDrift();
    }
  }

  private renderHistogram(): void {
    const s = this.histSurface;
    const ctx = s.begin();
    const all = { x: 0, y: 0, w: s.width, h: s.height };
    const hello = this.hello;
    if (hello === null) return drawMessage(ctx, all, 'waiting for the stream…');
    const d = hello.device;
    if (d === null) {
      drawTitle(ctx, 'devices', 8, 16, s.width - 16);
      return drawMessage(ctx, all, 'ideal float weights: no devices\n(choose a device preset to simulate memristive synapses)', THEME.text);
    }
    const pair = this.gMinus !== null || d.cell === 'pair';
    drawTitle(ctx, `conductances of ${formatCount(this.gPlus.length * (pair ? 2 : 1))} ${d.preset} devices`, 8, 16, s.width - 16);
    const rect = plotRect(s.width, s.height, { legend: true });
    if (!this.hasState || this.histPlus === null || this.bins === null) return drawMessage(ctx, rect, 'waiting for device state (sent about once a second)…');
    let max = 1;
    for (const c of this.histPlus.counts) if (c > max) max = c;
    if (this.histMinus) for (const c of this.histMinus.counts) if (c > max) max = c;
    const yhi = Math.pow(10, Math.ceil(Math.log10(max * 1.05)));
    const plot = new Plot(ctx, rect, linearAxis(d.gMin, d.gMax, `conductance [µS], ${G_BINS} bins over [gMin, gMax]`, 5), logAxis(0.5, yhi, 'devices (log)', logTicks(1, yhi)));
    plot.axes();
    if (this.histMinus) {
      // G+ and G− side by side in each bin
      plot.bars(this.bins.edges, this.histPlus.counts, G_PLUS_COLOUR, { alpha: 0.9, part: [0, 2] });
      plot.bars(this.bins.edges, this.histMinus.counts, G_MINUS_COLOUR, { alpha: 0.9, part: [1, 2] });
    } else plot.bars(this.bins.edges, this.histPlus.counts, G_PLUS_COLOUR, { alpha: 0.9 });
    drawLegend(
      ctx,
      this.histMinus ? [{ label: 'G+', colour: G_PLUS_COLOUR, kind: 'box' }, { label: 'G−', colour: G_MINUS_COLOUR, kind: 'box' }] : [{ label: 'G (single device)', colour: G_PLUS_COLOUR, kind: 'box' }],
      rect.x,
      32,
      rect.w,
    );
  }

  private renderWear(): void {
    const s = this.wearSurface;
    const ctx = s.begin();
    const hello = this.hello!;
    const d = hello.device!;
    const finite = d.endurance !== null && d.endurance > 0;
    drawTitle(ctx, finite ? 'endurance used per synapse (max per pixel)' : 'pulses per synapse (max per pixel, log scale)', 8, 16, s.width - 16);
    ctx.save();
    ctx.font = THEME.font;
    ctx.fillStyle = THEME.dim;
    ctx.fillText(`${formatCount(this.pulses)} pulses so far · ${formatEnergy(this.energy)}${finite ? ` · endurance ${formatCount(d.endurance!)}` : ' · no wear-out'}`, 8, 32);
    ctx.restore();
    const rect = this.wearRect();
    const r = hello.receptive;
    if (r === null) return drawMessage(ctx, rect, 'no plastic projection to show');
    if (this.wear === null) return drawMessage(ctx, rect, 'waiting for device state…');
    const hi = this.wearMax > 0 ? this.wearMax : finite ? 1e-6 : 1;
    drawHeatmap(s, ctx, rect, this.wear, this.wearShape.rows, this.wearShape.cols, 0, hi, 'inferno');
    const plot = new Plot(ctx, rect, indexAxis(r.inputs, 'input (pixel)', false), indexAxis(r.neurons, 'neuron', true));
    plot.axes();
    const bar = { x: rect.x + rect.w + 10, y: rect.y, w: 10, h: rect.h };
    if (finite) {
      // the colour bar in percent of the endurance
      const ticks = niceTicks(0, hi * 100, 4).ticks.map((t) => ({ value: t.value / 100, label: t.label }));
      drawColourBar(ctx, bar, 0, hi, 'inferno', 'endurance used [%]', { ticks });
    } else {
      const maxCount = Math.pow(10, hi) - 1;
      const ticks = [{ value: 0, label: '0' }, ...logTicks(1, Math.max(10, maxCount))];
      drawColourBar(ctx, bar, 0, hi, 'inferno', 'pulses (log)', { ticks, position: (v) => Math.log10(1 + v) });
    }
  }

  private renderDrift(): void {
    const s = this.driftSurface;
    const ctx = s.begin();
    const rect = plotRect(s.width, s.height, { legend: true });
    const hello = this.hello!;
    const dr = this.drift;
    if (hello.receptive === null) {
      drawTitle(ctx, 'drift', 8, 16, s.width - 16);
      return drawMessage(ctx, rect, 'no plastic projection: nothing to program');
    }
    if (dr === null || dr.ages.length === 0) {
      drawTitle(ctx, 'drift of the programmed array', 8, 16, s.width - 16);
      return drawMessage(ctx, rect, this.pending ? 'programming a crossbar and ageing it…' : "choose an age and press 'compute drift': the worker programs a crossbar with the current weights and reads it as it ages (raw, and with global drift compensation)");
    }
    drawTitle(ctx, `drift to ${formatDuration(dr.ages[dr.ages.length - 1])}: mean |w| / fresh (${dr.programming})${this.pending ? ' — updating…' : ''}`, 8, 16, s.width - 16);
    const [a0] = finiteRange(dr.ages);
    const a1 = dr.ages[dr.ages.length - 1];
    const [r0, r1] = finiteRange(dr.raw);
    const [c0, c1] = finiteRange(dr.comp);
    const lo = Math.min(1, Number.isFinite(r0) ? r0 : 1, Number.isFinite(c0) ? c0 : 1);
    const hi = Math.max(1, Number.isFinite(r1) ? r1 : 1, Number.isFinite(c1) ? c1 : 1);
    const pad = Math.max(0.02, (hi - lo) * 0.1);
    const [ylo, yhi] = niceDomain(lo - pad, hi + pad, 5);
    const plot = new Plot(ctx, rect, logAxis(a0, a1, 'age (log scale)', ageTicks(a0, a1)), linearAxis(ylo, yhi, 'mean |w| relative to fresh', 5));
    plot.axes();
    plot.hline(1, THEME.dim);
    plot.line(dr.ages, dr.raw, RAW_COLOUR, { dots: true });
    plot.line(dr.ages, dr.comp, COMP_COLOUR, { dots: true });
    drawLegend(
      ctx,
      [
        { label: 'raw', colour: RAW_COLOUR },
        { label: 'global compensation', colour: COMP_COLOUR },
        { label: 'fresh', colour: THEME.dim, dash: [4, 3] },
      ],
      rect.x,
      32,
      rect.w,
    );
  }

  table(): PanelTable {
    this.derive();
    const rows: (number | string)[][] = [];
    const columns = ['series', 'x', 'x end', 'x unit', 'value', 'value unit'];
    if (this.bins !== null && this.histPlus !== null) {
      const e = this.bins.edges;
      const name = this.histMinus ? 'G+ histogram' : 'G histogram';
      this.histPlus.counts.forEach((c, k) => rows.push([name, e[k], e[k + 1], 'µS', c, 'devices']));
      if (this.histMinus) this.histMinus.counts.forEach((c, k) => rows.push(['G− histogram', e[k], e[k + 1], 'µS', c, 'devices']));
    }
    if (this.drift !== null) {
      const dr = this.drift;
      dr.ages.forEach((t, k) => rows.push([`drift raw (${dr.programming})`, t, '', 'ms', dr.raw[k], 'mean |w| / fresh']));
      dr.ages.forEach((t, k) => rows.push([`drift compensated (${dr.programming})`, t, '', 'ms', dr.comp[k], 'mean |w| / fresh']));
    }
    if (this.hasState) {
      rows.push(['pulses so far', '', '', '', this.pulses, 'pulses']);
      rows.push(['energy so far', '', '', '', this.energy, 'nJ']);
    }
    return { columns, rows };
  }
}

/** `src` copied into `dst` when the lengths agree (no allocation), else into a new array. */
function copyInto<T extends Float32Array | Uint32Array>(dst: T, src: T): T {
  if (dst.length === src.length) {
    dst.set(src);
    return dst;
  }
  return src.slice() as T;
}
