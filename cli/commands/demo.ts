/**
 * `memspike demo`: the whole story in about half a minute. Diehl & Cook's network with 100
 * excitatory neurons learns MNIST on simulated hfs2 memristor pairs (the defaults of `train`) from
 * 2 000 images, labels its neurons by a frozen pass over the last 1 000, and is tested on 500 test images by
 * the temporal simulation and on a write-verified crossbar after a year of drift (compensated).
 * Then it draws the receptive fields of one neuron per digit in the terminal: the weights the
 * device pulses wrote. Small on purpose — `npm start` runs the full-size experiment.
 */
import type { Command } from 'commander';
import { summaryOf } from './summaries.js';
import { resolveSpec } from '../../networks/diehl-cook/spec.js';
import { DiehlCookExperiment } from '../../networks/diehl-cook/experiment.js';
import { drive, loadData } from '../run-experiment.js';

/** The demo's experiment: small enough for ~30 s on one core, large enough to learn digits. */
export const DEMO_SPEC = {
  neurons: 100,
  seed: 1,
  schedule: [
    { phase: 'train', samples: 2000 },
    { phase: 'label', samples: 1000 },
    { phase: 'evaluate', mode: 'temporal', samples: 500 },
    { phase: 'evaluate', mode: 'crossbar', samples: 500, program: 'write-verify', age: '1 y', compensate: true },
  ],
} as const;

/** Characters from dark to bright, for a weight scaled to [0, 1]. */
const SHADES = ' .:-=+*#%@';

/**
 * The receptive field of post-neuron `post` of a dense 784 → nPost projection as text: 14 lines of
 * 28 characters (two image rows per line, averaged; terminal cells are about twice as tall as wide),
 * shaded from the field's median weight and below (blank) to its largest (@): a device field has a
 * floor of unused synapses, and what a neuron learned is what stands above it.
 */
export function fieldAsText(weights: Float32Array, nPost: number, post: number): string[] {
  const cell = new Float64Array(14 * 28);
  for (let r = 0; r < 14; r++) {
    for (let c = 0; c < 28; c++) cell[r * 28 + c] = (weights[(2 * r * 28 + c) * nPost + post] + weights[((2 * r + 1) * 28 + c) * nPost + post]) / 2;
  }
  const sorted = cell.slice().sort();
  const lo = sorted[sorted.length >> 1];
  const hi = sorted[sorted.length - 1];
  const span = hi > lo ? hi - lo : 1;
  const lines: string[] = [];
  for (let r = 0; r < 14; r++) {
    let line = '';
    for (let c = 0; c < 28; c++) line += SHADES[Math.min(SHADES.length - 1, Math.floor(Math.max(0, (cell[r * 28 + c] - lo) / span) * SHADES.length))];
    lines.push(line);
  }
  return lines;
}

/** Mean over a field of how far each weight stands above the field's mean (its learned structure). */
function contrast(weights: Float32Array, nPost: number, post: number): number {
  let mean = 0;
  for (let j = 0; j < 784; j++) mean += weights[j * nPost + post];
  mean /= 784;
  let above = 0;
  for (let j = 0; j < 784; j++) above += Math.max(0, weights[j * nPost + post] - mean);
  return above / 784 / (mean || 1);
}

async function demo(opts: { json?: boolean; quiet?: boolean }): Promise<void> {
  const spec = resolveSpec(DEMO_SPEC);
  const exp = new DiehlCookExperiment(spec, loadData(spec));
  const result = await drive(exp, { command: 'experiment', title: 'memspike demo: 100 neurons, hfs2 memristor pairs, 2 000 training images', json: opts.json === true, quiet: opts.quiet === true, checkpoint: false });
  if (!result || opts.json) return;
  const { model, labels } = exp.trained;
  const nPost = model.options.nExc;
  const weights = model.inputToExc.store.weights;
  const shown: { digit: number; neuron: number }[] = [];
  for (let digit = 0; digit <= 9; digit++) {
    // of the neurons labelled with this digit, the one whose weights stand out most from their floor
    let neuron = -1;
    let best = -Infinity;
    for (let i = 0; i < nPost; i++) {
      if (labels[i] !== digit) continue;
      const c = contrast(weights, nPost, i);
      if (c > best) [best, neuron] = [c, i];
    }
    if (neuron >= 0) shown.push({ digit, neuron });
  }
  const out: string[] = ['', 'Receptive fields (input → excitatory weights above their median) of the most distinct neuron labelled with each digit:'];
  const fields = shown.map((s) => fieldAsText(weights, nPost, s.neuron));
  for (let half = 0; half < shown.length; half += 5) {
    const group = shown.slice(half, half + 5);
    out.push(group.map((s) => `digit ${s.digit} (neuron ${s.neuron})`.padEnd(30)).join(''));
    for (let line = 0; line < 14; line++) out.push(group.map((_, k) => `${fields[half + k][line]}  `).join(''));
  }
  out.push('', 'Next: npm start (400 neurons, 10 000 images), npx memspike view (watch it learn), memspike --help.');
  process.stdout.write(`${out.join('\n')}\n`);
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(summaryOf('demo'))
    .option('--quiet', 'no progress display')
    .option('--json', 'print the result as one JSON object on stdout (progress to stderr)')
    .action(async (opts: { json?: boolean; quiet?: boolean }) => demo(opts));
}
