/** A benchmark driver behind `memspike bench <name>`. */
import type { Command } from 'commander';

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Adds the driver's options to its sub-command. */
  options(cmd: Command): void;
  /** Runs the benchmark; `log` prints progress lines (never the JSON line). Returns the result object. */
  run(opts: Record<string, unknown>, log: (line: string) => void): Promise<Record<string, unknown>> | Record<string, unknown>;
}
