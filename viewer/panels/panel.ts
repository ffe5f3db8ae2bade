/**
 * What every panel of the viewer offers the app: a root element with a title, axes, units and a
 * legend; a reset when a stream (re)starts; every frame of the stream; a draw at most once per
 * animation frame (only when visible and changed); and exports of what it shows.
 *
 * The app calls, in this order: `reset(hello)` on every hello; `frame(f)` for every frame (cheap:
 * copy what is needed, mark dirty); `draw(view)` once per animation frame; `analysis(a)` when the
 * worker answers a crossbar request. Panels never talk to the worker themselves; they ask through
 * `PanelHost` (given at construction).
 */
import type { LiveAnalysis, LiveFrame, LiveHello } from '../../networks/live/frame.js';

/** The part of the kept window the user looks at (the scrubber's position). */
export interface ViewWindow {
  /** newest step shown (the live edge, or the scrubber's position when looking back) [steps] */
  readonly endStep: number;
  /** steps shown across the raster's width */
  readonly spanSteps: number;
  /** time step [ms] */
  readonly dt: number;
  /** whether the view follows the live edge */
  readonly live: boolean;
}

/** What a panel may ask of the app. */
export interface PanelHost {
  /** probe another neuron of the probed population (the click on a receptive field or raster row) */
  selectNeuron(neuron: number): void;
  /** ask the worker for the crossbar view and drift curve */
  requestAnalysis(request: { readonly ageMs: number; readonly program: 'open-loop' | 'write-verify' | 'exact' }): void;
}

/** A table of what the panel shows: the header row, then rows of numbers or strings. */
export interface PanelTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | string)[])[];
}

export interface Panel {
  /** stable id, used in data-testid="panel-<id>" and export file names */
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  reset(hello: LiveHello): void;
  frame(f: LiveFrame): void;
  analysis?(a: LiveAnalysis): void;
  /** Redraws if what it shows changed (called once per animation frame). */
  draw(view: ViewWindow): void;
  /** What it shows, as a table (CSV export). */
  table(): PanelTable;
  /** The canvas to export as PNG (the panel's drawing, axes and legend included). */
  canvas(): HTMLCanvasElement | Promise<HTMLCanvasElement>;
}
