/** `memspike demo`: the 30-second tour — its result, its receptive-field drawing, its speed budget. */
import { describe, expect, it } from 'vitest';
import { fieldAsText } from '../../cli/commands/demo.js';
import { runCli } from './run-cli.js';

describe('memspike demo', () => {
  it('draws a field as 14 × 28 characters: floor blank, the strongest weights @, two image rows per line', () => {
    const nPost = 3;
    const weights = new Float32Array(784 * nPost).fill(0.1);
    // neuron 1: a bright vertical bar in column 9, rows 4–11; neuron 0 and 2 stay flat
    for (let r = 4; r < 12; r++) weights[(r * 28 + 9) * nPost + 1] = 0.9;
    const lines = fieldAsText(weights, nPost, 1);
    expect(lines).toHaveLength(14);
    for (const line of lines) expect(line).toHaveLength(28);
    for (let line = 0; line < 14; line++) {
      expect(lines[line][9]).toBe(line >= 2 && line < 6 ? '@' : ' ');
      expect(lines[line].replace(/ /g, '').length).toBe(line >= 2 && line < 6 ? 1 : 0);
    }
    // a flat field has no structure to show
    expect(fieldAsText(weights, nPost, 0).join('').trim()).toBe('');
  });

  it('trains, labels and tests 100 neurons on hfs2 pairs, well above chance, in one JSON line', () => {
    const r = runCli(['demo', '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const phases = r.last!['phases'] as { phase: string; mode?: string; accuracy?: number }[];
    expect(phases.map((p) => `${p.phase}${p.mode ? `:${p.mode}` : ''}`)).toEqual(['train', 'label', 'evaluate:temporal', 'evaluate:crossbar']);
    // chance is 10 %; 100 neurons after 2 000 images on 16-level devices reach about 55 % (docs/results.md)
    for (const p of phases.slice(2)) expect(p.accuracy!).toBeGreaterThan(0.4);
    expect((r.last!['model'] as { device: string }).device).toBe('hfs2');
  });
});
