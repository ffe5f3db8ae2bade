/**
 * `memspike bench <name> [options]`: runs one benchmark driver from bench/ and prints its result;
 * with --json stdout holds only the JSON object (progress lines go to stderr). Drivers are listed
 * in bench/index.ts and declare their options as data; `bench dc` also takes the network flags of
 * `memspike train` (the same spec and defaults).
 */
import type { Command } from 'commander';
import { summaryOf } from './summaries.js';
import { BENCHMARKS } from '../../bench/index.js';
import type { BenchOption } from '../../bench/types.js';
import { resolveSpec } from '../../networks/diehl-cook/spec.js';
import { addNetworkOptions, FieldSources, networkFields } from '../experiment-options.js';
import { intOption, numberOption, quantityOption, rawOption } from '../options.js';
import { checkMemory, checkModelFits } from '../resources.js';
import { registerEvalWorkersBench } from '../bench-eval-workers.js';
import { registerQueueBench } from '../sweep/queue-bench.js';

function parser(o: BenchOption): ((value: string) => unknown) | undefined {
  const name = o.flag.split(' ')[0];
  switch (o.type) {
    case 'int':
      return intOption(name, o.min ?? 1);
    case 'number':
      return numberOption(name, o.min ?? -Infinity);
    case 'time':
      return quantityOption(name, 'time');
    case 'string':
      return undefined;
  }
}

export function register(program: Command): void {
  const bench = program.command('bench').description(summaryOf('bench'));
  for (const b of BENCHMARKS) {
    const cmd = bench.command(b.name).description(b.description).option('--json', 'print the result as one JSON object on stdout (progress lines to stderr)');
    for (const o of b.options) {
      const parse = parser(o);
      if (parse) cmd.option(o.flag, o.description, parse, o.default);
      else cmd.option(o.flag, o.description, String(o.default));
    }
    if (b.experiment) addNetworkOptions(cmd);
    cmd.action(async (opts: Record<string, unknown>) => {
      if (b.experiment) {
        const sources = new FieldSources();
        try {
          const spec = resolveSpec({ ...networkFields(opts, sources), schedule: [{ phase: 'train', samples: 1 }] });
          checkModelFits(spec, false);
          opts['spec'] = spec;
        } catch (e) {
          throw sources.translate(e);
        }
      }
      // sizes that cannot fit are refused before anything is allocated
      const m = b.memory?.(opts) ?? null;
      if (m !== null) checkMemory(m.flag, rawOption(m.flag) ?? String(m.value), m.value, `bench ${b.name} with ${m.flag} ${m.value}`, m);
      const result = await b.run(opts, (line: string) => process.stderr.write(`${line}\n`));
      if (opts['json']) process.stdout.write(`${JSON.stringify(result)}\n`);
      else process.stdout.write(`${formatTable(result)}\n`);
    });
  }
  // benchmarks of the CLI's own machinery (worker threads), which bench/ cannot import
  registerEvalWorkersBench(bench);
  // queue mode's overhead (BullMQ on a private redis-server): cli/sweep/queue-bench.ts
  registerQueueBench(bench);
}

function formatTable(result: Record<string, unknown>): string {
  const keys = Object.keys(result);
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${typeof result[k] === 'object' ? JSON.stringify(result[k]) : String(result[k])}`).join('\n');
}
