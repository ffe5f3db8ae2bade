/**
 * `memspike bench <name> [options]`: runs one benchmark driver from bench/ and prints its result;
 * with --json the last line is one JSON object. Drivers are listed in bench/index.ts.
 */
import type { Command } from 'commander';
import { BENCHMARKS } from '../../bench/index.js';

export function register(program: Command): void {
  const bench = program.command('bench').description('run a benchmark; with --json the last line printed is one JSON object');
  for (const b of BENCHMARKS) {
    const cmd = bench.command(b.name).description(b.description).option('--json', 'print the result as one JSON line (last line)');
    b.options(cmd);
    cmd.action(async (opts: Record<string, unknown>) => {
      const result = await b.run(opts, (line: string) => process.stdout.write(`${line}\n`));
      if (opts['json']) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(`${formatTable(result)}\n`);
    });
  }
}

function formatTable(result: Record<string, unknown>): string {
  const keys = Object.keys(result);
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${typeof result[k] === 'object' ? JSON.stringify(result[k]) : String(result[k])}`).join('\n');
}
