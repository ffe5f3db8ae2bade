/**
 * Receptive fields: the input → excitatory weights as a grid of 28 × 28 tiles, one per neuron,
 * on a canvas of its own, redrawn only when new weights arrive (about twice a second while
 * learning). Each tile is scaled to its own maximum weight, as Diehl & Cook plot them; the colour
 * bar gives the global range. A click on a tile probes that neuron.
 */
import type { LiveFrame, LiveHello } from '../../networks/live/frame.js';
import type { Panel, PanelHost, PanelTable } from './panel.js';

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
    const scale = Math.max(1, Math.floor(560 / Math.max(this.cvs.width, 1)));
    this.cvs.style.width = `${this.cvs.width * scale}px`;
    this.cvs.style.height = `${this.cvs.height * scale}px`;
    this.cvs.style.imageRendering = 'pixelated';
    this.note.textContent = r ? `${this.neurons} neurons, one ${this.side} × ${this.side} tile each (weight of each input pixel), each tile scaled to its own maximum; click a tile to probe that neuron` : 'this network has no plastic input weights (no receptive fields to show)';
    this.element.dataset['draws'] = '0';
    this.clear();
  }

  private clear(): void {
    const ctx = this.cvs.getContext('2d')!;
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
    const ctx = this.cvs.getContext('2d')!;
    const img = ctx.createImageData(this.cvs.width, this.cvs.height);
    const px = img.data;
    const W = this.cvs.width;
    for (let i = 0; i < px.length; i += 4) {
      px[i] = 17;
      px[i + 1] = 17;
      px[i + 2] = 17;
      px[i + 3] = 255;
    }
    let globalMax = 0;
    for (let j = 0; j < n; j++) {
      let max = 1e-12;
      for (let i = 0; i < this.inputs; i++) max = Math.max(max, w[i * n + j]);
      globalMax = Math.max(globalMax, max);
      const gx = (j % this.grid) * (side + 1);
      const gy = Math.floor(j / this.grid) * (side + 1);
      for (let i = 0; i < this.inputs; i++) {
        const v = Math.max(0, Math.min(1, w[i * n + j] / max));
        const o = ((gy + Math.floor(i / side)) * W + gx + (i % side)) * 4;
        // a dark-blue → yellow ramp
        px[o] = Math.round(255 * Math.min(1, v * 1.4));
        px[o + 1] = Math.round(255 * v * v);
        px[o + 2] = Math.round(80 * (1 - v) + 40 * v);
      }
      if (j === this.selected) {
        for (let k = -1; k <= side; k++) {
          for (const [x, y] of [[gx + k, gy - 1], [gx + k, gy + side], [gx - 1, gy + k], [gx + side, gy + k]] as const) {
            if (x < 0 || y < 0 || x >= W || y >= this.cvs.height) continue;
            const o = (y * W + x) * 4;
            px[o] = 80;
            px[o + 1] = 255;
            px[o + 2] = 120;
          }
        }
      }
    }
    ctx.putImageData(img, 0, 0);
    this.draws++;
    this.element.dataset['draws'] = String(this.draws);
    this.note.textContent = `${n} neurons, one ${side} × ${side} tile each; weights 0 … ${globalMax.toPrecision(3)} (each tile scaled to its own maximum, dark = 0, yellow = max); click a tile to probe that neuron`;
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
