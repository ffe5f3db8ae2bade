#!/usr/bin/env node
/**
 * CPU time per Diehl & Cook training sample of several builds in ONE process, alternating:
 *
 *   node scripts/ab-dc-inprocess.mjs DEVICE ROUNDS CHUNK REPO_A REPO_B [...]
 *   e.g. node scripts/ab-dc-inprocess.mjs hfs2 16 10 /tmp/old /work/main
 *
 * Each REPO is a checkout with a built dist/. Every build trains its own experiment (the spec of
 * `memspike train` with --device DEVICE, 400 neurons, the same MNIST images in the same order);
 * after 30 warm-up samples each, the builds take turns (ABBA) running CHUNK samples, ROUNDS times,
 * and the process's user + system CPU time of each chunk is taken (process.cpuUsage). Taking turns
 * every few hundred milliseconds inside one process puts both builds under the same load and clock
 * of a shared machine, which separate processes minutes apart do not. Prints per build the minimum,
 * lower quartile and median ms per sample, and the median (and quartiles) of the per-round ratio of
 * the second build to the first.
 */
const [device, roundsArg, chunkArg, ...repos] = process.argv.slice(2);
const rounds = Number(roundsArg);
const chunk = Number(chunkArg);
if (!device || !(rounds > 0) || !(chunk > 0) || repos.length < 1) {
  process.stderr.write('usage: node scripts/ab-dc-inprocess.mjs DEVICE ROUNDS CHUNK REPO_A [REPO_B ...]\n');
  process.exit(2);
}
const experiments = [];
for (const repo of repos) {
  const { loadMnist } = await import(`${repo}/dist/networks/datasets/idx-node.js`);
  const { DiehlCookExperiment } = await import(`${repo}/dist/networks/diehl-cook/experiment.js`);
  const { resolveSpec } = await import(`${repo}/dist/networks/diehl-cook/spec.js`);
  const spec = resolveSpec({ device, schedule: [{ phase: 'train', samples: 30 + rounds * chunk }] });
  const experiment = new DiehlCookExperiment(spec, { train: loadMnist({ split: 'train' }), test: null });
  experiment.advance({ samples: 30 });
  experiments.push(experiment);
}
const perSample = repos.map(() => []);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...experiments.keys()].reverse() : [...experiments.keys()];
  for (const b of order) {
    const start = process.cpuUsage();
    experiments[b].advance({ samples: chunk });
    const used = process.cpuUsage(start);
    perSample[b].push((used.user + used.system) / 1000 / chunk);
  }
}
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];
const ms = (x) => x.toFixed(2);
repos.forEach((repo, b) => {
  process.stdout.write(`${repo} ${device}: min ${ms(quantile(perSample[b], 0))}, q25 ${ms(quantile(perSample[b], 0.25))}, median ${ms(quantile(perSample[b], 0.5))} CPU ms per sample\n`);
});
for (let b = 1; b < repos.length; b++) {
  const ratios = perSample[b].map((t, r) => t / perSample[0][r]);
  process.stdout.write(`${repos[b]} / ${repos[0]}: median ${quantile(ratios, 0.5).toFixed(3)} (quartiles ${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)})\n`);
}
