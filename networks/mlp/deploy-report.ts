/**
 * The tables of docs/results.md, "Seed paper: deployment on simulated arrays", as plain function
 * calls over the row API (deploy-instances.ts) and HWAT (hwat.ts) — what `memspike paper` reports,
 * section by section, without the command line. Each section is one function returning typed rows;
 * `log` gets one line per row as it finishes. Pure (no Node API): the caller loads the data and
 * the digital weights (networks/datasets/idx-node.ts, networks/mlp/cache-node.ts).
 *
 * Sections:
 *   dtod      accuracy at 0, 10, 20, 30, 40, 50 % device-to-device variation, open loop and write-verify
 *   drift     accuracy at 1 s … 10 years with and without global compensation, per device/weights
 *   pairs     accuracy, energy per inference and programming cost for N = 1, 2, 4 pairs per weight
 *   hwat      the HWAT ablation: each ingredient alone, all, and plain fine-tuning, evaluated deployed
 */
import type { ImageDataset } from '../datasets/image-dataset.js';
import type { DeployOptions, MlpData } from './deploy.js';
import { driftCurve, dtodSweep, evaluateDeployment, DRIFT_TIMES, DTOD_LEVELS, type DeploymentRow, type DriftPoint, type DtodPoint, type InstanceStats } from './deploy-instances.js';
import { hwatTrain, HWAT_ALL, HWAT_NONE, type HwatIngredients } from './hwat.js';
import type { MlpWeights } from './types.js';

/** Options shared by the sections. */
export interface ReportOptions {
  /** device instances per row (default 10) */
  readonly instances?: number;
  /** test images per evaluation (default all) */
  readonly count?: number;
  /** seed of the instances (default 1) */
  readonly seed?: number | string;
  readonly log?: (line: string) => void;
}

const pct = (s: InstanceStats): string => `${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)} %`;

function dataOf(ds: ImageDataset): MlpData {
  return { images: ds.pixels, labels: ds.labels };
}

/** Accuracy versus d2d level for each programming mode. */
export function reportDtod(weights: MlpWeights, test: ImageDataset, base: Omit<DeployOptions, 'seed'>, o: ReportOptions = {}, modes: readonly ('open-loop' | 'write-verify')[] = ['open-loop', 'write-verify']): { program: string; points: DtodPoint[] }[] {
  return modes.map((program) => {
    const points = dtodSweep(weights, dataOf(test), { ...base, program, seed: o.seed ?? 1, instances: o.instances ?? 10, count: o.count, levels: DTOD_LEVELS });
    for (const p of points) o.log?.(`dtod ${program} ${(100 * p.dtod).toFixed(0)} %: ${pct(p.accuracy)}`);
    return { program, points };
  });
}

/** Accuracy versus time, compensated and not. */
export function reportDrift(weights: MlpWeights, test: ImageDataset, deploy: Omit<DeployOptions, 'seed'>, name: string, o: ReportOptions = {}): { name: string; points: DriftPoint[] } {
  const points = driftCurve(weights, dataOf(test), { ...deploy, seed: o.seed ?? 1, instances: o.instances ?? 10, count: o.count, times: DRIFT_TIMES });
  for (const p of points) o.log?.(`drift ${name} ${p.label}: compensated ${pct(p.compensated)}, uncompensated ${pct(p.uncompensated)}, γ ${p.gamma.mean.toFixed(4)}`);
  return { name, points };
}

/** One row per pairs-per-weight count. */
export function reportPairs(weights: MlpWeights, test: ImageDataset, deploy: Omit<DeployOptions, 'seed'>, o: ReportOptions = {}, counts: readonly number[] = [1, 2, 4]): ({ pairsPerWeight: number } & DeploymentRow)[] {
  return counts.map((N) => {
    const r = evaluateDeployment(weights, dataOf(test), { ...deploy, pairsPerWeight: N, seed: o.seed ?? 1, instances: o.instances ?? 10, count: o.count });
    o.log?.(`pairs ${N} (${deploy.program}, dtod ${deploy.dtod}): ${pct(r.accuracy)}, ${r.energyPerInference_nJ.toFixed(1)} nJ/inference, ${(r.programmingEnergy_nJ / 1e3).toFixed(1)} µJ and ${Math.round(r.programmingPulses)} pulses to program`);
    return { pairsPerWeight: N, ...r };
  });
}

/** The HWAT variants of the ablation. */
export const HWAT_VARIANTS: readonly { readonly name: string; readonly ingredients: HwatIngredients }[] = Object.freeze([
  { name: 'fine-tune (no ingredient)', ingredients: HWAT_NONE },
  { name: 'programming noise', ingredients: { ...HWAT_NONE, programmingNoise: 1 } },
  { name: 'quantisation', ingredients: { ...HWAT_NONE, quantise: true } },
  { name: 'clipping 2.5 σ', ingredients: { ...HWAT_NONE, clip: HWAT_ALL.clip } },
  { name: 'output noise', ingredients: { ...HWAT_NONE, outputNoise: 1 } },
  { name: 'all', ingredients: HWAT_ALL },
]);

/** One HWAT row: the variant trained for a deployment and evaluated on it. */
export interface HwatRow {
  readonly variant: string;
  readonly program: string;
  readonly accuracy: InstanceStats;
  /** the HWAT-trained weights (digital: the starting weights) */
  readonly weights: MlpWeights;
  /** training wall time [ms] */
  readonly trainMs: number;
}

/**
 * The ablation: for each programming mode, the digital weights deployed as they are, then each
 * variant trained `epochs` epochs for that deployment (noise measured for it) and deployed.
 */
export function reportHwat(weights: MlpWeights, train: ImageDataset, test: ImageDataset, deploy: Omit<DeployOptions, 'seed'>, o: ReportOptions & { readonly epochs?: number } = {}, modes: readonly ('open-loop' | 'write-verify')[] = ['open-loop', 'write-verify'], variants = HWAT_VARIANTS): HwatRow[] {
  const rows: HwatRow[] = [];
  const seed = o.seed ?? 1;
  // A variant without programming noise trains the same way for every programming mode: train it once.
  const trained = new Map<string, { weights: MlpWeights; deploy: DeployOptions; trainMs: number }>();
  for (const program of modes) {
    const d: DeployOptions = { ...deploy, program, seed };
    const digital = evaluateDeployment(weights, dataOf(test), { ...d, instances: o.instances ?? 10, count: o.count });
    o.log?.(`hwat ${program} digital weights: ${pct(digital.accuracy)}`);
    rows.push({ variant: 'none (digital weights)', program, accuracy: digital.accuracy, weights, trainMs: 0 });
    for (const v of variants) {
      const key = `${JSON.stringify(v.ingredients)}/${v.ingredients.programmingNoise > 0 ? program : ''}`;
      let t = trained.get(key);
      if (!t) {
        const t0 = performance.now();
        const h = hwatTrain(weights, train, { deploy: { ...d, seed: `${seed}/hwat` }, ingredients: v.ingredients, epochs: o.epochs ?? 5, seed });
        t = { weights: h.weights, deploy: h.deploy, trainMs: performance.now() - t0 };
        trained.set(key, t);
      }
      const r = evaluateDeployment(t.weights, dataOf(test), { ...t.deploy, program, seed, instances: o.instances ?? 10, count: o.count });
      o.log?.(`hwat ${program} ${v.name}: ${pct(r.accuracy)} (trained in ${(t.trainMs / 1000).toFixed(0)} s)`);
      rows.push({ variant: v.name, program, accuracy: r.accuracy, weights: t.weights, trainMs: t.trainMs });
    }
  }
  return rows;
}
