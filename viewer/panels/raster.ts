/**
 * The spike raster of every population: a pixi.js v8 Mesh with a custom Shader drawing one
 * texture in which a column is a time bin and a row a neuron (or a group of neurons when there are
 * more neurons than pixel rows: each row then merges `group` neurons, and the legend says so).
 * The texture is a ring: new columns overwrite the oldest, and a uniform scrolls the lookup, so a
 * frame uploads the texture once and the fragment shader does one texture read per pixel (pixi's
 * sprite shader, which branches over 16 texture slots, is costly under software WebGL).
 *
 * Looking back (the scrubber) redraws the texture from the kept spikes.
 */
import { Application, Mesh, MeshGeometry, Shader, Texture, BufferImageSource, UniformGroup } from 'pixi.js';
import type { LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { Panel, PanelHost, PanelTable, ViewWindow } from './panel.js';
import { SpikeHistory } from './history.js';
import { KEPT_MS } from './base.js';

const VERTEX = /* glsl */ `
in vec2 aPosition;
in vec2 aUV;
out vec2 vUV;
uniform mat3 uProjectionMatrix;
uniform mat3 uWorldTransformMatrix;
uniform mat3 uTransformMatrix;
void main() {
  mat3 mvp = uProjectionMatrix * uWorldTransformMatrix * uTransformMatrix;
  gl_Position = vec4((mvp * vec3(aPosition, 1.0)).xy, 0.0, 1.0);
  vUV = aUV;
}`;

const FRAGMENT = /* glsl */ `
in vec2 vUV;
out vec4 finalColor;
uniform sampler2D uSpikes;
uniform float uScroll;
// texel value: 0 = no spike, k/255 = a spike of a population with role k (1 input, 2 exc, 3 inh)
void main() {
  float k = floor(texture(uSpikes, vec2(fract(vUV.x + uScroll), vUV.y)).r * 255.0 + 0.5);
  vec3 c = k < 0.5 ? vec3(0.047, 0.047, 0.063) : k < 1.5 ? vec3(0.47, 0.67, 1.0) : k < 2.5 ? vec3(1.0, 0.75, 0.24) : vec3(1.0, 0.35, 0.43);
  finalColor = vec4(c, 1.0);
}`;

/** Texel code by role (the shader's palette), and the legend's colours. */
const CODES: Record<string, number> = { input: 1, exc: 2, inh: 3 };
const COLOURS: Record<string, readonly [number, number, number]> = {
  input: [120, 170, 255],
  exc: [255, 190, 60],
  inh: [255, 90, 110],
};
const BACKGROUND = 0x0c0c10;

export interface RasterLayout {
  /** first row of each population */
  readonly rowStart: readonly number[];
  /** rows of each population */
  readonly rows: readonly number[];
  /** neurons per row */
  readonly group: number;
  readonly totalRows: number;
}

/** Rows for populations of sizes `n` in at most `maxRows` rows (one group size for all). */
export function rasterLayout(n: readonly number[], maxRows: number): RasterLayout {
  const total = n.reduce((a, b) => a + b, 0);
  let group = Math.max(1, Math.ceil(total / maxRows));
  let rows = n.map((k) => Math.ceil(k / group));
  while (rows.reduce((a, b) => a + b, 0) > maxRows) {
    group++;
    rows = n.map((k) => Math.ceil(k / group));
  }
  const rowStart: number[] = [];
  let at = 0;
  for (const r of rows) {
    rowStart.push(at);
    at += r;
  }
  return { rowStart, rows, group, totalRows: at };
}

export class RasterPanel implements Panel {
  readonly id = 'raster';
  readonly title = 'Spike raster';
  readonly element: HTMLElement;
  private readonly host: PanelHost;
  private app: Application | null = null;
  private mesh: Mesh<MeshGeometry, Shader> | null = null;
  private source: BufferImageSource | null = null;
  private uniforms: UniformGroup | null = null;
  private pixels = new Uint8Array(4);
  private readonly width: number;
  private readonly height: number;
  private layout: RasterLayout = { rowStart: [], rows: [], group: 1, totalRows: 1 };
  private hello: LiveHello | null = null;
  private readonly history = new SpikeHistory();
  /** absolute column (time bin) drawn last, and the steps per column */
  private drawnTo = -1;
  private stepsPerColumn = 1;
  private dirty = true;
  private lastView: ViewWindow | null = null;
  private readonly legend: HTMLElement;
  private readonly axis: HTMLElement;
  private readonly canvasHolder: HTMLElement;
  private captioned = -Infinity;
  /** spikes of steps below this were counted in spikesDrawn */
  private countedTo = 0;
  /** spikes drawn since the start (for the bench) */
  spikesDrawn = 0;

  constructor(host: PanelHost, size: { width: number; height: number } = { width: 900, height: 400 }) {
    this.host = host;
    this.width = size.width - (size.width % 4); // texture rows of whole 4-byte words (WebGL's unpack alignment)
    this.height = size.height;
    this.element = document.createElement('section');
    this.element.className = 'panel panel-wide';
    this.element.dataset['testid'] = 'panel-raster';
    this.element.innerHTML = `<h2>${this.title}</h2>`;
    this.canvasHolder = document.createElement('div');
    this.canvasHolder.className = 'raster-canvas';
    this.canvasHolder.dataset['testid'] = 'raster';
    this.axis = document.createElement('div');
    this.axis.className = 'axis-note';
    this.legend = document.createElement('div');
    this.legend.className = 'legend';
    this.element.append(this.canvasHolder, this.axis, this.legend);
    this.canvasHolder.addEventListener('click', (e) => this.click(e));
  }

  /** Creates the pixi application (WebGL only; throws when WebGL is unavailable). */
  async init(): Promise<void> {
    const app = new Application();
    await app.init({ width: this.width, height: this.height, preference: 'webgl', background: BACKGROUND, antialias: false, autoDensity: false, resolution: 1, preserveDrawingBuffer: true, autoStart: false, sharedTicker: false });
    if (app.renderer.name !== 'webgl') throw new Error(`the raster needs WebGL2; this browser gave pixi.js '${app.renderer.name}'. Enable hardware acceleration or use a current Chrome, Firefox or Safari.`);
    this.app = app;
    app.canvas.style.width = `${this.width}px`;
    app.canvas.style.height = `${this.height}px`;
    this.canvasHolder.append(app.canvas);
    this.uniforms = new UniformGroup({ uScroll: { value: 0, type: 'f32' } });
    this.allocate(1);
  }

  get renderer(): string {
    return this.app?.renderer.name ?? 'none';
  }

  private allocate(rows: number): void {
    const app = this.app!;
    // one byte per texel (a population code): a quarter of the upload of RGBA
    this.pixels = new Uint8Array(this.width * rows);
    this.source = new BufferImageSource({ resource: this.pixels, width: this.width, height: rows, format: 'r8unorm', scaleMode: 'nearest', addressMode: 'repeat' });
    const texture = new Texture({ source: this.source });
    const shader = Shader.from({ gl: { vertex: VERTEX, fragment: FRAGMENT }, resources: { uSpikes: texture.source, rasterUniforms: this.uniforms! } });
    const geometry = new MeshGeometry({
      positions: new Float32Array([0, 0, this.width, 0, this.width, this.height, 0, this.height]),
      uvs: new Float32Array([0, 0, 1, 0, 1, 1, 0, 1]),
      indices: new Uint32Array([0, 1, 2, 0, 2, 3]),
    });
    if (this.mesh) {
      app.stage.removeChild(this.mesh);
      this.mesh.destroy();
    }
    this.mesh = new Mesh({ geometry, shader });
    app.stage.addChild(this.mesh);
  }

  reset(hello: LiveHello): void {
    this.hello = hello;
    this.layout = rasterLayout(hello.populations.map((p) => p.n), this.height);
    this.allocate(this.layout.totalRows);
    this.history.keepSteps = Math.ceil(KEPT_MS / hello.dt);
    this.history.reset(hello.populations.length);
    this.drawnTo = -1;
    this.spikesDrawn = 0;
    this.countedTo = 0;
    this.dirty = true;
    const g = this.layout.group;
    this.legend.innerHTML = hello.populations
      .map((p) => {
        const [r, gg, b] = COLOURS[p.role] ?? [200, 200, 200];
        return `<span><i style="background:rgb(${r},${gg},${b})"></i>${p.label} (${p.n})</span>`;
      })
      .join('') + `<span class="note" data-testid="raster-group">${g === 1 ? 'one row per neuron' : `sub-sampled: each row merges ${g} neurons (${hello.populations.reduce((a, p) => a + p.n, 0)} neurons in ${this.layout.totalRows} rows)`}</span>`;
  }

  frame(f: LiveFrame): void {
    this.history.add(f);
    this.dirty = true;
  }

  /** Which population and neuron a raster row shows (the first of its group). */
  private rowTarget(row: number): { population: number; neuron: number } | null {
    const { rowStart, rows, group } = this.layout;
    for (let p = 0; p < rows.length; p++) if (row >= rowStart[p] && row < rowStart[p] + rows[p]) return { population: p, neuron: (row - rowStart[p]) * group };
    return null;
  }

  private click(e: MouseEvent): void {
    if (!this.hello?.probe) return;
    const rect = this.canvasHolder.getBoundingClientRect();
    const row = Math.floor(((e.clientY - rect.top) / rect.height) * this.layout.totalRows);
    const t = this.rowTarget(row);
    if (t && t.population === this.hello.probe.population) this.host.selectNeuron(t.neuron);
  }

  draw(view: ViewWindow): void {
    if (!this.app || !this.source || !this.hello) return;
    const spc = Math.max(1, Math.round(view.spanSteps / this.width));
    // endStep is exclusive (the next step to run): the newest column holds step endStep − 1, and it
    // may be only partly run, so an incremental paint starts again at the column drawn last
    const endColumn = Math.floor(Math.max(0, view.endStep - 1) / spc);
    const incremental = view.live && this.lastView?.live === true && spc === this.stepsPerColumn && this.drawnTo >= 0 && endColumn >= this.drawnTo && endColumn - this.drawnTo < this.width;
    if (!this.dirty && incremental && endColumn === this.drawnTo) return;
    this.stepsPerColumn = spc;
    const from = incremental ? this.drawnTo : endColumn - this.width + 1;
    this.paint(from, endColumn);
    this.drawnTo = endColumn;
    this.uniforms!.uniforms['uScroll'] = ((endColumn + 1) % this.width) / this.width;
    this.source.update();
    this.app.render();
    this.dirty = false;
    this.lastView = view;
    const sec = (view.spanSteps * view.dt) / 1000;
    // the caption at most every 250 ms (a text change repaints; the picture itself moves every frame)
    const now = performance.now();
    if (now - this.captioned < 250 && view.live) return;
    this.captioned = now;
    this.axis.textContent = `time → last ${sec >= 1 ? `${+sec.toFixed(2)} s` : `${+(sec * 1000).toFixed(0)} ms`} of simulated time, ending at ${((view.endStep * view.dt) / 1000).toFixed(3)} s${view.live ? ' (live)' : ' (looking back)'}; ${spc} step${spc > 1 ? 's' : ''} of ${view.dt} ms per pixel column; rows: neurons`;
  }

  /** Clears columns [from, to] (absolute) and draws the kept spikes of their steps. */
  private paint(from: number, to: number): void {
    const w = this.width;
    const rowsTotal = this.layout.totalRows;
    const px = this.pixels;
    const first = Math.max(from, to - w + 1);
    for (let c = first; c <= to; c++) {
      const x = ((c % w) + w) % w;
      for (let r = 0; r < rowsTotal; r++) px[r * w + x] = 0;
    }
    const spc = this.stepsPerColumn;
    const s0 = first * spc;
    const s1 = (to + 1) * spc;
    const pops = this.hello!.populations;
    const g = this.layout.group;
    this.history.forEach(s0, s1, (p, steps, indices, k0, k1) => {
      const code = CODES[pops[p].role] ?? 2;
      const base = this.layout.rowStart[p];
      const counted = this.countedTo;
      for (let k = k0; k < k1; k++) {
        const c = Math.floor(steps[k] / spc);
        const x = ((c % w) + w) % w;
        px[(base + Math.floor(indices[k] / g)) * w + x] = code;
        if (steps[k] >= counted) this.spikesDrawn++;
      }
    });
    // a spike counts as drawn once, though its column may be painted again
    this.countedTo = Math.max(this.countedTo, Math.min(s1, this.history.newest));
  }

  table(): PanelTable {
    const v = this.lastView;
    const rows: (number | string)[][] = [];
    if (v && this.hello) {
      const pops = this.hello.populations;
      this.history.forEach(v.endStep - v.spanSteps, v.endStep + 1, (p, steps, indices, k0, k1) => {
        for (let k = k0; k < k1; k++) rows.push([steps[k], steps[k] * v.dt, pops[p].label, indices[k]]);
      });
      rows.sort((a, b) => (a[0] as number) - (b[0] as number));
    }
    return { columns: ['step', 't_ms', 'population', 'neuron'], rows };
  }

  canvas(): HTMLCanvasElement {
    this.app?.render();
    return this.app!.canvas;
  }
}
