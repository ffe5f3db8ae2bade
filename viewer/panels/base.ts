/**
 * What the Canvas2D panels share: the root section with its title, the dirty flag, redrawing only
 * when the data or (for panels that show time) the view changed, and the PNG canvas.
 */
import type { LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { Panel, PanelHost, PanelTable, ViewWindow } from './panel.js';
import { composeCanvases, panelSection, type Surface, ViewTracker } from './chart.js';

/** Steps of history the time-based panels keep [ms] (the scrubber looks back this far). */
export const KEPT_MS = 30_000;

export abstract class CanvasPanel implements Panel {
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  protected readonly host: PanelHost;
  protected hello: LiveHello | null = null;
  protected dirty = true;
  /** the last view drawn (or given), for exports of a panel that was never drawn */
  protected lastView: ViewWindow | null = null;
  /** newest step seen in a frame */
  protected lastStep = 0;
  /** whether the drawing depends on the view (time-based panels) */
  protected readonly followsView: boolean;
  private readonly views = new ViewTracker();

  protected constructor(host: PanelHost, id: string, title: string, followsView: boolean) {
    this.host = host;
    this.id = id;
    this.title = title;
    this.followsView = followsView;
    this.element = panelSection(id, title);
  }

  /** The surfaces whose canvases make the panel's PNG (hidden ones left out). */
  protected abstract surfaces(): readonly Surface[];
  /** Clears the panel's data for a new stream. */
  protected abstract clear(hello: LiveHello): void;
  protected abstract take(f: LiveFrame): void;
  protected abstract render(view: ViewWindow): void;
  abstract table(): PanelTable;

  reset(hello: LiveHello): void {
    this.hello = hello;
    this.lastStep = 0;
    this.views.forget();
    this.clear(hello);
    this.dirty = true;
  }

  frame(f: LiveFrame): void {
    if (this.hello === null) return;
    if (f.stepTo > this.lastStep) this.lastStep = f.stepTo;
    this.take(f);
  }

  draw(view: ViewWindow): void {
    const moved = this.views.changed(view);
    this.lastView = view;
    if (!this.dirty && !(moved && this.followsView)) return;
    this.dirty = false;
    this.render(view);
  }

  /** A view of the live edge, for drawing before the app gave one. */
  protected fallbackView(): ViewWindow {
    const dt = this.hello?.dt ?? 0.5;
    return { endStep: this.lastStep, spanSteps: Math.max(1, Math.round(2000 / dt)), dt, live: true };
  }

  canvas(): HTMLCanvasElement {
    if (this.dirty || this.lastView === null) {
      this.dirty = false;
      this.render(this.lastView ?? this.fallbackView());
    }
    return composeCanvases(this.surfaces().map((s) => s.canvas), 2);
  }
}
