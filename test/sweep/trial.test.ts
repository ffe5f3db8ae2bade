/**
 * One trial in this thread (cli/sweep/trial.ts): runTrial runs the experiment of the trial's spec
 * with the experiment runner — the same result as driving DiehlCookExperiment by hand — and
 * flattens it to named metrics; result files round-trip and are validated (a changed spec no
 * longer hashes to its id); a corrupt data file is a thrown error.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../core/random.js';
import { encodeIdx } from '../../networks/datasets/idx.js';
import { loadIdxPair } from '../../networks/datasets/idx-node.js';
import { DiehlCookExperiment } from '../../networks/diehl-cook/experiment.js';
import { expandTrials, resolveSweepSpec } from '../../networks/sweep/spec.js';
import { readTrialResults, runTrial, trialMetrics, writeTrialResult, type TrialResult } from '../../cli/sweep/trial.js';

const dir = mkdtempSync(join(tmpdir(), 'memspike-trial-'));
const IMAGES = join(dir, 'images.idx');
const LABELS = join(dir, 'labels.idx');
const rng = new RandomStream('trial-test');
writeFileSync(IMAGES, encodeIdx('u8', [30, 28, 28], Array.from({ length: 30 * 784 }, () => Math.floor(256 * rng.uniform()))));
writeFileSync(LABELS, encodeIdx('u8', [30], Array.from({ length: 30 }, (_, k) => k % 10)));
const data = { images: IMAGES, labels: LABELS };
const trials = expandTrials(
  resolveSweepSpec({
    base: { neurons: 8, data: { train: data, test: data }, schedule: [{ phase: 'train', samples: 8 }, { phase: 'label', samples: 8 }, { phase: 'evaluate', mode: 'temporal', samples: 8 }, { phase: 'evaluate', mode: 'crossbar', samples: 8 }] },
    axes: { d2d: [0, 0.4] },
  }),
);

describe('runTrial', () => {
  it("runs the trial's experiment to its end: the metrics of the result of the same spec driven by hand", async () => {
    const seen: string[] = [];
    const r = await runTrial(trials[1], { onProgress: (p) => seen.push(p.name) });
    const ds = loadIdxPair(IMAGES, LABELS);
    const exp = new DiehlCookExperiment(trials[1].spec, { train: ds, test: ds });
    exp.advance({ samples: 1e9 });
    const expected = trialMetrics(exp.result());
    const noTimes = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([k]) => !/seconds|samplesPerSec/i.test(k)));
    expect(noTimes(r.metrics)).toEqual(noTimes(expected));
    expect(Object.keys(r.metrics)).toEqual(Object.keys(expected));
    expect(r).toMatchObject({ id: trials[1].id, index: 1, axes: { d2d: 0.4 }, repeat: 0, status: 'done', attempts: 1 });
    expect(r.metrics['accuracy']).toBe(r.metrics['temporal.accuracy']);
    for (const k of ['train.pulses', 'label.unlabelled', 'temporal.silentRate', 'crossbar_w-v_fresh_comp.accuracy', 'crossbar_w-v_fresh_comp.programmingPulses', 'model.pulses', 'seconds']) expect(r.metrics).toHaveProperty([k]);
    expect(r.metrics).not.toHaveProperty(['train.samples']);
    expect(seen).toContain('train');
    expect(seen).toContain('temporal');
  });

  it('names a phase that occurs twice with #2', () => {
    const twice = expandTrials(resolveSweepSpec({ base: { neurons: 8, data: { train: data, test: data }, schedule: [{ phase: 'train', samples: 4 }, { phase: 'evaluate', samples: 4 }, { phase: 'train', samples: 4 }, { phase: 'evaluate', samples: 4 }] } }))[0];
    const ds = loadIdxPair(IMAGES, LABELS);
    const exp = new DiehlCookExperiment(twice.spec, { train: ds, test: ds });
    exp.advance({ samples: 1e9 });
    const m = trialMetrics(exp.result());
    expect(m['temporal.accuracy']).toBe(m['accuracy']);
    expect(m).toHaveProperty(['temporal#2.accuracy']);
    expect(m).toHaveProperty(['train#2.pulses']);
  });

  it('throws a real error for a corrupt data file, and a TrialStopped when told to stop', async () => {
    const bad = join(dir, 'bad.idx');
    writeFileSync(bad, readFileSync(IMAGES).subarray(0, 1000));
    const t = expandTrials(resolveSweepSpec({ base: { neurons: 8, data: { train: { images: bad, labels: LABELS }, test: data }, schedule: [{ phase: 'train', samples: 4 }] } }))[0];
    await expect(runTrial(t)).rejects.toThrow(/bad\.idx: IDX file truncated/);
    await expect(runTrial(trials[0], { shouldStop: () => true })).rejects.toThrow(/was stopped before its end/);
  });
});

describe('writeTrialResult / readTrialResults', () => {
  it('round-trips results and leaves out (or refuses) files that are not valid results', async () => {
    const out = join(dir, 'out');
    const r = await runTrial(trials[0]);
    writeTrialResult(out, r);
    writeFileSync(join(out, 'trials', '.abc.json.123.0.tmp'), 'partial');
    expect(readTrialResults(out)).toEqual([JSON.parse(JSON.stringify(r)) as TrialResult]);
    // a result whose spec was changed no longer hashes to its id
    const tampered = JSON.parse(readFileSync(join(out, 'trials', `${r.id}.json`), 'utf8')) as { provenance: { spec: { neurons: number } } };
    tampered.provenance.spec.neurons = 9;
    writeFileSync(join(out, 'trials', `${r.id}.json`), JSON.stringify(tampered));
    writeFileSync(join(out, 'trials', '0123456789abcdef.json'), '{"id": "012');
    const problems: string[] = [];
    expect(readTrialResults(out, (file, problem) => problems.push(`${file}: ${problem}`))).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/0123456789abcdef\.json: not JSON/), expect.stringMatching(new RegExp(`${r.id}\\.json: its spec does not hash to its id`))]);
    expect(() => readTrialResults(out)).toThrow(/0123456789abcdef\.json: not a valid trial result \(not JSON.*remove it, and the trial runs again/);
    expect(readTrialResults(join(dir, 'nothing-here'))).toEqual([]);
  });
});
