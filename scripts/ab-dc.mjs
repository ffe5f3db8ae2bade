#!/usr/bin/env node
/**
 * CPU time per Diehl & Cook sample of several builds, alternating processes:
 *
 *   node scripts/ab-dc.mjs ROUNDS "EXTRA FLAGS" REPO_A REPO_B [...]
 *   e.g. node scripts/ab-dc.mjs 3 "--device float" /tmp/old /work/main
 *
 * Each REPO is a checkout with a built dist/. Per round and build: `memspike bench dc` with
 * `--samples 50` and with `--samples 350` (same warm-up), the user + system CPU time of each process
 * (GNU time), and (CPU(350) − CPU(50)) / 300 — the CPU ms of one sample, start-up and MNIST loading
 * cancelled out. CPU time rather than wall time because on a shared machine the wall time mostly
 * measures the waits for a core. Builds take turns (ABBA). Prints one line per build.
 */
import { spawnSync } from 'node:child_process';

const [rounds, extra, ...repos] = process.argv.slice(2);
if (!(Number(rounds) > 0) || repos.length === 0) {
  process.stderr.write('usage: node scripts/ab-dc.mjs ROUNDS "EXTRA FLAGS" REPO_A [REPO_B ...]\n');
  process.exit(2);
}
const cpuSeconds = (repo, samples) => {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, `${repo}/dist/cli/main.js`, 'bench', 'dc', '--samples', String(samples), '--warmup', '20', '--json', ...extra.split(' ').filter(Boolean)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${repo}: bench dc failed: ${r.stderr.slice(-300)}`);
  const [user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return user + sys;
};
const perSample = Object.fromEntries(repos.map((d) => [d, []]));
for (let r = 0; r < Number(rounds); r++) {
  for (const repo of r % 2 ? [...repos].reverse() : repos) {
    const lo = cpuSeconds(repo, 50);
    const hi = cpuSeconds(repo, 350);
    perSample[repo].push(+(((hi - lo) / 300) * 1000).toFixed(2));
  }
}
for (const repo of repos) process.stdout.write(`${repo} ${JSON.stringify(perSample[repo])} CPU ms per sample\n`);
