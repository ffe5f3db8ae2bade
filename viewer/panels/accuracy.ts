/**
 * The accuracy panel: the running accuracy [%] of each phase (frame.progress.accuracy, a fraction,
 * × 100; null → no point) against the samples done, counted cumulatively across the schedule's
 * phases (a phase starts where the previous one's total ended; dashed lines mark the starts). One
 * series per phase, named by its display name. Each series keeps at most 2 048 points: when full,
 * every other point is dropped and later points are taken at twice the spacing (the newest point
 * is always shown).
 *
 * Table: samples (cumulative), samples in the phase, phase, accuracy [%].
 */
import type { LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { PanelHost, PanelTable, ViewWindow } from './panel.js';
import { CanvasPanel } from './base.js';
import { CANVAS_H, CANVAS_W, drawLegend, drawMessage, drawTitle, linearAxis, PALETTE, Plot, plotRect, Surface, THEME } from './chart.js';
import { ThinnedSeries } from './ring.js';
import { formatCount, niceDomain } from './stats.js';

const POINTS = 2048;
const MAX_SERIES = 32;

interface Phase {
  readonly index: number;
  readonly name: string;
  readonly start: number;
  readonly points: ThinnedSeries;
}

export class AccuracyPanel extends CanvasPanel {
  private readonly surface = new Surface(CANVAS_W, CANVAS_H, 'accuracy-canvas');
  private phases: Phase[] = [];
  private offset = 0;
  private curIndex = -1;
  private curTotal = 0;
  private lastDone = -1;
  private sawProgress = false;
  private latest: { readonly name: string; readonly accuracy: number; readonly done: number; readonly total: number } | null = null;

  constructor(host: PanelHost) {
    super(host, 'accuracy', 'Running accuracy', false);
    this.element.append(this.surface.canvas);
  }

  protected surfaces(): readonly Surface[] {
    return [this.surface];
  }

  protected clear(_hello: LiveHello): void {
    this.phases = [];
    this.offset = 0;
    this.curIndex = -1;
    this.curTotal = 0;
    this.lastDone = -1;
    this.sawProgress = false;
    this.latest = null;
  }

  protected take(f: LiveFrame): void {
    const p = f.progress;
    if (p === null || p.finished) return;
    if (!this.sawProgress) {
      this.sawProgress = true;
      this.dirty = true;
    }
    if (p.index !== this.curIndex) {
      if (this.curIndex >= 0) this.offset += Math.max(this.curTotal, this.lastDone, 0);
      this.curIndex = p.index;
      this.lastDone = -1;
      this.dirty = true;
    }
    this.curTotal = p.total;
    if (p.done === this.lastDone) return;
    this.lastDone = p.done;
    if (p.accuracy === null || !Number.isFinite(p.accuracy)) return;
    let phase = this.phases.length > 0 ? this.phases[this.phases.length - 1] : undefined;
    if (phase === undefined || phase.index !== p.index) {
      phase = { index: p.index, name: p.name, start: this.offset, points: new ThinnedSeries(POINTS) };
      this.phases.push(phase);
      if (this.phases.length > MAX_SERIES) this.phases.shift();
    }
    const acc = p.accuracy * 100;
    phase.points.push(this.offset + p.done, p.done, acc);
    this.latest = { name: p.name, accuracy: acc, done: p.done, total: p.total };
    this.dirty = true;
  }

  /** Series names: the phase's display name, numbered when names repeat. */
  private names(): string[] {
    const count = new Map<string, number>();
    for (const ph of this.phases) count.set(ph.name, (count.get(ph.name) ?? 0) + 1);
    return this.phases.map((ph) => ((count.get(ph.name) ?? 0) > 1 ? `${ph.name} (phase ${ph.index + 1})` : ph.name));
  }

  protected render(_view: ViewWindow): void {
    const s = this.surface;
    const ctx = s.begin();
    const all = { x: 0, y: 0, w: s.width, h: s.height };
    const hello = this.hello;
    if (hello === null) return drawMessage(ctx, all, 'waiting for the stream…');
    const l = this.latest;
    drawTitle(ctx, l === null ? 'running accuracy' : `running accuracy: ${l.accuracy.toFixed(1)} % (${l.name}, ${formatCount(l.done)} of ${formatCount(l.total)})`, 8, 16, s.width - 16);
    const rect = plotRect(s.width, s.height, { legend: true });
    if (!this.sawProgress) return drawMessage(ctx, rect, `no accuracy: this scenario (${hello.scenario}) classifies nothing`);
    let maxX = this.offset + Math.max(this.curTotal, 1);
    for (const ph of this.phases) if (ph.points.n > 0) maxX = Math.max(maxX, ph.points.xs[ph.points.n - 1]);
    const [, xhi] = niceDomain(0, maxX, 5);
    const plot = new Plot(ctx, rect, linearAxis(0, xhi, 'samples (cumulative over phases)', 5), linearAxis(0, 100, 'accuracy [%]', 5));
    plot.axes();
    for (const ph of this.phases) if (ph.start > 0) plot.vline(ph.start, THEME.dim);
    const names = this.names();
    this.phases.forEach((ph, k) => plot.line(ph.points.xs, ph.points.ys, PALETTE[k % PALETTE.length], { n: ph.points.n, width: 1.5, dots: ph.points.n < 40 }));
    drawLegend(
      ctx,
      this.phases.map((_, k) => ({ label: names[k], colour: PALETTE[k % PALETTE.length] })),
      rect.x,
      32,
      rect.w,
    );
    if (this.phases.length === 0) drawMessage(ctx, rect, 'no accuracy yet (the neurons are labelled after the first samples)');
  }

  table(): PanelTable {
    const names = this.names();
    const rows: (number | string)[][] = [];
    this.phases.forEach((ph, k) => {
      const p = ph.points;
      for (let i = 0; i < p.n; i++) rows.push([p.xs[i], p.extra[i], names[k], p.ys[i]]);
    });
    return { columns: ['samples (cumulative)', 'samples in phase', 'phase', 'accuracy [%]'], rows };
  }
}
