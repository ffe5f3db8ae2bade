/**
 * Receptive fields: the input → excitatory weights as a grid of 28 × 28 tiles, one per neuron,
 * on a canvas of its own, redrawn only when new weights arrive (about twice a second while
 * learning). Each tile is scaled to its own maximum weight, as Diehl & Cook plot them; the colour
 * bar gives the global range. A click on a tile probes that neuron.
 */
import type { LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { Panel, PanelHost, PanelTable } from './panel.js';

/** ABGR words (little-endian RGBA bytes): a dark-blue → orange → yellow ramp over 256 levels. */
const PALETTE = Uint32Array.from({ length: 256 }, (_, k) => {
  const v = k / 255;
  const r = Math.round(255 * Math.min(1, v * 1.4));
  const g = Math.round(255 * v * v);
  const b = Math.round(80 * (1 - v) + 40 * v);
  return (255 << 24) | (b << 16) | (g << 8) | r;
});
const PALETTE_BACKGROUND = (255 << 24) | (17 << 16) | (17 << 8) | 17;
const PALETTE_SELECTED = (255 << 24) | (120 << 16) | (255 << 8) | 80;

export class ReceptivePanel implements Panel {
  readonly id = 'receptive';
  readonly title = 'Receptive fields (input → excitatory weights)';
  readonly element: HTMLElement;
  private readonly host: PanelHost;
  private readonly cvs: HTMLCanvasElement;
  private readonly note: HTMLElement;
  private weights: Float32Array | null = null;
  private inputs = 0;
  private neurons = 0;
  private side = 28;
  private grid = 1;
  private dirty = false;
  private selected = -1;
  /** times the tiles were redrawn (tests read it through the panel's data attribute) */
  private draws = 0;
  private image: ImageData | null = null;
  private offsets = new Int32Array(0);
  private scratchMax = new Float32Array(0);
  private scratchScale = new Float32Array(0);

  constructor(host: PanelHost) {
    this.host = host;
    this.element = document.createElement('section');
    this.element.className = 'panel';
    this.element.dataset['testid'] = 'panel-receptive';
    this.element.innerHTML = `<h2>${this.title}</h2>`;
    this.cvs = document.createElement('canvas');
    this.cvs.dataset['testid'] = 'receptive-canvas';
    this.note = document.createElement('div');
    this.note.className = 'axis-note';
    this.element.append(this.cvs, this.note);
    this.cvs.addEventListener('click', (e) => this.click(e));
  }

  reset(hello: LiveHello): void {
    this.weights = null;
    this.selected = -1;
    const r = hello.receptive;
    this.inputs = r?.inputs ?? 0;
    this.neurons = r?.neurons ?? 0;
    this.side = hello.image ? hello.image.cols : Math.round(Math.sqrt(this.inputs));
    this.grid = Math.max(1, Math.ceil(Math.sqrt(this.neurons)));
    const tile = this.side;
    this.cvs.width = Math.max(1, this.grid * (tile + 1));
    this.cvs.height = Math.max(1, Math.ceil(this.neurons / this.grid) * (tile + 1));
    const scale = Math.max(1, Math.min(4, Math.floor(560 / Math.max(this.cvs.width, 1))));
    this.cvs.style.width = `${this.cvs.width * scale}px`;
    this.cvs.style.height = `${this.cvs.height * scale}px`;
    this.cvs.style.imageRendering = 'pixelated';
    this.note.textContent = r ? `${this.neurons} neurons, one ${this.side} × ${this.side} tile each (weight of each input pixel), each tile scaled to its own maximum; click a tile to probe that neuron` : 'this network has no plastic input weights (no receptive fields to show)';
    this.element.dataset['draws'] = '0';
    this.offsets = new Int32Array(0);
    this.image = null;
    this.clear();
  }

  private clear(): void {
    const ctx = this.cvs.getContext('2d', { willReadFrequently: true })!;
    ctx.fillStyle = '#111';
    ctx.fillRect(0, 0, this.cvs.width, this.cvs.height);
  }

  frame(f: LiveFrame): void {
    if (f.weights && f.weights.length === this.inputs * this.neurons && this.inputs > 0) {
      this.weights = f.weights;
      this.dirty = true;
    }
    if (f.probe && f.probe.neuron !== this.selected) {
      this.selected = f.probe.neuron;
      this.dirty = this.weights !== null;
    }
  }

  draw(): void {
    if (!this.dirty || !this.weights) return;
    this.dirty = false;
    const w = this.weights;
    const n = this.neurons;
    const side = this.side;
    const W = this.cvs.width;
    const ctx = this.cvs.getContext('2d', { willReadFrequently: true })!;
    if (!this.image || this.image.width !== W || this.image.height !== this.cvs.height) this.image = ctx.createImageData(W, this.cvs.height);
    const px = new Uint32Array(this.image.data.buffer);
    px.fill(PALETTE_BACKGROUND);
    // the weights are inputs × neurons, row-major: walk them in memory order
    const max = this.scratchMax.length === n ? this.scratchMax.fill(1e-12) : (this.scratchMax = new Float32Array(n).fill(1e-12));
    for (let i = 0, o = 0; i < this.inputs; i++) for (let j = 0; j < n; j++, o++) if (w[o] > max[j]) max[j] = w[o];
    const tileAt = this.tileOffsets(n, side, W);
    const scale = this.scratchScale.length === n ? this.scratchScale : (this.scratchScale = new Float32Array(n));
    let globalMax = 0;
    for (let j = 0; j < n; j++) {
      scale[j] = 255 / max[j];
      if (max[j] > globalMax) globalMax = max[j];
    }
    for (let i = 0, o = 0; i < this.inputs; i++) {
      const rowOff = Math.floor(i / side) * W + (i % side);
      for (let j = 0; j < n; j++, o++) {
        const v = w[o] * scale[j];
        px[tileAt[j] + rowOff] = PALETTE[v <= 0 ? 0 : v >= 255 ? 255 : v | 0];
      }
    }
    if (this.selected >= 0 && this.selected < n) {
      const t = tileAt[this.selected];
      const x0 = (t % W) - 1;
      const y0 = Math.floor(t / W) - 1;
      for (let k = 0; k <= side + 1; k++) {
        for (const [x, y] of [[x0 + k, y0], [x0 + k, y0 + side + 1], [x0, y0 + k], [x0 + side + 1, y0 + k]]) {
          if (x >= 0 && y >= 0 && x < W && y < this.cvs.height) px[y * W + x] = PALETTE_SELECTED;
        }
      }
    }
    ctx.putImageData(this.image, 0, 0);
    this.draws++;
    this.element.dataset['draws'] = String(this.draws);
    this.note.textContent = `${n} neurons, one ${side} × ${side} tile each; weights 0 … ${globalMax.toPrecision(3)} (each tile scaled to its own maximum, dark = 0, yellow = max); click a tile to probe that neuron`;
  }

  /** Pixel offset of each neuron's tile in the canvas. */
  private tileOffsets(n: number, side: number, W: number): Int32Array {
    if (this.offsets.length !== n) {
      this.offsets = new Int32Array(n);
      for (let j = 0; j < n; j++) this.offsets[j] = Math.floor(j / this.grid) * (side + 1) * W + (j % this.grid) * (side + 1);
    }
    return this.offsets;
  }

  private click(e: MouseEvent): void {
    const rect = this.cvs.getBoundingClientRect();
    const x = ((e.clientX - rect.left) / rect.width) * this.cvs.width;
    const y = ((e.clientY - rect.top) / rect.height) * this.cvs.height;
    const j = Math.floor(y / (this.side + 1)) * this.grid + Math.floor(x / (this.side + 1));
    if (j >= 0 && j < this.neurons) this.host.selectNeuron(j);
  }

  table(): PanelTable {
    const rows: number[][] = [];
    if (this.weights) for (let i = 0; i < this.inputs; i++) rows.push([i, ...Array.from(this.weights.subarray(i * this.neurons, (i + 1) * this.neurons))]);
    return { columns: ['input', ...Array.from({ length: this.neurons }, (_, j) => `w_neuron_${j}`)], rows };
  }

  canvas(): HTMLCanvasElement {
    return this.cvs;
  }
}
