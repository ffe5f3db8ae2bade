/**
 * The probe panel: membrane potential v and threshold (base + adaptation θ) [mV] of the probed
 * neuron at every step, with its spikes marked, over the view's time window (it follows the
 * scrubber; about 30 s are kept). Choosing another neuron (a click on a receptive field or a
 * raster row, or the number field here) starts its trace afresh.
 *
 * Table: step, t [ms], v [mV], threshold [mV], spike (1 at the neuron's spike steps) in view.
 */
import type { LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { PanelHost, PanelTable, ViewWindow } from './panel.js';
import { CanvasPanel, KEPT_MS } from './base.js';
import { CANVAS_H, CANVAS_W, controlRow, drawLegend, drawMessage, drawTitle, linearAxis, noteLine, Plot, plotRect, Surface } from './chart.js';
import { EventRing, StepSeries } from './ring.js';
import { finiteRange, niceDomain } from './stats.js';

const V_COLOUR = '#e8eaed';
const THRESHOLD_COLOUR = '#ffd54f';
const SPIKE_COLOUR = '#ff5252';
const SPIKE_CAPACITY = 1 << 14;
const MAX_STEPS = 1 << 19;

export class ProbePanel extends CanvasPanel {
  private readonly surface = new Surface(CANVAS_W, CANVAS_H, 'probe-canvas');
  private series = new StepSeries(1, 2);
  private readonly spikes = new EventRing(SPIKE_CAPACITY);
  private readonly neuronInput: HTMLInputElement;
  private probePop = -1;
  private n = 0;
  private label = '';
  /** the neuron the trace shows (−1: none yet) and the first step of its trace */
  private neuron = -1;
  private since = 0;
  private xs = new Float64Array(0);

  constructor(host: PanelHost) {
    super(host, 'probe', 'Membrane potential of a probed neuron', true);
    const controls = controlRow();
    const label = document.createElement('label');
    label.style.cssText = 'display:inline-flex;gap:4px;align-items:center';
    label.append(document.createTextNode('neuron'));
    this.neuronInput = document.createElement('input');
    this.neuronInput.type = 'number';
    this.neuronInput.min = '0';
    this.neuronInput.step = '1';
    this.neuronInput.style.width = '5em';
    this.neuronInput.dataset['testid'] = 'probe-neuron';
    this.neuronInput.disabled = true;
    this.neuronInput.addEventListener('change', () => {
      const i = Number(this.neuronInput.value);
      if (Number.isSafeInteger(i) && i >= 0 && i < this.n) this.host.selectNeuron(i);
      else if (this.neuron >= 0) this.neuronInput.value = String(this.neuron);
    });
    label.append(this.neuronInput);
    controls.append(label, noteLine('probe-hint', 'click a receptive field or a raster row to choose a neuron'));
    this.element.append(this.surface.canvas, controls);
  }

  protected surfaces(): readonly Surface[] {
    return [this.surface];
  }

  protected clear(hello: LiveHello): void {
    const cap = Math.min(MAX_STEPS, Math.ceil(KEPT_MS / hello.dt) + 1);
    if (this.series.capacity !== cap) this.series = new StepSeries(cap, 2);
    else this.series.clear();
    this.spikes.clear();
    this.neuron = -1;
    this.since = 0;
    this.probePop = hello.probe?.population ?? -1;
    this.n = hello.probe?.n ?? 0;
    this.label = this.probePop >= 0 && this.probePop < hello.populations.length ? hello.populations[this.probePop].label : '';
    this.neuronInput.disabled = hello.probe === null;
    this.neuronInput.max = String(Math.max(0, this.n - 1));
    this.neuronInput.value = '';
  }

  protected take(f: LiveFrame): void {
    const p = f.probe;
    if (p === null) return;
    if (p.neuron !== this.neuron || p.stepFrom < this.series.lo) {
      this.series.clear();
      this.spikes.clear();
      this.neuron = p.neuron;
      this.since = p.stepFrom;
      if (document.activeElement !== this.neuronInput) this.neuronInput.value = String(p.neuron);
    }
    if (p.v.length > 0) this.series.write(p.stepFrom, [p.v, p.threshold]);
    const s = f.spikes[p.population];
    if (s !== undefined) {
      const { steps, indices } = s;
      for (let k = 0; k < indices.length; k++) if (indices[k] === this.neuron && steps[k] >= this.since) this.spikes.push(steps[k], indices[k]);
    }
    this.dirty = true;
  }

  private window(view: ViewWindow): { readonly from: number; readonly to: number } {
    return { from: view.endStep - Math.max(1, view.spanSteps), to: view.endStep };
  }

  protected render(view: ViewWindow): void {
    const s = this.surface;
    const ctx = s.begin();
    const all = { x: 0, y: 0, w: s.width, h: s.height };
    const hello = this.hello;
    if (hello === null) return drawMessage(ctx, all, 'waiting for the stream…');
    if (hello.probe === null) return drawMessage(ctx, all, `this scenario (${hello.scenario}) has no neuron to probe`);
    const rect = plotRect(s.width, s.height, { legend: true });
    if (this.neuron < 0) {
      drawTitle(ctx, `membrane potential (${this.label})`, 8, 16, s.width - 16);
      return drawMessage(ctx, rect, 'no neuron probed yet: click a receptive field or a raster row to choose a neuron');
    }
    const dt = view.dt;
    const { from, to } = this.window(view);
    const spikes = this.spikes.countIn(from, to);
    drawTitle(ctx, `${this.label} #${this.neuron}: v and threshold (${spikes} spike${spikes === 1 ? '' : 's'} in view)`, 8, 16, s.width - 16);
    const n = Math.max(0, Math.min(to, this.series.hi) - Math.max(from, this.series.lo));
    // each pixel column's first, lowest, highest and last value (or every step when they are few)
    const cols = Math.max(1, Math.min(to - from, Math.round(rect.w)));
    const vEnv = this.series.envelope(0, from, to, cols);
    const tEnv = this.series.envelope(1, from, to, cols);
    if (this.xs.length !== 4 * cols) this.xs = new Float64Array(4 * cols);
    const colSeconds = ((to - from) * dt) / 1000 / cols;
    for (let c = 0; c < cols; c++) {
      const x = (from * dt) / 1000 + (c + 0.5) * colSeconds;
      for (let j = 0; j < 4; j++) this.xs[4 * c + j] = x;
    }
    const [v0, v1] = finiteRange(vEnv);
    const [t0, t1] = finiteRange(tEnv);
    const lo = Math.min(v0, t0);
    const hi = Math.max(v1, t1);
    const [ylo, yhi] = Number.isFinite(lo) ? niceDomain(lo - 1, hi + 1, 5) : [-80, -40];
    const plot = new Plot(ctx, rect, linearAxis((from * dt) / 1000, (to * dt) / 1000, 'time [s]', 5), linearAxis(ylo, yhi, 'potential [mV]', 5));
    plot.axes();
    drawLegend(
      ctx,
      [
        { label: 'v', colour: V_COLOUR },
        { label: 'threshold (with θ)', colour: THRESHOLD_COLOUR, dash: [5, 3] },
        { label: 'spike', colour: SPIKE_COLOUR, kind: 'mark' },
      ],
      rect.x,
      32,
      rect.w,
    );
    if (n === 0) return drawMessage(ctx, rect, this.series.length === 0 ? 'waiting for probe values…' : 'no probe values in this window (kept: the last 30 s of this neuron)');
    plot.line(this.xs, tEnv, THRESHOLD_COLOUR, { width: 1.25, dash: [5, 3] });
    plot.line(this.xs, vEnv, V_COLOUR, { width: 1.25 });
    ctx.save();
    ctx.strokeStyle = SPIKE_COLOUR;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    this.spikes.forEachIn(from, to, (step) => {
      const X = Math.round(plot.px((step * dt) / 1000)) + 0.5;
      ctx.moveTo(X, rect.y + 1);
      ctx.lineTo(X, rect.y + 9);
    });
    ctx.stroke();
    ctx.restore();
  }

  table(): PanelTable {
    const view = this.lastView ?? this.fallbackView();
    const { from, to } = this.window(view);
    const a = Math.max(from, this.series.lo);
    const b = Math.min(to, this.series.hi);
    const spiked = new Set<number>();
    this.spikes.forEachIn(a, b, (step) => spiked.add(step));
    const rows: (number | string)[][] = [];
    for (let step = a; step < b; step++) rows.push([step, step * view.dt, this.series.get(0, step), this.series.get(1, step), spiked.has(step) ? 1 : 0]);
    return { columns: ['step', 't [ms]', 'v [mV]', 'threshold [mV]', 'spike'], rows };
  }
}
