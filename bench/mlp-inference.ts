/**
 * `memspike bench mlp-inference [--json]`: MNIST images per second through the seed paper's
 * 784-500-10 network deployed on simulated arrays (networks/mlp/deploy.ts), one core, with every
 * non-ideality on: hfs2 at 30 % device-to-device variation, programmed by write-verify, 1 %
 * per-device read noise (the hfs2 preset itself has none: the paper's spread is all write noise),
 * 8-bit DAC and ADC, output noise, IR drop, 256 × 256 arrays, drift to one day with global
 * compensation. Also: the same without read noise (the preset as it is), with 2 and 4 pairs per
 * weight, the ideal crossbar (ideal device, IO ideal, exact programming), and the digital network
 * (networks/mlp/model.ts, WebAssembly SIMD) for scale; deployment time; energy and latency per
 * inference; accuracy on the images used.
 *
 * Weights: the trained 784-500-10 from the cache of `digitalWeights` (networks/mlp/cache-node.ts)
 * when it is there, else He-initialised weights (said in the output: `weights`); the speed hardly
 * depends on which (the share of active hidden units is about half either way; reported).
 * Images are processed one at a time: the crossbar's vmm takes one vector (core has no batched read).
 * Each figure is the best of `--repeats` passes over the images (the machine is shared); the
 * 1-minute load average is reported with them.
 */
import type { Benchmark } from './types.js';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { deviceParams } from '../core/devices/params.js';
import { HFS2 } from '../core/devices/presets.js';
import { IO_IDEAL } from '../core/crossbar/params.js';
import { loadMnist } from '../networks/datasets/idx-node.js';
import { sliceDataset } from '../networks/datasets/image-dataset.js';
import { dataIdentity } from '../networks/experiment/data.js';
import { defaultMlpCachePath, readMlpWeightsFile } from '../networks/mlp/cache-node.js';
import { deployMlp, type DeployOptions } from '../networks/mlp/deploy.js';
import { createMlpModel, initMlpWeights } from '../networks/mlp/model.js';
import { resolveMlpHyper } from '../networks/mlp/train.js';
import type { MlpWeights } from '../networks/mlp/types.js';

const ONE_DAY = 8.64e7;

/** The cached trained 784-500-10 weights, or null. */
function cachedWeights(): MlpWeights | null {
  try {
    const hyper = resolveMlpHyper({});
    const train = loadMnist({ split: 'train' });
    const path = defaultMlpCachePath(hyper, dataIdentity(train));
    if (!existsSync(path)) return null;
    return readMlpWeightsFile(path, { hyper, train: dataIdentity(train) }).weights;
  } catch {
    return null;
  }
}

export const mlpInferenceBench: Benchmark = {
  name: 'mlp-inference',
  description: 'MNIST images/s through the 784-500-10 network on simulated hfs2 arrays, every non-ideality on (one core)',
  options: [
    { flag: '--images <n>', key: 'images', description: 'test images per timing', type: 'int', min: 1, default: 2000 },
    { flag: '--seed <n>', key: 'seed', description: 'device instance seed', type: 'int', min: 0, default: 1 },
    { flag: '--repeats <n>', key: 'repeats', description: 'timed passes over the images (the best is reported)', type: 'int', min: 1, default: 3 },
  ],
  run(opts: Record<string, unknown>, log: (line: string) => void): Record<string, unknown> {
    const images = opts['images'] as number, seed = opts['seed'] as number, repeats = opts['repeats'] as number;
    const test = loadMnist({ split: 'test' });
    const ds = sliceDataset(test, 0, Math.min(images, test.count));
    const trained = cachedWeights();
    const weights = trained ?? initMlpWeights([784, 500, 10], 1);
    log(`mlp-inference: ${trained ? 'trained weights from the digitalWeights cache' : 'He-initialised weights (no cached 784-500-10 weights: run `memspike paper` or digitalWeights() once)'}; ${ds.count} test images`);

    const noisyHfs2 = deviceParams(HFS2, { readNoise: { rel: 0.01 } });
    const base: DeployOptions = { device: noisyHfs2, dtod: 0.3, program: 'write-verify', seed };
    const time = (name: string, o: DeployOptions, ageMs: number): Record<string, number> => {
      const t0 = performance.now();
      const d = deployMlp(weights, o);
      const t1 = performance.now();
      d.setAge(ageMs);
      d.evaluate(ds.pixels, ds.labels, { count: Math.min(200, ds.count) }); // warm-up
      // best of `repeats` passes (the machine is shared: the best pass is the least disturbed)
      let perS = 0;
      let ev = d.evaluate(ds.pixels, ds.labels, { count: 1 });
      for (let r = 0; r < repeats; r++) {
        const t2 = performance.now();
        ev = d.evaluate(ds.pixels, ds.labels);
        perS = Math.max(perS, (ev.count * 1000) / (performance.now() - t2));
      }
      log(`${name.padEnd(34)} ${perS.toFixed(0).padStart(6)} images/s  accuracy ${(100 * ev.accuracy).toFixed(2)} %  ${ev.energyPerInference_nJ.toFixed(1)} nJ/inference  deploy ${(t1 - t0).toFixed(0)} ms`);
      return { images_per_s: Math.round(perS), accuracy: ev.accuracy, energy_per_inference_nJ: ev.energyPerInference_nJ, latency_per_inference_ms: ev.latencyPerInference_ms, deploy_ms: Math.round(t1 - t0) };
    };
    const all = time('all non-idealities (1 % read noise)', base, ONE_DAY);
    const preset = time('hfs2 preset (no read noise)', { ...base, device: 'hfs2' }, ONE_DAY);
    const pairs2 = time('2 pairs per weight', { ...base, pairsPerWeight: 2 }, ONE_DAY);
    const pairs4 = time('4 pairs per weight', { ...base, pairsPerWeight: 4 }, ONE_DAY);
    const ideal = time('ideal crossbar', { device: 'ideal', program: 'exact', io: { ...IO_IDEAL }, seed }, 0);
    // The digital network for scale (batched, WebAssembly SIMD).
    const model = createMlpModel(weights);
    model.accuracy(ds);
    const t0 = performance.now();
    const digitalAccuracy = model.accuracy(ds);
    const digitalPerS = (ds.count * 1000) / (performance.now() - t0);
    const load = loadavg()[0];
    log(`${'digital (model.ts)'.padEnd(34)} ${digitalPerS.toFixed(0).padStart(6)} images/s  accuracy ${(100 * digitalAccuracy).toFixed(2)} %`);
    return {
      benchmark: 'mlp-inference',
      network: '784-500-10',
      weights: trained ? 'trained' : 'he-init',
      images: ds.count,
      repeats,
      load_average_1min: Number(load.toFixed(2)),
      setting: 'hfs2, dtod 0.3, write-verify, read noise 1 %, IO_HFS2_PAPER (8-bit DAC/ADC, output noise 0.06, IR drop), 256 × 256 arrays, age 1 day, global compensation',
      images_per_s: all['images_per_s'],
      accuracy: all['accuracy'],
      energy_per_inference_nJ: all['energy_per_inference_nJ'],
      latency_per_inference_ms: all['latency_per_inference_ms'],
      deploy_ms: all['deploy_ms'],
      images_per_s_preset_no_read_noise: preset['images_per_s'],
      images_per_s_pairs2: pairs2['images_per_s'],
      images_per_s_pairs4: pairs4['images_per_s'],
      energy_per_inference_nJ_pairs2: pairs2['energy_per_inference_nJ'],
      energy_per_inference_nJ_pairs4: pairs4['energy_per_inference_nJ'],
      images_per_s_ideal: ideal['images_per_s'],
      images_per_s_digital: Math.round(digitalPerS),
      digital_accuracy: digitalAccuracy,
    };
  },
};
