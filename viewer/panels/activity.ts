/**
 * The activity panel: population rates [Hz] over the view's time window (one line per population,
 * spike counts in 10 ms bins — grouped into wider bins when the window is long — divided by the
 * population size and the steps each bin has seen), and the histogram of inter-spike intervals of
 * the excitatory population over the kept window (the last 30 s up to the view's end), in log bins.
 *
 * Both follow the scrubber. History is bounded: rates in a ring of 10 ms bins covering 30 s; the
 * ISIs as one histogram per 250 ms chunk in a ring covering 30 s (no per-spike storage).
 *
 * Table (long format): rate rows (quantity "rate [Hz]", population, bin start and end [ms], rate)
 * and ISI rows (quantity "ISI count", population, interval range [ms], count).
 */
import type { LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { PanelHost, PanelTable, ViewWindow } from './panel.js';
import { CanvasPanel, KEPT_MS } from './base.js';
import { CANVAS_H, CANVAS_W, drawLegend, drawMessage, drawText, drawTitle, linearAxis, logAxis, PALETTE, Plot, plotRect, ROLE_COLOURS, Surface, THEME } from './chart.js';
import { BinnedCounts } from './ring.js';
import { collectIsis, formatCount, formatDuration, groupFactor, logBins, niceDomain, type Bins } from './stats.js';

/** Width of the rate bins [ms] (before grouping for long windows). */
export const RATE_BIN_MS = 10;
/** Most rate bins drawn across the window. */
const MAX_RATE_BINS = 200;
/** ISI histogram: log bins from 1 ms to 10 s, 8 per decade; kept in chunks of 250 ms. */
export const ISI_MIN_MS = 1;
export const ISI_MAX_MS = 10_000;
export const ISI_PER_DECADE = 8;
const ISI_CHUNK_MS = 250;

interface Rates {
  readonly binMs: number;
  /** bin starts [ms] */
  readonly starts: Float64Array;
  /** rates[p][k] [Hz] (NaN: bin not seen) */
  readonly rates: Float64Array[];
}

interface Isis {
  readonly counts: Float64Array;
  readonly under: number;
  readonly over: number;
  /** time the histogram covers [ms] */
  readonly coveredMs: number;
}

export class ActivityPanel extends CanvasPanel {
  private readonly rateSurface = new Surface(CANVAS_W, CANVAS_H, 'activity-rates-canvas');
  private readonly isiSurface = new Surface(CANVAS_W, CANVAS_H, 'activity-isi-canvas');
  private rates = new BinnedCounts(1, 1, 1);
  private isi = new BinnedCounts(1, 1, 1);
  readonly isiBins: Bins = logBins(ISI_MIN_MS, ISI_MAX_MS, ISI_PER_DECADE);
  private last = new Int32Array(0);
  private isiPop = -1;
  private colours: string[] = [];

  constructor(host: PanelHost) {
    super(host, 'activity', 'Population rates and ISI histogram', true);
    this.element.append(this.rateSurface.canvas, this.isiSurface.canvas);
  }

  protected surfaces(): readonly Surface[] {
    return [this.rateSurface, this.isiSurface];
  }

  protected clear(hello: LiveHello): void {
    const dt = hello.dt;
    const binSteps = Math.max(1, Math.round(RATE_BIN_MS / dt));
    this.rates = new BinnedCounts(Math.ceil(KEPT_MS / (binSteps * dt)) + 2, Math.max(1, hello.populations.length), binSteps);
    const chunkSteps = Math.max(1, Math.round(ISI_CHUNK_MS / dt));
    this.isi = new BinnedCounts(Math.ceil(KEPT_MS / (chunkSteps * dt)) + 2, this.isiBins.count + 2, chunkSteps);
    let p = hello.populations.findIndex((q) => q.role === 'exc');
    if (p < 0) p = hello.populations.findIndex((q) => q.role !== 'input');
    this.isiPop = p;
    this.last = new Int32Array(p >= 0 ? hello.populations[p].n : 0).fill(-1);
    const used = new Set<string>();
    this.colours = hello.populations.map((q, k) => {
      let c: string = ROLE_COLOURS[q.role] ?? PALETTE[k % PALETTE.length];
      if (used.has(c)) c = PALETTE.find((x) => !used.has(x)) ?? c;
      used.add(c);
      return c;
    });
  }

  protected take(f: LiveFrame): void {
    const hello = this.hello;
    if (hello === null) return;
    if (f.stepFrom < (this.rates.hi - 1) * this.rates.binSteps) {
      // time went back without a hello: start over
      this.rates.clear();
      this.isi.clear();
      this.last.fill(-1);
    }
    this.rates.cover(f.stepFrom, f.stepTo);
    this.isi.cover(f.stepFrom, f.stepTo);
    const np = Math.min(f.spikes.length, hello.populations.length);
    for (let p = 0; p < np; p++) {
      const steps = f.spikes[p].steps;
      for (let k = 0; k < steps.length; k++) this.rates.add(p, steps[k]);
    }
    const s = this.isiPop >= 0 ? f.spikes[this.isiPop] : undefined;
    if (s !== undefined && s.steps.length > 0) {
      const bins = this.isiBins;
      const over = bins.count + 1;
      collectIsis(s.steps, s.indices, hello.dt, this.last, (step, isi) => {
        const k = bins.index(isi);
        if (k >= -1) this.isi.add(k >= bins.count ? over : k + 1, step);
      });
    }
    this.dirty = true;
  }

  /** Rates of every population in the view's window. */
  private computeRates(view: ViewWindow): Rates {
    const hello = this.hello!;
    const dt = view.dt;
    const r = this.rates;
    const from = view.endStep - Math.max(1, view.spanSteps);
    const to = view.endStep;
    const g = groupFactor(Math.ceil((to - from) / r.binSteps), MAX_RATE_BINS);
    const groupSteps = g * r.binSteps;
    const g0 = Math.floor(from / groupSteps);
    const g1 = Math.ceil(to / groupSteps);
    const count = Math.max(0, g1 - g0);
    const starts = Float64Array.from({ length: count }, (_, k) => (g0 + k) * groupSteps * dt);
    const seen = new Float64Array(count);
    for (let k = 0; k < count; k++) for (let b = (g0 + k) * g; b < (g0 + k + 1) * g; b++) seen[k] += r.covered(b);
    const rates = hello.populations.map((pop, p) => {
      const out = new Float64Array(count);
      for (let k = 0; k < count; k++) {
        if (seen[k] === 0) {
          out[k] = Number.NaN;
          continue;
        }
        let c = 0;
        for (let b = (g0 + k) * g; b < (g0 + k + 1) * g; b++) c += r.count(p, b);
        out[k] = pop.n > 0 ? (c * 1000) / (pop.n * seen[k] * dt) : Number.NaN;
      }
      return out;
    });
    return { binMs: groupSteps * dt, starts, rates };
  }

  /** The ISI histogram over the kept window ending at the view's end. */
  private computeIsis(view: ViewWindow): Isis {
    const h = this.isi;
    const end = view.endStep;
    const c0 = h.binOf(end - Math.round(KEPT_MS / view.dt));
    const c1 = h.binOf(Math.max(0, end - 1));
    const nb = this.isiBins.count;
    const counts = new Float64Array(nb);
    let under = 0;
    let over = 0;
    let covered = 0;
    for (let c = Math.max(c0, h.lo); c <= c1 && c < h.hi; c++) {
      covered += h.covered(c);
      under += h.count(0, c);
      over += h.count(nb + 1, c);
      for (let k = 0; k < nb; k++) counts[k] += h.count(k + 1, c);
    }
    return { counts, under, over, coveredMs: covered * view.dt };
  }

  protected render(view: ViewWindow): void {
    this.renderRates(view);
    this.renderIsis(view);
  }

  private renderRates(view: ViewWindow): void {
    const s = this.rateSurface;
    const ctx = s.begin();
    const hello = this.hello;
    if (hello === null) return drawMessage(ctx, { x: 0, y: 0, w: s.width, h: s.height }, 'waiting for the stream…');
    const r = this.computeRates(view);
    drawTitle(ctx, `population rates, bins of ${Number(r.binMs.toPrecision(3))} ms`, 8, 16, s.width - 16);
    const rect = plotRect(s.width, s.height, { legend: true });
    let max = 0;
    for (const row of r.rates) for (const v of row) if (v > max) max = v;
    const [, yhi] = niceDomain(0, max > 0 ? max * 1.08 : 1, 5);
    const dt = view.dt;
    const from = view.endStep - Math.max(1, view.spanSteps);
    const plot = new Plot(ctx, rect, linearAxis((from * dt) / 1000, (view.endStep * dt) / 1000, 'time [s]', 5), linearAxis(0, yhi, 'rate [Hz]', 5));
    plot.axes();
    const xs = r.starts.map((t) => (t + r.binMs / 2) / 1000);
    hello.populations.forEach((_, p) => plot.line(xs, r.rates[p], this.colours[p], { width: 1.5 }));
    drawLegend(
      ctx,
      hello.populations.map((pop, p) => ({ label: `${pop.label} (${pop.n})`, colour: this.colours[p] })),
      rect.x,
      32,
      rect.w,
    );
    if (r.rates.every((row) => row.every((v) => Number.isNaN(v)))) drawMessage(ctx, rect, 'no spikes recorded in this window');
  }

  private renderIsis(view: ViewWindow): void {
    const s = this.isiSurface;
    const ctx = s.begin();
    const hello = this.hello;
    if (hello === null) return drawMessage(ctx, { x: 0, y: 0, w: s.width, h: s.height }, 'waiting for the stream…');
    if (this.isiPop < 0) return drawMessage(ctx, { x: 0, y: 0, w: s.width, h: s.height }, 'no spiking population for an ISI histogram');
    const label = hello.populations[this.isiPop].label;
    const isi = this.computeIsis(view);
    let total = 0;
    let max = 0;
    for (const c of isi.counts) {
      total += c;
      if (c > max) max = c;
    }
    drawTitle(ctx, `ISI of ${label}: ${formatCount(total)} intervals, last ${formatDuration(isi.coveredMs)}`, 8, 16, s.width - 16);
    const rect = plotRect(s.width, s.height, { legend: true });
    const [, yhi] = niceDomain(0, max > 0 ? max : 1, 4);
    const plot = new Plot(ctx, rect, logAxis(ISI_MIN_MS, ISI_MAX_MS, `inter-spike interval [ms], log bins (${ISI_PER_DECADE}/decade)`), linearAxis(0, yhi, 'intervals', 4));
    plot.axes();
    const colour = this.colours[this.isiPop] ?? PALETTE[0];
    plot.bars(this.isiBins.edges, isi.counts, colour, { alpha: 0.8 });
    const w = drawLegend(ctx, [{ label: `${label} ISIs`, colour, kind: 'box' }], rect.x, 32, rect.w);
    drawText(ctx, `< ${ISI_MIN_MS} ms: ${formatCount(isi.under)} · > ${ISI_MAX_MS / 1000} s: ${formatCount(isi.over)}`, rect.x + w + 4, 32, { colour: THEME.dim, maxWidth: rect.w - w - 4 });
    if (total === 0) drawMessage(ctx, rect, 'no intervals yet (a neuron needs two spikes)');
  }

  table(): PanelTable {
    const hello = this.hello;
    const rows: (number | string)[][] = [];
    const columns = ['quantity', 'population', 'from [ms]', 'to [ms]', 'value'];
    if (hello === null) return { columns, rows };
    const view = this.lastView ?? this.fallbackView();
    const r = this.computeRates(view);
    hello.populations.forEach((pop, p) => r.starts.forEach((t, k) => rows.push(['rate [Hz]', pop.label, t, t + r.binMs, r.rates[p][k]])));
    if (this.isiPop >= 0) {
      const label = hello.populations[this.isiPop].label;
      const isi = this.computeIsis(view);
      const e = this.isiBins.edges;
      rows.push(['ISI count', label, 0, e[0], isi.under]);
      isi.counts.forEach((c, k) => rows.push(['ISI count', label, e[k], e[k + 1], c]));
      rows.push(['ISI count', label, e[e.length - 1], Number.POSITIVE_INFINITY, isi.over]);
    }
    return { columns, rows };
  }
}
