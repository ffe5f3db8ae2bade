/**
 * The body of `memspike paper` (cli/commands/paper.ts): validates every input, loads or trains the
 * digital weights, runs the sections over networks/mlp's deployment API, prints the table and the
 * JSON, and writes the figures. Everything that can be wrong is checked before the first epoch.
 */
import { readRegularFile } from '../../networks/persist/file-node.js';
import { loadMnist } from '../../networks/datasets/idx-node.js';
import { sliceDataset, type ImageDataset } from '../../networks/datasets/image-dataset.js';
import { parsePulseTrainCsv } from '../../core/devices/csv.js';
import { fitTableModel } from '../../core/devices/fit.js';
import { DEVICE_PRESETS, devicePreset } from '../../core/devices/presets.js';
import type { DeviceParams } from '../../core/devices/params.js';
import { RandomStream } from '../../core/random.js';
import { digitalWeights } from '../../networks/mlp/cache-node.js';
import { mlpAccuracy } from '../../networks/mlp/model.js';
import { deployMlp, type DeployOptions } from '../../networks/mlp/deploy.js';
import { driftCurve, dtodSweep, evaluateDeployment, instanceSeed, instanceStats, DRIFT_TIMES, DTOD_LEVELS, type DriftPoint, type InstanceStats } from '../../networks/mlp/deploy-instances.js';
import { hwatTrain, HWAT_ALL } from '../../networks/mlp/hwat.js';
import type { MlpWeights } from '../../networks/mlp/types.js';
import { checkOutputFolder, writeOutputFile } from '../output-path.js';
import type { PaperOptions } from '../commands/paper.js';
import { driftSvg, dtodSvg } from './figures.js';

/** The paper's device-to-device level (§3: "tolerates 30 % device-to-device variation"). */
export const PAPER_DTOD = 0.3;
/** Rate of a white pixel when images are spike trains [Hz] (Diehl & Cook 2015: intensity / 4). */
export const SPIKING_MAX_RATE_HZ = 63.75;
/** The paper's hidden layer (784-500-10). */
export const PAPER_HIDDEN = 500;
/** --quick's hidden layer: a fifth of the devices to program, so the whole table runs in under a minute. */
export const QUICK_HIDDEN = 100;
/** Presentation windows of the spiking-input table [ms]. */
export const SPIKING_WINDOWS_MS: readonly number[] = [10, 30, 100, 300, 1000];

interface Settings {
  readonly quick: boolean;
  /** hidden-layer width: 784-hidden-10 */
  readonly hidden: number;
  readonly instances: number;
  readonly samples: number;
  readonly epochs: number;
  readonly hwatEpochs: number;
  readonly pairsPerWeight: number;
  readonly seed: number;
  readonly device: DeviceParams;
  readonly deviceName: string;
}

/** A figure as mean ± std over instances, in percent (two decimals). */
interface Stat {
  readonly mean: number;
  readonly std: number;
}
const stat = (s: InstanceStats): Stat => ({ mean: round(100 * s.mean), std: round(100 * s.std) });
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
const show = (s: Stat): string => `${s.mean.toFixed(2)} ± ${s.std.toFixed(2)} %`;

const networkName = (s: Settings): string => `784-${s.hidden}-10`;

/** Reads and fits the device of --device-csv (before any training): the fit, with hfs2's d2d, drift, read and pulse. */
export function fittedDevice(path: string): DeviceParams {
  let text: string;
  try {
    text = new TextDecoder().decode(readRegularFile(path, '--device-csv'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === undefined) throw e;
    throw new Error(`--device-csv ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code}); check the path.`);
  }
  const parsed = parsePulseTrainCsv(text, `--device-csv ${path}`);
  let fit;
  try {
    fit = fitTableModel(parsed.devices[0]);
  } catch (e) {
    throw new Error(`--device-csv ${path}: these trains do not fit a device (${(e as Error).message}); give potentiation and depression trains of one device, as \`memspike device curve --csv\` writes them.`);
  }
  // What pulse trains cannot tell (variation between devices, drift, read noise, pulse energy) is
  // taken from hfs2, the device the format comes from; the fit gives the window, levels, the
  // nonlinearity of both polarities and the cycle-to-cycle noise.
  const hfs2 = devicePreset('hfs2');
  return { ...hfs2, ...fit.params, name: `fitted:${path.split('/').pop()}`, d2d: hfs2.d2d, drift: hfs2.drift, read: hfs2.read, pulse: hfs2.pulse } as DeviceParams;
}

function settingsOf(o: PaperOptions): Settings {
  const quick = o.quick === true;
  const device = o.deviceCsv !== undefined ? fittedDevice(o.deviceCsv) : devicePreset('hfs2');
  return {
    quick,
    hidden: o.hidden ?? (quick ? QUICK_HIDDEN : PAPER_HIDDEN),
    instances: o.instances ?? (quick ? 2 : 10),
    samples: Math.min(o.samples ?? (quick ? 300 : 10_000), 10_000),
    epochs: o.epochs ?? (quick ? 2 : 20),
    hwatEpochs: o.hwatEpochs ?? (quick ? 1 : 5),
    pairsPerWeight: o.pairsPerWeight ?? 1,
    seed: o.seed ?? 1,
    device,
    deviceName: o.deviceCsv !== undefined ? device.name : 'hfs2',
  };
}

/** Test images as rate-coded spike counts: each pixel a Poisson count over `windowMs`, read as count / (max rate · T). */
export function spikingInputs(test: ImageDataset, count: number, windowMs: number, seed: string): Float32Array {
  const n = test.rows * test.cols;
  const out = new Float32Array(count * n);
  const rng = new RandomStream(seed);
  const full = (SPIKING_MAX_RATE_HZ * windowMs) / 1000; // expected count of a white pixel
  for (let k = 0; k < count * n; k++) {
    const p = test.pixels[k];
    out[k] = p === 0 ? 0 : rng.poisson((full * p) / 255) / full;
  }
  return out;
}

export async function runPaper(o: PaperOptions): Promise<void> {
  // 1. Everything checked before any work.
  const s = settingsOf(o);
  if (o.plots !== undefined) checkOutputFolder('--plots', o.plots, { createFolders: true });
  const t0 = performance.now();
  const log = (line: string): void => {
    if (!o.quiet) process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  };
  const train = loadMnist({ split: 'train' });
  const testAll = loadMnist({ split: 'test' });
  const test = sliceDataset(testAll, 0, s.samples);
  const data = { images: test.pixels, labels: test.labels };
  const base: Omit<DeployOptions, 'seed'> = { device: s.device, program: 'write-verify', dtod: PAPER_DTOD, pairsPerWeight: s.pairsPerWeight };
  // --quick fine-tunes on the first 5 000 training images (an HWAT epoch over all 60 000 takes long)
  const hwatData = s.quick ? sliceDataset(train, 0, 5000) : train;

  // 2. Digital weights: cached, or trained and cached.
  let lastEpoch = 0;
  const digital = await digitalWeights({
    hyper: { sizes: [784, s.hidden, 10], epochs: s.epochs, seed: s.seed },
    cachePath: o.cache,
    retrain: o.retrain === true,
    onProgress: (p) => {
      if (p.phase === 'epoch' && p.epoch !== lastEpoch) {
        lastEpoch = p.epoch;
        log(`digital training: epoch ${p.epoch}/${p.epochs}, test accuracy ${(100 * p.testAccuracy).toFixed(2)} %`);
      }
    },
  });
  const weights = digital.weights;
  log(`digital weights: ${digital.fromCache ? `read from ${digital.path}` : `trained${digital.path ? `, cached in ${digital.path}` : ''}`}`);
  const digitalAccuracy = round(100 * mlpAccuracy(weights, test));
  log(`digital: ${digitalAccuracy.toFixed(2)} % on ${s.samples} test images`);
  const rows = { instances: s.instances, count: s.samples, seed: s.seed };

  // 3. The device figure: the paper's 30 % variation, write-verify, fresh; its throughput.
  const main = evaluateDeployment(weights, data, { ...base, ...rows });
  // inference throughput on one core, every non-ideality on: one programmed instance, reads only
  const timed = deployMlp(weights, { ...base, seed: instanceSeed(s.seed, 0) });
  const tRead = performance.now();
  timed.evaluate(data.images, data.labels, { count: s.samples });
  const inferencesPerS = s.samples / ((performance.now() - tRead) / 1000);
  log(`${s.deviceName}, ${100 * PAPER_DTOD} % d2d, write-verify: ${show(stat(main.accuracy))} (${s.instances} instances)`);

  // 4. Device-to-device sweep, open loop and write-verify.
  const dtod: Record<string, { dtod: number; accuracy: Stat }[]> = {};
  for (const program of ['open-loop', 'write-verify'] as const) {
    dtod[program] = dtodSweep(weights, data, { ...base, program, ...rows, levels: DTOD_LEVELS }).map((p) => {
      log(`d2d ${program} ${Math.round(100 * p.dtod)} %: ${show(stat(p.accuracy))}`);
      return { dtod: p.dtod, accuracy: stat(p.accuracy) };
    });
  }

  // 5. Hardware-aware training for hfs2 (and reram-drift, for its drift curve), then the gain.
  const hwatFor = (device: DeviceParams | string): { weights: MlpWeights; deploy: DeployOptions } => {
    const h = hwatTrain(weights, hwatData, { deploy: { ...base, device, seed: `${s.seed}/hwat` }, ingredients: HWAT_ALL, epochs: s.hwatEpochs, seed: s.seed });
    return { weights: h.weights, deploy: h.deploy };
  };
  const hwat = hwatFor(s.device);
  const mainHwat = evaluateDeployment(hwat.weights, data, { ...hwat.deploy, ...rows });
  const hwatGain = round(100 * (mainHwat.accuracy.mean - main.accuracy.mean));
  log(`HWAT (${s.hwatEpochs} epochs): ${show(stat(mainHwat.accuracy))}, gain ${hwatGain >= 0 ? '+' : ''}${hwatGain.toFixed(2)} points`);

  // 6. Drift: the device and reram-drift (aihwkit's ReRAMWan2022 baseline), ± compensation, ± HWAT.
  const driftRows = (points: DriftPoint[]) => points.map((p) => ({ time: p.label, ageMs: p.ageMs, compensated: stat(p.compensated), uncompensated: stat(p.uncompensated) }));
  const drift: Record<string, { plain: ReturnType<typeof driftRows>; hwat: ReturnType<typeof driftRows> }> = {};
  for (const [name, device, hw] of [
    [s.deviceName, s.device, hwat],
    ['reram-drift', 'reram-drift', hwatFor('reram-drift')],
  ] as const) {
    const plain = driftRows(driftCurve(weights, data, { ...base, device, ...rows, times: DRIFT_TIMES }));
    const withHwat = driftRows(driftCurve(hw.weights, data, { ...hw.deploy, ...rows, times: DRIFT_TIMES }));
    for (const [k, p] of plain.entries()) log(`drift ${name} ${p.time}: compensated ${show(p.compensated)} (HWAT ${show(withHwat[k].compensated)}), uncompensated ${show(p.uncompensated)} (HWAT ${show(withHwat[k].uncompensated)})`);
    drift[name] = { plain, hwat: withHwat };
  }

  // 7. Every preset, fresh, open loop and write-verify (each with its own device-to-device variation;
  // 'ideal' is the reference of perfect programming, aihwkit's: written exactly, not pulse by pulse
  // over its 65 536 levels).
  const presets: Record<string, { open_loop: Stat; write_verify: Stat }> = {};
  for (const name of Object.keys(DEVICE_PRESETS)) {
    const row = (program: 'open-loop' | 'write-verify'): Stat =>
      stat(evaluateDeployment(weights, data, { device: name, program: name === 'ideal' ? 'exact' : program, pairsPerWeight: s.pairsPerWeight, ...rows }).accuracy);
    const ol = row('open-loop');
    presets[name] = { open_loop: ol, write_verify: name === 'ideal' ? ol : row('write-verify') };
    log(`preset ${name}: open loop ${show(presets[name].open_loop)}, write-verify ${show(presets[name].write_verify)}`);
  }

  // 8. Pairs per weight, open loop and write-verify, at the paper's 30 % variation.
  const pairs = [1, 2, 4].flatMap((N) =>
    (['open-loop', 'write-verify'] as const).map((program) => {
      const r = evaluateDeployment(weights, data, { ...base, program, pairsPerWeight: N, ...rows });
      log(`pairs per weight ${N} (${program}, ${100 * PAPER_DTOD} % d2d): ${show(stat(r.accuracy))}, ${r.energyPerInference_nJ.toFixed(1)} nJ per inference, ${Math.round(r.programmingPulses)} programming pulses`);
      return { pairsPerWeight: N, program, accuracy: stat(r.accuracy), energyPerInference_nJ: round(r.energyPerInference_nJ, 3), programmingPulses: Math.round(r.programmingPulses) };
    }),
  );

  // 9. Spiking input: Poisson counts of T ms through the same arrays, next to the analog input.
  // each instance programmed once and read with every window (and with the analog input, for comparison)
  const inputs = SPIKING_WINDOWS_MS.map((windowMs) => spikingInputs(test, s.samples, windowMs, `${s.seed}/spiking/${windowMs}`));
  const spikingAcc = SPIKING_WINDOWS_MS.map(() => [] as number[]);
  for (let k = 0; k < s.instances; k++) {
    const d = deployMlp(weights, { ...base, seed: instanceSeed(s.seed, k) });
    inputs.forEach((x, w) => spikingAcc[w].push(d.evaluate(x, test.labels, { count: s.samples }).accuracy));
  }
  const spiking = SPIKING_WINDOWS_MS.map((windowMs, w) => {
    const a = stat(instanceStats(spikingAcc[w]));
    log(`spiking input, ${windowMs} ms per image (${SPIKING_MAX_RATE_HZ} Hz for a white pixel): ${show(a)}`);
    return { windowMs, accuracy: a };
  });

  const result = {
    command: 'paper',
    quick: s.quick,
    device: s.deviceName,
    network: networkName(s),
    samples: s.samples,
    instances: s.instances,
    digital_accuracy: digitalAccuracy,
    digital_epochs: s.epochs,
    device_accuracy_mean: stat(main.accuracy).mean,
    device_accuracy_std: stat(main.accuracy).std,
    device_setting: { dtod: PAPER_DTOD, program: 'write-verify', pairsPerWeight: s.pairsPerWeight, tile: main.settings.tile },
    dtod_sweep: { open_loop: dtod['open-loop'], write_verify: dtod['write-verify'] },
    drift,
    presets,
    hwat_gain: hwatGain,
    hwat_accuracy: stat(mainHwat.accuracy),
    pairs,
    spiking,
    energy_per_inference_nJ: round(main.energyPerInference_nJ, 3),
    inferences_per_s: Math.round(inferencesPerS),
    seconds: round((performance.now() - t0) / 1000, 1),
  };

  if (o.plots !== undefined) {
    const files = [
      ['dtod.svg', dtodSvg(result.dtod_sweep, result.digital_accuracy, s)],
      ...Object.entries(drift).map(([name, d]) => [`drift-${name.replace(/[^a-z0-9-]/gi, '_')}.svg`, driftSvg(name, d, result.digital_accuracy, s)]),
    ] as const;
    for (const [name, svg] of files) writeOutputFile('--plots', `${o.plots}/${name}`, svg, { createFolders: true });
    log(`figures: ${files.map(([n]) => `${o.plots}/${n}`).join(', ')}`);
  }
  if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${table(result)}\n`);
}

/** The human table (stdout without --json). */
function table(r: {
  network: string;
  digital_accuracy: number;
  device: string;
  device_accuracy_mean: number;
  device_accuracy_std: number;
  instances: number;
  samples: number;
  hwat_gain: number;
  energy_per_inference_nJ: number;
  inferences_per_s: number;
  presets: Record<string, { open_loop: Stat; write_verify: Stat }>;
  dtod_sweep: { open_loop: { dtod: number; accuracy: Stat }[]; write_verify: { dtod: number; accuracy: Stat }[] };
}): string {
  const lines = [
    `seed paper benchmark: ${r.network} on MNIST, ${r.samples} test images, ${r.instances} device instances`,
    `digital                                   ${r.digital_accuracy.toFixed(2)} %`,
    `${r.device}, 30 % d2d, write-verify          ${r.device_accuracy_mean.toFixed(2)} ± ${r.device_accuracy_std.toFixed(2)} %  (${(r.device_accuracy_mean - r.digital_accuracy).toFixed(2)} points)`,
    `HWAT gain                                 ${r.hwat_gain.toFixed(2)} points`,
    `energy per inference                      ${r.energy_per_inference_nJ} nJ; ${r.inferences_per_s} inferences/s`,
    'd2d     open loop            write-verify',
    ...r.dtod_sweep.open_loop.map((p, k) => `${String(Math.round(100 * p.dtod)).padStart(3)} %   ${show(p.accuracy).padEnd(20)} ${show(r.dtod_sweep.write_verify[k].accuracy)}`),
    'presets (their own d2d)   open loop            write-verify',
    ...Object.entries(r.presets).map(([name, a]) => `  ${name.padEnd(22)} ${show(a.open_loop).padEnd(20)} ${show(a.write_verify)}`),
  ];
  return lines.join('\n');
}
