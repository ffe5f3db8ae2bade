/**
 * `memspike bench startup [--runs 15] [--json]`: how long the CLI takes to start, next to bare Node
 * in the same run (alternating, so that load on a shared machine falls on both alike). Timed
 * commands: `memspike --version` (commander and the command table only), `memspike device list`
 * (one command module, the device presets; no unit string, so no mathjs) and `node -e 0`. Also the
 * time to import the library entry ('memspike') and to parse its first unit string (which loads
 * mathjs). Medians and 90th percentiles of wall time per process, in seconds.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './types.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const ENTRY = new URL('../index.js', import.meta.url).href;

/** Wall time of one process, in seconds; throws with its stderr if it fails. */
function timed(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const t = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
  return t;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description: 'CLI start-up (memspike --version, device list) and library import, next to bare node, alternating',
  options: [{ flag: '--runs <n>', key: 'runs', description: 'processes of each kind', type: 'int', min: 3, default: 15 }],
  run(opts, log) {
    const runs = opts['runs'] as number;
    const cases: Record<string, readonly string[]> = {
      bare_node: ['-e', '0'],
      version: [MAIN, '--version'],
      device_list: [MAIN, 'device', 'list'],
      import_library: ['--input-type=module', '-e', `await import(${JSON.stringify(ENTRY)})`],
      import_and_parse_unit: ['--input-type=module', '-e', `const m = await import(${JSON.stringify(ENTRY)}); m.toInternal('20 ms', 'time', 'x')`],
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let r = 0; r < runs; r++) {
      for (const [name, args] of Object.entries(cases)) times[name].push(timed(args));
      if ((r + 1) % 5 === 0) log(`startup: ${r + 1}/${runs} rounds`);
    }
    const result: Record<string, unknown> = { benchmark: 'startup', runs, node: process.version };
    for (const [name, xs] of Object.entries(times)) {
      result[`${name}_median_s`] = round3(quantile(xs, 0.5));
      result[`${name}_p90_s`] = round3(quantile(xs, 0.9));
    }
    result['version_minus_bare_median_s'] = round3(quantile(times['version'], 0.5) - quantile(times['bare_node'], 0.5));
    return result;
  },
};
